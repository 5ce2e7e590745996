"""Writes of joint inspections: plans and their sampling (``plans``), teams and their
assignments (``teams``), the on-site records (``records``)."""

from louyu.inspections.services.plans import (
    FROZEN_MESSAGE,
    SPEC_FIELDS,
    can_approve,
    can_edit,
    can_plan,
    inspection_plan_create,
    inspection_plan_draw,
    inspection_plan_revise,
    inspection_plan_transition,
    inspection_plan_update_spec,
    plan_link,
    plan_spec,
    planning_jurisdiction_ids,
)
from louyu.inspections.services.records import (
    applicable_items,
    basic_operators,
    can_submit,
    inspection_submit,
    photo_taken_at,
)
from louyu.inspections.services.teams import (
    SCHEDULING_STATES,
    assignment_create,
    assignment_link,
    can_manage_teams,
    team_create,
    team_member_choices,
)

__all__ = [
    "photo_taken_at",
    "inspection_submit",
    "can_submit",
    "basic_operators",
    "applicable_items",
    "FROZEN_MESSAGE",
    "SCHEDULING_STATES",
    "SPEC_FIELDS",
    "assignment_create",
    "assignment_link",
    "can_approve",
    "can_edit",
    "can_manage_teams",
    "can_plan",
    "inspection_plan_create",
    "inspection_plan_draw",
    "inspection_plan_revise",
    "inspection_plan_transition",
    "inspection_plan_update_spec",
    "plan_link",
    "plan_spec",
    "planning_jurisdiction_ids",
    "team_create",
    "team_member_choices",
]
