"""The progress dashboard (进展统计): headline figures with their change against the
previous period, trends by month and by week, the ranking of jurisdictions (or of a
jurisdiction's cities) and, nationally, the map of China coloured by a metric. Every
figure links to the list it counts."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from louyu.reporting import figures, selectors
from louyu.reporting.board import BoardFigures, board_figures, previous_period
from louyu.reporting.figures import Period, Value
from louyu.reporting.forms import PRESETS, FigureQueryForm
from louyu.reporting.metrics import BY_CODE, HEADLINE, METRICS, Kind
from louyu.reporting.rollup.query import Area
from louyu.reporting.rollup.refresh import rollup_state

DEFAULT_MAP_METRIC = "zero_operator_buildings"
ONE_DAY = datetime.timedelta(days=1)


def query_string(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def period_params(period: Period) -> dict:
    return {
        "start": period.start.isoformat() if period.start else "",
        "end": period.end.isoformat(),
    }


def list_url(code: str, part: str, where, period: Period) -> str:
    params = {
        "jurisdiction": where.jurisdiction.code if where.jurisdiction else "",
        "city": where.city.code if where.city else "",
        "part": part,
        **period_params(period),
    }
    return f"{reverse('reporting:metric_list', args=[code])}?{query_string(**params)}"


def change(current: Value, before: Value) -> float | None:
    if current.value is None or before.value is None:
        return None
    return round(current.value - before.value, 1)


def _require(user) -> None:
    if not selectors.may_see_figures(user):
        raise PermissionDenied


def _area_of(jurisdiction) -> Area:
    return Area(frozenset({jurisdiction.pk}))


def _ranking(user, where, period: Period, sort: str, board: BoardFigures):
    """Rows of the ranking table: every jurisdiction the user sees (national view), or the
    cities of the jurisdiction; each row has its values and its link parameters."""
    rows = []
    empty = board.empty
    if where.national:
        for jurisdiction in selectors.jurisdiction_list(user=user):
            rows.append(
                {
                    "name": jurisdiction.short_name or jurisdiction.name,
                    "params": query_string(jurisdiction=jurisdiction.code, **period_params(period)),
                    "where": selectors.Where(_area_of(jurisdiction), jurisdiction, None, False),
                    "values": board.by_area.get(jurisdiction.pk, empty),
                }
            )
    elif where.city is None:
        for city in selectors.cities_of(where.jurisdiction):
            rows.append(
                {
                    "name": city.name,
                    "params": query_string(
                        jurisdiction=where.jurisdiction.code,
                        city=city.code,
                        **period_params(period),
                    ),
                    "where": selectors.Where(
                        Area(frozenset({where.jurisdiction.pk}), city=city.code),
                        where.jurisdiction,
                        city,
                        False,
                    ),
                    "values": board.by_area.get(city.code, empty),
                }
            )
    key = sort.lstrip("-")
    if key in BY_CODE:
        descending = not sort.startswith("-")
        present = [r for r in rows if r["values"][key].value is not None]
        missing = [r for r in rows if r["values"][key].value is None]
        present.sort(key=lambda r: r["values"][key].value, reverse=descending)
        rows = present + missing
    for position, row in enumerate(rows, start=1):
        row["rank"] = position
        row["cells"] = [
            {
                "metric": metric,
                "value": row["values"][metric.code],
                "url": list_url(metric.code, "numerator", row["where"], period),
            }
            for metric in METRICS
        ]
    return rows


def _map(user, metric_code: str, board: BoardFigures) -> dict:
    """Values of one metric per jurisdiction for the map: provinces by code, and the
    jurisdictions inside a province (大连) as marked cities."""
    provinces, cities = [], []
    for jurisdiction in selectors.jurisdiction_list(user=user):
        value = board.by_area.get(jurisdiction.pk, {}).get(metric_code)
        number = value.value if value is not None else None
        entry = {"code": jurisdiction.code, "name": jurisdiction.short_name, "value": number}
        (provinces if jurisdiction.code.endswith("0000") else cities).append(entry)
    return {
        "metric": metric_code,
        "label": str(BY_CODE[metric_code].label),
        "provinces": provinces,
        "cities": cities,
    }


def _cards(where, period: Period, values, earlier) -> list[dict]:
    return [
        {
            "metric": BY_CODE[code],
            "value": values[code],
            "change": change(values[code], earlier[code]),
            "url": list_url(code, "numerator", where, period),
        }
        for code in HEADLINE
    ]


def home_figures(user) -> dict | None:
    """The headline figures of this month for a user's home page (the nation for the
    ministry and the institute, its jurisdiction for an administration), or None for a
    user who sees no figures."""
    if not selectors.may_see_figures(user):
        return None
    where = selectors.resolve_area(user=user)
    today = timezone.localdate()
    period = Period(today.replace(day=1), today)
    codes = [BY_CODE[code] for code in HEADLINE]
    values = figures.evaluate(where.area, period, codes)
    earlier = figures.evaluate(where.area, previous_period(period), codes)
    return {
        "where": where,
        "period": period,
        "cards": _cards(where, period, values, earlier),
        "state": rollup_state(),
    }


def _series(points) -> list[dict]:
    return [{"date": day.isoformat(), "value": value.value} for day, value in points]


@login_required
@require_GET
def dashboard(request):
    user = request.user
    _require(user)
    form = FigureQueryForm(request.GET)
    where = selectors.resolve_area(
        user=user, jurisdiction=form.value("jurisdiction"), city=form.value("city")
    )
    period = form.period()
    chosen = form.value("metric") or DEFAULT_MAP_METRIC
    metric = BY_CODE[chosen]
    board = board_figures(user=user, where=where, period=period, metric=metric)
    values, earlier = board.values, board.earlier
    cards = _cards(where, period, values, earlier)
    sort = form.value("sort") or ""
    context = {
        "nav_active": "reporting",
        "form": form,
        "where": where,
        "period": period,
        "previous": previous_period(period),
        "cards": cards,
        "metric": metric,
        "metrics": METRICS,
        "ranking": _ranking(user, where, period, sort, board),
        "sort": sort,
        "base_params": query_string(
            jurisdiction=form.value("jurisdiction"),
            city=form.value("city"),
            metric=form.value("metric"),
            **period_params(period),
        ),
        "state": rollup_state(),
        "jurisdictions": selectors.jurisdiction_list(user=user),
        "cities": selectors.cities_of(where.jurisdiction) if where.jurisdiction else [],
        "chart_data": {
            "metric": str(metric.label),
            "unit": str(metric.unit),
            "is_rate": metric.kind in (Kind.RATE,),
            "monthly": _series(board.monthly),
            "weekly": _series(board.weekly),
            "map": _map(user, chosen, board) if where.national else None,
        },
        "presets": [(key, label) for key, label in PRESETS if key != "custom"],
        "area_params": query_string(
            jurisdiction=form.value("jurisdiction"), city=form.value("city")
        ),
    }
    return render(request, "reporting/dashboard.html", context)
