"""A national progress bulletin (进展通报) as an official document (PDF, DOCX) and as a
workbook (XLSX), from its narrative and its snapshot.

The snapshot is the JSON the compile service freezes on the bulletin: ``metrics`` (codes in
column order), ``national`` ({code: {value, ...}}), ``jurisdictions`` ([{code, name,
source, values: {code: {value, ...}}}]), ``rankings`` ([{metric, rows: [{code, name, value,
rank}]}]), ``late`` ([{code, name, due_at, submitted_at, state}]), ``missing`` (codes) and
``previous`` ({period, national: {code: value}} or null). Any part may be missing or empty:
the document then shows "—" or says there is nothing to list; it never fails on it. Figures
read as on the dashboard (the ``louyu_figures`` filters), under the metric's label and
unit."""

from __future__ import annotations

import datetime
import io
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone

from louyu.core.documents import (
    Attachment,
    Block,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Table,
)
from louyu.core.exports import Column, Sheet, write_xlsx_sheets
from louyu.reporting.charts import ranking_chart
from louyu.reporting.figures import Value
from louyu.reporting.metrics import BY_CODE, GROUP_LABELS, Kind, Metric
from louyu.reporting.models import Bulletin
from louyu.reporting.templatetags.louyu_figures import figure, figure_change
from louyu.reporting.workflow import ReportState

logger = logging.getLogger(__name__)

ISSUER = "工业和信息化部办公厅"
RECIPIENTS = "各省、自治区、直辖市及大连市通信管理局："
# The narrative sections in order: the Bulletin field and the section's title. An empty
# section is left out, and the others keep consecutive ordinals.
NARRATIVE = (
    ("summary", "总体情况"),
    ("highlights", "主要进展"),
    ("problems", "存在问题"),
    ("requirements", "下一步工作要求"),
)
ORDINALS = "一二三四五六七八九十"
LIVE_MARK = "＊"
LIVE_NOTE = "注：标“＊”的单位本期没有已采用的月度报告，其数据为系统实时统计。"
NO_VALUE = "—"
NOT_SUBMITTED = "未报送"
# The jurisdiction table is split by metric group, at most this many metric columns in one
# table, so that its columns fit the 156 mm of an A4 portrait page.
MAX_METRIC_COLUMNS = 7
CHART_WIDTH_MM = 150
# A ranking longer than this has a chart that fills most of a page: its table starts on the
# next page rather than being split across two.
LONG_RANKING = 16
MAX_SHEET_ROWS = 10_000
BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class _Ranking:
    metric: Metric
    rows: list[dict]


@dataclass(frozen=True)
class _Late:
    """An administration that reported late (``submitted_at`` set) or not at all."""

    code: str
    name: str
    due_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    state: str


def bulletin_document(bulletin: Bulletin) -> Document:
    """The bulletin as an official document of the ministry's general office to the
    communications administrations: the narrative sections, the signature with the date of
    publication (before it, of compilation), then four attachments: the national figures
    against the previous bulletin, every jurisdiction's figures, each ranking as a bar
    chart and a table, and the administrations that reported late or not at all."""
    snapshot = bulletin.snapshot or {}
    moment = bulletin.published_at or bulletin.compiled_at
    return Document(
        issuer=ISSUER,
        title=bulletin.title,
        number=bulletin.number or None,
        recipients=RECIPIENTS,
        blocks=list(_narrative(bulletin)),
        signature=ISSUER,
        date=timezone.localdate(moment) if moment else timezone.localdate(),
        attachments=[
            Attachment("全国主要指标情况", _overview_blocks(snapshot)),
            Attachment("各地主要指标情况", _jurisdiction_blocks(snapshot)),
            Attachment("各地主要指标排名", _ranking_blocks(snapshot)),
            Attachment("月度进展报送情况", _reporting_blocks(snapshot)),
        ],
    )


def render_bulletin_pdf(bulletin: Bulletin) -> bytes:
    """The bulletin as an A4 PDF after GB/T 9704, its fonts embedded."""
    from louyu.core.documents.pdf import render_pdf

    return render_pdf(bulletin_document(bulletin))


