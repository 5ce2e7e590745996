"""Documents of joint inspections (GB/T 9704 layout through ``core.documents``, rendered
from HTML to PDF with the embedded fonts): a plan's summary — its specification, the sample
per jurisdiction and stratum, the notes of the draw, and the teams with their scheduled
buildings — and the inspection report of one building."""

from __future__ import annotations

import io
import logging

from django.utils import timezone

from louyu.core.documents.model import Document, Heading, Image, Paragraph, Table
from louyu.inspections import selectors
from louyu.inspections.models import Inspection, InspectionPlan
from louyu.inspections.workflow import Outcome

logger = logging.getLogger(__name__)
PHOTO_PIXELS = 640
PHOTO_WIDTH_MM = 110


def _stratum_text(stratum) -> str:
    if stratum.size:
        return f"每辖区 {stratum.size} 栋"
    if stratum.share:
        return f"配额的 {stratum.share}%"
    return "配额余数"


def plan_summary_document(*, user, plan: InspectionPlan) -> Document:
    sample = selectors.plan_sample(user=user, plan=plan)
    jurisdictions = "、".join(j.name for j in plan.jurisdictions.all())
    blocks = [
        Paragraph(
            f"本次联合调研检查由{plan.planner.name}组织，"
            f"检查期间为 {plan.period_start:%Y-%m-%d} 至 {plan.period_end:%Y-%m-%d}，"
            f"范围为{jurisdictions}，使用{plan.checklist.name}，"
            f"方案状态为“{plan.get_state_display()}”，抽样规格第 {plan.spec_version} 版。"
        ),
        Heading("一、抽样规格"),
        Paragraph(
            f"样本量 {plan.sample_size} 栋，每个辖区至少 {plan.minimum_per_jurisdiction} 栋，"
            f"随机种子 {plan.seed}；排除近 {plan.exclude_inspected_months} 个月已抽检、"
            f"近 {plan.exclude_case_closed_months} 个月已结案的楼宇。"
        ),
        Table(
            columns=("优先顺序", "分层", "数量"),
            rows=[
                (str(s.position), s.get_kind_display(), _stratum_text(s)) for s in plan.strata.all()
            ],
        ),
        Heading("二、抽样结果"),
        Table(
            columns=("辖区", "分层", "楼宇数"),
            rows=[
                (row["jurisdiction__name"], str(row["label"]), str(row["n"]))
                for row in selectors.sample_summary(sample)
            ],
            numeric_columns=frozenset({2}),
        ),
        *(Paragraph(note) for note in plan.draw_notes),
        Heading("三、检查组与日程"),
        Table(
            columns=("检查组", "楼宇", "检查日期"),
            rows=[
                (a.team.name, a.sampled.building.name, f"{a.scheduled_on:%Y-%m-%d}")
                for a in selectors.plan_assignments(user=user, plan=plan)
            ],
        ),
    ]
    return Document(
        issuer=plan.planner.name,
        title=f"{plan.name}抽样与安排情况",
        blocks=blocks,
        signature=plan.planner.name,
        date=timezone.localdate(),
    )


def render_plan_summary_pdf(*, user, plan: InspectionPlan) -> bytes:
    from louyu.core.documents.pdf import render_pdf

    return render_pdf(plan_summary_document(user=user, plan=plan))


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _person(user) -> str:
    if user is None:
        return "—"
    organization = getattr(user, "organization", None)
    name = user.get_full_name() or user.username
    return f"{name}（{organization.name}）" if organization else name


def _photo_png(photo) -> bytes | None:
    """The photo as a PNG no wider than ``PHOTO_PIXELS``; None when its file cannot be
    read (the report then lists it without the picture)."""
    from PIL import Image as PILImage

    try:
        with photo.file.open("rb") as stored, PILImage.open(stored) as picture:
            picture = picture.convert("RGB")
            picture.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
            out = io.BytesIO()
            picture.save(out, format="PNG")
            return out.getvalue()
    except Exception:  # noqa: BLE001 — a missing file must not stop the report
        logger.warning("inspection photo %s could not be read", photo.pk)
        return None


