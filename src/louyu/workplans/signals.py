"""Receivers: a basic operator starting to serve a building with an active work plan tells
the plan's administration, after the presence change commits."""

from __future__ import annotations

from django.db import transaction


def _tell_plans(events) -> None:
    """For each building that an event turns served (from not serving) and that has an
    active plan, tell the plan's administration once, after the change commits."""
    from louyu.buildings.models import PresenceStatus
    from louyu.workplans.models import WorkPlan
    from louyu.workplans.workflow import State

    names: dict[int, str] = {}
    for event in events:
        if (
            event.new_status == PresenceStatus.SERVING
            and event.old_status != PresenceStatus.SERVING
        ):
            operator = event.operator
            names.setdefault(event.building_id, operator.short_name or operator.name)
    if not names:
        return
    plans = WorkPlan.objects.filter(building_id__in=list(names), state=State.ACTIVE).values_list(
        "pk", "building_id"
    )
    for plan_id, building_id in plans:

        def _notify(plan_id=plan_id, name=names[building_id]) -> None:
            from louyu.workplans.services import plan_now_closable

            plan_now_closable(plan_id=plan_id, operator_name=name)

        # robust: a failure to notify must not fail the presence change that has committed.
        transaction.on_commit(_notify, robust=True)


def presence_event_saved(sender, instance, created, **kwargs) -> None:
    """One presence change recorded by ``buildings.services.presence_set``."""
    if created:
        _tell_plans([instance])


def presence_events_imported(sender, events, **kwargs) -> None:
    """Presence changes written in bulk by a building or presence import."""
    _tell_plans(events)
