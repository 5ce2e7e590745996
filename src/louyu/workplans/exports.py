"""The zero-operator building list and the work plan list as XLSX workbooks, written row by
row in constant memory; text cells are neutralised against formula injection."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from louyu.buildings.exports import region_columns
from louyu.core.exports import Column, write_xlsx
from louyu.workplans import selectors
from louyu.workplans.workflow import Outcome, State

EXPORT_MAX_ROWS = 100_000
CHUNK = 2000


def _chunks(queryset):
    """The rows of ``queryset`` (at most EXPORT_MAX_ROWS + 1) in chunks of CHUNK."""
    rows = list(queryset[: EXPORT_MAX_ROWS + 1])
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _write(fileobj, title: str, columns: list[Column], rows) -> tuple[int, bool]:
    return write_xlsx(
        fileobj,
        sheet_name=title,
        columns=columns,
        rows=rows,
        max_rows=EXPORT_MAX_ROWS,
        truncated_note=_("仅导出前 %(max)d 行，请缩小筛选范围后再导出其余部分。")
        % {"max": EXPORT_MAX_ROWS},
    )


def write_zero_operator_xlsx(fileobj, buildings) -> tuple[int, bool]:
    """Write the zero-operator buildings (annotated by ``zero_operator_filter``)."""
    columns = [
        Column(_("楼宇编码"), 18),
        Column(_("名称"), 30),
        Column(_("地址"), 40),
        Column(_("省"), 10),
        Column(_("市"), 10),
        Column(_("区县"), 12),
        Column(_("管辖范围"), 18),
        Column(_("类型"), 12),
        Column(_("工作方案"), 10),
        Column(_("方案状态"), 10),
        Column(_("已完成措施"), 10),
        Column(_("措施总数"), 10),
        Column(_("最近完成时限"), 14),
    ]

    def rows():
        for chunk in _chunks(buildings.select_related("region__parent__parent")):
            summaries = selectors.plan_summaries([b.plan_id for b in chunk if b.plan_id])
            for building in chunk:
                plan = summaries.get(building.plan_id)
                yield [
                    building.code,
                    building.name,
                    building.address,
                    *region_columns(building.region),
                    building.jurisdiction.name,
                    building.get_building_type_display(),
                    _("有") if plan else _("无"),
                    str(State(plan.state).label) if plan else "",
                    plan.measures_done if plan else 0,
                    plan.measures_total if plan else 0,
                    plan.next_due.isoformat() if plan and plan.next_due else "",
                ]

    return _write(fileobj, _("零运营商楼宇"), columns, rows())


def write_plans_xlsx(fileobj, plans) -> tuple[int, bool]:
    """Write work plans (annotated by ``plan_filter``)."""
    columns = [
        Column(_("方案编号"), 10),
        Column(_("楼宇编码"), 18),
        Column(_("楼宇"), 30),
        Column(_("管辖范围"), 18),
        Column(_("状态"), 10),
        Column(_("关闭结果"), 12),
        Column(_("工作目标"), 40),
        Column(_("目标日期"), 12),
        Column(_("在服务基础电信企业数"), 10),
        Column(_("已完成措施"), 10),
        Column(_("措施总数"), 10),
        Column(_("超期措施"), 10),
        Column(_("最近完成时限"), 14),
        Column(_("创建时间"), 18),
    ]

    def rows():
        for chunk in _chunks(plans):
            for plan in chunk:
                yield [
                    plan.pk,
                    plan.building.code,
                    plan.building.name,
                    plan.jurisdiction.name,
                    str(State(plan.state).label),
                    str(Outcome(plan.outcome).label) if plan.outcome else "",
                    plan.goal,
                    plan.target_date.isoformat(),
                    plan.building.operator_count,
                    plan.measures_done,
                    plan.measures_total,
                    plan.measures_overdue,
                    plan.next_due.isoformat() if plan.next_due else "",
                    f"{timezone.localtime(plan.created_at):%Y-%m-%d %H:%M}",
                ]

    return _write(fileobj, _("一楼一策工作方案"), columns, rows())
