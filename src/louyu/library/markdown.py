"""A practice's body: Markdown rendered by markdown-it-py (CommonMark, raw HTML off, so
any HTML in the source is shown as text) and the result cleaned by nh3 (Ammonia) to an
allow-list of tags, attributes and URL schemes, so no script, event handler or
``javascript:`` link survives whatever the parser lets through."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    """Safe HTML for ``text``; links open without referrer and cannot reach the opener."""
    html = _parser.render(text or "")
    return mark_safe(  # noqa: S308 - cleaned by nh3 on the line before
        nh3.clean(
            html,
            tags=TAGS,
            attributes=ATTRIBUTES,
            url_schemes=SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )
