"""Files for tests: a minimal PDF, images made with Pillow, uploads of them, and the fonts
of a rendered PDF as poppler's pdffonts lists them."""

import io
import shutil
import subprocess

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

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


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table as one dict per font: name, emb, sub, uni."""
    assert shutil.which("pdffonts"), "pdffonts is missing: run `make documents`"
    result = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    lines = result.stdout.decode().splitlines()[2:]
    fonts = []
    for line in lines:
        # The name has no spaces; the type may ("CID Type 0C (OT)"), so read from the right.
        fields = line.split()
        fonts.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return fonts
