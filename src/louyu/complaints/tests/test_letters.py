import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from louyu.complaints import letters, services
from louyu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

REPLY = {"result": "partly", "reply_text": "经核查，物业收取进场费属实，已责令退还。"}


def letter_url(complaint, kind):
    return reverse("complaints:letter", args=[complaint.pk, kind])


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


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
    assert b"STSong-Light" in pdf
    event = AuditEvent.objects.get(action="complaint.letter")
    assert event.changes == {"kind": "acknowledgement"} and event.actor == cenv["bj"]
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
    pdf = letters.render(complaint, "acknowledgement")
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
    pdf = letters.render(complaint, "reply")
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
