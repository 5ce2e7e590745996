"""Uploaded files, judged by their content, never by their name or the type the browser
claims: images must decode with Pillow and are re-encoded (which drops EXIF and other
metadata, GPS position included); PDFs must start with ``%PDF-`` and end with ``%%EOF``;
where a caller accepts documents (``documents=True``), a DOCX must be a ZIP package
declaring a Word main document that is present, and without macros; everything else is
refused. Size and count are limited by settings
(LOUYU_ATTACHMENT_MAX_BYTES, LOUYU_ATTACHMENT_MAX_FILES, LOUYU_ATTACHMENT_MAX_PIXELS).
Every app that takes files (complaints, cases, work plans...) checks them here."""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP"}
PDF_TAIL_BYTES = 2048


@dataclass(frozen=True)
class CheckedFile:
    """A file whose content passed the checks, ready to store."""

    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def max_bytes() -> int:
    return int(getattr(settings, "LOUYU_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "LOUYU_ATTACHMENT_MAX_FILES", 5))


def storage_name(name: str) -> str:
    """The name a file is stored under: random, with the original's extension when it is
    short and plain (``.xlsx``, ``.pdf``). The original name, which may be long, Chinese or
    hostile (a Chinese name of 90 characters is 270 bytes, beyond a file system's 255),
    is kept apart in the model's own field and never reaches the file system."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    ext = base.rsplit(".", 1)[1].lower() if "." in base else ""
    suffix = f".{ext}" if ext.isascii() and ext.isalnum() and len(ext) <= 8 else ""
    return f"{uuid.uuid4().hex}{suffix}"


def original_name(name: str, limit: int = 200) -> str:
    """The original name as shown to people: its last path part, cut to ``limit``
    characters with its extension kept."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    if len(base) <= limit:
        return base
    stem, dot, ext = base.rpartition(".")
    if dot and 0 < len(ext) <= 8:
        return f"{stem[: limit - len(ext) - 1]}.{ext}"
    return base[:limit]


def _clean_name(name: str, ext: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:150]}{ext}"


def _reencode_image(data: bytes, name: str) -> CheckedFile | None:
    """The image re-encoded as PNG (if it has transparency or was PNG/GIF) or JPEG, or None
    when the content is not an image Pillow can decode."""
    limit = min(
        getattr(settings, "LOUYU_ATTACHMENT_MAX_PIXELS", 50_000_000),
        Image.MAX_IMAGE_PIXELS or 50_000_000,
    )
    too_big = ValidationError(f"图片“{name}”像素过多，请缩小后再上传。")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in IMAGE_FORMATS:
                    return None
                if probe.width * probe.height > limit:
                    raise too_big
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                source_format = image.format
                image.load()
                image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_big from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            return None
    keep_png = source_format in ("PNG", "GIF") or image.mode in ("RGBA", "LA", "P")
    out = io.BytesIO()
    if keep_png:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
        return CheckedFile(_clean_name(name, ".png"), "image/png", out.getvalue())
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.save(out, format="JPEG", quality=88)
    return CheckedFile(_clean_name(name, ".jpg"), "image/jpeg", out.getvalue())


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-PDF_TAIL_BYTES:]


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _is_docx(data: bytes) -> bool:
    """A Word document package: a ZIP whose ``[Content_Types].xml`` declares the main
    document, which is present, and no macro project (a .docm renamed is refused)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return False
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return False
            types = package.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError):
        return False
    return DOCX_MAIN.encode() in types


def check_upload(upload, *, documents: bool = False) -> CheckedFile:
    """Check one uploaded file (a Django UploadedFile or anything with ``name``, ``size`` and
    ``read``); raises ValidationError with a message in Chinese naming the file. With
    ``documents`` a Word document (DOCX) is accepted too."""
    name = str(getattr(upload, "name", "") or "file")[:200]
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"文件“{name}”超过 {limit // (1024 * 1024)} MB，请压缩后再上传。")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"文件“{name}”超过 {limit // (1024 * 1024)} MB，请压缩后再上传。")
    if not data:
        raise ValidationError(f"文件“{name}”是空文件。")
    if _is_pdf(data):
        return CheckedFile(_clean_name(name, ".pdf"), "application/pdf", data)
    if documents and _is_docx(data):
        return CheckedFile(_clean_name(name, ".docx"), DOCX_TYPE, data)
    image = _reencode_image(data, name)
    if image is not None:
        return image
    if documents:
        raise ValidationError(
            f"文件“{name}”的内容不是图片、PDF 或 Word（DOCX）文档，无法接收。"
            "请确认文件未损坏、不是改了扩展名的其他文件。"
        )
    raise ValidationError(
        f"文件“{name}”的内容不是图片（JPEG、PNG 等）或 PDF 文档，无法接收。"
        "请确认文件未损坏、不是改了扩展名的其他文件。"
    )


def check_uploads(uploads, *, documents: bool = False) -> list[CheckedFile]:
    """Check every file; all errors are reported together."""
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > max_files():
        raise ValidationError(f"最多上传 {max_files()} 个附件，您选择了 {len(uploads)} 个。")
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, documents=documents))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked
