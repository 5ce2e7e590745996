"""The case list as an XLSX workbook, written row by row in constant memory; text cells are
neutralised against formula injection. No personal data of complainants is exported."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from louyu.cases.models import Violation
from louyu.core.calendar import format_deadline
from louyu.core.exports import Column, write_xlsx

EXPORT_MAX_ROWS = 100_000


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _columns() -> list[Column]:
    return [
        Column(_("案件编号"), 20),
        Column(_("案件名称"), 30),
        Column(_("楼宇编码"), 18),
        Column(_("楼宇名称"), 30),
        Column(_("管辖范围"), 14),
        Column(_("状态"), 10),
        Column(_("严重程度"), 8),
        Column(_("来源"), 14),
        Column(_("督办级别"), 16),
        Column(_("违规问题"), 40),
        Column(_("整改期限"), 18),
        Column(_("时限待定"), 8),
        Column(_("已超期"), 8),
        Column(_("立案时间"), 18),
        Column(_("结案时间"), 18),
    ]


def _rows(cases):
    queryset = cases.select_related("building", "jurisdiction").prefetch_related(
        Prefetch(
            "violations",
            queryset=Violation.objects.filter(withdrawn_at__isnull=True).select_related("category"),
        )
    )
    for case in queryset[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=1000):
        violations = "；".join(
            f"{v.category.label}（{v.get_responsible_party_display()}）"
            for v in case.violations.all()
        )
        yield [
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
            format_deadline(case.rectify_due_at),
            _("是") if case.deadline_provisional else "",
            _("是") if case.is_overdue else "",
            _local(case.created_at),
            _local(case.closed_at),
        ]


def write_cases_xlsx(fileobj, cases) -> tuple[int, bool]:
    """Write the cases (an ordered, scoped queryset) to ``fileobj``; returns (rows,
    truncated)."""
    return write_xlsx(
        fileobj,
        sheet_name=_("整治案件"),
        columns=_columns(),
        rows=_rows(cases),
        max_rows=EXPORT_MAX_ROWS,
        truncated_note=_("仅导出前 %(max)d 件案件，请缩小筛选范围后再导出其余案件。")
        % {"max": EXPORT_MAX_ROWS},
    )
