"""Reads of the reporting app, scoped to the user: which jurisdictions and cities a user's
figures may cover, monthly reports and bulletins.

Figures are for the people who steer the campaign: the ministry and the research
institute see every jurisdiction, an administration its own (and its cities); nobody else
sees figures. An area outside the user's reach is ``Http404``, never 403."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from louyu.core.models import Jurisdiction, Region, RegionLevel, User
from louyu.core.scope import scope_for
from louyu.reporting.models import Bulletin, MonthlyReport
from louyu.reporting.rollup.query import Area
from louyu.reporting.workflow import BulletinState
from louyu.search.registry import EVERYTHING, NOTHING, Reach


def may_see_figures(user: User) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("reporting.view_figure")
        and scope_for(user).by_jurisdiction
    )


def jurisdiction_list(*, user: User) -> QuerySet[Jurisdiction]:
    """The jurisdictions whose figures the user may see, in their usual order."""
    if not may_see_figures(user):
        return Jurisdiction.objects.none()
    return scope_for(user).filter_jurisdiction(
        Jurisdiction.objects.order_by("sort_order", "code"), path="pk"
    )


@dataclass(frozen=True)
class Where:
    """The area a page or a call asked for, resolved within the user's reach."""

    area: Area
    jurisdiction: Jurisdiction | None
    city: Region | None
    national: bool

    @property
    def label(self) -> str:
        if self.city is not None:
            return self.city.name
        if self.jurisdiction is not None:
            return self.jurisdiction.name
        return _("全国")


def resolve_area(*, user: User, jurisdiction: str = "", city: str = "") -> Where:
    """The area for ``jurisdiction`` (a code) and ``city`` (a region code) as the user may
    see it: national users default to the nation, an administration to its jurisdiction.
    Raises Http404 for a jurisdiction or city outside the user's reach or unknown."""
    visible = jurisdiction_list(user=user)
    if not visible.exists():
        raise Http404
    scope = scope_for(user)
    chosen = None
    if jurisdiction:
        chosen = visible.filter(code=jurisdiction).first()
        if chosen is None:
            raise Http404
    elif not scope.is_national:
        chosen = visible.first()
    region = None
    if city:
        region = Region.objects.filter(code=city).first()
        cities = {c.code for c in cities_of(chosen)} if chosen else None
        if region is None or (cities is not None and region.code not in cities):
            raise Http404
        if chosen is None:
            owner = jurisdiction_of_city(region)
            if owner is None or not visible.filter(pk=owner.pk).exists():
                raise Http404
            chosen = owner
    ids = frozenset({chosen.pk}) if chosen is not None else None
    return Where(
        area=Area(ids, city=region.code if region else ""),
        jurisdiction=chosen,
        city=region,
        national=chosen is None,
    )


def cities_of(jurisdiction: Jurisdiction) -> list[Region]:
    """The cities (prefectures, or the municipality itself) whose counties belong to the
    jurisdiction, by code."""
    codes = set()
    for code, level, parent in Region.objects.filter(jurisdiction=jurisdiction).values_list(
        "code", "level", "parent_id"
    ):
        if level == RegionLevel.COUNTY:
            codes.add(parent or code)
        elif level == RegionLevel.PREFECTURE:
            codes.add(code)
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def jurisdiction_of_city(city: Region) -> Jurisdiction | None:
    county = Region.objects.filter(parent=city, jurisdiction__isnull=False).first()
    if county is not None:
        return county.jurisdiction
    return city.jurisdiction


# --- Monthly reports and bulletins ---------------------------------------------------------


def report_list(*, user: User) -> QuerySet[MonthlyReport]:
    """Reports the user may see: the ministry and the institute all; an administration its
    own; others none."""
    if not user.is_authenticated or not user.has_perm("reporting.view_monthlyreport"):
        return MonthlyReport.objects.none()
    scope = scope_for(user)
    if not scope.by_jurisdiction:
        return MonthlyReport.objects.none()
    return scope.filter_jurisdiction(MonthlyReport.objects.select_related("jurisdiction"))


def report_get(*, user: User, pk: int) -> MonthlyReport:
    found = report_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def bulletin_list(*, user: User) -> QuerySet[Bulletin]:
    """Bulletins the user may see: published ones for every reporting user; drafts only for
    those who edit bulletins (the ministry)."""
    if not user.is_authenticated or not user.has_perm("reporting.view_bulletin"):
        return Bulletin.objects.none()
    if user.has_perm("reporting.change_bulletin"):
        return Bulletin.objects.all()
    return Bulletin.objects.filter(state=BulletinState.PUBLISHED)


def bulletin_search_reach(user: User | None) -> Reach:
    """The bulletin rows of the search index the user may find: as ``bulletin_list``."""
    if user is None or not user.is_authenticated or not user.has_perm("reporting.view_bulletin"):
        return NOTHING
    if user.has_perm("reporting.change_bulletin"):
        return EVERYTHING
    return Reach(object_ids=bulletin_list(user=user).values("pk"))


def bulletin_get(*, user: User, pk: int) -> Bulletin:
    found = bulletin_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def published_bulletins() -> QuerySet[Bulletin]:
    """For the public page: published bulletins only."""
    return Bulletin.objects.filter(state=BulletinState.PUBLISHED).order_by("-period")
