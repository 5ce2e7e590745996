"""A plan's sample as an XLSX workbook — each drawn building with why it was drawn, its team
and date — written row by row; text cells are neutralised against formula injection."""

from __future__ import annotations

from django.utils.translation import gettext as _

from louyu.core.exports import Column, write_xlsx

EXPORT_MAX_ROWS = 100_000


def write_sample_xlsx(fileobj, sample) -> tuple[int, bool]:
    """Write ``sample`` (``selectors.plan_sample``, already scoped)."""
    columns = [
        Column(_("序号"), 8),
        Column(_("楼宇编码"), 18),
        Column(_("名称"), 30),
        Column(_("地址"), 40),
        Column(_("管辖范围"), 16),
        Column(_("分层"), 20),
        Column(_("抽取理由"), 40),
        Column(_("检查组"), 18),
        Column(_("检查日期"), 12),
    ]

    def rows():
        qs = sample.select_related("assignment__team").order_by("position")
        for row in qs[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=2000):
            assignment = getattr(row, "assignment", None)
            yield [
                row.position,
                row.building.code,
                row.building.name,
                row.building.address,
                row.jurisdiction.name,
                row.get_stratum_display(),
                row.reason,
                assignment.team.name if assignment else "",
                assignment.scheduled_on.isoformat() if assignment else "",
            ]

    return write_xlsx(
        fileobj,
        sheet_name=_("抽样楼宇"),
        columns=columns,
        rows=rows(),
        max_rows=EXPORT_MAX_ROWS,
    )
