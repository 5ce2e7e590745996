"""Printable letters to the complainant (PDF): the acknowledgement (受理通知书), stating
acceptance or the legal reason for refusal (电信用户申诉处理办法 第十二条) and the reply
deadline, and the reply (答复意见书).

A letter is issued once (`letter_issue`): the handling organisation gives it the next
document number (文号) of its yearly series, and printing it again shows the same number
and date. It is laid out as an official document by `louyu.core.documents`, the same HTML →
PDF path as the bulletins, with the Noto CJK fonts embedded. The caller checks who may
issue a letter."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from louyu.complaints.models import Complaint, Letter
from louyu.complaints.workflow import RefusalReason, State
from louyu.core.audit import audit_record
from louyu.core.document_numbers import document_number_next, document_number_text
from louyu.core.documents import Document, Paragraph, Table

KINDS = tuple(Letter.Kind.values)
TITLES = {"acknowledgement": "受理通知书", "reply": "答复意见书"}
LEGAL_BASIS = "《电信用户申诉处理办法》"
# One series for both letters: an administration's letters to complainants are numbered
# together, so a number names one letter.
SERIES = "complaint_letter"
FACT_COLUMNS = ("事项", "内容")


def available(complaint: Complaint, kind: str) -> bool:
    """The acknowledgement once acceptance is decided; the reply once replied."""
    if kind == "acknowledgement":
        return bool(complaint.accepted_at) or complaint.state == State.REJECTED
    if kind == "reply":
        return bool(complaint.replied_at and complaint.reply_result)
    return False


def letter_issue(*, actor, complaint: Complaint, kind: str, now=None) -> Letter:
    """The complaint's `kind` letter, issued now by its handling organisation with the next
    number of that organisation's series for the current year if it was never issued, else
    as first issued. Every call is audited (the letter carries the complainant's name)."""
    now = now or timezone.now()
    with transaction.atomic():
        # The complaint's lock makes concurrent first issues wait, so only one takes a number.
        Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
        letter = Letter.objects.filter(complaint=complaint, kind=kind).first()
        if letter is None:
            organization = complaint.handler
            year = timezone.localdate(now).year
            sequence = document_number_next(organization=organization, kind=SERIES, year=year)
            letter = Letter.objects.create(
                complaint=complaint,
                kind=kind,
                organization=organization,
                year=year,
                sequence=sequence,
                number=document_number_text(
                    organization=organization, year=year, sequence=sequence
                ),
                issued_at=now,
                issued_by=actor,
            )
        audit_record(
            actor=actor,
            action="complaint.letter",
            obj=complaint,
            changes={"kind": kind, "number": letter.number},
        )
    return letter


def _date(value) -> str:
    if not value:
        return "—"
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日"


def _deadline(value) -> str:
    """A deadline (24:00 of its last day, stored as 00:00 of the next) in words."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.hour == local.minute == local.second == 0:
        last = local.date() - datetime.timedelta(days=1)
        return f"{last.year}年{last.month}月{last.day}日24时"
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _facts(rows: list[tuple[str, str]]) -> Table:
    return Table(columns=FACT_COLUMNS, rows=rows, compact=True)


def _acknowledgement(complaint: Complaint) -> list:
    received = _date(complaint.received_at)
    opening = f"您于{received}提出的申诉（受理编号 {complaint.tracking_code}）已收悉。"
    if complaint.state == State.REJECTED or complaint.refusal_reason:
        reason = (
            RefusalReason(complaint.refusal_reason).label
            if complaint.refusal_reason in RefusalReason.values
            else "—"
        )
        text = f"{opening}经审查，该申诉{reason}，依据{LEGAL_BASIS}第十二条的规定，决定不予受理。"
        decision, extra = "不予受理", ("不予受理理由", f"{reason}（{LEGAL_BASIS}第十二条）")
    else:
        text = (
            f"{opening}经审查，符合{LEGAL_BASIS}规定的受理条件，已于"
            f"{_date(complaint.accepted_at)}予以受理。我们将于"
            f"{_deadline(complaint.reply_due_at) or '法定期限'}前答复您。"
        )
        decision, extra = "予以受理", ("答复期限", _deadline(complaint.reply_due_at) or "—")
    return [
        Paragraph(text),
        _facts(
            [
                ("受理编号", complaint.tracking_code),
                ("收到日期", received),
                ("问题类别", complaint.category.name),
                ("审查结论", decision),
                extra,
            ]
        ),
        Paragraph("您可凭受理编号和查询码在网上查询办理进度。"),
    ]


def _reply(complaint: Complaint) -> list:
    return [
        Paragraph(
            f"您于{_date(complaint.received_at)}提出的申诉（受理编号 {complaint.tracking_code}）"
            f"，经核查处理，现答复如下："
        ),
        _facts(
            [
                ("受理编号", complaint.tracking_code),
                ("问题类别", complaint.category.name),
                ("核查结论", complaint.get_reply_result_display()),
                ("答复日期", _date(complaint.replied_at)),
            ]
        ),
        Paragraph("答复意见："),
        *(Paragraph(line.strip()) for line in complaint.reply_text.splitlines() if line.strip()),
        Paragraph("如对答复有异议，可在回访时提出，我们将重新处理。"),
    ]


def letter_document(letter: Letter) -> Document:
    """The letter as an official document of its issuing organisation to the complainant."""
    complaint = letter.complaint
    name = complaint.complainant_name if not complaint.personal_data_erased_at else "申诉人"
    body = _acknowledgement(complaint) if letter.kind == "acknowledgement" else _reply(complaint)
    return Document(
        issuer=letter.organization.name,
        title=TITLES[letter.kind],
        number=letter.number,
        recipients=f"{name}：",
        blocks=body,
        signature=letter.organization.name,
        date=timezone.localdate(letter.issued_at),
        letter_format=True,
    )


def render(letter: Letter) -> bytes:
    """The letter as an A4 PDF with its fonts embedded."""
    from louyu.core.documents.pdf import render_pdf

    return render_pdf(letter_document(letter))
