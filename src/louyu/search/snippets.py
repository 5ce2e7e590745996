"""Highlighted snippets: the text is escaped first, then the matched words are wrapped in
``<mark>``, so nothing a complainant or an editor wrote can become markup."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_LENGTH = 120


def _pattern(words: list[str]) -> re.Pattern | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with every occurrence of the words marked."""
    pattern = _pattern(words)
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    out, last = [], 0
    for found in pattern.finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def snippet(text: str, words: list[str], *, length: int = SNIPPET_LENGTH) -> SafeString:
    """About ``length`` characters of ``text`` around the first matched word, highlighted,
    with an ellipsis where it was cut."""
    text = " ".join((text or "").split())
    pattern = _pattern(words)
    first = pattern.search(text) if pattern else None
    start = 0 if first is None else max(0, first.start() - length // 3)
    piece = text[start : start + length]
    head = "…" if start > 0 else ""
    tail = "…" if start + length < len(text) else ""
    return mark_safe(head + highlight(piece, words) + tail)  # noqa: S308 - escaped pieces
