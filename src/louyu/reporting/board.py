"""Every figure the dashboard shows, computed in one place: the headline values and those
of the period before, the metric's trends by month and by week, and the values of every
jurisdiction (national view) or every city (a jurisdiction's view) for the ranking and the
map. The page adds links and layout; ``bench/bench_dashboard.py`` times exactly this."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from louyu.reporting import figures, selectors
from louyu.reporting.figures import Period, Value
from louyu.reporting.metrics import METRICS, Metric
from louyu.reporting.rollup.query import Area

ONE_DAY = datetime.timedelta(days=1)
TREND_MONTHS = 12
TREND_WEEKS = 12


def previous_period(period: Period) -> Period:
    """The period to compare with: the one of the same length before, or for a
    cumulative figure, the same as of the end of the previous month."""
    earlier = period.previous()
    if earlier is not None:
        return earlier
    return Period(None, period.end.replace(day=1) - ONE_DAY)


@dataclass(frozen=True)
class BoardFigures:
    values: dict[str, Value]
    earlier: dict[str, Value]
    monthly: list[tuple[datetime.date, Value]]
    weekly: list[tuple[datetime.date, Value]]
    # jurisdiction id (national view) or city code (a jurisdiction's view) → code → value
    by_area: dict
    empty: dict[str, Value]


def board_figures(*, user, where: selectors.Where, period: Period, metric: Metric) -> BoardFigures:
    by_area: dict = {}
    if where.national:
        visible = frozenset(j.pk for j in selectors.jurisdiction_list(user=user))
        by_area = figures.evaluate_by_jurisdiction(Area(visible), period)
    elif where.city is None:
        by_area = figures.evaluate_by_city(frozenset({where.jurisdiction.pk}), period)
    return BoardFigures(
        values=figures.evaluate(where.area, period),
        earlier=figures.evaluate(where.area, previous_period(period)),
        monthly=figures.trend(where.area, metric, months=TREND_MONTHS, end=period.end),
        weekly=figures.weekly_trend(where.area, metric, weeks=TREND_WEEKS, end=period.end),
        by_area=by_area,
        empty={m.code: figures.value_of(m, {}) for m in METRICS},
    )
