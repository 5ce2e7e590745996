import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from louyu.complaints import letters, services
from louyu.complaints.models import Complaint, Letter
from louyu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

REPLY = {"result": "partly", "reply_text": "经核查，物业收取进场费属实，已责令退还。"}


def letter_url(complaint, kind):
    return reverse("complaints:letter", args=[complaint.pk, kind])


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes, tmp_path) -> str | None:
    """The letter's text through poppler's pdftotext when installed, else None."""
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False
    )
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def test_acknowledgement_and_reply_letters_are_pdfs_and_audited(client, cenv, tmp_path):
    complaint, _ = cenv["file"]()
    client.force_login(cenv["bj"])
    assert client.get(letter_url(complaint, "acknowledgement")).status_code == 404  # undecided
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    response = client.get(letter_url(complaint, "acknowledgement"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF") and page_count(pdf) == 1
    event = AuditEvent.objects.get(action="complaint.letter")
    assert event.changes == {"kind": "acknowledgement", "number": complaint.letters.get().number}
    assert event.actor == cenv["bj"]
    text = pdf_text(pdf, tmp_path)
    if text:
        assert complaint.tracking_code in text.replace(" ", "")

    assert client.get(letter_url(complaint, "reply")).status_code == 404  # not replied yet
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="replied", **REPLY)
    response = client.get(letter_url(complaint, "reply"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="complaint.letter").count() == 2
    content = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert letter_url(complaint, "reply") in content
    assert letter_url(complaint, "acknowledgement") in content


def test_a_refusal_letter_states_the_legal_reason(cenv, tmp_path):
    complaint, _ = cenv["file"]()
    services.complaint_transition(
        actor=cenv["bj"], complaint=complaint, to="rejected", refusal_reason="operator_first"
    )
    assert letters.available(complaint, "acknowledgement")
    assert not letters.available(complaint, "reply")
    pdf = letters.render(
        letters.letter_issue(actor=cenv["bj"], complaint=complaint, kind="acknowledgement")
    )
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    if text:
        flat = re.sub(r"\s", "", text)
        assert "不予受理" in flat and "第十二条" in flat


def test_a_long_reply_flows_onto_more_pages(cenv):
    complaint, _ = cenv["file"]()
    for to in ("accepted", "handling"):
        services.complaint_transition(actor=cenv["bj"], complaint=complaint, to=to)
    services.complaint_transition(
        actor=cenv["bj"],
        complaint=complaint,
        to="replied",
        result="substantiated",
        reply_text="经核查属实。<b>&</b>\n" * 150,
    )
    pdf = letters.render(letters.letter_issue(actor=cenv["bj"], complaint=complaint, kind="reply"))
    assert page_count(pdf) >= 2


def test_letters_are_for_the_handling_organisation_only(client, cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    services.complaint_refer(
        actor=cenv["bj"], complaint=complaint, to_organization=cenv["samr_org"], kind="refer"
    )
    url = letter_url(complaint, "acknowledgement")
    client.force_login(cenv["ministry"])
    assert client.get(url).status_code == 403
    client.force_login(cenv["samr"])
    assert client.get(url).status_code == 403
    client.force_login(cenv["dl"])
    assert client.get(url).status_code == 404
    client.force_login(cenv["bj"])
    assert client.get(letter_url(complaint, "summons")).status_code == 404
    assert not AuditEvent.objects.filter(action="complaint.letter").exists()


def issue(cenv, complaint, kind="acknowledgement", *, now=None, actor="bj"):
    return letters.letter_issue(actor=cenv[actor], complaint=complaint, kind=kind, now=now)


def accepted(cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    return complaint


def test_letters_are_numbered_in_the_administrations_yearly_series(cenv):
    first, second = accepted(cenv), accepted(cenv)
    a = issue(cenv, first)
    b = issue(cenv, second)
    c = issue(cenv, first, "reply")
    assert [a.sequence, b.sequence, c.sequence] == [1, 2, 3]
    year = timezone.localdate().year
    short = cenv["bj"].organization.short_name
    assert short and a.number == f"{short}〔{year}〕1号"


def test_a_letter_keeps_its_number_and_date_when_printed_again(cenv, tmp_path):
    complaint = accepted(cenv)
    issued = datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC)
    first = issue(cenv, complaint, now=issued)
    again = issue(cenv, complaint, now=issued + datetime.timedelta(days=40))
    assert again.pk == first.pk and again.number == first.number
    assert again.issued_at == issued
    assert Letter.objects.count() == 1
    assert [e.changes["number"] for e in AuditEvent.objects.filter(action="complaint.letter")] == [
        first.number,
        first.number,
    ]
    assert issue(cenv, accepted(cenv)).sequence == 2, "a number is never given twice"


def test_two_administrations_number_independently(cenv):
    bj = issue(cenv, accepted(cenv))
    complaint = accepted(cenv)
    Complaint.objects.filter(pk=complaint.pk).update(handler=cenv["dl"].organization)
    complaint.refresh_from_db()
    dl = issue(cenv, complaint, actor="dl")
    assert bj.sequence == dl.sequence == 1
    assert bj.number != dl.number
    assert dl.organization == cenv["dl"].organization


def test_the_series_starts_again_each_year(cenv):
    december = datetime.datetime(2026, 12, 31, 12, tzinfo=datetime.UTC)
    january = datetime.datetime(2027, 1, 1, 12, tzinfo=datetime.UTC)
    assert issue(cenv, accepted(cenv), now=december).sequence == 1
    assert issue(cenv, accepted(cenv), now=december).sequence == 2
    letter = issue(cenv, accepted(cenv), now=january)
    assert (letter.year, letter.sequence) == (2027, 1)
    assert "〔2027〕1号" in letter.number
    assert issue(cenv, accepted(cenv), now=december).sequence == 3


def test_a_letter_pdf_embeds_its_fonts_and_shows_its_number(cenv):
    complaint = accepted(cenv)
    letter = issue(cenv, complaint)
    reader = PdfReader(io.BytesIO(letters.render(letter)))
    fonts = list(_fonts(reader))
    assert fonts
    not_embedded = [
        str(font.get("/BaseFont"))
        for font in fonts
        if not any(key in font["/FontDescriptor"] for key in FONT_FILES)
    ]
    assert not_embedded == []
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))
    assert letter.number in text
    assert "受理通知书" in text and "予以受理" in text
    assert complaint.tracking_code in text


FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _fonts(reader):
    """Every font program's dictionary with its descriptor (a composite font's descendants)."""
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for part in font.get("/DescendantFonts", [font]):
                yield part.get_object()
