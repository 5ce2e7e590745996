"""Reading one article file into a :class:`ParsedArticle`, without touching the database.

A file is either Markdown or HTML with YAML front matter (``title``, ``date``,
``categories``, ``author``, a header image, the source address and name; other keys are
ignored), or a bare HTML page whose title, date and source come from its ``<meta>`` tags,
``<time>`` and ``<title>``/``<h1>``. The body is cut into paragraphs: scripts, styles,
comments, frames, forms, QR-code and app-promotion blocks, share bars and tracking pixels
are dropped; images are removed from the body and their addresses kept as metadata (never
fetched); what is kept is sanitised with nh3 (no event handlers, only http(s)/mailto links).

Every refusal is a ``ValidationError`` with a message in Chinese that a clerk understands.
"""

from __future__ import annotations

import datetime
import email.utils
import re
from dataclasses import dataclass, field
from html import unescape
from zoneinfo import ZoneInfo

import frontmatter
import lxml.html
import nh3
import yaml
from django.core.exceptions import ValidationError
from lxml import etree
from markdown_it import MarkdownIt

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE_MAX = 300
TEXT_FIELD_MAX = 200
URL_MAX = 1000
CATEGORY_MAX = 20
IMAGE_MAX = 50

# Inline markup kept inside a paragraph; everything else is reduced to its text.
INLINE_TAGS = {"a", "strong", "b", "em", "i", "u", "sub", "sup", "br", "code"}
LINK_SCHEMES = {"http", "https", "mailto"}
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "pre", "li", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "dd", "dt", "dl",
    "figure", "figcaption", "center", "body",
}  # fmt: skip
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Removed with everything inside them.
DROPPED_TAGS = {
    "script", "style", "noscript", "iframe", "frame", "frameset", "object", "embed",
    "applet", "form", "input", "button", "select", "textarea", "svg", "canvas", "template",
    "link", "meta", "nav", "aside", "footer", "header", "audio", "video", "map", "head",
}  # fmt: skip
# A class or id naming one of these marks a promotion, share or tracking block.
PROMOTION_MARKERS = re.compile(
    r"qr-?code|erweima|qrcode|share|social|app-?(download|promo|banner)|download-?app|"
    r"promo|advert|\bad[s_-]|banner|tracker|tracking|beacon|wechat|weixin|follow-?us|"
    r"recommend|related|comment",
    re.IGNORECASE,
)
# A short block whose text says one of these is a promotion (QR code, app, share bar).
PROMOTION_TEXT = re.compile(
    r"扫码|扫一扫|二维码|长按识别|下载(客户端|APP|App|app)|打开(APP|App|app|客户端)|"
    r"关注(我们|公众号|微信)|分享到|分享至|责任编辑|【纠错】|推荐阅读|相关阅读"
)
PROMOTION_TEXT_MAX = 80
TRACKER_SRC = re.compile(r"pixel|beacon|track|analytics|stat\.|/count|hm\.baidu|cnzz", re.I)
ORIGINAL_TITLE = re.compile(r"^\s*原标题\s*[:：]\s*(.+?)\s*$")
SOURCE_LINE = re.compile(r"^\s*来源\s*[:：]\s*(\S.{0,60}?)\s*$")
CN_DATE = re.compile(
    r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
# A bare HTML page starts with a tag (after blank lines and comments).
HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*<[a-z!]", re.I | re.S)

FRONT_MATTER_TITLE = ("title",)
FRONT_MATTER_SOURCE_URL = ("source_url", "url", "link", "original_url", "canonical_url")
FRONT_MATTER_IMAGE = ("header_image", "header-image", "image", "cover", "header", "thumbnail")

DATE_FORMS = (
    "ISO 8601（如 2021-04-02 或 2021-04-02T11:59:41+08:00）"
    "或 RFC 2822（如 Fri, 02 Apr 2021 11:59:41 GMT）"
)

_markdown = MarkdownIt("commonmark", {"html": True})


@dataclass
class ParsedArticle:
    title: str
    published_at: datetime.datetime
    paragraphs: list[str]
    original_title: str = ""
    source_url: str = ""
    source_name: str = ""
    author: str = ""
    categories: list[str] = field(default_factory=list)
    header_image: str = ""
    image_urls: list[str] = field(default_factory=list)

    @property
    def body_html(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def body_text(self) -> str:
        return "\n\n".join(paragraph_text(p) for p in self.paragraphs)


def refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid")


# --- Text and dates -----------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else GB18030 (which covers GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise refuse("文件不是文本文件（应为 UTF-8 或 GBK 编码的 Markdown 或 HTML）。")


def _clean_line(value, limit: int = TEXT_FIELD_MAX) -> str:
    text = " ".join(str(value or "").split())
    return text[:limit]


def _aware(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(datetime.UTC)


def parse_date(value) -> datetime.datetime:
    """A publication time in UTC from a YAML date or datetime, an ISO 8601 or RFC 2822
    string, or a Chinese date (2021年4月2日 11:59). A time without offset, or a date alone,
    is read in Asia/Shanghai. Raises ValidationError naming the value."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(), tzinfo=SHANGHAI)
    else:
        text = _clean_line(value, 100)
        moment = _parse_date_text(text)
        if moment is None:
            raise refuse(f"发布日期“{text}”无法识别，请使用 {DATE_FORMS}。")
    if not 1900 <= moment.year <= 2100:
        raise refuse(f"发布日期“{_clean_line(value, 100)}”不在合理范围内（1900—2100 年）。")
    return _aware(moment)


def _parse_date_text(text: str) -> datetime.datetime | None:
    if not text:
        return None
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        return datetime.datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    match = CN_DATE.fullmatch(text)
    if match:
        return _cn_date(match)
    return None


def _cn_date(match: re.Match) -> datetime.datetime | None:
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        return datetime.datetime(*parts)
    except ValueError:
        return None


# --- HTML body ------------------------------------------------------------------------------


def _is_promotion(element) -> bool:
    if element.tag in ("html", "body"):
        return False
    marker = f"{element.get('class', '')} {element.get('id', '')}"
    if marker.strip() and PROMOTION_MARKERS.search(marker):
        return True
    if element.tag in BLOCK_TAGS:
        text = element.text_content()
        return len(text.strip()) <= PROMOTION_TEXT_MAX and bool(PROMOTION_TEXT.search(text))
    return False


def _image_address(element) -> str:
    src = element.get("data-src") or element.get("src") or ""
    src = src.strip()
    if not src or src.startswith("data:") or len(src) > URL_MAX:
        return ""
    if (
        TRACKER_SRC.search(src)
        or element.get("width") in ("0", "1")
        or element.get("height") in ("0", "1")
    ):
        return ""
    if src.lower().startswith(("http://", "https://", "//", "/")) or not re.match(
        r"^[a-z][a-z0-9+.-]*:", src, re.I
    ):
        return src
    return ""


def _strip(root, images: list[str]) -> None:
    """Remove comments, dropped tags, promotion blocks and images (keeping the addresses of
    the images that are not inside a removed block)."""
    for comment in root.xpath("//comment()"):
        if comment.getparent() is not None:  # a comment before <html> is not in the page
            comment.drop_tree()
    doomed = []
    pending = [root]
    while pending:
        element = pending.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in DROPPED_TAGS or (tag and _is_promotion(element)):
            doomed.append(element)
            continue
        if tag in ("img", "picture", "source"):
            address = _image_address(element)
            if address and address not in images and len(images) < IMAGE_MAX:
                images.append(address)
            doomed.append(element)
        pending.extend(reversed(element))
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _content_root(root):
    """The element holding the article text: ``<article>``, an ``articleBody``, or the body."""
    for path in ("//article", "//*[@itemprop='articleBody']", "//main", "//body"):
        found = root.xpath(path)
        if found:
            return found[0]
    return root


def _inline_html(element) -> str:
    inner = (element.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in element
    )
    return inner


def _paragraph(tag: str, inner_html: str) -> str:
    cleaned = _sanitize(inner_html, INLINE_TAGS).strip()
    cleaned = re.sub(r"^(\s|<br>|&nbsp;|\u3000)+|(\s|<br>|&nbsp;|\u3000)+$", "", cleaned)
    if not paragraph_text(cleaned):
        return ""
    wrapper = "h3" if tag in HEADING_TAGS else "p"
    return f"<{wrapper}>{cleaned}</{wrapper}>"


def paragraph_text(html: str) -> str:
    """The plain text of one stored paragraph."""
    if not html:
        return ""
    text = nh3.clean(re.sub(r"\s+", " ", html).replace("<br>", "\n"), tags=set())
    text = unescape(text).replace("\xa0", " ")
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _has_block_child(element) -> bool:
    return any(isinstance(child.tag, str) and child.tag.lower() in BLOCK_TAGS for child in element)


def _collect(element, out: list[str]) -> None:
    """Paragraphs in document order: a block without block children is one paragraph; text
    loose between a block's block children is a paragraph of its own."""
    if not _has_block_child(element):
        paragraph = _paragraph(element.tag.lower(), _inline_html(element))
        if paragraph:
            out.append(paragraph)
        return
    loose = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag.lower() in BLOCK_TAGS:
            _flush(loose, out)
            _collect(child, out)
            loose = [child.tail or ""]
        else:
            loose.append(etree.tostring(child, encoding="unicode", method="html"))
    _flush(loose, out)


def _flush(loose: list[str], out: list[str]) -> None:
    paragraph = _paragraph("p", "".join(loose))
    if paragraph:
        out.append(paragraph)


def parse_html(html: str) -> tuple[lxml.html.HtmlElement, list[str], list[str]]:
    """The parsed document, its paragraphs (sanitised HTML) and its image addresses."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        raise refuse("正文不是可读取的 HTML。") from None
    images: list[str] = []
    _strip(root, images)
    paragraphs: list[str] = []
    _collect(_content_root(root), paragraphs)
    return root, paragraphs, images


def _meta(root, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = root.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if found and found[0].strip():
                return found[0].strip()
    return ""


# --- Whole files ----------------------------------------------------------------------------


def _first(metadata: dict, keys: tuple[str, ...]):
    for key in keys:
        value = metadata.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _categories(value) -> list[str]:
    if value is None:
        return []
    items = re.split(r"[,，、;；]", value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    cleaned = []
    for item in items:
        text = _clean_line(item, 50)
        if text and text not in cleaned:
            cleaned.append(text)
    return cleaned[:CATEGORY_MAX]


def _image_value(value) -> str:
    if isinstance(value, dict):
        value = _first(value, ("image", "src", "url", "overlay_image", "teaser"))
    text = _clean_line(value, URL_MAX)
    return "" if text.lower().startswith(("javascript:", "data:", "vbscript:")) else text


def _url(value) -> str:
    text = _clean_line(value, URL_MAX)
    return text if re.match(r"^https?://\S+$", text, re.I) else ""


def _title(value) -> str:
    title = _clean_line(value, TITLE_MAX + 1)
    if len(title) > TITLE_MAX:
        raise refuse(f"标题超过 {TITLE_MAX} 字。")
    return title


def _front_matter(text: str) -> tuple[dict, str]:
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（文件第 {mark.line + 2} 行）" if mark is not None else ""
        raise refuse(f"头信息（YAML）格式错误{where}，请检查冒号、引号和缩进。") from None
    except (ValueError, TypeError):
        raise refuse("头信息（YAML）格式错误。") from None
    if not isinstance(post.metadata, dict):
        raise refuse("头信息（YAML）应为“键: 值”的形式。")
    return post.metadata, post.content


def _finish(article: ParsedArticle) -> ParsedArticle:
    """Take the 原标题 and 来源 lines of Chinese news into the metadata."""
    for paragraph in article.paragraphs[:8]:
        text = paragraph_text(paragraph)
        if not article.original_title and (match := ORIGINAL_TITLE.match(text)):
            article.original_title = _clean_line(match.group(1), TITLE_MAX)
        if not article.source_name and (match := SOURCE_LINE.match(text)):
            article.source_name = _clean_line(match.group(1))
    if not article.paragraphs:
        raise refuse("正文为空：去除脚本、样式和推广内容后没有文字。")
    return article


def _from_front_matter(text: str, *, markdown: bool) -> ParsedArticle:
    metadata, body = _front_matter(text)
    if not body.strip():
        raise refuse("正文为空。")
    html = _markdown.render(body) if markdown else body
    root, paragraphs, images = parse_html(f"<html><body>{html}</body></html>")
    title = _title(_first(metadata, FRONT_MATTER_TITLE))
    if not title:
        raise refuse("头信息缺少标题（title）。")
    raw_date = _first(metadata, ("date", "published", "pubDate", "pubdate"))
    if raw_date is None:
        raise refuse("头信息缺少发布日期（date）。")
    source = _clean_line(metadata.get("source"), URL_MAX)
    source_url = _url(_first(metadata, FRONT_MATTER_SOURCE_URL)) or _url(source)
    return _finish(
        ParsedArticle(
            title=title,
            published_at=parse_date(raw_date),
            paragraphs=paragraphs,
            original_title=_clean_line(metadata.get("original_title"), TITLE_MAX),
            source_url=source_url,
            source_name="" if _url(source) else source[:TEXT_FIELD_MAX],
            author=_clean_line(_first(metadata, ("author", "authors"))),
            categories=_categories(_first(metadata, ("categories", "category", "tags"))),
            header_image=_image_value(_first(metadata, FRONT_MATTER_IMAGE)),
            image_urls=images,
        )
    )


def _html_date(root, text: str) -> datetime.datetime:
    raw = _meta(
        root, "article:published_time", "og:published_time", "publishdate", "PubDate",
        "pubdate", "datePublished", "date", "dc.date",
    )  # fmt: skip
    if not raw:
        found = root.xpath("//time/@datetime")
        raw = found[0].strip() if found else ""
    if raw:
        return parse_date(raw)
    match = CN_DATE.search(text[:2000])
    moment = _cn_date(match) if match else None
    if moment is None:
        raise refuse("网页中没有找到发布日期（meta 标签、<time> 或正文开头的日期）。")
    return parse_date(moment)


def _from_html_page(text: str) -> ParsedArticle:
    # The title and date live outside the body: read them before the body is stripped.
    try:
        head = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise refuse("文件不是可读取的 HTML。") from None
    page_title = _clean_line(" ".join(head.xpath("//title//text()")), TITLE_MAX + 1)
    heading = _clean_line(" ".join(head.xpath("(//h1)[1]//text()")), TITLE_MAX + 1)
    og_title = _meta(head, "og:title", "ArticleTitle")
    source_url = _url(_meta(head, "og:url")) or _url(
        (head.xpath("//link[@rel='canonical']/@href") or [""])[0]
    )
    source_name = _meta(head, "og:site_name", "source", "ContentSource")
    author = _meta(head, "author", "article:author")
    keywords = _meta(head, "article:section", "keywords")
    header_image = _image_value(_meta(head, "og:image"))
    root, paragraphs, images = parse_html(text)
    title = _title(heading or og_title or page_title)
    if not title:
        raise refuse("网页没有标题（<h1>、og:title 或 <title>）。")
    paragraphs = [p for p in paragraphs if paragraph_text(p) != title]
    body_text = "\n".join(paragraph_text(p) for p in paragraphs)
    return _finish(
        ParsedArticle(
            title=title,
            published_at=_html_date(head, body_text),
            paragraphs=paragraphs,
            source_url=source_url,
            source_name=_clean_line(source_name),
            author=_clean_line(author),
            categories=_categories(keywords),
            header_image=header_image,
            image_urls=images,
        )
    )


def parse_article(data: bytes, *, filename: str) -> ParsedArticle:
    """Read one article file (see the module docstring). Raises ValidationError."""
    text = decode(data)
    if not text.strip():
        raise refuse("文件是空的。")
    name = filename.lower()
    is_markdown = name.endswith((".md", ".markdown", ".txt"))
    if text.lstrip("\ufeff").startswith("---"):
        return _from_front_matter(text, markdown=is_markdown)
    if not is_markdown and HTML_START.match(text):
        return _from_html_page(text)
    raise refuse(
        "文件缺少 YAML 头信息（以 --- 开头和结束，含 title、date），也不是完整的 HTML 网页。"
    )


def sanitize_paragraphs(html: str) -> str:
    """Stored paragraphs cleaned again for display: only paragraphs, headings and the
    inline markup of :data:`INLINE_TAGS`, links only to http(s) and mailto."""
    return _sanitize(html or "", {*INLINE_TAGS, "p", "h3"})


def _sanitize(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes={"a": {"href", "title"}},
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
