"""The zero-operator building list and the work plan list as XLSX workbooks, written row by
row in constant memory; text cells are neutralised against formula injection."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from louyu.buildings.exports import XLSX_CONTENT_TYPE, _region_columns
from louyu.web.views import neutralise_cell
from louyu.workplans import selectors
from louyu.workplans.workflow import Outcome, State

EXPORT_MAX_ROWS = 100_000
CHUNK = 2000

__all__ = ["EXPORT_MAX_ROWS", "XLSX_CONTENT_TYPE", "write_plans_xlsx", "write_zero_operator_xlsx"]


def _workbook(fileobj, title: str, header: list[str], widths: list[int]):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        fileobj,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(title)
    bold = workbook.add_format({"bold": True, "bg_color": "#E9EEF5", "border": 1})
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for col, text in enumerate(header):
        sheet.write_string(0, col, text, bold)
    sheet.freeze_panes(1, 1)
    return workbook, sheet, bold


def _write_row(sheet, row: int, values) -> None:
    for col, value in enumerate(values):
        if isinstance(value, int) and not isinstance(value, bool):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, neutralise_cell("" if value is None else value))


def _chunks(queryset):
    """The rows of ``queryset`` (at most EXPORT_MAX_ROWS + 1) in chunks of CHUNK."""
    rows = list(queryset[: EXPORT_MAX_ROWS + 1])
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _truncation_note(sheet, row: int, bold) -> None:
    sheet.write_string(
        row,
        0,
        _("仅导出前 %(max)d 行，请缩小筛选范围后再导出其余部分。") % {"max": EXPORT_MAX_ROWS},
        bold,
    )


def write_zero_operator_xlsx(fileobj, buildings) -> tuple[int, bool]:
    """Write the zero-operator buildings (annotated by ``zero_operator_filter``)."""
    header = [
        _("楼宇编码"),
        _("名称"),
        _("地址"),
        _("省"),
        _("市"),
        _("区县"),
        _("管辖范围"),
        _("类型"),
        _("工作方案"),
        _("方案状态"),
        _("已完成措施"),
        _("措施总数"),
        _("最近完成时限"),
    ]
    workbook, sheet, bold = _workbook(
        fileobj, _("零运营商楼宇"), header, [18, 30, 40, 10, 10, 12, 18, 12, 10, 10, 10, 10, 14]
    )
    rows, truncated = 0, False
    for chunk in _chunks(buildings.select_related("region__parent__parent")):
        summaries = selectors.plan_summaries([b.plan_id for b in chunk if b.plan_id])
        for building in chunk:
            if rows >= EXPORT_MAX_ROWS:
                truncated = True
                break
            rows += 1
            plan = summaries.get(building.plan_id)
            province, city, county = _region_columns(building.region)
            _write_row(
                sheet,
                rows,
                [
                    building.code,
                    building.name,
                    building.address,
                    province,
                    city,
                    county,
                    building.jurisdiction.name,
                    building.get_building_type_display(),
                    _("有") if plan else _("无"),
                    str(State(plan.state).label) if plan else "",
                    plan.measures_done if plan else 0,
                    plan.measures_total if plan else 0,
                    plan.next_due.isoformat() if plan and plan.next_due else "",
                ],
            )
    if truncated:
        _truncation_note(sheet, rows + 1, bold)
    workbook.close()
    return rows, truncated


def write_plans_xlsx(fileobj, plans) -> tuple[int, bool]:
    """Write work plans (annotated by ``plan_filter``)."""
    header = [
        _("方案编号"),
        _("楼宇编码"),
        _("楼宇"),
        _("管辖范围"),
        _("状态"),
        _("关闭结果"),
        _("工作目标"),
        _("目标日期"),
        _("在服务基础电信企业数"),
        _("已完成措施"),
        _("措施总数"),
        _("超期措施"),
        _("最近完成时限"),
        _("创建时间"),
    ]
    workbook, sheet, bold = _workbook(
        fileobj,
        _("一楼一策工作方案"),
        header,
        [10, 18, 30, 18, 10, 12, 40, 12, 10, 10, 10, 10, 14, 18],
    )
    rows, truncated = 0, False
    for chunk in _chunks(plans):
        for plan in chunk:
            if rows >= EXPORT_MAX_ROWS:
                truncated = True
                break
            rows += 1
            _write_row(
                sheet,
                rows,
                [
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
                ],
            )
    if truncated:
        _truncation_note(sheet, rows + 1, bold)
    workbook.close()
    return rows, truncated
