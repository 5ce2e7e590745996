"""Reads of work plans and zero-operator buildings, always scoped to the user.

- ministry and research institute: all plans; a communications administration: its
  jurisdiction's;
- an operator (headquarters: with its branches; a branch: itself): only plans in which it
  owns a measure or has made an entry commitment;
- a joint department or property company: only plans in which it owns a measure;
- anyone else: nothing. Objects outside the scope are "not found", never "forbidden".

Inside a plan, a measure owner sees only its own measures, their progress and evidence (as
with a case's measures); the administration and national users see them all.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from louyu.buildings import selectors as building_selectors
from louyu.buildings.models import Building, Presence, PresenceStatus
from louyu.core.models import Organization, User
from louyu.core.scope import (
    ScopeKind,
    referable_organizations_q,
    reference_jurisdiction_ids,
    scope_for,
)
from louyu.workplans.models import MeasureKind, PlanMeasure, PlanProgress, WorkPlan
from louyu.workplans.workflow import OPEN_MEASURE_STATUSES, MeasureStatus, State


def plan_list(*, user: User) -> QuerySet[WorkPlan]:
    scope = scope_for(user)
    qs = WorkPlan.objects.select_related(
        "building", "building__region", "building__region__parent", "jurisdiction"
    )
    if not user.has_perm("workplans.view_workplan"):
        return WorkPlan.objects.none()
    if scope.by_jurisdiction:
        return scope.filter_jurisdiction(qs)
    if scope.is_operator:
        mine = PlanMeasure.objects.filter(
            Q(owner_id__in=scope.organization_ids) | Q(operator_id__in=scope.organization_ids)
        )
        return qs.filter(pk__in=mine.values("plan_id"))
    if scope.kind in (ScopeKind.JOINT, ScopeKind.PROPERTY):
        mine = PlanMeasure.objects.filter(owner_id__in=scope.organization_ids)
        return qs.filter(pk__in=mine.values("plan_id"))
    return WorkPlan.objects.none()


def plan_get(*, user: User, pk) -> WorkPlan:
    return plan_list(user=user).get(pk=pk)


def own_measures(qs: QuerySet[PlanMeasure], *, user: User) -> QuerySet[PlanMeasure]:
    """``qs`` as far as ``user`` sees measures inside the plans it sees: all for national
    users and administrations, a measure owner only its own (an operator also the entry
    commitments made in its name)."""
    scope = scope_for(user)
    if scope.by_jurisdiction:
        return qs
    if scope.is_operator:
        return qs.filter(
            Q(owner_id__in=scope.organization_ids) | Q(operator_id__in=scope.organization_ids)
        )
    if scope.kind in (ScopeKind.JOINT, ScopeKind.PROPERTY):
        return qs.filter(owner_id__in=scope.organization_ids)
    return qs.none()


def measure_list(*, user: User) -> QuerySet[PlanMeasure]:
    """The measures the user sees: of the plans it sees, and a measure owner only its own."""
    visible = PlanMeasure.objects.filter(plan__in=plan_list(user=user).values("pk"))
    return own_measures(visible, user=user).select_related("plan", "owner", "kind", "operator")


def measure_get(*, user: User, pk) -> PlanMeasure:
    """A measure the user sees (DoesNotExist otherwise)."""
    return measure_list(user=user).get(pk=pk)


def progress_get(*, user: User, pk) -> PlanProgress:
    """A progress record (with its evidence) of a measure the user sees."""
    return PlanProgress.objects.select_related("measure__plan").get(
        pk=pk, measure__in=measure_list(user=user).values("pk")
    )


def plan_measures(plan: WorkPlan, *, user: User) -> QuerySet[PlanMeasure]:
    """The plan's measures the user sees, with their progress."""
    qs = plan.measures.select_related("kind", "owner", "operator").prefetch_related(
        Prefetch(
            "progress",
            queryset=PlanProgress.objects.select_related(
                "reported_by", "reported_by_organization"
            ).order_by("created_at", "id"),
        )
    )
    return own_measures(qs, user=user)


def plan_detail_list(*, user: User) -> QuerySet[WorkPlan]:
    """The plans the user sees, each with the measures (and their progress) it sees."""
    measures = own_measures(
        PlanMeasure.objects.select_related("kind", "owner", "operator").prefetch_related(
            "progress"
        ),
        user=user,
    )
    return plan_list(user=user).prefetch_related(Prefetch("measures", queryset=measures))


def serving_presences(*, user: User, building_id: int) -> list[Presence]:
    """The basic operators now serving the building whose presence the user may see (an
    operator's staff only their own, see ``buildings.selectors.visible_presences``),
    earliest first (for the banner)."""
    serving = Presence.objects.filter(
        building_id=building_id,
        status=PresenceStatus.SERVING,
        operator__is_basic_operator=True,
    )
    return list(
        building_selectors.visible_presences(user=user, queryset=serving)
        .select_related("operator")
        .order_by("since", "id")
    )


def measure_kinds() -> QuerySet[MeasureKind]:
    return MeasureKind.objects.filter(is_active=True)


