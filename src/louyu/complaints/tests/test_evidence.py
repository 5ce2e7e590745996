"""Evidence files on verification records, the attachments list with its audited download,
and the complainant's public ratings on the staff detail page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from louyu.complaints import attachments, evidence, services
from louyu.complaints.models import Attachment, PublicRating, Verification
from louyu.core import uploads
from louyu.core.models import AuditEvent
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def jpeg_with_gps():
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N"}
    Image.new("RGB", (30, 20), "red").save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@pytest.fixture
def accepted(cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    return complaint


def verify(client, complaint, files, **extra):
    data = {
        "method": "on_site",
        "performed_on": timezone.localdate().isoformat(),
        "findings": "现场查看，物业锁闭弱电间。",
        "evidence": files,
        **extra,
    }
    return client.post(reverse("complaints:verification_add", args=[complaint.pk]), data)


# --- Evidence -----------------------------------------------------------------------------


def test_evidence_image_and_pdf_are_stored_with_the_record(client, cenv, accepted, media):
    client.force_login(cenv["bj"])
    response = verify(
        client, accepted, [upload("现场.jpg", jpeg_with_gps()), upload("通知.pdf", PDF)]
    )
    assert response.status_code == 302
    record = Verification.objects.get()
    files = list(Attachment.objects.order_by("id"))
    assert [a.kind for a in files] == ["evidence", "evidence"]
    assert [a.content_type for a in files] == ["image/jpeg", "application/pdf"]
    assert all(a.uploaded_at == record.created_at and a.uploaded_by == cenv["bj"] for a in files)
    assert b"SecretCam" not in files[0].file.read()  # re-encoded without metadata
    assert len(stored_files(media)) == 2
    event = AuditEvent.objects.get(action="complaint.evidence_add")
    assert event.changes == {"verification": record.pk, "attachments": [a.pk for a in files]}
    page = client.get(reverse("complaints:detail", args=[accepted.pk]))
    [item] = page.context["verifications"]
    assert [a.pk for a in item["evidence"]] == [a.pk for a in files]
    content = page.content.decode()
    assert 'data-testid="evidence"' in content and "通知.pdf" in content


def test_a_disguised_file_is_refused_and_nothing_is_written(client, cenv, accepted, media):
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = verify(
            client,
            accepted,
            [upload("ok.pdf", PDF), upload("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200)],
        )
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not Verification.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


def test_six_files_are_refused(client, cenv, accepted, media):
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = verify(client, accepted, [upload(f"{i}.pdf", PDF) for i in range(6)])
    assert response.status_code == 400
    assert "最多上传 5 个" in response.content.decode()
    assert not Verification.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


def test_the_service_is_all_or_nothing(cenv, accepted, media):
    checked = uploads.check_uploads([upload("a.pdf", PDF)])
    closed, _ = cenv["file"](complainant_phone="13500135000")  # not yet accepted
    with assert_unchanged(), pytest.raises(services.InvalidTransition):
        evidence.verification_add_with_evidence(
            actor=cenv["bj"],
            complaint=closed,
            method="call",
            performed_on=timezone.localdate(),
            findings="电话核实。",
            files=checked,
        )
    with assert_unchanged(), pytest.raises(Exception, match="最多"):
        evidence.verification_add_with_evidence(
            actor=cenv["bj"],
            complaint=accepted,
            method="call",
            performed_on=timezone.localdate(),
            findings="电话核实。",
            files=checked * 6,
        )
    assert not Verification.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_verification_without_files_still_works(client, cenv, accepted):
    client.force_login(cenv["bj"])
    assert verify(client, accepted, []).status_code == 302
    assert Verification.objects.count() == 1 and not Attachment.objects.exists()


# --- Attachments and their download -------------------------------------------------------


@pytest.fixture
def attached(cenv):
    complaint, _ = cenv["file"]()
    checked = uploads.check_uploads([upload("申诉材料.pdf", PDF)])
    [attachment] = attachments.attachments_save(complaint=complaint, files=checked)
    return complaint, attachment


def download_url(complaint, attachment):
    return reverse("complaints:attachment_download", args=[complaint.pk, attachment.pk])


def test_handler_sees_and_downloads_an_attachment_audited(client, cenv, attached):
    complaint, attachment = attached
    client.force_login(cenv["bj"])
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert 'data-testid="attachment"' in page and "申诉材料.pdf" in page
    assert download_url(complaint, attachment) in page
    response = client.get(download_url(complaint, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="complaint.attachment_download")
    assert event.object_id == str(complaint.pk) and event.changes["attachment"] == attachment.pk


def test_other_jurisdiction_gets_404_and_anonymous_goes_to_login(client, cenv, attached):
    complaint, attachment = attached
    other, _ = cenv["file"](address="辽宁省大连市中山区人民路1号")
    client.force_login(cenv["dl"])
    assert client.get(download_url(complaint, attachment)).status_code == 404
    client.force_login(cenv["bj"])  # right attachment id under another complaint's pk
    assert client.get(download_url(other, attachment)).status_code == 404
    client.logout()
    response = client.get(download_url(complaint, attachment))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not AuditEvent.objects.filter(action="complaint.attachment_download").exists()


# --- Ratings ------------------------------------------------------------------------------


def test_public_ratings_are_shown_to_staff(client, cenv):
    complaint, _ = cenv["file"]()
    PublicRating.objects.create(
        complaint=complaint, satisfaction=2, resolved=False, comment="物业仍不让进场。"
    )
    client.force_login(cenv["bj"])
    response = client.get(reverse("complaints:detail", args=[complaint.pk]))
    content = response.content.decode()
    assert 'data-testid="rating"' in content
    assert "满意度 2 / 5" in content and "物业仍不让进场。" in content and "问题未解决" in content


def test_the_complainants_files_go_only_to_the_handlers(client, cenv, attached):
    """The ministry sees the complaint (masked) but not the complainant's own files."""
    complaint, attachment = attached
    client.force_login(cenv["ministry"])
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 200
    assert client.get(download_url(complaint, attachment)).status_code == 404
    assert not AuditEvent.objects.filter(action="complaint.attachment_download").exists()
