"""The content of an official document (公文), independent of its output format.

Bulletins (通报) and letters to complainants are built as a `Document` and handed to
`louyu.core.documents.pdf.render_pdf` or `louyu.core.documents.docx.render_docx`, which lay
it out after GB/T 9704-2012 (党政机关公文格式). Every object is immutable: sequences given
as lists are stored as tuples, and invalid content is refused when the object is made, so a
renderer never meets a ragged table or an image that is not a PNG.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADING_LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Heading:
    """A heading of the body; `text` carries its own ordinal (一、 （一） 1. （1）), and
    `level` (1 to 4) chooses the face GB/T 9704 gives that level."""

    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level not in HEADING_LEVELS:
            raise ValueError(f"heading level must be one of {HEADING_LEVELS}, not {self.level}")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph, set with a first-line indent of two characters."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table with a header row that repeats on every page it spans. Every row has one cell
    per column; the columns whose indices are in `numeric_columns` are right-aligned. A
    `compact` table (an attachment's statistics: many rows or columns) is set in 五号
    instead of 小四, with narrower cell padding."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str | None = None
    numeric_columns: frozenset[int] = field(default_factory=frozenset)
    compact: bool = False

    def __post_init__(self) -> None:
        columns = tuple(self.columns)
        rows = tuple(tuple(row) for row in self.rows)
        if not columns:
            raise ValueError("a table needs at least one column")
        for number, row in enumerate(rows, start=1):
            if len(row) != len(columns):
                raise ValueError(
                    f"table row {number} has {len(row)} cells, the header has {len(columns)}"
                )
        numeric = frozenset(self.numeric_columns)
        outside = sorted(index for index in numeric if not 0 <= index < len(columns))
        if outside:
            raise ValueError(f"numeric column indices {outside} are not columns of the table")
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "numeric_columns", numeric)


@dataclass(frozen=True)
class Image:
    """A PNG picture (a chart rendered elsewhere), `width_mm` wide, centred, with an
    optional caption below it."""

    png_bytes: bytes
    width_mm: float
    caption: str | None = None

    def __post_init__(self) -> None:
        if not self.png_bytes.startswith(PNG_SIGNATURE):
            raise ValueError("an image must be PNG bytes")
        if not 0 < self.width_mm <= 156:
            raise ValueError("an image must be more than 0 and at most 156 mm (the text width)")


@dataclass(frozen=True)
class PageBreak:
    """The next block starts on a new page."""


Block = Heading | Paragraph | Table | Image | PageBreak


def _blocks(blocks: Sequence[Block]) -> tuple[Block, ...]:
    blocks = tuple(blocks)
    for block in blocks:
        if not isinstance(block, Heading | Paragraph | Table | Image | PageBreak):
            raise TypeError(f"not a document block: {block!r}")
    return blocks


@dataclass(frozen=True)
class Attachment:
    """An attachment (附件) of a document: its title and blocks, set on pages of its own after
    the signature, headed by "附件" and its number (GB/T 9704-2012 8), and listed in the
    attachment note (附件说明) below the body."""

    title: str
    blocks: Sequence[Block]

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", _blocks(self.blocks))


@dataclass(frozen=True)
class Document:
    """An official document: the issuing organisation (发文机关) and optional document number
    (文号) head it, then the title, the optional recipients line (主送), the body blocks, the
    attachment note if there are attachments, the signature (落款) with its date, the
    attachments, and the optional copy-to line (抄送)."""

    issuer: str
    title: str
    blocks: Sequence[Block]
    signature: str
    date: datetime.date
    number: str | None = None
    recipients: str | None = None
    copy_to: str | None = None
    attachments: Sequence[Attachment] = ()
    # The letter format (信函格式, GB/T 9704-2012 10.1): the issuer's name at the top of the
    # text area instead of 35 mm below it and the title one line closer, for a short letter
    # that fits on one page.
    letter_format: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", _blocks(self.blocks))
        attachments = tuple(self.attachments)
        for attachment in attachments:
            if not isinstance(attachment, Attachment):
                raise TypeError(f"not an attachment: {attachment!r}")
        object.__setattr__(self, "attachments", attachments)

    @property
    def attachment_labels(self) -> list[str]:
        """What heads each attachment: "附件" for a single one, else "附件1", "附件2", …"""
        if len(self.attachments) == 1:
            return ["附件"]
        return [f"附件{number}" for number in range(1, len(self.attachments) + 1)]

    @property
    def attachment_note(self) -> list[str]:
        """The lines of the attachment note (GB/T 9704-2012 7.3.4): "附件：" and the title of a
        single attachment, or "附件：1. …" then "2. …", one line each."""
        titles = [attachment.title for attachment in self.attachments]
        if len(titles) == 1:
            return [f"附件：{titles[0]}"]
        lines = [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
        return [f"附件：{line}" if index == 0 else line for index, line in enumerate(lines)]

    @property
    def date_text(self) -> str:
        """The date as GB/T 9704-2012 writes the date of issue: Arabic numerals, full year,
        no leading zeros (2026年3月5日)."""
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"
