"""Reads of inspection plans, always scoped to the user.

- ministry and research institute: every plan;
- a communications administration: the plans it made, and once approved, the plans over its
  jurisdiction;
- a department or operator taking part: once approved, the plans naming its organisation;
- anyone else: nothing. Objects outside the scope are "not found", never "forbidden".

Inside a plan, an administration sees the sample in its own jurisdiction only."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from louyu.core.labels import label_in_language
from louyu.core.models import Jurisdiction, Organization, User
from louyu.core.scope import referable_organizations_q, reference_jurisdiction_ids, scope_for
from louyu.inspections.models import (
    Assignment,
    ChecklistVersion,
    Inspection,
    InspectionAnswer,
    InspectionPlan,
    SampledBuilding,
    Team,
)
from louyu.inspections.services.plans import planning_jurisdiction_ids
from louyu.inspections.workflow import PUBLISHED_STATES, Outcome, StratumKind


def plan_list(*, user: User) -> QuerySet[InspectionPlan]:
    if not user.has_perm("inspections.view_inspectionplan"):
        return InspectionPlan.objects.none()
    qs = InspectionPlan.objects.select_related("planner", "checklist", "owner_jurisdiction")
    scope = scope_for(user)
    if scope.is_national:
        return qs
    published = Q(state__in=PUBLISHED_STATES)
    own = Q(planner_id=user.organization_id) if user.organization_id else Q(pk__in=[])
    member = published & Q(pk__in=Team.objects.filter(members=user).values("plan_id"))
    if scope.kind == "jurisdiction":
        covering = InspectionPlan.jurisdictions.through.objects.filter(
            jurisdiction_id__in=scope.jurisdiction_ids
        ).values("inspectionplan_id")
        return qs.filter(own | member | (published & Q(pk__in=covering)))
    if scope.organization_ids:
        naming = InspectionPlan.organizations.through.objects.filter(
            organization_id__in=scope.organization_ids
        ).values("inspectionplan_id")
        return qs.filter(member | (published & Q(pk__in=naming)))
    return qs.filter(member)


def plan_get(*, user: User, pk) -> InspectionPlan:
    return plan_list(user=user).get(pk=pk)


def plan_filter(qs: QuerySet[InspectionPlan], filters: dict) -> QuerySet[InspectionPlan]:
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"])
    return qs


def plan_sample(*, user: User, plan: InspectionPlan) -> QuerySet[SampledBuilding]:
    """The plan's sample as far as ``user`` sees it (``plan`` already came from
    ``plan_get``): an administration its own jurisdiction's part, others all of it."""
    qs = plan.sample.select_related("building", "building__region", "jurisdiction")
    scope = scope_for(user)
    if scope.kind == "jurisdiction":
        return qs.filter(jurisdiction_id__in=scope.jurisdiction_ids)
    return qs


def sample_summary(sample: QuerySet[SampledBuilding]) -> list[dict]:
    """Drawn buildings per jurisdiction and stratum."""
    rows = (
        sample.values("jurisdiction__name", "stratum")
        .annotate(n=Count("id"))
        .order_by("jurisdiction__sort_order", "jurisdiction__code", "stratum")
    )
    return [{**row, "label": StratumKind(row["stratum"]).label} for row in rows]


def planning_jurisdictions(*, user: User) -> QuerySet[Jurisdiction]:
    allowed = planning_jurisdiction_ids(user)
    qs = Jurisdiction.objects.order_by("sort_order", "code")
    return qs if allowed is None else qs.filter(pk__in=allowed)


def participant_choices(*, user: User) -> QuerySet[Organization]:
    """Organisations ``user`` may name as taking part (within its reach, ADR 0013)."""
    return Organization.objects.filter(
        referable_organizations_q(reference_jurisdiction_ids(user)), is_active=True
    ).order_by("type", "code")


def checklist_versions() -> QuerySet[ChecklistVersion]:
    return ChecklistVersion.objects.filter(is_active=True)


def plan_teams(*, plan: InspectionPlan) -> QuerySet[Team]:
    return plan.teams.prefetch_related("members__organization")


def assignment_list(*, user: User) -> QuerySet[Assignment]:
    """Assignments ``user`` may open: its own team's, and in plans it sees, those of the
    buildings whose sample rows it sees (an administration: its jurisdiction's)."""
    qs = Assignment.objects.select_related(
        "team", "team__plan", "team__plan__checklist", "sampled__building", "sampled__jurisdiction"
    )
    if not user.is_authenticated:
        return qs.none()
    scope = scope_for(user)
    mine = Q(team__members=user)
    if scope.by_jurisdiction:
        plans = plan_list(user=user).values("pk")
        seen = Q(team__plan__in=plans)
        if not scope.is_national:
            seen &= Q(sampled__jurisdiction_id__in=scope.jurisdiction_ids)
        mine |= seen
    return qs.filter(mine).distinct()


def assignment_get(*, user: User, pk) -> Assignment:
    return assignment_list(user=user).get(pk=pk)


def plan_assignments(*, user: User, plan: InspectionPlan) -> QuerySet[Assignment]:
    return assignment_list(user=user).filter(team__plan=plan)


