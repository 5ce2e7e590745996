"""The metrics' help page (every metric with its definition) and the list behind a figure:
the rows a metric's numerator or denominator counts, for an area and a period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.reporting import figures, lists, selectors
from louyu.reporting.forms import FigureQueryForm
from louyu.reporting.metrics import BY_CODE, GROUP_LABELS, METRICS, Group

PAGE_SIZE = 50


def _without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
@require_GET
def metric_help(request):
    if not selectors.may_see_figures(request.user):
        raise PermissionDenied
    groups = [
        {"label": GROUP_LABELS[group], "metrics": [m for m in METRICS if m.group == group]}
        for group in Group
    ]
    return render(request, "reporting/metrics.html", {"nav_active": "reporting", "groups": groups})


@login_required
@require_GET
def metric_list(request, code: str):
    user = request.user
    if not selectors.may_see_figures(user):
        raise PermissionDenied
    metric = BY_CODE.get(code)
    if metric is None:
        raise Http404
    part = request.GET.get("part") or lists.NUMERATOR
    if part not in (lists.NUMERATOR, lists.DENOMINATOR):
        raise Http404
    form = FigureQueryForm(request.GET)
    where = selectors.resolve_area(
        user=user, jurisdiction=form.value("jurisdiction"), city=form.value("city")
    )
    period = form.period()
    found = lists.counted(code, part, where.area, period)
    if found is None:
        raise Http404
    value = figures.evaluate(where.area, period, [metric])[code]
    page = None
    if found.available:
        page = CappedPaginator(found.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/metric_list.html",
        {
            "nav_active": "reporting",
            "metric": metric,
            "part": part,
            "has_denominator": (code, lists.DENOMINATOR) in lists.LISTS,
            "where": where,
            "period": period,
            "value": value,
            "counted": found,
            "page": page,
            "query": query_without_page(request),
            "base_query": _without(request, "page", "part"),
            "Rows": lists.Rows,
        },
    )
