import datetime

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from louyu.articles.parsing import INLINE_TAGS, parse_article, parse_date, sanitize_paragraphs
from louyu.articles.tests import samples

UTC = datetime.UTC


def test_news_page_keeps_paragraphs_and_strips_the_rest():
    article = parse_article(samples.NEWS_PAGE.encode(), filename="news.html")
    assert article.title == "大连整治商务楼宇宽带接入"
    assert article.original_title == "大连市通信管理局联合多部门整治楼宇宽带接入市场"
    assert article.source_name == "大连新闻网"
    assert article.source_url == "https://news.example.cn/2024/03/05/broadband.html"
    assert article.published_at == datetime.datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    html, text = article.body_html, article.body_text
    gone = ["script", "track", "onclick", "onerror", "onmouseover", "javascript:", "扫码"]
    gone += ["下载APP", "分享到", "iframe", "<img", "editor's note", "pixel"]
    for word in gone:
        assert word not in html, word
    assert "检查发现部分物业收取进场费。" in text
    assert '<a href="https://www.example.cn/policy"' in html
    assert "大连整治商务楼宇宽带接入" not in text  # the title is not repeated as a paragraph
    assert article.image_urls == ["https://img.example.cn/2024/photo.jpg"]


def test_markdown_with_front_matter_and_raw_html():
    article = parse_article(samples.MARKDOWN.encode(), filename="policy.md")
    assert article.title == "工业和信息化部部署商务楼宇宽带接入市场联合整治"
    assert article.published_at == datetime.datetime(2021, 4, 2, 11, 59, 41, tzinfo=UTC)
    assert article.categories == ["政策", "联合整治"]
    assert article.author == "政策研究组"
    assert article.header_image == "https://img.example.cn/header.jpg"
    assert article.source_url == "https://www.example.gov.cn/policy/2021/0402.html"
    assert "<h3>总体要求</h3>" in article.body_html
    assert "<strong>市场监管</strong>" in article.body_html
    assert "辽宁省通信管理局牵头开展自查。" in article.body_text
    for gone in ('alert("raw html")', "onclick", 'href="javascript:', "<script", "<div"):
        assert gone not in article.body_html, gone


def test_html_with_front_matter_drops_share_block():
    article = parse_article(samples.HTML_WITH_FRONT_MATTER.encode(), filename="bj.html")
    assert article.body_text == "北京市通信管理局近日开展专项检查。"
    assert article.categories == ["检查"]
    assert article.published_at == datetime.datetime(2024, 5, 9, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri, 02 Apr 2021 11:59:41 GMT", datetime.datetime(2021, 4, 2, 11, 59, 41, tzinfo=UTC)),
        ("2021-04-02T11:59:41+08:00", datetime.datetime(2021, 4, 2, 3, 59, 41, tzinfo=UTC)),
        ("2021-04-02T03:59:41Z", datetime.datetime(2021, 4, 2, 3, 59, 41, tzinfo=UTC)),
        ("2021-04-02", datetime.datetime(2021, 4, 1, 16, 0, tzinfo=UTC)),
        ("2021-04-02 08:00", datetime.datetime(2021, 4, 2, 0, 0, tzinfo=UTC)),
        ("2021年4月2日 08:00", datetime.datetime(2021, 4, 2, 0, 0, tzinfo=UTC)),
        (datetime.date(2021, 4, 2), datetime.datetime(2021, 4, 1, 16, 0, tzinfo=UTC)),
    ],
)
def test_dates_in_iso_rfc2822_and_chinese_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["去年春天", "2021-13-45", "Fri, 99 Foo 2021", "", "1850-01-01"])
def test_dates_that_do_not_parse_are_refused(text):
    with pytest.raises(ValidationError) as caught:
        parse_date(text)
    assert "发布日期" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.md", samples.NO_FRONT_MATTER, "缺少 YAML 头信息"),
        ("a.md", samples.BROKEN_YAML, "头信息（YAML）格式错误（文件第"),
        ("a.md", samples.BAD_DATE, "发布日期“去年春天”无法识别"),
        ("a.md", samples.EMPTY_BODY, "正文为空"),
        ("a.html", samples.ONLY_SCRIPTS, "正文为空"),
        ("a.md", "---\ndate: 2024-01-01\n---\n正文\n", "缺少标题"),
        ("a.md", "---\ntitle: 无日期\n---\n正文\n", "缺少发布日期"),
        ("a.md", "---\n- 列表\n---\n正文\n", "头信息"),
        ("a.html", "<html><body><h1>标题</h1><p>没有日期的网页</p></body></html>", "发布日期"),
        ("a.md", "", "空"),
        ("a.md", "---\ntitle: 坏日期\ndate: 2024-02-30\n---\n正文\n", "头信息"),
        ("a.html", "<html><body><script>x()</script><style>p{}</style></body></html>", "标题"),
        ("a.md", "<p>没有头信息的 Markdown</p>", "缺少 YAML 头信息"),
        ("a.bin", b"\x00\x01\xff\xfe" * 10, "不是文本文件"),
        ("a.md", samples.front_matter("长" * 301), "标题超过 300 字"),
    ],
)
def test_bad_files_are_refused_with_a_chinese_reason(name, content, message):
    data = content if isinstance(content, bytes) else content.encode()
    with pytest.raises(ValidationError) as caught:
        parse_article(data, filename=name)
    assert message in caught.value.messages[0]


def test_gbk_page_is_read():
    page = (
        "<html><body><h1>GBK 网页</h1><p>发布时间：2024年1月2日</p><p>正文内容。</p></body></html>"
    )
    article = parse_article(page.encode("gbk"), filename="gbk.htm")
    assert article.title == "GBK 网页"
    assert article.published_at.date() == datetime.date(2024, 1, 1)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_body_is_either_refused_or_stored_without_active_content(body):
    data = samples.front_matter("随机", body=body).encode()
    try:
        article = parse_article(data, filename="x.html")
    except ValidationError:
        return
    for html in (article.body_html, sanitize_paragraphs(article.body_html)):
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        for element in root.iter():
            assert element.tag in {"div", "p", "h3", *INLINE_TAGS}, element.tag
            assert not [a for a in element.attrib if a.lower().startswith("on")]
            assert not element.get("href", "").strip().lower().startswith("javascript")
    assert article.body_text.strip()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_date_text_parses_or_is_refused(text):
    try:
        moment = parse_date(text)
    except ValidationError:
        return
    assert moment.tzinfo is not None


def test_a_bare_page_starting_with_any_tag_is_read():
    page = "\n<!-- 导出 -->\n<section><h1>片段网页</h1><time datetime='2024-06-01'></time>"
    article = parse_article((page + "<p>正文。</p></section>").encode(), filename="x.htm")
    assert article.title == "片段网页" and article.body_text == "正文。"