def plan_progress(sample: QuerySet[SampledBuilding]) -> list[dict]:
    """Per jurisdiction: buildings drawn and buildings scheduled with a team."""
    rows = (
        sample.values("jurisdiction__name")
        .annotate(drawn=Count("id"), scheduled=Count("assignment"))
        .order_by("jurisdiction__sort_order", "jurisdiction__code")
    )
    return list(rows)


def assignment_inspection(*, assignment: Assignment) -> Inspection | None:
    """The record of an assignment ``assignment_get`` gave, with its answers and photos."""
    return (
        Inspection.objects.filter(assignment=assignment)
        .select_related("submitted_by", "case")
        .prefetch_related("answers__item", "photos__item")
        .first()
    )


def inspection_list(*, user: User) -> QuerySet[Inspection]:
    """Records of the assignments ``user`` may open."""
    return (
        Inspection.objects.filter(assignment__in=assignment_list(user=user).values("pk"))
        .select_related("assignment__team__plan", "building", "submitted_by", "case")
        .prefetch_related("answers__item", "photos__item")
    )


def inspection_get(*, user: User, pk) -> Inspection:
    return inspection_list(user=user).get(pk=pk)


def plan_failure_rates(*, user: User, plan: InspectionPlan) -> list[dict]:
    """Per checklist item with a passing answer: inspections that judged it, how many
    failed, and the failure rate in percent, over the records ``user`` may see."""
    rows = (
        InspectionAnswer.objects.filter(
            inspection__assignment__in=plan_assignments(user=user, plan=plan).values("pk"),
            passed__isnull=False,
        )
        .values("item__code", "item__text", "item__name_en", "item__sort_order")
        .annotate(judged=Count("id"), failed=Count("id", filter=Q(passed=False)))
        .order_by("item__sort_order", "item__code")
    )
    return [
        {
            **row,
            "label": label_in_language(row["item__text"], row["item__name_en"]),
            "rate": round(100 * row["failed"] / row["judged"], 1),
        }
        for row in rows
    ]


def _failed_q() -> Q:
    """An inspection that failed: could not be inspected, or any item answered failing."""
    failing = InspectionAnswer.objects.filter(inspection=OuterRef("pk"), passed=False)
    return Q(outcome=Outcome.COULD_NOT_INSPECT) | Exists(failing)


def team_progress(*, user: User, plan: InspectionPlan, today: datetime.date | None = None):
    """Per team of ``plan``, over the assignments ``user`` sees: assigned, inspected, could
    not inspect, remaining (no record yet), overdue (no record and its day has passed),
    and failed (records with a failed item or that could not inspect)."""
    today = today or timezone.localdate()
    visible = plan_assignments(user=user, plan=plan).values("pk")
    failing = InspectionAnswer.objects.filter(inspection__assignment=OuterRef("pk"), passed=False)
    rows = {
        row["team"]: row
        for row in Assignment.objects.filter(pk__in=visible)
        .annotate(has_failure=Exists(failing))
        .values("team")
        .annotate(
            assigned=Count("id"),
            inspected=Count("id", filter=Q(inspection__outcome=Outcome.INSPECTED)),
            could_not=Count("id", filter=Q(inspection__outcome=Outcome.COULD_NOT_INSPECT)),
            remaining=Count("id", filter=Q(inspection__isnull=True)),
            overdue=Count("id", filter=Q(inspection__isnull=True, scheduled_on__lt=today)),
            failed=Count(
                "id",
                filter=Q(inspection__outcome=Outcome.COULD_NOT_INSPECT)
                | Q(has_failure=True, inspection__isnull=False),
            ),
        )
        .order_by()
    }
    empty = dict.fromkeys(
        ("assigned", "inspected", "could_not", "remaining", "overdue", "failed"), 0
    )
    return [
        {"team": team, **{key: rows.get(team.pk, empty)[key] for key in empty}}
        for team in plan.teams.order_by("name", "id")
    ]


def failed_inspections(*, user: User, plan: InspectionPlan) -> QuerySet[Inspection]:
    """The records of ``plan`` that ``user`` may see and that failed (any failed item, or
    the building could not be inspected), newest first, each with its re-inspection if
    one was scheduled."""
    return (
        inspection_list(user=user)
        .filter(assignment__team__plan=plan)
        .filter(_failed_q())
        .annotate(failed_items=Count("answers", filter=Q(answers__passed=False)))
        .select_related(
            "assignment__sampled__jurisdiction", "reinspection__team", "reinspection__inspection"
        )
        .order_by("-submitted_at", "-id")
    )


def plan_inspections(*, user: User, plan: InspectionPlan) -> QuerySet[Inspection]:
    return inspection_list(user=user).filter(assignment__team__plan=plan)


def reinspection_original(*, user: User, assignment: Assignment) -> Inspection | None:
    """For a re-inspection, the record it follows up, if ``user`` may see it."""
    if assignment.reinspection_of_id is None:
        return None
    return inspection_list(user=user).filter(pk=assignment.reinspection_of_id).first()


def reinspection_of_record(*, user: User, record: Inspection | None) -> Assignment | None:
    """The re-inspection scheduled after ``record``, if any and ``user`` may see it."""
    if record is None:
        return None
    return assignment_list(user=user).filter(reinspection_of=record).first()
