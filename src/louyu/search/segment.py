"""Chinese word segmentation for the index and for queries (rjieba, the jieba-rs binding).

Both sides keep only word characters, so no token can carry an operator of either
full-text engine: a token is letters, digits and CJK characters, lower-cased."""

from __future__ import annotations

import re

import rjieba

_NOT_WORD = re.compile(r"[\W_]+")


def _clean(tokens: list[str]) -> list[str]:
    cleaned = (_NOT_WORD.sub("", token).lower() for token in tokens)
    return [token for token in cleaned if token]


def index_tokens(*texts: str) -> str:
    """The texts segmented for the index: every word and the shorter words inside it
    (``cut_for_search``), space-joined."""
    return " ".join(_clean(rjieba.cut_for_search(" ".join(t for t in texts if t))))


def query_tokens(text: str) -> list[str]:
    """The distinct words of a query, in order (precise segmentation)."""
    return list(dict.fromkeys(_clean(rjieba.cut(text))))


def query_terms(text: str) -> list[tuple[str, ...]]:
    """The query as terms, each a word and the shorter words inside it: a text matches a
    term when it has the word, or all of its shorter words. The index and the query are
    segmented apart, so a word of the query (国际贸易) may be indexed only in pieces, inside a
    longer word (中国国际贸易中心 → 国际, 贸易)."""
    terms = []
    for word in query_tokens(text):
        parts = [p for p in _clean(rjieba.cut_for_search(word)) if p != word]
        terms.append((word, *dict.fromkeys(parts)))
    return terms