def render_bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as DOCX, for the office to edit before sending."""
    from louyu.core.documents.docx import render_docx

    return render_docx(bulletin_document(bulletin))


def render_bulletin_xlsx(bulletin: Bulletin) -> bytes:
    """The bulletin's tables as one workbook, a sheet each: 全国概况, 各地情况, one per
    ranking, and 报送情况. Figures are numbers (counts whole, rates and medians to one
    decimal, empty where there is none), times local date-times, and text never a formula."""
    snapshot = bulletin.snapshot or {}
    sheets = [
        _overview_sheet(snapshot),
        _jurisdiction_sheet(snapshot),
        *(_ranking_sheet(ranking) for ranking in _rankings(snapshot)),
        _reporting_sheet(snapshot),
    ]
    output = io.BytesIO()
    write_xlsx_sheets(output, sheets, in_memory=True)
    return output.getvalue()


# --- the document -----------------------------------------------------------------------------


def _narrative(bulletin: Bulletin) -> Iterator[Block]:
    sections = [(title, _paragraphs(getattr(bulletin, name))) for name, title in NARRATIVE]
    present = [(title, paragraphs) for title, paragraphs in sections if paragraphs]
    for number, (title, paragraphs) in enumerate(present, start=1):
        yield Heading(f"{_ordinal(number)}、{title}")
        yield from (Paragraph(text) for text in paragraphs)


def _paragraphs(text: str) -> list[str]:
    """The paragraphs of a narrative field: split on blank lines, the lines of a paragraph
    joined without a space (Chinese runs on)."""
    parts = BLANK_LINES.split((text or "").strip())
    joined = ("".join(line.strip() for line in part.splitlines()) for part in parts)
    return [paragraph for paragraph in joined if paragraph]


def _overview_blocks(snapshot: dict) -> list[Block]:
    previous = snapshot.get("previous") or {}
    periods = _month_text(snapshot.get("period"))
    if previous.get("period"):
        periods += f"，上期为{_month_text(previous['period'])}"
    rows = [
        [
            _heading(metric),
            *(_text(metric, v) for v in (value, before)),
            figure_change(change, metric),
        ]
        for metric, value, before, change in _overview(snapshot)
    ]
    caption = f"表1 全国主要指标（{periods}）" if periods else "表1 全国主要指标"
    columns = ["指标", "本期", "上期", "较上期"]
    return [Table(columns, rows, caption=caption, numeric_columns={1, 2, 3})]


def _jurisdiction_blocks(snapshot: dict) -> list[Block]:
    jurisdictions = snapshot.get("jurisdictions") or []
    if not jurisdictions:
        return [Paragraph("本期无各地数据。")]
    blocks: list[Block] = []
    for number, (title, metrics) in enumerate(_column_groups(_metrics(snapshot)), start=1):
        columns = ["单位", *(_heading(metric) for metric in metrics)]
        rows = [
            [_marked_name(row), *(_text(metric, _value(row, metric)) for metric in metrics)]
            for row in jurisdictions
        ]
        caption = f"表2-{number} 各地{title}"
        numeric = set(range(1, len(columns)))
        blocks.append(Table(columns, rows, caption=caption, numeric_columns=numeric, compact=True))
    if any(_is_live(row) for row in jurisdictions):
        blocks.append(Paragraph(LIVE_NOTE))
    return blocks


def _ranking_blocks(snapshot: dict) -> list[Block]:
    rankings = _rankings(snapshot)
    if not rankings:
        return [Paragraph("本期无排名。")]
    blocks: list[Block] = []
    for number, ranking in enumerate(rankings, start=1):
        metric, title = ranking.metric, f"{ranking.metric.label}排名"
        if number > 1:
            blocks.append(PageBreak())
        blocks.append(Heading(f"（{_ordinal(number)}）{title}", 2))
        if not ranking.rows:
            blocks.append(Paragraph("本期无排名数据。"))
            continue
        chart_rows = [(row.get("name", ""), row.get("value")) for row in ranking.rows]
        png = ranking_chart(
            f"{title}（{metric.unit}）",
            chart_rows,
            value_text=lambda value, metric=metric: _text(metric, value),
        )
        blocks.append(Image(png, CHART_WIDTH_MM))
        if len(ranking.rows) > LONG_RANKING:
            blocks.append(PageBreak())
        blocks.append(_ranking_table(ranking, caption=f"表3-{number} {title}"))
    return blocks


def _ranking_table(ranking: _Ranking, *, caption: str) -> Table:
    """The ranking in two halves side by side (ranks 1–16 left, 17–32 right for 32
    jurisdictions), so that it takes one page."""
    cells = [
        [str(row.get("rank", "")), row.get("name", ""), _text(ranking.metric, row.get("value"))]
        for row in ranking.rows
    ]
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:] + [["", "", ""]] * (half - len(cells[half:]))
    columns = ["名次", "单位", _heading(ranking.metric)] * 2
    rows = [first + second for first, second in zip(left, right, strict=True)]
    return Table(columns, rows, caption=caption, numeric_columns={0, 2, 3, 5}, compact=True)


def _reporting_blocks(snapshot: dict) -> list[Block]:
    entries = _late_entries(snapshot)
    if not entries:
        return [Paragraph("本期各单位均按时报送月度进展情况。")]
    rows = [
        [
            entry.name,
            _date_text(entry.due_at),
            _date_text(entry.submitted_at) if entry.submitted_at else NOT_SUBMITTED,
            entry.state,
        ]
        for entry in entries
    ]
    return [
        Paragraph(f"本期共有{len(entries)}个单位未按时报送月度进展情况，名单如下。"),
        Table(["单位", "报送时限", "报送时间", "状态"], rows, caption="表4 逾期报送或未报送单位"),
    ]


# --- the workbook -----------------------------------------------------------------------------


def _overview_sheet(snapshot: dict) -> Sheet:
    columns = [Column("指标", 28), Column("单位", 8), Column("本期"), Column("上期")]
    columns.append(Column("较上期"))
    rows = [
        [metric.label, metric.unit, *(_number(metric, v) for v in (value, before, change))]
        for metric, value, before, change in _overview(snapshot)
    ]
    return Sheet("全国概况", columns, rows, MAX_SHEET_ROWS)


def _jurisdiction_sheet(snapshot: dict) -> Sheet:
    metrics = _metrics(snapshot)
    columns = [Column("代码", 8), Column("单位"), Column("数据来源")]
    columns += [Column(_heading(metric), 16) for metric in metrics]
    rows = [
        [
            row.get("code", ""),
            row.get("name", ""),
            "实时统计" if _is_live(row) else "月度报告",
            *(_number(metric, _value(row, metric)) for metric in metrics),
        ]
        for row in snapshot.get("jurisdictions") or []
    ]
    return Sheet("各地情况", columns, rows, MAX_SHEET_ROWS, freeze_columns=2)


def _ranking_sheet(ranking: _Ranking) -> Sheet:
    metric = ranking.metric
    columns = [Column("名次", 6), Column("代码", 8), Column("单位"), Column(_heading(metric), 16)]
    rows = [
        [
            row.get("rank"),
            row.get("code", ""),
            row.get("name", ""),
            _number(metric, row.get("value")),
        ]
        for row in ranking.rows
    ]
    return Sheet(f"{metric.label}排名", columns, rows, MAX_SHEET_ROWS)


def _reporting_sheet(snapshot: dict) -> Sheet:
    columns = [Column("代码", 8), Column("单位"), Column("报送时限", 20), Column("报送时间", 20)]
    columns.append(Column("状态"))
    rows = [
        [entry.code, entry.name, entry.due_at, entry.submitted_at or NOT_SUBMITTED, entry.state]
        for entry in _late_entries(snapshot)
    ]
    return Sheet("报送情况", columns, rows, MAX_SHEET_ROWS)


# --- reading the snapshot ---------------------------------------------------------------------


def _metrics(snapshot: dict) -> list[Metric]:
    """The snapshot's metrics in its order; a code this version does not know is left out
    with a warning."""
    metrics = []
    for code in snapshot.get("metrics") or []:
        if code in BY_CODE:
            metrics.append(BY_CODE[code])
        else:
            logger.warning("A bulletin snapshot names the unknown metric %r; left out.", code)
    return metrics


def _overview(snapshot: dict) -> Iterator[tuple[Metric, float | None, float | None, float | None]]:
    """Each metric with its national value, the previous bulletin's, and the change."""
    national = snapshot.get("national") or {}
    previous = (snapshot.get("previous") or {}).get("national") or {}
    for metric in _metrics(snapshot):
        value, before = (national.get(metric.code) or {}).get("value"), previous.get(metric.code)
        change = None if value is None or before is None else value - before
        yield metric, value, before, change


