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

from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import OrganizationType, User
from louyu.core.services import work_item_create
from louyu.inspections.models import Assignment, InspectionPlan, SampledBuilding, Team
from louyu.inspections.services.plans import can_approve, can_edit
from louyu.inspections.workflow import State

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


def _clean_day(value, plan: InspectionPlan) -> datetime.date:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({"scheduled_on": "检查日期格式应为 YYYY-MM-DD。"}) from None
    if not isinstance(value, datetime.date):
        raise ValidationError({"scheduled_on": "请填写检查日期。"})
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
    due = calendar.Deadline.ending_on(day).due_at
    for member in team.members.all():
        work_item_create(
            actor=actor,
            title=f"联合检查：{sampled.building.name}（{team.name}，{day.isoformat()}）"[:200],
            assignee_user=member,
            due_at=due,
            target=assignment,
            link=assignment_link(assignment),
            kind="inspection_assignment",
            step=True,
            jurisdiction=sampled.jurisdiction,
        )
    audit_record(
        actor=actor,
        action="inspection_plan.assign",
        obj=plan,
        changes={"assignment": assignment.pk, "team": team.pk, "building": sampled.building_id},
        jurisdiction=sampled.jurisdiction_id,
    )
    return assignment
