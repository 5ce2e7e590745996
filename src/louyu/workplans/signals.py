"""Receivers: a basic operator starting to serve a building with an active work plan tells
the plan's administration, after the presence change commits."""

from __future__ import annotations

from django.db import transaction


def presence_event_saved(sender, instance, created, **kwargs) -> None:
    from louyu.buildings.models import PresenceStatus
    from louyu.workplans.models import WorkPlan
    from louyu.workplans.workflow import State

    if not created or instance.new_status != PresenceStatus.SERVING:
        return
    if instance.old_status == PresenceStatus.SERVING:
        return
    plan_id = (
        WorkPlan.objects.filter(building_id=instance.building_id, state=State.ACTIVE)
        .values_list("pk", flat=True)
        .first()
    )
    if plan_id is None:
        return
    operator = instance.operator
    name = operator.short_name or operator.name

    def _notify() -> None:
        from louyu.workplans.services import plan_now_closable

        plan_now_closable(plan_id=plan_id, operator_name=name)

    # robust: a failure to notify must not fail the presence change that has committed.
    transaction.on_commit(_notify, robust=True)