def _rankings(snapshot: dict) -> list[_Ranking]:
    return [
        _Ranking(BY_CODE[ranking["metric"]], list(ranking.get("rows") or []))
        for ranking in snapshot.get("rankings") or []
        if ranking.get("metric") in BY_CODE
    ]


def _late_entries(snapshot: dict) -> list[_Late]:
    """The ``late`` entries, then the ``missing`` codes not among them, named after their
    jurisdiction."""
    names = {row.get("code"): row.get("name", "") for row in snapshot.get("jurisdictions") or []}
    entries = [
        _Late(
            code=entry.get("code", ""),
            name=entry.get("name") or names.get(entry.get("code"), ""),
            due_at=_moment(entry.get("due_at")),
            submitted_at=_moment(entry.get("submitted_at")),
            state=_state_label(entry.get("state")),
        )
        for entry in snapshot.get("late") or []
    ]
    listed = {entry.code for entry in entries}
    for code in snapshot.get("missing") or []:
        if code not in listed:
            entries.append(_Late(code, names.get(code) or code, None, None, NO_VALUE))
    return entries


def _column_groups(metrics: Sequence[Metric]) -> Iterator[tuple[str, list[Metric]]]:
    """The metrics by group, groups in order of first appearance, each cut into runs of at
    most MAX_METRIC_COLUMNS."""
    groups: dict[str, list[Metric]] = {}
    for metric in metrics:
        groups.setdefault(metric.group, []).append(metric)
    for group, members in groups.items():
        for start in range(0, len(members), MAX_METRIC_COLUMNS):
            yield str(GROUP_LABELS[group]), members[start : start + MAX_METRIC_COLUMNS]


