"""What the public sees of the campaign's progress, without logging in: the published
bulletins (page, PDF, Atom feed), statistics per jurisdiction (aggregate figures only: no
personal data, no complaint texts) and the buildings that signed the friendly-building
pledge. Cached briefly: these pages are the same for everyone."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from louyu.buildings.models import Building
from louyu.core.models import Jurisdiction
from louyu.reporting import figures, selectors
from louyu.reporting.figures import Period
from louyu.reporting.metrics import BY_CODE
from louyu.reporting.rollup.query import Area
from louyu.reporting.rollup.refresh import rollup_state
from louyu.reporting.views.bulletins import download

PUBLIC_SECONDS = 300
PUBLIC_METRICS = (
    "buildings_registered",
    "multi_operator_share",
    "zero_operator_buildings",
    "zero_operator_plan_share",
    "operator_entries",
    "problem_buildings",
    "rectification_rate",
    "complaints_received",
    "reply_on_time_rate",
    "satisfaction_rate",
)
FRIENDLY_PAGE = 50


def _published(pk: int):
    bulletin = selectors.published_bulletins().filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


@require_GET
@cache_page(PUBLIC_SECONDS)
def bulletins(request):
    return render(
        request,
        "reporting/public/bulletins.html",
        {"bulletins": selectors.published_bulletins()[:60]},
    )


@require_GET
@cache_page(PUBLIC_SECONDS)
def bulletin(request, pk: int):
    found = _published(pk)
    snapshot = found.snapshot or {}
    metrics = [BY_CODE[c] for c in PUBLIC_METRICS]
    rows = [
        {
            "name": row.get("name"),
            "cells": [(m, (row.get("values") or {}).get(m.code) or {}) for m in metrics],
        }
        for row in snapshot.get("jurisdictions", [])
    ]
    national = [(m, (snapshot.get("national") or {}).get(m.code) or {}) for m in metrics]
    return render(
        request,
        "reporting/public/bulletin.html",
        {"bulletin": found, "metrics": metrics, "rows": rows, "national": national},
    )


@require_GET
def bulletin_pdf(request, pk: int):
    return download(_published(pk), "pdf", actor=None)


@require_GET
@cache_page(PUBLIC_SECONDS)
def statistics(request):
    today = timezone.localdate()
    period = Period(today.replace(month=1, day=1), today)
    metrics = [BY_CODE[c] for c in PUBLIC_METRICS]
    jurisdictions = list(Jurisdiction.objects.order_by("sort_order", "code"))
    by_id = figures.evaluate_by_jurisdiction(Area(), period, metrics)
    empty = figures.evaluate(Area(frozenset({-1})), period, metrics)
    rows = [
        {"name": j.short_name or j.name, "values": by_id.get(j.pk, empty)} for j in jurisdictions
    ]
    national = figures.evaluate(Area(), period, metrics)
    return render(
        request,
        "reporting/public/statistics.html",
        {
            "period": period,
            "metrics": metrics,
            "rows": [
                {"name": r["name"], "cells": [(m, r["values"][m.code]) for m in metrics]}
                for r in rows
            ],
            "national": [(m, national[m.code]) for m in metrics],
            "state": rollup_state(),
        },
    )


@require_GET
@cache_page(PUBLIC_SECONDS)
def friendly_buildings(request):
    qs = Building.objects.filter(is_active=True, friendly_pledge=True).select_related(
        "jurisdiction"
    )
    jurisdiction = (request.GET.get("jurisdiction") or "").strip()
    if jurisdiction.isdigit():
        qs = qs.filter(jurisdiction__code=jurisdiction)
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    page = Paginator(qs.order_by("jurisdiction__sort_order", "name", "id"), FRIENDLY_PAGE)
    return render(
        request,
        "reporting/public/friendly_buildings.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "jurisdictions": Jurisdiction.objects.order_by("sort_order", "code"),
            "jurisdiction": jurisdiction,
            "q": q,
        },
    )


class BulletinFeed(Feed):
    """Atom feed of the published bulletins."""

    feed_type = Atom1Feed
    title = _("商务楼宇宽带接入市场联合整治工作进展通报")
    subtitle = _("工业和信息化部发布的进展通报")

    def link(self):
        return reverse("public_progress:bulletins")

    def items(self):
        return selectors.published_bulletins()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return reverse("public_progress:bulletin", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
