"""Official documents (公文) as PDF and DOCX: build a `Document` from the blocks below and
render it with `louyu.core.documents.pdf.render_pdf` or
`louyu.core.documents.docx.render_docx`. The renderers are imported from their modules, so
that using the model does not load WeasyPrint."""

from louyu.core.documents.model import (
    Attachment,
    Block,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Table,
)

__all__ = ["Attachment", "Block", "Document", "Heading", "Image", "PageBreak", "Paragraph", "Table"]
