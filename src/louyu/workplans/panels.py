"""What the work plans app shows on the registry's building page: the building's 一楼一策
plan, or the button to draft one for a zero-operator building (registered in
``WorkplansConfig.ready``, see ``louyu.core.panels``)."""

from __future__ import annotations

from louyu.workplans import selectors, services

TEMPLATE = "workplans/_building_plan.html"


def building_plan_context(request, building) -> dict | None:
    """The building's active (else latest) plan the user may see, or whether the user may
    create one; None when there is neither."""
    user = request.user
    plan = None
    if user.has_perm("workplans.view_workplan"):
        plan = (
            selectors.plan_list(user=user)
            .filter(building=building)
            .order_by("state", "-created_at")
            .first()
        )
    can_create = (
        plan is None
        and building.operator_count == 0
        and user.has_perm("workplans.add_workplan")
        and services.can_edit_plans(user, building.jurisdiction_id)
    )
    if plan is None and not can_create:
        return None
    return {"building_plan": plan, "can_create_plan": can_create, "building": building}