def inspection_report_document(*, inspection: Inspection) -> Document:
    """The record of one building (``inspection`` from a scoped selector): the building,
    plan, team and submitter, each answer with its result, the failures with their problem
    categories, the linked case, and the photos with their capture time."""
    assignment = inspection.assignment
    plan = assignment.team.plan
    building = inspection.building
    members = "、".join(_person(m) for m in assignment.team.members.select_related("organization"))
    answers = list(inspection.answers.select_related("item__category"))
    failed = [a for a in answers if a.passed is False]
    photos = list(inspection.photos.select_related("item"))
    lead = (
        f"{building.name}（楼宇编码 {building.code}，{building.address}）"
        f"于 {assignment.scheduled_on:%Y-%m-%d} 由{assignment.team.name}按“{plan.name}”"
        f"进行现场检查，检查结果为“{inspection.get_outcome_display()}”。"
    )
    if assignment.reinspection_of_id:
        original = assignment.reinspection_of
        lead += f"本次为复查，复查的是 {_local(original.submitted_at)} 提交的检查记录。"
    blocks = [
        Paragraph(lead),
        Heading("一、检查组与提交"),
        Table(
            columns=("项目", "内容"),
            rows=[
                ("检查组", assignment.team.name),
                ("成员", members or "—"),
                ("提交人", _person(inspection.submitted_by)),
                ("提交时间", _local(inspection.submitted_at)),
                ("检查日期", f"{assignment.scheduled_on:%Y-%m-%d}"),
                ("整治案件", inspection.case.code if inspection.case else "无"),
            ],
        ),
    ]
    if inspection.outcome == Outcome.COULD_NOT_INSPECT:
        blocks += [
            Heading("二、未能检查"),
            Paragraph(
                f"原因：{inspection.get_not_inspected_reason_display()}。"
                f"{('说明：' + inspection.note) if inspection.note else ''}"
            ),
        ]
    else:
        blocks += [
            Heading("二、检查项"),
            Table(
                columns=("序号", "检查内容", "回答", "结果"),
                rows=[
                    (
                        str(number),
                        a.item.text,
                        a.display_value,
                        {True: "合格", False: "不合格"}.get(a.passed, "—"),
                    )
                    for number, a in enumerate(answers, start=1)
                ],
                compact=True,
            ),
            Heading("三、发现的问题"),
        ]
        if failed:
            blocks.append(
                Table(
                    columns=("检查内容", "问题类别"),
                    rows=[
                        (a.item.text, a.item.category.name if a.item.category else "—")
                        for a in failed
                    ],
                )
            )
        else:
            blocks.append(Paragraph("未发现不合格项。"))
        if inspection.note:
            blocks.append(Paragraph(f"说明：{inspection.note}"))
    blocks.append(
        Heading("四、现场照片" if inspection.outcome == Outcome.INSPECTED else "三、现场照片")
    )
    if not photos:
        blocks.append(Paragraph("未上传照片。"))
    else:
        blocks.append(
            Table(
                columns=("照片", "检查项", "拍摄时间", "时间来源"),
                rows=[
                    (
                        p.original_name,
                        p.item.text if p.item else "—",
                        _local(p.captured_at),
                        p.get_captured_at_source_display(),
                    )
                    for p in photos
                ],
                compact=True,
            )
        )
        for photo in photos:
            png = _photo_png(photo)
            if png is not None:
                label = photo.item.text if photo.item else "现场照片"
                caption = f"{label} · 拍摄时间 {_local(photo.captured_at)}"
                blocks.append(Image(png_bytes=png, width_mm=PHOTO_WIDTH_MM, caption=caption))
    issuer = plan.planner.name
    return Document(
        issuer=issuer,
        title=f"{building.name}联合检查报告",
        blocks=blocks,
        signature=issuer,
        date=timezone.localdate(inspection.submitted_at),
    )


def render_inspection_report_pdf(*, inspection: Inspection) -> bytes:
    from louyu.core.documents.pdf import render_pdf

    return render_pdf(inspection_report_document(inspection=inspection))
