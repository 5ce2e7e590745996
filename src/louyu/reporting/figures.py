"""The value of a metric for an area and a period, read from the rolled-up figures.

A period is [start, end] in local days, ``start=None`` meaning from the first day
(cumulative). A level is read as of the end of ``end`` (24:00 Asia/Shanghai); a flow over
the period; a rate of levels (``rate_of=LEVEL``) as of the end, of flows over the period;
a median over the period's histogram. A zero denominator gives no value (shown as "—"),
never an error."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from louyu.reporting.metrics import (
    HISTOGRAM_CAP,
    HISTOGRAMS,
    METRICS,
    Kind,
    Measure,
    Metric,
    action_measure,
    histogram_measure,
)
from louyu.reporting.rollup import query
from louyu.reporting.rollup.query import Area

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: datetime.date | None
    end: datetime.date

    @property
    def cumulative(self) -> bool:
        return self.start is None

    def previous(self) -> Period | None:
        """The period of the same length just before (None for a cumulative one)."""
        if self.start is None:
            return None
        length = self.end - self.start
        end = self.start - ONE_DAY
        return Period(end - length, end)


@dataclass(frozen=True)
class Value:
    metric: Metric
    numerator: int | None
    denominator: int | None = None
    value: float | None = None
    breakdown: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "metric": self.metric.code,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            **({"breakdown": self.breakdown} if self.breakdown else {}),
        }


def _measures(metric: Metric) -> list[str]:
    """The measures a metric reads, a histogram's buckets and a breakdown's kinds by name."""
    if metric.measure in HISTOGRAMS:
        return [histogram_measure(metric.measure, days) for days in range(HISTOGRAM_CAP + 1)]
    if metric.measure == Measure.ACTIONS:
        return [action_measure(kind) for kind, _label in metric.breakdown]
    return [m for m in (metric.measure, metric.denominator_measure) if m]


def _uses_levels(metric: Metric) -> bool:
    return metric.kind == Kind.LEVEL or (metric.kind == Kind.RATE and metric.rate_of == Kind.LEVEL)


def median_of(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}; None when there are none."""
    n = sum(histogram.values())
    if not n:
        return None
    wanted = sorted({(n - 1) // 2, n // 2})
    found, seen = [], 0
    for days in sorted(histogram):
        count = histogram[days]
        while wanted and wanted[0] < seen + count:
            found.append(days)
            wanted.pop(0)
        seen += count
    return sum(found) / len(found)


def value_of(metric: Metric, sums: Counter) -> Value:
    """A metric's value from the summed measures (already summed as the metric reads them:
    as of the end for levels, over the period for flows)."""
    if metric.kind == Kind.MEDIAN:
        prefix = f"{metric.measure}."
        histogram = {
            int(name[len(prefix) :]): count
            for name, count in sums.items()
            if name.startswith(prefix) and count
        }
        return Value(metric, sum(histogram.values()), None, median_of(histogram))
    if metric.measure == Measure.ACTIONS:
        prefix = f"{Measure.ACTIONS}."
        breakdown = {kind: sums.get(f"{prefix}{kind}", 0) for kind, _label in metric.breakdown}
        total = sum(breakdown.values())
        return Value(metric, total, None, float(total), breakdown)
    numerator = sums.get(metric.measure, 0)
    if metric.kind == Kind.RATE:
        denominator = sums.get(metric.denominator_measure, 0)
        value = round(100.0 * numerator / denominator, 1) if denominator else None
        return Value(metric, numerator, denominator, value)
    return Value(metric, numerator, None, float(numerator))


def _split(metrics: Sequence[Metric]) -> tuple[list[str], list[str]]:
    levels, flows = [], []
    for metric in metrics:
        (levels if _uses_levels(metric) else flows).extend(_measures(metric))
    return sorted(set(levels)), sorted(set(flows))


def evaluate(area: Area, period: Period, metrics: Iterable[Metric] = METRICS) -> dict[str, Value]:
    """code → value of each metric for the area and period."""
    metrics = list(metrics)
    levels, flows = _split(metrics)
    sums = Counter()
    if levels:
        sums.update(query.total(area, levels, None, period.end))
    flow_sums = query.total(area, flows, period.start, period.end) if flows else Counter()
    result = {}
    for metric in metrics:
        source = sums if _uses_levels(metric) else flow_sums
        result[metric.code] = value_of(metric, source)
    return result


def evaluate_by_jurisdiction(
    area: Area, period: Period, metrics: Iterable[Metric] = METRICS
) -> dict[int, dict[str, Value]]:
    """jurisdiction id → code → value (the jurisdictions with any figure in the area)."""
    metrics = list(metrics)
    levels, flows = _split(metrics)
    level_sums = query.total_by_jurisdiction(area, levels, None, period.end) if levels else {}
    flow_sums = query.total_by_jurisdiction(area, flows, period.start, period.end) if flows else {}
    result = {}
    for jurisdiction_id in set(level_sums) | set(flow_sums):
        result[jurisdiction_id] = {
            metric.code: value_of(
                metric,
                (level_sums if _uses_levels(metric) else flow_sums).get(jurisdiction_id, Counter()),
            )
            for metric in metrics
        }
    return result


def evaluate_by_city(
    jurisdiction_ids: frozenset[int] | None, period: Period, metrics: Iterable[Metric] = METRICS
) -> dict[str, dict[str, Value]]:
    metrics = list(metrics)
    levels, flows = _split(metrics)
    level_sums = query.total_by_city(jurisdiction_ids, levels, None, period.end) if levels else {}
    flow_sums = (
        query.total_by_city(jurisdiction_ids, flows, period.start, period.end) if flows else {}
    )
    result = {}
    for city in set(level_sums) | set(flow_sums):
        result[city] = {
            metric.code: value_of(
                metric, (level_sums if _uses_levels(metric) else flow_sums).get(city, Counter())
            )
            for metric in metrics
        }
    return result


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def trend(
    area: Area, metric: Metric, *, months: int, end: datetime.date
) -> list[tuple[datetime.date, Value]]:
    """The metric month by month for the ``months`` months up to the month of ``end``:
    levels as of each month's end, flows within each month (the last month up to ``end``)."""
    last = end.replace(day=1)
    first = last
    for _ in range(months - 1):
        first = (first - ONE_DAY).replace(day=1)
    starts = month_starts(first, last)
    measures = _measures(metric)
    rows = query.monthly(area, measures, first, last)
    running = Counter(rows.get(None, Counter()))
    points = []
    for month in starts:
        sums = rows.get(month, Counter())
        if _uses_levels(metric):
            running.update(sums)
            points.append((month, value_of(metric, running)))
        else:
            points.append((month, value_of(metric, sums)))
    return points


def weekly_trend(
    area: Area, metric: Metric, *, weeks: int, end: datetime.date
) -> list[tuple[datetime.date, Value]]:
    """The metric week by week (weeks starting Monday) for ``weeks`` weeks up to ``end``."""
    last_monday = end - datetime.timedelta(days=end.weekday())
    first = last_monday - datetime.timedelta(weeks=weeks - 1)
    rows = query.daily(area, _measures(metric), first, end)
    running = Counter(rows.get(None, Counter()))
    points = []
    for week in range(weeks):
        monday = first + datetime.timedelta(weeks=week)
        sums = Counter()
        for offset in range(7):
            day = monday + datetime.timedelta(days=offset)
            if day <= end:
                sums.update(rows.get(day, Counter()))
        if _uses_levels(metric):
            running.update(sums)
            points.append((monday, value_of(metric, running)))
        else:
            points.append((monday, value_of(metric, sums)))
    return points
