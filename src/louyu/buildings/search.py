"""The building registry's documents in the platform search (``louyu.search``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from louyu.buildings.models import Building
from louyu.buildings.selectors import building_list, building_search_reach
from louyu.core.calendar import local_date
from louyu.search.registry import Entry, register_kind

KIND = "building"


def searchable_buildings() -> QuerySet[Building]:
    return Building.objects.filter(is_active=True)


def building_entries(buildings: Iterable[Building]) -> Iterable[Entry]:
    for building in buildings:
        aliases = "、".join(str(a) for a in building.aliases or [])
        yield Entry(
            object_id=building.pk,
            title=building.name,
            body=" ".join(part for part in (building.address, aliases) if part),
            extra=building.code,
            date=local_date(building.updated_at),
            jurisdiction_id=building.jurisdiction_id,
            organization_id=building.property_company_id,
        )


def building_by_code(user, text: str) -> int | None:
    return building_list(user=user).filter(code__iexact=text).values_list("pk", flat=True).first()


def building_url(pk: int) -> str:
    return reverse("buildings:detail", args=[pk])


def register() -> None:
    register_kind(
        KIND,
        label=_("楼宇"),
        objects=searchable_buildings,
        documents=building_entries,
        reach=building_search_reach,
        url=building_url,
        exact=building_by_code,
        order=10,
    )
