import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from louyu.complaints import attachments
from louyu.complaints.models import Attachment

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(fmt="JPEG", size=(30, 20), mode="RGB", exif=False):
    out = io.BytesIO()
    image = Image.new(mode, size, "red")
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {1: "N"}  # GPS IFD
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


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
    checked = attachments.check_upload(upload(name, content))
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
        attachments.check_upload(upload(name, content))
    assert name in exc.value.messages[0]


def test_exif_is_stripped():
    raw = image_bytes("JPEG", exif=True)
    assert b"SecretCam" in raw
    checked = attachments.check_upload(upload("p.jpg", raw))
    assert b"SecretCam" not in checked.data
    assert not Image.open(io.BytesIO(checked.data)).getexif()


def test_size_limit(settings):
    settings.LOUYU_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="超过"):
        attachments.check_upload(upload("big.pdf", PDF + b"0" * 200 + b"%%EOF"))


def test_decompression_bomb_is_refused(settings):
    settings.LOUYU_ATTACHMENT_MAX_PIXELS = 1000
    with pytest.raises(ValidationError, match="像素过多"):
        attachments.check_upload(upload("bomb.png", image_bytes("PNG", size=(100, 100))))


def test_at_most_five_files_and_all_errors_together():
    with pytest.raises(ValidationError, match="最多上传 5 个附件"):
        attachments.check_uploads([upload(f"{i}.pdf", PDF) for i in range(6)])
    with pytest.raises(ValidationError) as exc:
        attachments.check_uploads([upload("a.pdf", b"x"), upload("b.jpg", b"y")])
    assert len(exc.value.messages) == 2


@pytest.mark.django_db
def test_saved_in_default_storage_by_month(cenv, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    complaint, _ = cenv["file"]()
    checked = attachments.check_uploads([upload("照片.jpg", image_bytes())])
    [saved] = attachments.attachments_save(complaint=complaint, files=checked, actor=cenv["bj"])
    assert saved.file.name.startswith("complaints/") and saved.file.name.endswith(".jpg")
    assert saved.original_name == "照片.jpg" and saved.size == len(checked[0].data)
    assert saved.sha256 == checked[0].sha256 and saved.uploaded_by == cenv["bj"]
    assert Attachment.objects.get().file.read() == checked[0].data


def test_failure_midway_leaves_no_file_in_storage(cenv, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    complaint, _ = cenv["file"]()
    checked = attachments.check_uploads(
        [upload("a.jpg", image_bytes()), upload("b.pdf", PDF), upload("c.png", image_bytes("PNG"))]
    )
    real_save = Attachment.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.original_name)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", failing_save)
    with pytest.raises(RuntimeError):
        attachments.attachments_save(complaint=complaint, files=checked, actor=cenv["bj"])
    assert calls == ["a.jpg", "b.pdf"]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
