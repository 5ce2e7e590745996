"""Reads of the building registry and of its import jobs, scoped to the user."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from louyu.buildings.conditions import condition_filter
from louyu.buildings.models import (
    Building,
    BuildingImport,
    Presence,
    PresenceEvent,
    PresenceStatus,
)
from louyu.buildings.suggest import suggest, text_match
from louyu.core.models import Organization, User
from louyu.core.regions import normalize_address, resolve_address
from louyu.core.scope import ScopeKind, scope_for
from louyu.search.registry import EVERYTHING, NOTHING, Reach


def building_list(*, user: User) -> QuerySet[Building]:
    """Buildings the user may see: national users all; an administration its jurisdiction;
    an operator's branch the buildings of its jurisdiction (to report presence), its
    headquarters all; a property company the buildings it manages; others none."""
    scope = scope_for(user)
    qs = Building.objects.filter(is_active=True)
    if scope.by_jurisdiction:
        qs = scope.filter_jurisdiction(qs)
    elif scope.is_operator:
        org = user.organization
        if org.jurisdiction_id:
            qs = qs.filter(jurisdiction_id=org.jurisdiction_id)
    elif scope.kind == ScopeKind.PROPERTY:
        qs = qs.filter(Q(property_company_id__in=scope.organization_ids))
    else:
        return Building.objects.none()
    return qs


# --- Presence: whose rows a user sees ----------------------------------------------------------
# DESIGN: an operator sees "its own presence data ... (never a competitor's presence)". Every
# page, API response and export that shows presence rows or their history reads them through
# the functions below, which all apply ``presence_operator_ids``. A building's count of basic
# operators serving (``operator_count``) and its zero-operator flag are not presence rows:
# whoever sees the building sees them, since operators' work plans need them.

ADDRESS_FRAGMENT_MIN = 3
OPERATOR_FILTER_REFUSED = _("只能按本企业筛选在服务楼宇，不能查询其他企业的入驻情况。")


def presence_operator_ids(user: User | None) -> frozenset[int] | None:
    """The one rule. The basic operators whose presence the user may see: None for every
    operator (national users, administrations, joint departments, property companies); for
    an operator's staff (a branch or its headquarters) only its own basic operator; no
    operator for anyone else."""
    scope = scope_for(user)
    if scope.kind == ScopeKind.NONE:
        return frozenset()
    if not scope.is_operator:
        return None
    own = user.organization.operator if user.organization else None
    if own is None or not own.is_basic_operator:
        return frozenset()
    return frozenset({own.pk})


def visible_presences(
    *, user: User | None, queryset: QuerySet[Presence] | None = None
) -> QuerySet[Presence]:
    """The presence rows (of ``queryset``, default all) the user may see."""
    qs = Presence.objects.all() if queryset is None else queryset
    operator_ids = presence_operator_ids(user)
    return qs if operator_ids is None else qs.filter(operator_id__in=operator_ids)


def presence_history(*, user: User | None, building: Building) -> QuerySet[PresenceEvent]:
    """The building's presence events the user may see, newest first."""
    qs = building.presence_events.select_related("operator", "actor")
    operator_ids = presence_operator_ids(user)
    return qs if operator_ids is None else qs.filter(operator_id__in=operator_ids)


def presence_operators(*, user: User | None) -> QuerySet[Organization]:
    """The basic operators whose presence the user sees: the presence columns of the list
    and the export, and the choices of the ``operator`` filter."""
    operator_ids = presence_operator_ids(user)
    qs = basic_operators()
    return qs if operator_ids is None else qs.filter(pk__in=operator_ids)


def operator_filter_refusal(*, user: User | None) -> str:
    """The message refusing an ``operator=`` filter on another operator's presence, for a
    user whose view of presence is restricted; "" for a user who may filter by any operator.
    Filtering by a competitor would reveal the buildings it serves, so it is refused (with
    this message), never silently widened or emptied."""
    return "" if presence_operator_ids(user) is None else str(OPERATOR_FILTER_REFUSED)


