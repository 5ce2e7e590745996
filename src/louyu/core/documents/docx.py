"""Official documents as DOCX, for officials to edit before sending, with python-docx.

The file carries the same content and layout as the PDF (louyu.core.documents.pdf), but
names the faces GB/T 9704-2012 prescribes (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312),
because it is finished and printed on the officials' own machines, where those are the
standard faces; a DOCX embeds no fonts, so nothing here depends on the fonts of this server.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from louyu.core.documents import layout
from louyu.core.documents.model import (
    Attachment,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Table,
)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: BODY_FONT, 4: BODY_FONT}
TABLE_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor.from_string(layout.RED)
# w:pPr children that must follow w:pBdr (ECMA-376 CT_PPrBase).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def render_docx(document: Document) -> bytes:
    """Render `document` as DOCX bytes: A4 with GB/T 9704 margins, the issuing
    organisation in red, the document number above a red rule (a bottom border), the
    centred title, body paragraphs with a two-character first-line indent, tables whose
    header row is marked to repeat on every page, images, the attachment note, signature and
    date, each attachment from a new page, the copy-to line, and "— PAGE —" fields in the
    footers. Every run names its East Asian font."""
    word = new_docx()
    _set_up_page(word)
    _head(word, document)
    for block in document.blocks:
        _block(word, block)
    _attachment_note(word, document)
    _signature(word, document)
    for label, attachment in zip(document.attachment_labels, document.attachments, strict=True):
        _attachment(word, label, attachment)
    if document.copy_to:
        _copy_to(word, document.copy_to)
    _page_numbers(word)
    word.core_properties.title = document.title
    word.core_properties.author = document.issuer
    output = io.BytesIO()
    word.save(output)
    return output.getvalue()


def _set_up_page(word) -> None:
    section = word.sections[0]
    section.page_width = Mm(layout.PAGE_WIDTH_MM)
    section.page_height = Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin = Mm(layout.MARGIN_TOP_MM)
    section.bottom_margin = Mm(layout.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(layout.MARGIN_LEFT_MM)
    section.right_margin = Mm(layout.MARGIN_RIGHT_MM)
    section.footer_distance = Mm(24)  # the page number about 7 mm below the text area
    normal = word.styles["Normal"]
    normal.font.size = Pt(layout.BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(layout.LINE_PT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)


def _head(word, document: Document) -> None:
    issuer = _paragraph(
        word, document.issuer, font=TITLE_FONT, size=round(layout.issuer_pt(document.issuer))
    )
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issuer.paragraph_format.space_before = Mm(layout.ISSUER_TOP_MM)
    issuer.paragraph_format.line_spacing = 1.0
    issuer.runs[0].font.color.rgb = RED
    ruled = issuer
    if document.number:
        ruled = _paragraph(word, document.number)
        ruled.alignment = WD_ALIGN_PARAGRAPH.CENTER
        ruled.paragraph_format.space_before = Pt(layout.LINE_PT)
    _border(ruled, "bottom", color=layout.RED, eighths=12, space_pt=11)
    title = _paragraph(word, document.title, font=TITLE_FONT, size=layout.TITLE_PT)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(2 * layout.LINE_PT)
    title.paragraph_format.space_after = Pt(layout.LINE_PT if not document.recipients else 0)
    title.paragraph_format.line_spacing = Pt(layout.TITLE_PT * 1.5)
    if document.recipients:
        recipients = _paragraph(word, document.recipients)
        recipients.paragraph_format.space_before = Pt(layout.LINE_PT)


def _block(word, block) -> None:
    match block:
        case Heading():
            paragraph = _paragraph(word, block.text, font=HEADING_FONTS[block.level])
            _indent_first_line(paragraph)
            paragraph.paragraph_format.keep_with_next = True
        case Paragraph():
            _indent_first_line(_paragraph(word, block.text))
        case Table():
            _table(word, block)
        case Image():
            picture = word.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.line_spacing = 1.0
            picture.paragraph_format.keep_with_next = bool(block.caption)
            picture.add_run().add_picture(io.BytesIO(block.png_bytes), width=Mm(block.width_mm))
            if block.caption:
                _caption(word, block.caption)
        case PageBreak():
            word.add_page_break()


def _table(word, block: Table) -> DocxTable:
    if block.caption:
        caption = _caption(word, block.caption, size=layout.PAGE_NUMBER_PT)
        caption.paragraph_format.keep_with_next = True
    table = word.add_table(rows=0, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, _column_widths(block), strict=True):
        column.width = width  # the grid; add_row gives each new cell its column's width
    header = table.add_row()
    trPr = header._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))
    trPr.append(OxmlElement("w:tblHeader"))
    size = layout.COMPACT_TABLE_PT if block.compact else layout.TABLE_PT
    for cell, text in zip(header.cells, block.columns, strict=True):
        paragraph = _cell_paragraph(cell, text, size=size, bold=True)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in block.rows:
        docx_row = table.add_row()
        docx_row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for index, (cell, text) in enumerate(zip(docx_row.cells, row, strict=True)):
            paragraph = _cell_paragraph(cell, text, size=size)
            if index in block.numeric_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _column_widths(block: Table) -> list[Mm]:
    shares = layout.column_shares(block.columns, block.rows)
    return [Mm(layout.TEXT_WIDTH_MM * share) for share in shares]


def _cell_paragraph(cell, text: str, *, size: float, bold: bool = False) -> DocxParagraph:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing = 1.0
    _run(paragraph, text, font=TABLE_FONT, size=size, bold=bold)
    return paragraph


def _caption(word, text: str, *, size: float = layout.TABLE_PT) -> DocxParagraph:
    caption = _paragraph(word, text, font=TABLE_FONT, size=size)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return caption


def _attachment_note(word, document: Document) -> None:
    """The attachment note: "附件：" two characters in, each further title aligned under the
    first one's number (GB/T 9704-2012 7.3.4)."""
    for index, line in enumerate(document.attachment_note):
        paragraph = _paragraph(word, line)
        paragraph.paragraph_format.left_indent = Pt((2 if index == 0 else 5) * layout.BODY_PT)
        if index == 0:
            paragraph.paragraph_format.space_before = Pt(layout.LINE_PT)


