"""Reads of rectification cases, always scoped to what the user may see.

- ministry and research institute: every case;
- a communications administration: its jurisdiction's cases;
- a measure owner (property company, access agent, operator branch or headquarters, joint
  department): the cases where it owns a measure; an operator also the cases it reported;
  a joint department also the cases referred to it by an enforcement action;
- anyone else: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.cases.models import Case, CaseFile, EnforcementAction, Measure, Violation
from louyu.cases.workflow import OPEN_STATES, ActionKind, Source, State
from louyu.core.models import User
from louyu.core.scope import ScopeKind, scope_for
from louyu.search.registry import EVERYTHING, NOTHING, Reach


def case_list(*, user: User) -> QuerySet[Case]:
    scope = scope_for(user)
    qs = Case.objects.select_related("building", "jurisdiction", "supervisor")
    if not user.has_perm("cases.view_case"):
        return Case.objects.none()
    if scope.by_jurisdiction:
        return scope.filter_jurisdiction(qs)
    if scope.kind in (ScopeKind.JOINT, ScopeKind.OPERATOR, ScopeKind.PROPERTY):
        orgs = scope.organization_ids
        visible = Q(Exists(Measure.objects.filter(case=OuterRef("pk"), owner_id__in=orgs)))
        if scope.kind == ScopeKind.JOINT:
            visible |= Q(
                Exists(
                    EnforcementAction.objects.filter(
                        case=OuterRef("pk"),
                        kind=ActionKind.REFERRAL,
                        target_organization_id__in=orgs,
                    )
                )
            )
        if scope.is_operator:
            visible |= Q(source=Source.OPERATOR_REPORT, opened_by__organization_id__in=orgs)
        return qs.filter(visible)
    return Case.objects.none()


def case_search_reach(user: User | None) -> Reach:
    """The case rows of the search index the user may find: as ``case_list``."""
    scope = scope_for(user)
    if scope.kind == ScopeKind.NONE or not user.has_perm("cases.view_case"):
        return NOTHING
    if scope.is_national:
        return EVERYTHING
    if scope.kind == ScopeKind.JURISDICTION:
        return Reach(jurisdiction_ids=scope.jurisdiction_ids)
    return Reach(object_ids=case_list(user=user).values("pk"))


def case_get(*, user: User, pk: int) -> Case:
    return case_list(user=user).get(pk=pk)


def open_case_of_building(*, user: User, building: Building) -> Case | None:
    """The building's open case, if the user may see it."""
    return case_list(user=user).filter(building=building, state__in=OPEN_STATES).first()


def building_has_open_case() -> Exists:
    """True for a building with an open case (a building-list condition)."""
    return Exists(Case.objects.filter(building_id=OuterRef("pk"), state__in=OPEN_STATES))


def visible_measures(*, user: User, case: Case) -> QuerySet[Measure]:
    """A case's measures: all for those who see the case as a whole, only its own for a
    measure owner."""
    qs = case.measures.select_related("owner", "answered_by").prefetch_related("files")
    scope = scope_for(user)
    if scope.by_jurisdiction:
        return qs
    return qs.filter(owner_id__in=scope.organization_ids)


def sees_whole_case(user: User) -> bool:
    return scope_for(user).by_jurisdiction


def case_file(*, user: User, case_pk: int, pk: int) -> CaseFile | None:
    """A file of a case the user may see; a measure owner only its own measures' files."""
    try:
        case = case_get(user=user, pk=case_pk)
    except Case.DoesNotExist:
        return None
    record = case.files.filter(pk=pk).select_related("case").first()
    if record is None:
        return None
    if not sees_whole_case(user):
        if record.measure_id is None:
            return None
        if not visible_measures(user=user, case=case).filter(pk=record.measure_id).exists():
            return None
    return record


SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "due": ("rectify_due_at", "id"),
    "-due": ("-rectify_due_at", "-id"),
    "code": ("code",),
}


@dataclass(frozen=True)
class CaseFilters:
    """The filters shared by the queue page, its export and the API."""

    q: str = ""
    jurisdiction: str = ""
    state: str = ""
    category: str = ""
    responsible_party: str = ""
    severity: str = ""
    key_case: bool = False
    overdue: bool = False
    open_only: bool = False
    building: int | None = None
    sort: str = "-created"


def case_filter(qs: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    if filters.jurisdiction:
        qs = qs.filter(jurisdiction__code=filters.jurisdiction)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.key_case:
        qs = qs.filter(key_case=True)
    if filters.overdue:
        qs = qs.filter(state=State.RECTIFYING, rectify_due_at__lt=timezone.now())
    if filters.building:
        qs = qs.filter(building_id=filters.building)
    if filters.category or filters.responsible_party:
        violations = Violation.objects.filter(case=OuterRef("pk"), withdrawn_at__isnull=True)
        if filters.category:
            violations = violations.filter(category__code=filters.category)
        if filters.responsible_party:
            violations = violations.filter(responsible_party=filters.responsible_party)
        qs = qs.filter(Exists(violations))
    text = (filters.q or "").strip()
    if text:
        qs = qs.filter(
            Q(code__iexact=text)
            | Q(building__code__iexact=text)
            | Q(building__name__icontains=text)
            | Q(title__icontains=text)
        )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["-created"]))
