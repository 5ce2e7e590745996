"""Summing ``Figure`` rows for an area and a range of days, optionally by jurisdiction, city
or month. A range reads the month rows of the whole months it covers and the day rows of
the partial months at its ends; a range from the beginning reads the running totals as of
its last whole month instead of the month rows, so a cumulative figure over years reads one
row per measure and jurisdiction (and the days of its last, partial month)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import wraps

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum

from louyu.reporting.models import Figure, Grain, month_end
from louyu.reporting.rollup import running

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Area:
    """Where: some jurisdictions (None: all of them, the nation) and optionally one city
    (a prefecture or municipality code)."""

    jurisdiction_ids: frozenset[int] | None = None
    city: str = ""


def _month_floor(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return month_end(day) + ONE_DAY


def split(start: datetime.date | None, end: datetime.date) -> Q:
    """Rows covering [start, end]: whole months as month rows, the rest as day rows; from
    the beginning (``start`` is None), the running totals as of the end of the last whole
    month and the day rows after it."""
    first_full = start if start is None or start.day == 1 else _next_month(start)
    last_full_end = end if end == month_end(end) else _month_floor(end) - ONE_DAY
    condition = Q(pk__in=[])
    if first_full is None or first_full <= last_full_end:
        if first_full is None:
            months = running.holding(_month_floor(last_full_end))
        else:
            months = Q(grain=Grain.MONTH, date__gte=first_full, date__lte=last_full_end)
        condition |= months
        if start is not None and start < first_full:
            condition |= Q(grain=Grain.DAY, date__gte=start, date__lt=first_full)
        if last_full_end < end:
            condition |= Q(grain=Grain.DAY, date__gt=last_full_end, date__lte=end)
    else:  # inside one month
        days = Q(grain=Grain.DAY, date__lte=end)
        if start is not None:
            days &= Q(date__gte=start)
        condition |= days
    return condition


def measure_filter(measures: Iterable[str]) -> Q:
    """Rows of these measures (exact names: a histogram's or a breakdown's are listed one by
    one, so each is an index range of its own)."""
    return Q(measure__in=sorted(set(measures)))


def _planned_with_values(read):
    """Run ``read`` with PostgreSQL planning each statement for its values: prepared
    statements (ADR 0010) otherwise get a generic plan from their tenth run, ten times
    slower for a date range and a long list of measures."""

    @wraps(read)
    def wrapper(*args, **kwargs):
        if connection.vendor != "postgresql":
            return read(*args, **kwargs)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            return read(*args, **kwargs)

    return wrapper


def _rows(area: Area, measures: Iterable[str], when: Q) -> QuerySet[Figure]:
    qs = Figure.objects.filter(when, measure_filter(measures), city=area.city)
    if area.jurisdiction_ids is not None:
        qs = qs.filter(jurisdiction_id__in=area.jurisdiction_ids)
    return qs


@_planned_with_values
def total(
    area: Area, measures: Iterable[str], start: datetime.date | None, end: datetime.date
) -> Counter:
    """measure → sum over [start, end] in the area."""
    rows = _rows(area, measures, split(start, end)).values("measure").annotate(v=Sum("value"))
    return Counter({row["measure"]: row["v"] for row in rows})


@_planned_with_values
def total_by_jurisdiction(
    area: Area, measures: Iterable[str], start: datetime.date | None, end: datetime.date
) -> dict[int, Counter]:
    """jurisdiction id → measure → sum."""
    rows = (
        _rows(area, measures, split(start, end))
        .values("jurisdiction_id", "measure")
        .annotate(v=Sum("value"))
    )
    result: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        result[row["jurisdiction_id"]][row["measure"]] += row["v"]
    return result


@_planned_with_values
def total_by_city(
    jurisdiction_ids: frozenset[int] | None,
    measures: Iterable[str],
    start: datetime.date | None,
    end: datetime.date,
) -> dict[str, Counter]:
    """city code → measure → sum (every city of the jurisdictions)."""
    qs = Figure.objects.filter(split(start, end), measure_filter(measures)).exclude(city="")
    if jurisdiction_ids is not None:
        qs = qs.filter(jurisdiction_id__in=jurisdiction_ids)
    result: dict[str, Counter] = defaultdict(Counter)
    for row in qs.values("city", "measure").annotate(v=Sum("value")):
        result[row["city"]][row["measure"]] += row["v"]
    return result


@_planned_with_values
def monthly(
    area: Area, measures: Iterable[str], first: datetime.date, last: datetime.date
) -> dict[datetime.date, Counter]:
    """Month (first day) → measure → sum in that month, for the months first..last, plus
    everything before ``first`` under the key ``None`` (to start levels from)."""
    measures = list(measures)
    result: dict = defaultdict(Counter)
    before = _rows(area, measures, running.holding(first - ONE_DAY))
    for row in before.values("measure").annotate(v=Sum("value")):
        result[None][row["measure"]] += row["v"]
    inside = _rows(area, measures, Q(grain=Grain.MONTH, date__gte=first, date__lte=last))
    for row in inside.values("date", "measure").annotate(v=Sum("value")):
        result[row["date"]][row["measure"]] += row["v"]
    return result


@_planned_with_values
def daily(area: Area, measures: Iterable[str], first: datetime.date, last: datetime.date) -> dict:
    """Day → measure → sum for first..last, plus everything before ``first`` under
    ``None``."""
    measures = list(measures)
    result: dict = defaultdict(Counter)
    result[None] = total(area, measures, None, first - ONE_DAY)
    inside = _rows(area, measures, Q(grain=Grain.DAY, date__gte=first, date__lte=last))
    for row in inside.values("date", "measure").annotate(v=Sum("value")):
        result[row["date"]][row["measure"]] += row["v"]
    return result