def _attachment(word, label: str, attachment: Attachment) -> None:
    """On a new page, "附件N" in 黑体 on the first line, the title centred on the third
    (GB/T 9704-2012 8), then the blocks."""
    word.add_page_break()
    _paragraph(word, label, font=HEADING_FONTS[1])
    title = _paragraph(word, attachment.title, font=TITLE_FONT, size=layout.TITLE_PT)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(layout.LINE_PT)
    title.paragraph_format.space_after = Pt(layout.LINE_PT)
    title.paragraph_format.line_spacing = Pt(layout.TITLE_PT * 1.5)
    for block in attachment.blocks:
        _block(word, block)


def _signature(word, document: Document) -> None:
    """The signature and, one line below and two characters further right, the date; the
    wider of the two ends two characters from the right margin (GB/T 9704-2012 7.3.5.2)."""
    date = document.date_text
    width = max(layout.display_width(document.signature), layout.display_width(date) + 2)
    start = layout.TEXT_WIDTH_PT - (width + 2) * layout.BODY_PT
    signature = _paragraph(word, document.signature)
    signature.paragraph_format.space_before = Pt(layout.LINE_PT)
    signature.paragraph_format.left_indent = Pt(max(start, 0))
    signature.paragraph_format.keep_with_next = True
    dated = _paragraph(word, date)
    dated.paragraph_format.left_indent = Pt(max(start, 0) + 2 * layout.BODY_PT)


def _copy_to(word, copy_to: str) -> None:
    paragraph = _paragraph(word, f"抄送：{copy_to}", size=layout.PAGE_NUMBER_PT)
    paragraph.paragraph_format.space_before = Pt(2 * layout.LINE_PT)
    paragraph.paragraph_format.left_indent = Pt(4 * layout.PAGE_NUMBER_PT)
    paragraph.paragraph_format.first_line_indent = Pt(-3 * layout.PAGE_NUMBER_PT)
    paragraph.paragraph_format.right_indent = Pt(layout.PAGE_NUMBER_PT)
    for edge in ("top", "bottom"):
        _border(paragraph, edge, color="000000", eighths=8, space_pt=1)


def _page_numbers(word) -> None:
    """Page numbers "— n —" in the footers: odd pages on the right, even pages on the left, one
    character in from the margin, in 宋体 (GB/T 9704-2012 7.5)."""
    word.settings.odd_and_even_pages_header_footer = True
    section = word.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        paragraph.paragraph_format.line_spacing = 1.0
        paragraph.paragraph_format.left_indent = Pt(layout.PAGE_NUMBER_PT)
        paragraph.paragraph_format.right_indent = Pt(layout.PAGE_NUMBER_PT)
        _page_number_run(paragraph, "— ")
        _page_field(paragraph)
        _page_number_run(paragraph, " —")


def _page_field(paragraph: DocxParagraph) -> None:
    """A PAGE field, which Word and WPS show as each page's number ("1" until updated)."""

    def field_run(text: str = ""):
        return _page_number_run(paragraph, text)._r

    def field_char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        field_run().append(element)

    field_char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    field_run().append(instruction)
    field_char("separate")
    field_run("1")
    field_char("end")


def _page_number_run(paragraph: DocxParagraph, text: str):
    """A run of the page number line: 四号 半角宋体, digits included (GB/T 9704-2012 7.5)."""
    size = layout.PAGE_NUMBER_PT
    return _run(paragraph, text, font=PAGE_NUMBER_FONT, size=size, latin=PAGE_NUMBER_FONT)


def _paragraph(word, text: str, *, font: str = BODY_FONT, size: float = layout.BODY_PT):
    paragraph = word.add_paragraph()
    _run(paragraph, text, font=font, size=size)
    return paragraph


def _run(
    paragraph: DocxParagraph,
    text: str,
    *,
    font: str,
    size: float,
    bold: bool = False,
    latin: str = LATIN_FONT,
):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold or None
    _set_fonts(run._element.get_or_add_rPr(), font, latin=latin)
    return run


def _set_fonts(rPr, east_asian: str, *, latin: str = LATIN_FONT) -> None:
    """Chinese in `east_asian` (w:eastAsia), digits and Latin letters in `latin`."""
    fonts = rPr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _indent_first_line(paragraph: DocxParagraph) -> None:
    paragraph.paragraph_format.first_line_indent = Pt(2 * layout.BODY_PT)
    paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")


def _border(paragraph: DocxParagraph, edge: str, *, color: str, eighths: int, space_pt: int):
    pPr = paragraph._p.get_or_add_pPr()
    borders = pPr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        pPr.insert_element_before(borders, *_AFTER_PBDR)
    line = OxmlElement("w:" + edge)
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(eighths))
    line.set(qn("w:space"), str(space_pt))
    line.set(qn("w:color"), color)
    borders.append(line)
