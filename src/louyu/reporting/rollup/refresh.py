"""Keeping the ``Figure`` rows equal to what the histories say.

``refresh()`` (every minute, from the scheduler) finds what was recorded since the last
refresh — new buildings and edits, presence changes, plan, case and complaint status
changes, enforcement actions, new complaints — takes every day on which a touched entity
has something taking effect (a back-dated change touches past days), and recomputes those
days from scratch: for each such day, the contributions of *every* entity with something on
that day. A day is thus either untouched or exactly right, whatever the order in which
changes arrive. Changes are looked for from a little before the last refresh
(``OVERLAP``), so a transaction that committed late is still seen; ``rebuild()`` (nightly,
and ``louyu rollup --rebuild``) recomputes everything.

The month rows (``Grain.MONTH``) are the sums of the day rows of their month, and the
running totals (``Grain.RUNNING``, see ``running``) the sums of the month rows up to each
month, so a cumulative figure reads one row per measure instead of tens of thousands."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from louyu.buildings.models import Building, PresenceEvent
from louyu.cases.models import Case, CaseStatusChange, EnforcementAction
from louyu.complaints.models import Complaint, StatusChange
from louyu.core.bulk import bulk_insert
from louyu.reporting.models import Figure, Grain, RollupState
from louyu.reporting.rollup import running, timelines
from louyu.workplans.models import PlanStatusChange

OVERLAP = datetime.timedelta(minutes=5)
WRITE_BATCH = 5000


@dataclass(frozen=True)
class Refreshed:
    as_of: datetime.datetime
    days: int
    rebuilt: bool


def _state() -> RollupState:
    state = RollupState.objects.select_for_update().order_by("pk").first()
    return state or RollupState.objects.create()


def rollup_state() -> RollupState | None:
    """How far the figures reach (no lock), or None before the first refresh."""
    state = RollupState.objects.order_by("pk").first()
    return state if state is not None and state.as_of is not None else None


@transaction.atomic
def rebuild() -> Refreshed:
    """Recompute every figure from the histories."""
    started = timezone.now()
    state = _state()
    cities = timelines.Cities()
    sums: Counter = Counter()
    timelines.building_contributions(timelines.building_ids_with_points(None), None, cities, sums)
    timelines.case_contributions(timelines.case_ids_with_points(None), None, cities, sums)
    timelines.complaint_contributions(timelines.complaint_ids_with_points(None), None, cities, sums)
    Figure.objects.all().delete()
    days = {key[0] for key in sums}
    _write_days(sums)
    _write_months({_month(day) for day in days})
    running.rebuild()
    state.as_of = state.rebuilt_at = started
    state.days_refreshed = len(days)
    state.save()
    return Refreshed(as_of=started, days=len(days), rebuilt=True)


@transaction.atomic
def refresh() -> Refreshed:
    """Bring the figures up to now: recompute the days that changed since the last refresh
    (a full rebuild the first time)."""
    started = timezone.now()
    state = _state()
    if state.as_of is None:
        return rebuild()
    since = state.as_of - OVERLAP
    days = dirty_days(since)
    recompute(days)
    state.as_of = started
    state.days_refreshed = len(days)
    state.save(update_fields=["as_of", "days_refreshed"])
    return Refreshed(as_of=started, days=len(days), rebuilt=False)


def dirty_days(since: datetime.datetime) -> set[datetime.date]:
    """Every day on which something recorded since ``since`` takes effect, with all the
    other days of the entities it touched (their contributions may move)."""
    recent = {"created_at__gte": since}
    buildings = set(
        Building.objects.filter(created_at__gte=since).values_list("pk", flat=True)
    ) | set(Building.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    buildings |= set(PresenceEvent.objects.filter(**recent).values_list("building_id", flat=True))
    buildings |= set(
        PlanStatusChange.objects.filter(**recent).values_list("plan__building_id", flat=True)
    )
    cases = set(Case.objects.filter(**recent).values_list("pk", flat=True))
    cases |= set(CaseStatusChange.objects.filter(**recent).values_list("case_id", flat=True))
    cases |= set(EnforcementAction.objects.filter(**recent).values_list("case_id", flat=True))
    complaints = set(Complaint.objects.filter(**recent).values_list("pk", flat=True))
    complaints |= set(StatusChange.objects.filter(**recent).values_list("complaint_id", flat=True))
    days: set[datetime.date] = set()
    for points in (
        timelines.building_points(buildings),
        timelines.case_points(cases),
        timelines.complaint_points(complaints),
    ):
        for entity_days in points.values():
            days |= entity_days
    return days


def recompute(days: set[datetime.date]) -> None:
    """Recompute the day rows of ``days`` from every entity with something on them, the
    month rows of their months, and the running totals from the first month that changed."""
    if not days:
        return
    cities = timelines.Cities()
    sums: Counter = Counter()
    timelines.building_contributions(timelines.building_ids_with_points(days), days, cities, sums)
    timelines.case_contributions(timelines.case_ids_with_points(days), days, cities, sums)
    timelines.complaint_contributions(timelines.complaint_ids_with_points(days), days, cities, sums)
    for start, end in timelines.runs(sorted(days)):
        Figure.objects.filter(grain=Grain.DAY, date__gte=start, date__lte=end).delete()
    _write_days(sums)
    running.update(_write_months({_month(day) for day in days}))


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _write_days(sums: Counter) -> None:
    """Day rows per city and, with ``city=""``, per whole jurisdiction."""
    totals: Counter = Counter()
    for (day, jurisdiction_id, city, measure), value in sums.items():
        if jurisdiction_id is None:
            continue
        if city:
            totals[(day, jurisdiction_id, city, measure)] += value
        totals[(day, jurisdiction_id, "", measure)] += value
    bulk_insert(
        Figure,
        [
            Figure(grain=Grain.DAY, date=day, jurisdiction_id=j, city=city, measure=m, value=v)
            for (day, j, city, m), v in totals.items()
            if v
        ],
        batch_size=WRITE_BATCH,
    )


def _write_months(months: set[datetime.date]) -> dict[running.Key, datetime.date]:
    """Make the month rows of ``months`` the sums of their day rows; returns each
    (jurisdiction, city, measure) whose month row changed with the first month it changed
    in."""
    changed: dict[running.Key, datetime.date] = {}
    for month in sorted(months):
        following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        old = {
            (j, city, measure): (pk, value)
            for pk, j, city, measure, value in Figure.objects.filter(
                grain=Grain.MONTH, date=month
            ).values_list("pk", "jurisdiction_id", "city", "measure", "value")
        }
        new = {
            (row["jurisdiction_id"], row["city"], row["measure"]): row["total"]
            for row in Figure.objects.filter(grain=Grain.DAY, date__gte=month, date__lt=following)
            .values("jurisdiction_id", "city", "measure")
            .annotate(total=Sum("value"))
            if row["total"]
        }
        moved = [
            key for key in old.keys() | new.keys() if old.get(key, (None, 0))[1] != new.get(key, 0)
        ]
        gone = [old[key][0] for key in moved if key in old]
        for start in range(0, len(gone), WRITE_BATCH):
            Figure.objects.filter(pk__in=gone[start : start + WRITE_BATCH]).delete()
        bulk_insert(
            Figure,
            [
                Figure(
                    grain=Grain.MONTH,
                    date=month,
                    jurisdiction_id=key[0],
                    city=key[1],
                    measure=key[2],
                    value=new[key],
                )
                for key in moved
                if key in new
            ],
            batch_size=WRITE_BATCH,
        )
        for key in moved:
            changed.setdefault(key, month)
    return changed
