"""A plan's summary as an official document (GB/T 9704 layout through ``core.documents``):
its specification, the sample per jurisdiction and stratum, the notes of the draw, and the
teams with their scheduled buildings."""

from __future__ import annotations

from django.utils import timezone

from louyu.core.documents.model import Document, Heading, Paragraph, Table
from louyu.inspections import selectors
from louyu.inspections.models import InspectionPlan


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
