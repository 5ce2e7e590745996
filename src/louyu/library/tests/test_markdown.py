from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from louyu.library.markdown import SCHEMES, TAGS, render_markdown

FRAGMENTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:x()">a</a>',
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "![i](data:text/html;base64,PHA+)",
    "<iframe src=//evil>", '<div onclick="x()">', "<svg onload=alert(1)>", "[x](vbscript:y)",
    "[ok](https://example.cn)", "**b**", "# h", "\n\n", "| a |\n|---|\n| b |", "`<b>`", "&lt;",
    "<style>body{}</style>", "javascript&colon;alert(1)", "[x](  javascript:alert(1))",
]  # fmt: skip


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


def _parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def _assert_safe(html: str) -> None:
    found = _parse(html)
    assert set(found.tags) <= TAGS
    for name, value in found.attributes:
        assert not name.startswith("on")
        if name in ("href", "src"):
            scheme = value.split(":", 1)[0].lower() if ":" in value else ""
            assert scheme in SCHEMES or not scheme


@pytest.mark.parametrize("text", FRAGMENTS)
def test_each_hostile_fragment_is_neutralised(text):
    _assert_safe(render_markdown(text))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=12))
def test_any_mix_of_markdown_and_html_renders_safely(parts):
    _assert_safe(render_markdown("".join(parts)))


def test_markdown_still_renders():
    html = render_markdown("## 做法\n\n- 建档\n\n[官网](https://www.miit.gov.cn)")
    assert "<h2>做法</h2>" in html and "<li>建档</li>" in html
    assert 'rel="noopener noreferrer nofollow"' in html
