"""The case list as an XLSX workbook, written row by row in constant memory; text cells are
neutralised against formula injection. No personal data of complainants is exported."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from louyu.cases.models import Violation
from louyu.web.views import neutralise_cell

EXPORT_MAX_ROWS = 100_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def write_cases_xlsx(fileobj, cases) -> tuple[int, bool]:
    """Write the cases (an ordered, scoped queryset) to ``fileobj``; returns (rows,
    truncated)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        fileobj,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(_("整治案件"))
    bold = workbook.add_format({"bold": True, "bg_color": "#E9EEF5", "border": 1})
    header = [
        _("案件编号"),
        _("案件名称"),
        _("楼宇编码"),
        _("楼宇名称"),
        _("管辖范围"),
        _("状态"),
        _("严重程度"),
        _("来源"),
        _("督办级别"),
        _("违规问题"),
        _("整改期限"),
        _("时限待定"),
        _("已超期"),
        _("立案时间"),
        _("结案时间"),
    ]
    widths = [20, 30, 18, 30, 14, 10, 8, 14, 16, 40, 18, 8, 8, 18, 18]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for col, title in enumerate(header):
        sheet.write_string(0, col, title, bold)
    sheet.freeze_panes(1, 1)
    queryset = cases.select_related("building", "jurisdiction").prefetch_related(
        Prefetch(
            "violations",
            queryset=Violation.objects.filter(withdrawn_at__isnull=True).select_related("category"),
        )
    )
    rows, truncated = 0, False
    for case in queryset[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=1000):
        if rows >= EXPORT_MAX_ROWS:
            truncated = True
            break
        rows += 1
        violations = "；".join(
            f"{v.category.name}（{v.get_responsible_party_display()}）"
            for v in case.violations.all()
        )
        values = [
            case.code,
            case.title,
            case.building.code,
            case.building.name,
            case.jurisdiction.name,
            case.get_state_display(),
            case.get_severity_display(),
            case.get_source_display(),
            case.get_supervision_level_display() if case.supervision_level else "",
            violations,
            _local(case.rectify_due_at),
            _("是") if case.deadline_provisional else "",
            _("是") if case.is_overdue else "",
            _local(case.created_at),
            _local(case.closed_at),
        ]
        for col, value in enumerate(values):
            sheet.write_string(rows, col, neutralise_cell(value))
    if truncated:
        sheet.write_string(
            rows + 1,
            0,
            _("仅导出前 %(max)d 件案件，请缩小筛选范围后再导出其余案件。")
            % {"max": EXPORT_MAX_ROWS},
            bold,
        )
    workbook.close()
    return rows, truncated