def _value(row: dict, metric: Metric) -> float | None:
    return ((row.get("values") or {}).get(metric.code) or {}).get("value")


def _is_live(row: dict) -> bool:
    return row.get("source") == "live"


def _marked_name(row: dict) -> str:
    return row.get("name", "") + (LIVE_MARK if _is_live(row) else "")


def _moment(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


def _state_label(state: str | None) -> str:
    if state in ReportState.values:
        return str(ReportState(state).label)
    return state or NO_VALUE


# --- formatting -------------------------------------------------------------------------------


def _ordinal(number: int) -> str:
    return ORDINALS[number - 1] if number <= len(ORDINALS) else str(number)


def _heading(metric: Metric) -> str:
    return f"{metric.label}（{metric.unit}）"


def _text(metric: Metric, value: float | None) -> str:
    """A figure as the dashboard shows it: "—" for none, counts whole with thousands
    separators, rates and medians with one decimal."""
    return figure(Value(metric, numerator=None, value=value))


def _number(metric: Metric, value: float | None) -> float | int | None:
    """A figure for a spreadsheet cell, rounded as the document shows it."""
    if value is None:
        return None
    if metric.kind in (Kind.RATE, Kind.MEDIAN):
        return round(value, 1)
    return int(round(value))


def _month_text(period: str | None) -> str:
    if not period:
        return ""
    month = datetime.date.fromisoformat(period)
    return f"{month.year}年{month.month}月"


def _date_text(moment: datetime.datetime | None) -> str:
    if moment is None:
        return NO_VALUE
    day = timezone.localtime(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"