def owner_choices(*, plan: WorkPlan, user: User | None, keep=None) -> QuerySet[Organization]:
    """Organisations that can own a measure of the plan: the administration of its
    jurisdiction, joint departments and operator branches there, operators' headquarters
    and the building's property company, as far as ``user`` may name them
    (``core.scope.may_reference``); ``keep`` (a measure's present owner) stays offered."""
    building = plan.building
    choices = Q(
        Q(jurisdiction_id=plan.jurisdiction_id)
        | Q(type="operator")
        | Q(pk=building.property_company_id)
        | Q(pk=building.access_agent_id),
        referable_organizations_q(reference_jurisdiction_ids(user)),
    )
    if keep is not None:
        choices |= Q(pk=keep)
    return Organization.objects.filter(choices, is_active=True).order_by("type", "code")


# --- Plan list ----------------------------------------------------------------------------


def _measure_counts(qs: QuerySet[WorkPlan]) -> QuerySet[WorkPlan]:
    today = timezone.localdate()
    return qs.annotate(
        measures_total=Count("measures", filter=~Q(measures__status=MeasureStatus.CANCELLED)),
        measures_done=Count("measures", filter=Q(measures__status=MeasureStatus.DONE)),
        measures_overdue=Count(
            "measures",
            filter=Q(measures__status__in=OPEN_MEASURE_STATUSES, measures__due_date__lt=today),
        ),
        next_due=Min("measures__due_date", filter=Q(measures__status__in=OPEN_MEASURE_STATUSES)),
    )


@dataclass(frozen=True)
class PlanFilters:
    """The filters shared by the plan list, its export and the API."""

    jurisdiction: str = ""
    state: str = ""
    now_served: bool = False
    overdue: bool = False
    operator: str = ""
    q: str = ""


def plan_filter(qs: QuerySet[WorkPlan], filters: PlanFilters) -> QuerySet[WorkPlan]:
    today = timezone.localdate()
    if filters.jurisdiction:
        qs = qs.filter(jurisdiction__code=filters.jurisdiction)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.now_served:
        qs = qs.filter(state=State.ACTIVE, building__operator_count__gt=0)
    if filters.overdue:
        qs = qs.filter(
            Exists(
                PlanMeasure.objects.filter(
                    plan_id=OuterRef("pk"),
                    status__in=OPEN_MEASURE_STATUSES,
                    due_date__lt=today,
                )
            )
        )
    if filters.operator:
        qs = qs.filter(
            Exists(
                PlanMeasure.objects.filter(plan_id=OuterRef("pk")).filter(
                    Q(operator__operator_key=filters.operator)
                    | Q(owner__parent__operator_key=filters.operator)
                    | Q(owner__operator_key=filters.operator)
                )
            )
        )
    text = (filters.q or "").strip()[:100]
    if text:
        qs = qs.filter(Q(building__name__icontains=text) | Q(building__code__iexact=text))
    return _measure_counts(qs).order_by("-created_at", "-id")


# --- Zero-operator buildings --------------------------------------------------------------


def zero_operator_visible(user: User) -> bool:
    """The zero-operator list is for the regulator: national users and administrations."""
    return user.has_perm("workplans.view_workplan") and scope_for(user).kind in (
        "national",
        "jurisdiction",
    )


@dataclass(frozen=True)
class ZeroOperatorFilters:
    jurisdiction: str = ""
    city: str = ""
    district: str = ""
    building_type: str = ""
    has_plan: bool | None = None
    q: str = ""


def zero_operator_buildings(*, user: User) -> QuerySet[Building]:
    if not zero_operator_visible(user):
        return Building.objects.none()
    return building_selectors.building_list(user=user).filter(operator_count=0)


def zero_operator_filter(
    qs: QuerySet[Building], filters: ZeroOperatorFilters
) -> QuerySet[Building]:
    base = building_selectors.BuildingFilters(
        jurisdiction=filters.jurisdiction,
        city=filters.city,
        district=filters.district,
        building_type=filters.building_type,
        q=filters.q,
    )
    qs = building_selectors.building_filter(qs, base)
    active = WorkPlan.objects.filter(building_id=OuterRef("pk"), state=State.ACTIVE)
    if filters.has_plan is True:
        qs = qs.filter(Exists(active))
    elif filters.has_plan is False:
        qs = qs.filter(~Exists(active))
    latest = WorkPlan.objects.filter(building_id=OuterRef("pk")).order_by(
        "state", "-created_at", "-id"
    )  # "active" sorts before "closed"
    return qs.select_related("region", "region__parent", "jurisdiction").annotate(
        plan_id=Subquery(latest.values("pk")[:1], output_field=IntegerField()),
        plan_state=Subquery(latest.values("state")[:1]),
    )


def plan_summaries(plan_ids: list[int]) -> dict[int, WorkPlan]:
    """Measure counts and next due date of the given plans (for one page of a list)."""
    if not plan_ids:
        return {}
    return {p.pk: p for p in _measure_counts(WorkPlan.objects.filter(pk__in=plan_ids))}


def overdue_cutoff() -> datetime.date:
    return timezone.localdate()
