"""What each building, case and complaint adds to the measures (``metrics.Measure``), day by
day, read from the domain apps' append-only histories. This is where each measure is
defined; ``refresh`` sums the contributions into ``Figure`` rows.

For a level the contribution on a day is the change of the entity's indicator between the
end of the day before and the end of that day; for a flow, the events of that day. An
entity only contributes on its *points*: the days on which something about it takes effect
(see ``metrics`` for the effective dates). ``contributions(days)`` gives, for the requested
days, every entity's contributions summed by (jurisdiction, city, measure)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import F, Q

from louyu.buildings.models import Building, PresenceEvent, PresenceStatus
from louyu.cases.models import Case, CaseStatusChange, EnforcementAction
from louyu.cases.workflow import FINAL_STATES
from louyu.cases.workflow import State as CaseState
from louyu.complaints.models import Complaint, StatusChange
from louyu.complaints.workflow import ReplyResult
from louyu.complaints.workflow import State as ComplaintState
from louyu.core.calendar import SHANGHAI, local_date
from louyu.core.models import Organization, Region, RegionLevel
from louyu.reporting.metrics import Measure, action_measure, histogram_measure
from louyu.workplans.models import PlanStatusChange
from louyu.workplans.workflow import State as PlanState

ONE_DAY = datetime.timedelta(days=1)
CHUNK = 2000
MAX_RUNS = 40
SATISFIED_FROM = 4
SUBSTANTIATED = frozenset({ReplyResult.SUBSTANTIATED, ReplyResult.PARTLY})
# (day, jurisdiction, city, measure) → summed value.
Sums = Counter


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=SHANGHAI)


def day_ranges(days: Iterable[datetime.date]) -> Q:
    """A filter for ``created_at`` inside any of the local days (consecutive days joined).
    Over ``MAX_RUNS`` separate runs it covers the first to the last day instead: callers
    only look for entities that *may* have something on the days, and keep contributions of
    the requested days only, so a wider net costs time, never correctness."""
    spans = list(runs(sorted(set(days))))
    if len(spans) > MAX_RUNS:
        spans = [(spans[0][0], spans[-1][1])]
    condition = Q(pk__in=[])
    for start, end in spans:
        condition |= Q(created_at__gte=day_start(start), created_at__lt=day_start(end + ONE_DAY))
    return condition


def runs(days: list[datetime.date]) -> Iterator[tuple[datetime.date, datetime.date]]:
    start = previous = None
    for day in days:
        if start is None:
            start = previous = day
        elif day == previous + ONE_DAY:
            previous = day
        else:
            yield start, previous
            start = previous = day
    if start is not None:
        yield start, previous


class Cities:
    """The city (prefecture, or municipality) of each region code, loaded once per run."""

    def __init__(self) -> None:
        self.of: dict[str, str] = {}
        for code, level, parent in Region.objects.values_list("code", "level", "parent_id"):
            self.of[code] = (parent or code) if level == RegionLevel.COUNTY else code

    def __call__(self, region_code: str | None) -> str:
        return self.of.get(region_code or "", "")


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# --- Buildings ---------------------------------------------------------------------------


def _effective(event) -> datetime.date:
    return event.since or local_date(event.created_at)


def building_ids_with_points(days: set[datetime.date] | None) -> list[int]:
    qs = Building.objects.filter(is_active=True)
    if days is None:
        return list(qs.order_by("pk").values_list("pk", flat=True))
    ids = set(qs.filter(day_ranges(days)).values_list("pk", flat=True))
    ids |= set(
        PresenceEvent.objects.filter(
            Q(since__in=days) | (Q(since__isnull=True) & day_ranges(days))
        ).values_list("building_id", flat=True)
    )
    ids |= set(
        PlanStatusChange.objects.filter(day_ranges(days)).values_list(
            "plan__building_id", flat=True
        )
    )
    return sorted(ids)


def building_points(building_ids: Iterable[int]) -> dict[int, set[datetime.date]]:
    """Every day on which something about these buildings takes effect."""
    points: dict[int, set[datetime.date]] = defaultdict(set)
    for chunk in _chunks(sorted(set(building_ids))):
        for pk, created in Building.objects.filter(pk__in=chunk).values_list("pk", "created_at"):
            points[pk].add(local_date(created))
        for event in PresenceEvent.objects.filter(building_id__in=chunk).only(
            "building_id", "since", "created_at"
        ):
            points[event.building_id].add(_effective(event))
        for building_id, created in PlanStatusChange.objects.filter(
            plan__building_id__in=chunk
        ).values_list("plan__building_id", "created_at"):
            points[building_id].add(local_date(created))
    return points


def _building_indicators(serving: int, planned: bool) -> dict[str, int]:
    return {
        Measure.REGISTERED: 1,
        Measure.MULTI: int(serving >= 2),
        Measure.ZERO: int(serving == 0),
        Measure.ZERO_PLANNED: int(serving == 0 and planned),
    }


def building_contributions(
    building_ids: list[int], days: set[datetime.date] | None, cities: Cities, sums: Sums
) -> None:
    """Add the contributions of these buildings on ``days`` (all days when None)."""
    basic = set(Organization.objects.filter(is_basic_operator=True).values_list("pk", flat=True))
    for chunk in _chunks(building_ids):
        buildings = {
            b.pk: b
            for b in Building.objects.filter(pk__in=chunk, is_active=True).values_list(
                "pk", "created_at", "jurisdiction_id", "region_id", named=True
            )
        }
        events = defaultdict(list)
        for event in (
            PresenceEvent.objects.filter(building_id__in=buildings, operator_id__in=basic)
            .order_by("created_at", "id")
            .values_list(
                *("building_id", "operator_id", "old_status", "new_status", "since", "created_at"),
                named=True,
            )
        ):
            events[event.building_id].append(event)
        plans = defaultdict(list)
        for row in PlanStatusChange.objects.filter(plan__building_id__in=buildings).values_list(
            "plan__building_id", "plan_id", "to_state", "created_at", "id"
        ):
            plans[row[0]].append(row[1:])
        for pk, building in buildings.items():
            key = (building.jurisdiction_id, cities(building.region_id))
            for day, measure, value in _building_timeline(building, events[pk], plans[pk]):
                if value and (days is None or day in days):
                    sums[(day, *key, measure)] += value


def _building_timeline(building, events, plan_rows) -> Iterator[tuple[datetime.date, str, int]]:
    registered = local_date(building.created_at)
    changes: dict[datetime.date, list] = defaultdict(list)
    for event in events:  # in recording order; the day's last one wins
        changes[_effective(event)].append(("presence", event))
        if (
            event.new_status == PresenceStatus.SERVING
            and event.old_status != PresenceStatus.SERVING
        ):
            yield _effective(event), Measure.ENTRIES, 1
    for plan_id, to_state, created, _pk in sorted(plan_rows, key=lambda r: (r[2], r[3])):
        changes[local_date(created)].append(("plan", (plan_id, to_state)))
    changes.setdefault(registered, [])
    status: dict[int, str] = {}
    plan_state: dict[int, str] = {}
    previous = dict.fromkeys(_building_indicators(0, False), 0)
    for day in sorted(changes):
        for kind, change in changes[day]:
            if kind == "presence":
                status[change.operator_id] = change.new_status
            else:
                plan_state[change[0]] = change[1]
        if day < registered:
            continue  # not registered yet: counts nowhere
        serving = sum(1 for s in status.values() if s == PresenceStatus.SERVING)
        planned = any(s == PlanState.ACTIVE for s in plan_state.values())
        current = _building_indicators(serving, planned)
        for measure, value in current.items():
            if value != previous[measure]:
                yield day, measure, value - previous[measure]
        previous = current


# --- Cases -------------------------------------------------------------------------------


def case_ids_with_points(days: set[datetime.date] | None) -> list[int]:
    if days is None:
        return list(Case.objects.order_by("pk").values_list("pk", flat=True))
    ids = set(Case.objects.filter(day_ranges(days)).values_list("pk", flat=True))
    ids |= set(CaseStatusChange.objects.filter(day_ranges(days)).values_list("case_id", flat=True))
    ids |= set(
        EnforcementAction.objects.filter(action_date__in=days).values_list("case_id", flat=True)
    )
    return sorted(ids)


def case_points(case_ids: Iterable[int]) -> dict[int, set[datetime.date]]:
    points: dict[int, set[datetime.date]] = defaultdict(set)
    for chunk in _chunks(sorted(set(case_ids))):
        for pk, created in Case.objects.filter(pk__in=chunk).values_list("pk", "created_at"):
            points[pk].add(local_date(created))
        for case_id, created in CaseStatusChange.objects.filter(case_id__in=chunk).values_list(
            "case_id", "created_at"
        ):
            points[case_id].add(local_date(created))
        for case_id, day in EnforcementAction.objects.filter(case_id__in=chunk).values_list(
            "case_id", "action_date"
        ):
            points[case_id].add(day)
    return points


def case_contributions(
    case_ids: list[int], days: set[datetime.date] | None, cities: Cities, sums: Sums
) -> None:
    for chunk in _chunks(case_ids):
        cases = {
            c.pk: c
            for c in Case.objects.filter(pk__in=chunk).values_list(
                *("pk", "created_at", "jurisdiction_id", "key_case", "building__region_id"),
                named=True,
            )
        }
        rows = defaultdict(list)
        for row in (
            CaseStatusChange.objects.filter(case_id__in=cases)
            .order_by("created_at", "id")
            .values_list("case_id", "from_state", "to_state", "created_at", "details", named=True)
        ):
            rows[row.case_id].append(row)
        actions = defaultdict(list)
        for case_id, kind, day in EnforcementAction.objects.filter(case_id__in=cases).values_list(
            "case_id", "kind", "action_date"
        ):
            actions[case_id].append((kind, day))
        for pk, case in cases.items():
            key = (case.jurisdiction_id, cities(case.building__region_id))
            for day, measure, value in _case_timeline(case, rows[pk], actions[pk]):
                if value and (days is None or day in days):
                    sums[(day, *key, measure)] += value


def _case_timeline(case, rows, actions) -> Iterator[tuple[datetime.date, str, int]]:
    opened = local_date(case.created_at)
    yield opened, Measure.CASES_OPENED, 1
    for kind, day in actions:
        yield day, action_measure(kind), 1
    supervision_rows = [r for r in rows if (r.details or {}).get("event") == "supervision"]
    key = case.key_case if not supervision_rows else False
    state = CaseState.IDENTIFIED
    changes: dict[datetime.date, list] = defaultdict(list)
    changes.setdefault(opened, [])
    for row in rows:
        day = local_date(row.created_at)
        changes[day].append(row)
        if row.to_state == CaseState.RECTIFIED and row.from_state != CaseState.RECTIFIED:
            yield day, Measure.CASES_RECTIFIED, 1
            days = int((row.created_at - case.created_at).total_seconds() // 86400)
            yield day, histogram_measure(Measure.RECTIFY_DAYS, days), 1
    previous = 0
    for day in sorted(changes):
        for row in changes[day]:
            if (row.details or {}).get("event") == "supervision":
                key = bool((row.details or {}).get("level"))
            else:
                state = row.to_state
        if day < opened:
            continue
        current = int(key and state not in FINAL_STATES)
        if current != previous:
            yield day, Measure.KEY_CASES_OPEN, current - previous
        previous = current


# --- Complaints --------------------------------------------------------------------------


def complaint_ids_with_points(days: set[datetime.date] | None) -> list[int]:
    if days is None:
        return list(Complaint.objects.order_by("pk").values_list("pk", flat=True))
    received = Q(pk__in=[])
    spans = list(runs(sorted(days)))
    if len(spans) > MAX_RUNS:
        spans = [(spans[0][0], spans[-1][1])]
    for start, end in spans:
        received |= Q(received_at__gte=day_start(start), received_at__lt=day_start(end + ONE_DAY))
    ids = set(Complaint.objects.filter(received).values_list("pk", flat=True))
    ids |= set(StatusChange.objects.filter(day_ranges(days)).values_list("complaint_id", flat=True))
    return sorted(ids)


def complaint_points(complaint_ids: Iterable[int]) -> dict[int, set[datetime.date]]:
    points: dict[int, set[datetime.date]] = defaultdict(set)
    for chunk in _chunks(sorted(set(complaint_ids))):
        for pk, received in Complaint.objects.filter(pk__in=chunk).values_list("pk", "received_at"):
            points[pk].add(local_date(received))
        for complaint_id, created in StatusChange.objects.filter(
            complaint_id__in=chunk
        ).values_list("complaint_id", "created_at"):
            points[complaint_id].add(local_date(created))
    return points


COMPLAINT_FIELDS = (
    "pk",
    "received_at",
    "jurisdiction_id",
    "region_id",
    "is_repeat",
    "accept_due_at",
    "reply_due_at",
    "accepted_at",
    "satisfaction",
)


def complaint_contributions(
    complaint_ids: list[int], days: set[datetime.date] | None, cities: Cities, sums: Sums
) -> None:
    for chunk in _chunks(complaint_ids):
        complaints = {
            c.pk: c
            for c in Complaint.objects.filter(pk__in=chunk).values_list(
                *COMPLAINT_FIELDS, named=True
            )
        }
        rows = defaultdict(list)
        for row in (
            StatusChange.objects.filter(complaint_id__in=complaints)
            .exclude(from_state=F("to_state"))  # referral notes change no state
            .order_by("created_at", "id")
            .values_list(
                "complaint_id", "from_state", "to_state", "created_at", "details", named=True
            )
        ):
            rows[row.complaint_id].append(row)
        for pk, complaint in complaints.items():
            key = (complaint.jurisdiction_id, cities(complaint.region_id))
            for day, measure, value in _complaint_timeline(complaint, rows[pk]):
                if value and (days is None or day in days):
                    sums[(day, *key, measure)] += value


def _due(value, fallback):
    if isinstance(value, str) and value:
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return fallback
    return fallback


def _complaint_timeline(complaint, rows) -> Iterator[tuple[datetime.date, str, int]]:
    received = local_date(complaint.received_at)
    yield received, Measure.RECEIVED, 1
    if complaint.is_repeat:
        yield received, Measure.REPEATS, 1
    for row in rows:
        day = local_date(row.created_at)
        details = row.details or {}
        if row.from_state == ComplaintState.SUBMITTED and row.to_state in (
            ComplaintState.ACCEPTED,
            ComplaintState.REJECTED,
        ):
            yield day, Measure.DECIDED, 1
            due = complaint.accept_due_at
            yield day, Measure.DECIDED_ON_TIME, int(due is not None and row.created_at <= due)
        elif row.to_state == ComplaintState.REPLIED:
            yield day, Measure.REPLIED, 1
            due = _due(details.get("reply_due_at"), complaint.reply_due_at)
            yield day, Measure.REPLIED_ON_TIME, int(due is not None and row.created_at <= due)
            yield day, Measure.SUBSTANTIATED, int(details.get("result") in SUBSTANTIATED)
            if complaint.accepted_at is not None:
                days = int((row.created_at - complaint.accepted_at).total_seconds() // 86400)
                yield day, histogram_measure(Measure.REPLY_DAYS, days), 1
        elif row.to_state == ComplaintState.CLOSED:
            yield day, Measure.CALLBACKS, 1
            satisfaction = details.get("satisfaction", complaint.satisfaction) or 0
            yield day, Measure.SATISFIED, int(int(satisfaction) >= SATISFIED_FROM)
