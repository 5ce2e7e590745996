"""Printable letters to the complainant (PDF): the acknowledgement (受理通知书), stating
acceptance or the legal reason for refusal (电信用户申诉处理办法 第十二条) and the reply
deadline, and the reply (答复意见书). Rendered with reportlab's built-in CID font
STSong-Light, so no font file is needed. The caller checks who may generate a letter and
audits it; these functions only draw."""

from __future__ import annotations

import datetime
import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from louyu.complaints.models import Complaint
from louyu.complaints.workflow import RefusalReason, State

FONT = "STSong-Light"
KINDS = ("acknowledgement", "reply")
TITLES = {"acknowledgement": "受理通知书", "reply": "答复意见书"}
LEGAL_BASIS = "《电信用户申诉处理办法》"


def available(complaint: Complaint, kind: str) -> bool:
    """The acknowledgement once acceptance is decided; the reply once replied."""
    if kind == "acknowledgement":
        return bool(complaint.accepted_at) or complaint.state == State.REJECTED
    if kind == "reply":
        return bool(complaint.replied_at and complaint.reply_result)
    return False


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=11.5, leading=19, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1),
        "sub": ParagraphStyle("sub", parent=base, fontSize=10, alignment=1),
        "body": ParagraphStyle("indent", parent=base, firstLineIndent=23),
        "plain": base,
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


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


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _facts(rows: list[tuple[str, str]], styles) -> Table:
    table = Table(
        [[_p(k, styles["plain"]), _p(v, styles["plain"])] for k, v in rows],
        colWidths=[32 * mm, 128 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#8a96a3"),
                ("BACKGROUND", (0, 0), (0, -1), "#eef2f6"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _acknowledgement(complaint: Complaint, styles) -> list:
    name = complaint.complainant_name if not complaint.personal_data_erased_at else "申诉人"
    received = _date(complaint.received_at)
    story = [_p(f"{name}：", styles["plain"]), Spacer(1, 4)]
    if complaint.state == State.REJECTED or complaint.refusal_reason:
        reason = (
            RefusalReason(complaint.refusal_reason).label
            if complaint.refusal_reason in RefusalReason.values
            else "—"
        )
        story.append(
            _p(
                f"您于{received}提出的申诉（受理编号 {complaint.tracking_code}）已收悉。"
                f"经审查，该申诉{reason}，依据{LEGAL_BASIS}第十二条的规定，决定不予受理。",
                styles["body"],
            )
        )
        decision, extra = "不予受理", ("不予受理理由", f"{reason}（{LEGAL_BASIS}第十二条）")
    else:
        story.append(
            _p(
                f"您于{received}提出的申诉（受理编号 {complaint.tracking_code}）已收悉。"
                f"经审查，符合{LEGAL_BASIS}规定的受理条件，已于{_date(complaint.accepted_at)}"
                f"予以受理。我们将于{_deadline(complaint.reply_due_at) or '法定期限'}前答复您。",
                styles["body"],
            )
        )
        decision, extra = "予以受理", ("答复期限", _deadline(complaint.reply_due_at) or "—")
    story += [
        Spacer(1, 8),
        _facts(
            [
                ("受理编号", complaint.tracking_code),
                ("收到日期", received),
                ("问题类别", complaint.category.name),
                ("审查结论", decision),
                extra,
            ],
            styles,
        ),
        Spacer(1, 8),
        _p("您可凭受理编号和查询码在网上查询办理进度。", styles["body"]),
    ]
    return story


def _reply(complaint: Complaint, styles) -> list:
    name = complaint.complainant_name if not complaint.personal_data_erased_at else "申诉人"
    return [
        _p(f"{name}：", styles["plain"]),
        Spacer(1, 4),
        _p(
            f"您于{_date(complaint.received_at)}提出的申诉（受理编号 {complaint.tracking_code}）"
            f"，经核查处理，现答复如下：",
            styles["body"],
        ),
        Spacer(1, 8),
        _facts(
            [
                ("受理编号", complaint.tracking_code),
                ("问题类别", complaint.category.name),
                ("核查结论", complaint.get_reply_result_display()),
                ("答复日期", _date(complaint.replied_at)),
            ],
            styles,
        ),
        Spacer(1, 8),
        _p("答复意见：", styles["plain"]),
        *(_p(line, styles["body"]) for line in complaint.reply_text.splitlines() if line.strip()),
        Spacer(1, 8),
        _p("如对答复有异议，可在回访时提出，我们将重新处理。", styles["body"]),
    ]


def render(complaint: Complaint, kind: str) -> bytes:
    """The letter as PDF bytes."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=f"{TITLES[kind]} {complaint.tracking_code}",
        author=complaint.handler.name,
    )
    body = (
        _acknowledgement(complaint, styles)
        if kind == "acknowledgement"
        else _reply(complaint, styles)
    )
    story = [
        _p(TITLES[kind], styles["title"]),
        _p(complaint.tracking_code, styles["sub"]),
        Spacer(1, 12),
        *body,
        Spacer(1, 24),
        _p(complaint.handler.name, styles["right"]),
        _p(_date(timezone.now()), styles["right"]),
    ]
    doc.build(story)
    return buffer.getvalue()
