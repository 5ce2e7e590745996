"""The measures of GB/T 9704-2012 (党政机关公文格式) that both renderers share."""

from __future__ import annotations

import unicodedata

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28
MARGIN_RIGHT_MM = 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156 mm
TEXT_WIDTH_PT = TEXT_WIDTH_MM / 25.4 * 72

BODY_PT = 16  # 三号: body, document number, headings
LINE_PT = 29  # 22 lines in the 225 mm text area
TITLE_PT = 22  # 二号
PAGE_NUMBER_PT = 14  # 四号, also the copy-to line
TABLE_PT = 12  # 小四
COMPACT_TABLE_PT = 10.5  # 五号, a compact table
ISSUER_MAX_PT = 40.0
ISSUER_MIN_PT = 16.0
ISSUER_TOP_MM = 35  # from the top of the text area to the issuing organisation's name
RED = "E60012"
HEADER_MIN_WIDTH = 4  # a table header this wide or narrower stays on one line
HEADER_LINES = 3  # a longer one may wrap onto this many lines


def issuer_pt(issuer: str) -> float:
    """The size of the issuing organisation's name: as large as ISSUER_MAX_PT, smaller for a
    long name so that it stays on one line, never below ISSUER_MIN_PT."""
    fitting = TEXT_WIDTH_PT / max(display_width(issuer), 1) * 0.9
    return min(ISSUER_MAX_PT, max(ISSUER_MIN_PT, fitting))


def display_width(text: str) -> float:
    """The width of `text` in body characters: a CJK or other wide character is one, a
    narrow one (Latin letters, digits) half."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def column_shares(columns, rows) -> list[float]:
    """Each column's share of the table width (summing to 1), in proportion to its longest
    text, capped at 16 characters so that one long cell does not squeeze the other columns.
    A header counts whole up to HEADER_MIN_WIDTH characters; a longer one may wrap onto
    HEADER_LINES lines (but not below HEADER_MIN_WIDTH a line), so that a column of short
    figures under a long metric name does not take the width its neighbours need."""
    weights = []
    for index, heading in enumerate(columns):
        longest = max([display_width(row[index]) for row in rows], default=0)
        weights.append(min(max(longest, header_width(heading)), 16) + 1)
    total = sum(weights)
    return [weight / total for weight in weights]


def header_width(heading: str) -> float:
    """The width a header needs, in body characters, when it may wrap (column_shares)."""
    width = display_width(heading)
    if width <= HEADER_MIN_WIDTH:
        return width
    return max(HEADER_MIN_WIDTH, width / HEADER_LINES)
