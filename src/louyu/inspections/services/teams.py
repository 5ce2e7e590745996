"""Mixed inspection teams and their schedule. A team is made of users of the organisations
taking part in the plan (its planner, the administrations of its jurisdictions, the
participating departments); a sampled building assigned to a team for a day becomes a work
item in each member's inbox, due at the end of that day."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import OrganizationType, User
from louyu.core.scope import scope_for
from louyu.core.services import work_item_create
from louyu.inspections.models import Assignment, Inspection, InspectionPlan, SampledBuilding, Team
from louyu.inspections.services.plans import can_approve, can_edit
from louyu.inspections.workflow import Outcome, State

SCHEDULING_STATES = frozenset({State.APPROVED, State.RUNNING})


def assignment_link(assignment: Assignment) -> str:
    return f"/inspections/assignments/{assignment.pk}/"


def can_manage_teams(user: User | None, plan: InspectionPlan) -> bool:
    return can_edit(user, plan) or can_approve(user, plan)


def team_member_choices(plan: InspectionPlan) -> QuerySet[User]:
    """Active users of the organisations taking part in ``plan``."""
    organizations = Q(organization_id=plan.planner_id) | Q(
        organization__in=plan.organizations.all()
    )
    organizations |= Q(
        organization__type=OrganizationType.COMM_ADMIN,
        organization__jurisdiction__in=plan.jurisdictions.all(),
    )
    return (
        User.objects.filter(organizations, is_active=True)
        .select_related("organization")
        .order_by("organization__code", "username")
    )


def _require_scheduling(actor, plan: InspectionPlan) -> None:
    if not can_manage_teams(actor, plan):
        raise PermissionDenied("只有方案制定单位或批准单位可以安排检查组。")
    if plan.state not in SCHEDULING_STATES:
        raise InvalidTransition("方案批准后、结束前才能安排检查组和检查日期。")


@transaction.atomic
def team_create(
    *, actor: User | None, plan: InspectionPlan, name: str, members: Iterable[User]
) -> Team:
    """Form a team of users of the organisations taking part in the plan."""
    locked = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    _require_scheduling(actor, locked)
    errors = {}
    text = str(name or "").strip()
    if len(text) < 2:
        errors["name"] = "请填写检查组名称（至少 2 个字）。"
    members = list(members)
    allowed = set(team_member_choices(locked).values_list("pk", flat=True))
    if not members:
        errors["members"] = "请至少选择一名成员。"
    elif any(m.pk not in allowed for m in members):
        errors["members"] = "成员须为参加本次检查的单位的人员。"
    elif locked.teams.filter(name=text).exists():
        errors["name"] = "该方案已有同名检查组。"
    if errors:
        raise ValidationError(errors)
    team = Team.objects.create(plan=locked, name=text[:100])
    team.members.set(members)
    audit_record(
        actor=actor,
        action="inspection_plan.team_create",
        obj=locked,
        changes={"team": team.pk, "name": team.name, "members": sorted(m.pk for m in members)},
        jurisdiction=locked.owner_jurisdiction_id,
    )
    return team


def _work_items(actor, assignment: Assignment, *, title: str) -> None:
    """A work item for each member of the assignment's team, due at the end of its day."""
    sampled, team, day = assignment.sampled, assignment.team, assignment.scheduled_on
    due = calendar.Deadline.ending_on(day).due_at
    for member in team.members.all():
        work_item_create(
            actor=actor,
            title=f"{title}：{sampled.building.name}（{team.name}，{day.isoformat()}）"[:200],
            assignee_user=member,
            due_at=due,
            target=assignment,
            link=assignment_link(assignment),
            kind="inspection_assignment",
            step=True,
            jurisdiction=sampled.jurisdiction,
        )


def _clean_day(value, plan: InspectionPlan, *, not_before: datetime.date | None = None):
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({"scheduled_on": "检查日期格式应为 YYYY-MM-DD。"}) from None
    if not isinstance(value, datetime.date):
        raise ValidationError({"scheduled_on": "请填写检查日期。"})
    if not_before is not None and value < not_before:
        raise ValidationError({"scheduled_on": "复查日期不能早于今天。"})
    if not plan.period_start <= value <= plan.period_end:
        raise ValidationError({"scheduled_on": "检查日期须在方案的检查期间内。"})
    return value


