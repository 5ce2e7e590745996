"""A plan's sample as an XLSX workbook — each drawn building with why it was drawn, its team,
date, result and re-inspection — and a second sheet with the progress of each team; written
row by row; text cells are neutralised against formula injection."""

from __future__ import annotations

from django.utils.translation import gettext as _

from louyu.core.exports import Column, Sheet, write_xlsx_sheets

EXPORT_MAX_ROWS = 100_000


def _result(inspection) -> str:
    if inspection is None:
        return ""
    if inspection.outcome == "could_not_inspect":
        return _("未能检查")
    failed = any(answer.passed is False for answer in inspection.answers.all())
    return _("不合格") if failed else _("合格")


def _sample_rows(sample):
    qs = sample.prefetch_related("assignments__team", "assignments__inspection__answers").order_by(
        "position"
    )
    for row in qs[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=2000):
        assignments = sorted(row.assignments.all(), key=lambda a: (a.created_at, a.pk))
        first = assignments[0] if assignments else None
        records = [getattr(a, "inspection", None) for a in assignments]
        record = next((r for r in reversed(records) if r is not None), None)
        reinspections = [a for a in assignments if a.reinspection_of_id]
        yield [
            row.position,
            row.building.code,
            row.building.name,
            row.building.address,
            row.jurisdiction.name,
            row.get_stratum_display(),
            row.reason,
            first.team.name if first else "",
            first.scheduled_on.isoformat() if first else "",
            _result(record),
            reinspections[-1].scheduled_on.isoformat() if reinspections else "",
        ]


def _team_rows(progress):
    for row in progress:
        yield [
            row["team"].name,
            row["assigned"],
            row["inspected"],
            row["could_not"],
            row["remaining"],
            row["overdue"],
            row["failed"],
        ]


def write_sample_xlsx(fileobj, sample, progress=()) -> tuple[int, bool]:
    """Write ``sample`` (``selectors.plan_sample``, already scoped) and ``progress``
    (``selectors.team_progress`` for the same user); returns the sample sheet's rows and
    whether it was cut."""
    sample_columns = [
        Column(_("序号"), 8),
        Column(_("楼宇编码"), 18),
        Column(_("名称"), 30),
        Column(_("地址"), 40),
        Column(_("管辖范围"), 16),
        Column(_("分层"), 20),
        Column(_("抽取理由"), 40),
        Column(_("检查组"), 18),
        Column(_("检查日期"), 12),
        Column(_("检查结果"), 12),
        Column(_("复查日期"), 12),
    ]
    team_columns = [
        Column(_("检查组"), 24),
        Column(_("已安排"), 10),
        Column(_("已检查"), 10),
        Column(_("未能检查"), 10),
        Column(_("待检查"), 10),
        Column(_("逾期"), 10),
        Column(_("不合格"), 10),
    ]
    results = write_xlsx_sheets(
        fileobj,
        [
            Sheet(_("抽样楼宇"), sample_columns, _sample_rows(sample), EXPORT_MAX_ROWS, "", 1),
            Sheet(_("检查组进度"), team_columns, _team_rows(progress), EXPORT_MAX_ROWS, "", 1),
        ],
    )
    return results[0]
