"""Official documents as PDF, through an HTML template and WeasyPrint.

`render_pdf` lays a `Document` out after GB/T 9704-2012 with the template
`core/documents/official.html`; `html_to_pdf` turns any other HTML (a caller's own template)
into PDF under the same rules. Fonts are embedded as subsets, and rendering never goes to
the network: only data: URIs and files inside the project's package can be loaded.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from louyu.core.documents.layout import column_shares, issuer_pt
from louyu.core.documents.model import Document, Heading, Image, PageBreak, Paragraph, Table

TEMPLATE = "core/documents/official.html"
# src/louyu: the only directory whose files a document may load (templates, static files).
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ResourceRefused(ValueError):
    """A document asked for a resource outside the project; WeasyPrint logs it ("Failed to
    load ...") and renders without it."""


class _ProjectOnlyFetcher(URLFetcher):
    """Fetches data: URIs and file: URLs under `root`; refuses every other URL without
    opening a connection."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self._root = root

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(parts.path)).resolve()
            if path.is_relative_to(self._root):
                return super().fetch(url, headers)
        elif scheme == "data":
            return super().fetch(url, headers)
        raise ResourceRefused(f"only data: URIs and project files may be loaded: {url}")


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render `html` to PDF bytes with the fonts it uses embedded as subsets.

    Relative URLs resolve against `base_url` (default: the project's package directory).
    Only data: URIs and files inside the project's package are loaded; any other resource,
    remote ones included, is never fetched: WeasyPrint logs it ("Failed to load ...") and
    renders without it, as it does for a missing file.
    """
    fetcher = _ProjectOnlyFetcher(PROJECT_ROOT)
    base = base_url if base_url is not None else PROJECT_ROOT.as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf()


def render_pdf(document: Document) -> bytes:
    """Render `document` as an A4 PDF laid out after GB/T 9704-2012: red issuing
    organisation and rule, document number, centred title, indented body, tables whose
    header row repeats on every page, attachments on pages of their own after the signature,
    page numbers as "— 1 —". Every glyph is drawn with the Noto CJK fonts installed by
    scripts/ensure-documents.sh, embedded in the PDF."""
    html = render_to_string(TEMPLATE, document_context(document))
    return html_to_pdf(html)


def document_context(document: Document) -> dict:
    """The template context for `document`: the document itself, the issuer's font size
    (large, but small enough to keep the name on one line), one entry per block, and each
    attachment's label, title and entries."""
    labels = document.attachment_labels
    return {
        "document": document,
        "issuer_size": f"{issuer_pt(document.issuer):.1f}pt",
        "items": _items(document.blocks),
        "attachments": [
            {"label": label, "title": attachment.title, "items": _items(attachment.blocks)}
            for label, attachment in zip(labels, document.attachments, strict=True)
        ],
    }


def _items(blocks) -> list[dict]:
    return [_item(block) for block in blocks]


def _item(block) -> dict:
    match block:
        case Heading():
            return {"kind": "heading", "block": block}
        case Paragraph():
            return {"kind": "paragraph", "block": block}
        case Table():
            numeric = [index in block.numeric_columns for index in range(len(block.columns))]
            rows = [list(zip(row, numeric, strict=True)) for row in block.rows]
            shares = column_shares(block.columns, block.rows)
            widths = [f"{share * 100:.2f}%" for share in shares]
            return {"kind": "table", "block": block, "rows": rows, "widths": widths}
        case Image():
            encoded = base64.b64encode(block.png_bytes).decode("ascii")
            return {
                "kind": "image",
                "block": block,
                "src": f"data:image/png;base64,{encoded}",
                "width": f"{block.width_mm:.1f}mm",
            }
        case PageBreak():
            return {"kind": "page_break"}
    raise TypeError(f"not a document block: {block!r}")