@transaction.atomic
def assignment_create(
    *,
    actor: User | None,
    team: Team,
    sampled: SampledBuilding,
    scheduled_on: datetime.date | str,
) -> Assignment:
    """Give a sampled building of the plan to one of its teams for a day, and a work item
    to each member. Refuses a building of another plan, one already assigned, and one
    deactivated since it was drawn."""
    plan = InspectionPlan.objects.select_for_update().get(pk=team.plan_id)
    _require_scheduling(actor, plan)
    if sampled.plan_id != plan.pk:
        raise ValidationError({"sampled": "该楼宇不在本方案的样本中。"})
    if not sampled.building.is_active:
        raise ValidationError({"sampled": "该楼宇已停用，不能安排检查。"})
    day = _clean_day(scheduled_on, plan)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                team=team, sampled=sampled, scheduled_on=day, created_by=actor
            )
    except IntegrityError:
        raise ValidationError({"sampled": "该楼宇已安排给检查组。"}) from None
    _work_items(actor, assignment, title="联合检查")
    audit_record(
        actor=actor,
        action="inspection_plan.assign",
        obj=plan,
        changes={"assignment": assignment.pk, "team": team.pk, "building": sampled.building_id},
        jurisdiction=sampled.jurisdiction_id,
    )
    return assignment


def inspection_failed(inspection: Inspection) -> bool:
    """A record that calls for a re-inspection: the building could not be inspected, or an
    item was answered failing."""
    return (
        inspection.outcome == Outcome.COULD_NOT_INSPECT
        or inspection.answers.filter(passed=False).exists()
    )


@transaction.atomic
def reinspection_schedule(
    *,
    actor: User | None,
    plan: InspectionPlan,
    inspections: Iterable[Inspection],
    team: Team | None,
    scheduled_on: datetime.date | str | None,
) -> list[Assignment]:
    """Schedule a re-inspection (复查) of each failed record in ``inspections``: a new
    assignment of the same building to ``team`` on ``scheduled_on``, linked to the record
    it follows up, with a work item for each member. All or nothing: refuses (naming the
    buildings) a plan that is not running, a team of another plan, a day in the past or
    outside the plan's period, a record of another plan or outside the actor's
    jurisdiction, a record that did not fail, and a building that already has an open
    assignment (a re-inspection scheduled and not yet recorded)."""
    locked = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not can_manage_teams(actor, locked):
        raise PermissionDenied("只有方案制定单位或批准单位可以安排复查。")
    if locked.state != State.RUNNING:
        raise InvalidTransition("方案实施中才能安排复查。")
    errors: dict[str, list[str]] = {}
    if team is None or team.plan_id != locked.pk:
        errors["team"] = ["请选择本方案的检查组。"]
    try:
        day = _clean_day(scheduled_on, locked, not_before=timezone.localdate())
    except ValidationError as exc:
        errors.update(exc.message_dict)
    records = list(dict.fromkeys(inspections))
    if not records:
        errors["inspections"] = ["请选择需要复查的楼宇。"]
    scope = scope_for(actor) if actor is not None else None
    problems = []
    records = [
        Inspection.objects.select_related("assignment__team", "assignment__sampled__building")
        .select_for_update(of=("self",))
        .get(pk=record.pk)
        for record in records
    ]
    for record in records:
        sampled = record.assignment.sampled
        name = f"“{sampled.building.name}”"
        if record.assignment.team.plan_id != locked.pk:
            problems.append(f"{name}不是本方案的检查楼宇。")
        elif scope is not None and not scope.can_see_jurisdiction(sampled.jurisdiction_id):
            problems.append(f"{name}不在您的管辖范围内。")
        elif not inspection_failed(record):
            problems.append(f"{name}检查合格，无需复查。")
        elif Assignment.objects.filter(reinspection_of=record).exists() or (
            Assignment.objects.filter(sampled=sampled, inspection__isnull=True).exists()
        ):
            problems.append(f"{name}已安排复查，尚未完成。")
        elif not sampled.building.is_active:
            problems.append(f"{name}已停用，不能安排复查。")
    if problems:
        errors["inspections"] = problems
    if errors:
        raise ValidationError(errors)
    created = []
    for record in records:
        sampled = record.assignment.sampled
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    team=team,
                    sampled=sampled,
                    scheduled_on=day,
                    reinspection_of=record,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:
            raise ValidationError(
                {"inspections": [f"“{sampled.building.name}”已安排复查，尚未完成。"]}
            ) from None
        _work_items(actor, assignment, title="联合检查复查")
        audit_record(
            actor=actor,
            action="inspection_plan.reinspect",
            obj=locked,
            changes={
                "assignment": assignment.pk,
                "reinspection_of": record.pk,
                "team": team.pk,
                "building": sampled.building_id,
                "scheduled_on": day.isoformat(),
            },
            jurisdiction=sampled.jurisdiction_id,
        )
        created.append(assignment)
    return created
