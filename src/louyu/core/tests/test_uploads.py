"""Uploads are judged by their content: images are re-encoded without metadata, PDFs must
look like PDFs, everything else is refused with a message naming the file."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from louyu.core import uploads
from louyu.core.tests.files import PDF, image_bytes, upload


@pytest.mark.parametrize(
    ("name", "content", "content_type", "ext"),
    [
        ("a.jpg", image_bytes("JPEG"), "image/jpeg", ".jpg"),
        ("a.png", image_bytes("PNG", mode="RGBA"), "image/png", ".png"),
        ("scan.gif", image_bytes("GIF", mode="P"), "image/png", ".png"),
        ("no-extension", image_bytes("JPEG"), "image/jpeg", ".jpg"),
        ("wrongname.pdf", image_bytes("JPEG"), "image/jpeg", ".jpg"),
        ("doc.pdf", PDF, "application/pdf", ".pdf"),
    ],
)
def test_accepted_by_content(name, content, content_type, ext):
    checked = uploads.check_upload(upload(name, content))
    assert checked.content_type == content_type
    assert checked.name.endswith(ext)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.jpg", b"MZ\x90\x00" + b"\x00" * 100),
        ("page.pdf", b"<!doctype html><script>alert(1)</script>"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),  # no %%EOF: truncated
        ("broken.jpg", image_bytes("JPEG")[:60]),
        ("svg.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("empty.png", b""),
    ],
)
def test_refused_by_content(name, content):
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(upload(name, content))
    assert name in exc.value.messages[0]


def test_exif_is_stripped():
    raw = image_bytes("JPEG", exif=True)
    assert b"SecretCam" in raw
    checked = uploads.check_upload(upload("p.jpg", raw))
    assert b"SecretCam" not in checked.data
    assert not Image.open(io.BytesIO(checked.data)).getexif()


def test_size_limit(settings):
    settings.LOUYU_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="超过"):
        uploads.check_upload(upload("big.pdf", PDF + b"0" * 200 + b"%%EOF"))


def test_decompression_bomb_is_refused(settings):
    settings.LOUYU_ATTACHMENT_MAX_PIXELS = 1000
    with pytest.raises(ValidationError, match="像素过多"):
        uploads.check_upload(upload("bomb.png", image_bytes("PNG", size=(100, 100))))


def test_at_most_five_files_and_all_errors_together():
    with pytest.raises(ValidationError, match="最多上传 5 个附件"):
        uploads.check_uploads([upload(f"{i}.pdf", PDF) for i in range(6)])
    with pytest.raises(ValidationError) as exc:
        uploads.check_uploads([upload("a.pdf", b"x"), upload("b.jpg", b"y")])
    assert len(exc.value.messages) == 2


def _docx(*parts: tuple[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts:
            package.writestr(name, data)
    return out.getvalue()


def test_docx_only_where_documents_are_accepted():
    types = (
        b'<Types><Override PartName="/word/document.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    good = _docx(("[Content_Types].xml", types), ("word/document.xml", b"<w:document/>"))
    checked = uploads.check_upload(upload("说明.docx", good), documents=True)
    assert checked.content_type == uploads.DOCX_TYPE and checked.name == "说明.docx"
    with pytest.raises(ValidationError):
        uploads.check_upload(upload("说明.docx", good))
    for bad in (
        _docx(
            ("[Content_Types].xml", types),
            ("word/document.xml", b"x"),
            ("word/vbaProject.bin", b""),
        ),
        _docx(("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"x")),
        _docx(("[Content_Types].xml", types)),
        b"PK\x03\x04not a zip",
    ):
        with pytest.raises(ValidationError, match="Word"):
            uploads.check_upload(upload("坏.docx", bad), documents=True)