def with_presence(qs: QuerySet[Building], *, user: User | None) -> QuerySet[Building]:
    """The buildings with their region and jurisdiction, and the presence rows the user may
    see prefetched (``building.presences.all()``)."""
    presences = visible_presences(
        user=user, queryset=Presence.objects.select_related("operator").order_by("operator__code")
    )
    return qs.select_related("region", "region__parent", "jurisdiction").prefetch_related(
        Prefetch("presences", queryset=presences)
    )


OPERATOR_COUNT_FILTERS = {
    "0": Q(operator_count=0),
    "1": Q(operator_count=1),
    "2+": Q(operator_count__gte=2),
}
FLAG_FIELDS = ["exclusive_deal_known", "entry_fee_charged", "notice_posted", "friendly_pledge"]
# Each sort ends with the primary key in the same direction, so one (column, id) index
# serves both directions of a sort and deep pages stay index scans.
SORTS = {
    "name": ("normalized_name", "id"),
    "-name": ("-normalized_name", "-id"),
    "operators": ("operator_count", "id"),
    "-operators": ("-operator_count", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "code": ("code",),
}


@dataclass(frozen=True)
class BuildingFilters:
    """The filters shared by the web list, the export and the API."""

    jurisdiction: str = ""
    city: str = ""
    district: str = ""
    building_type: str = ""
    operators: str = ""
    operator: str = ""
    q: str = ""
    exclusive_deal_known: bool | None = None
    entry_fee_charged: bool | None = None
    notice_posted: bool | None = None
    friendly_pledge: bool | None = None
    sort: str = ""
    # Registered conditions (``louyu.buildings.conditions``) as (name, wanted) pairs.
    conditions: tuple[tuple[str, bool], ...] = ()

    def as_dict(self) -> dict:
        """The filters as one flat dict, a registered condition under its own name."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "conditions"}
        return {**values, **dict(self.conditions)}


def building_filter(qs: QuerySet[Building], filters: BuildingFilters) -> QuerySet[Building]:
    if filters.jurisdiction:
        qs = qs.filter(jurisdiction__code=filters.jurisdiction)
    if filters.city:
        qs = qs.filter(Q(region__parent_id=filters.city) | Q(region_id=filters.city))
    if filters.district:
        qs = qs.filter(region_id=filters.district)
    if filters.building_type:
        qs = qs.filter(building_type=filters.building_type)
    if filters.operators in OPERATOR_COUNT_FILTERS:
        qs = qs.filter(OPERATOR_COUNT_FILTERS[filters.operators])
    if filters.operator:
        operator_ids = list(
            Organization.objects.filter(
                operator_key=filters.operator, is_basic_operator=True
            ).values_list("pk", flat=True)
        )
        qs = qs.filter(
            Exists(
                Presence.objects.filter(
                    building_id=OuterRef("pk"),
                    operator_id__in=operator_ids,
                    status=PresenceStatus.SERVING,
                )
            )
        )
    for flag in FLAG_FIELDS:
        value = getattr(filters, flag)
        if value is not None:
            qs = qs.filter(**{flag: value})
    for name, wanted in filters.conditions:
        qs = qs.filter(condition_filter(name, wanted))
    qs = qs.filter(text_match(filters.q))
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def building_by_ref(*, user: User, ref: str | int | None) -> Building | None:
    """The building the user may see with this code, else with this numeric id; None when
    there is none (an unknown building and one outside the scope look the same)."""
    ref = str(ref or "").strip()
    if not ref:
        return None
    visible = building_list(user=user)
    found = visible.filter(code=ref).first()
    if found is None and ref.isdigit():
        found = visible.filter(pk=int(ref)).first()
    return found


# --- Complaint intake's lookups: the one exception to scoping --------------------------------
# A complaint may concern any building, wherever the clerk or the public is: intake looks
# buildings up in the whole registry. These lookups are the only reads of the registry
# without the user's scope; their callers show no more of a building than its code, name and
# address (public registry data).


def intake_building(*, code: str = "", pk: int | None = None) -> Building | None:
    """The active building with exactly this code (or id), in the whole registry."""
    code = (code or "").strip()
    if not code and pk is None:
        return None
    qs = Building.objects.select_related("region", "jurisdiction").filter(is_active=True)
    return qs.filter(code=code).first() if code else qs.filter(pk=pk).first()


def intake_building_search(text: str, *, limit: int) -> list[dict]:
    """At most ``limit`` active buildings whose name or address contains ``text``, as
    ``{id, name, address}``."""
    return list(
        Building.objects.filter(is_active=True)
        .filter(Q(name__icontains=text) | Q(address__icontains=text))
        .order_by("name", "id")
        .values("id", "name", "address")[:limit]
    )


def intake_building_suggest(q: str, *, limit: int) -> list[Building]:
    """At most ``limit`` active buildings of the whole registry matching ``q`` (name, alias,
    address or code; two characters suffice), for intake's picker."""
    return suggest(Building.objects.filter(is_active=True), q, jurisdiction_ids=None, limit=limit)


def intake_address_candidates(address: str, *, limit: int) -> list[Building]:
    """At most ``limit`` active buildings of the whole registry whose address looks like
    ``address``: the same normalised address, else the same street address after the region
    names, else the same road, within the address's county when it names one."""
    text = normalize_address(address or "")[:300]
    found = resolve_address(text) if text else None
    rest = text
    if found is not None and found.matched_text and found.matched_text in text:
        rest = text[text.index(found.matched_text) + len(found.matched_text) :]
    road = re.split(r"\d", rest, maxsplit=1)[0]
    qs = Building.objects.filter(is_active=True)
    if found is not None and found.county is not None:
        qs = qs.filter(region_id=found.county.pk)
    for fragment in (text, rest, road):
        if len(fragment) >= ADDRESS_FRAGMENT_MIN:
            rows = list(
                qs.filter(normalized_address__contains=fragment).order_by("name", "id")[:limit]
            )
            if rows:
                return rows
    return []


def building_suggest(*, user: User, q: str, limit: int) -> list[Building]:
    """At most ``limit`` of the user's buildings matching ``q`` (two characters suffice)."""
    scope = scope_for(user)
    narrow = scope.jurisdiction_ids if scope.kind == ScopeKind.JURISDICTION else None
    if scope.is_operator and user.organization.jurisdiction_id:
        narrow = frozenset({user.organization.jurisdiction_id})
    return suggest(building_list(user=user), q, jurisdiction_ids=narrow, limit=limit)


def building_get(*, user: User, pk: int) -> Building:
    return with_presence(building_list(user=user), user=user).get(pk=pk)


def basic_operators() -> QuerySet[Organization]:
    return Organization.objects.filter(is_basic_operator=True, is_active=True).order_by("code")


# --- Import jobs ------------------------------------------------------------------------------


def building_import_list(*, user) -> QuerySet[BuildingImport]:
    """Import jobs the user may see: national users all; an administration its
    jurisdiction's jobs and its own; anyone else only their own."""
    if user is None or not user.is_authenticated:
        return BuildingImport.objects.none()
    scope = scope_for(user)
    qs = BuildingImport.objects.select_related("created_by", "committed_from")
    if scope.is_national:
        return qs
    own = Q(created_by=user)
    if scope.kind == ScopeKind.JURISDICTION:
        return qs.filter(own | Q(jurisdiction_id__in=scope.jurisdiction_ids))
    return qs.filter(own)


def building_import_get(*, user, public_id) -> BuildingImport:
    """One job in the user's scope; raises BuildingImport.DoesNotExist otherwise."""
    return building_import_list(user=user).get(public_id=public_id)


def building_import_confirmation(job: BuildingImport) -> BuildingImport | None:
    """The latest commit made from this dry run, if any."""
    return job.confirmations.order_by("-created_at", "-id").first()


def building_search_reach(user: User | None) -> Reach:
    """The building rows of the search index the user may find: as ``building_list``."""
    scope = scope_for(user)
    if scope.is_national:
        return EVERYTHING
    if scope.kind == ScopeKind.JURISDICTION:
        return Reach(jurisdiction_ids=scope.jurisdiction_ids)
    if scope.is_operator:
        own = user.organization.jurisdiction_id
        return Reach(jurisdiction_ids=frozenset({own})) if own else EVERYTHING
    if scope.kind == ScopeKind.PROPERTY:
        return Reach(organization_ids=scope.organization_ids)
    return NOTHING
