"""The dashboard's figures computed the straightforward way, for ``bench_dashboard.py``: ORM
aggregation over the base tables for each figure, levels as of a day reconstructed from
the histories with window functions (latest presence event per building and operator,
latest status row per case and plan), no rollup. Slow by design: it is the baseline the
rollup is measured against, and the bench checks that both give the same numbers.

PostgreSQL only (window functions over millions of rows; SQLite would take hours)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Coalesce, FirstValue, RowNumber, TruncDate

from louyu.buildings.models import Building, PresenceEvent, PresenceStatus
from louyu.cases.models import Case, CaseStatusChange, EnforcementAction
from louyu.cases.workflow import FINAL_STATES
from louyu.complaints.models import Complaint, StatusChange
from louyu.core.calendar import SHANGHAI
from louyu.reporting.figures import Period, median_of, value_of
from louyu.reporting.metrics import METRICS, Measure, action_measure, histogram_measure
from louyu.workplans.models import PlanStatusChange

ONE_DAY = datetime.timedelta(days=1)
NATION = None  # group key of the national totals


def _end(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day + ONE_DAY, datetime.time.min, tzinfo=SHANGHAI)


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=SHANGHAI)


def _latest(qs, partition, value):
    order = [F("eff").desc(), F("created_at").desc(), F("id").desc()]
    return qs.annotate(
        rn=Window(RowNumber(), partition_by=partition, order_by=order),
        last=Window(FirstValue(value), partition_by=partition, order_by=order),
    )


def building_levels(day: datetime.date) -> dict:
    """jurisdiction id → Counter of the building level measures as of the end of ``day``."""
    end = _end(day)
    registered = dict(
        Building.objects.filter(is_active=True, created_at__lt=end).values_list(
            "pk", "jurisdiction_id"
        )
    )
    events = PresenceEvent.objects.filter(
        operator__is_basic_operator=True, building__is_active=True
    ).annotate(eff=Coalesce("since", TruncDate("created_at", tzinfo=SHANGHAI)))
    events = _latest(
        events.filter(eff__lte=day), [F("building_id"), F("operator_id")], "new_status"
    )
    serving = Counter(
        building
        for building, status in events.filter(rn=1).values_list("building_id", "last")
        if status == PresenceStatus.SERVING
    )
    plans = PlanStatusChange.objects.filter(created_at__lt=end).annotate(eff=F("created_at"))
    plans = _latest(plans, [F("plan_id")], "to_state").filter(rn=1)
    planned = {
        b for b, state in plans.values_list("plan__building_id", "last") if state == "active"
    }
    result: dict = defaultdict(Counter)
    for building, jurisdiction in registered.items():
        n = serving.get(building, 0)
        counts = result[jurisdiction]
        counts[Measure.REGISTERED] += 1
        counts[Measure.MULTI] += n >= 2
        counts[Measure.ZERO] += n == 0
        counts[Measure.ZERO_PLANNED] += n == 0 and building in planned
    return result


def case_levels(day: datetime.date) -> dict:
    end = _end(day)
    result: dict = defaultdict(Counter)
    cases = dict(Case.objects.filter(created_at__lt=end).values_list("pk", "jurisdiction_id"))
    initial_key = set(Case.objects.filter(key_case=True).values_list("pk", flat=True))
    rows = CaseStatusChange.objects.filter(created_at__lt=end).order_by("created_at", "id")
    state, key, supervised = {}, {}, set()
    for case_id, to_state, details in rows.values_list("case_id", "to_state", "details"):
        if (details or {}).get("event") == "supervision":
            key[case_id] = bool(details.get("level"))
            supervised.add(case_id)
        else:
            state[case_id] = to_state
    for case_id, jurisdiction in cases.items():
        counts = result[jurisdiction]
        counts[Measure.CASES_OPENED] += 1
        is_key = key.get(case_id, False) if case_id in supervised else case_id in initial_key
        counts[Measure.KEY_CASES_OPEN] += is_key and state.get(case_id) not in FINAL_STATES
        counts[Measure.CASES_RECTIFIED] += state.get(case_id) == "rectified"
    return result


def flows(period: Period) -> dict:
    """jurisdiction id → Counter of the flow measures over the period."""
    upper = _end(period.end)
    lower = _start(period.start) if period.start else None
    during = Q(created_at__lt=upper) & (Q(created_at__gte=lower) if lower else Q())
    result: dict = defaultdict(Counter)
    received = Q(received_at__lt=upper) & (Q(received_at__gte=lower) if lower else Q())
    for row in (
        Complaint.objects.filter(received)
        .values("jurisdiction_id")
        .annotate(n=Count("pk"), repeats=Count("pk", filter=Q(is_repeat=True)))
    ):
        result[row["jurisdiction_id"]][Measure.RECEIVED] += row["n"]
        result[row["jurisdiction_id"]][Measure.REPEATS] += row["repeats"]
    rows = StatusChange.objects.filter(during).exclude(from_state=F("to_state"))
    decided = rows.filter(from_state="submitted", to_state__in=["accepted", "rejected"])
    for row in decided.values("complaint__jurisdiction_id").annotate(
        n=Count("pk"), ok=Count("pk", filter=Q(created_at__lte=F("complaint__accept_due_at")))
    ):
        counts = result[row["complaint__jurisdiction_id"]]
        counts[Measure.DECIDED] += row["n"]
        counts[Measure.DECIDED_ON_TIME] += row["ok"]
    for jurisdiction, moment, due, details, accepted in rows.filter(to_state="replied").values_list(
        "complaint__jurisdiction_id",
        "created_at",
        "complaint__reply_due_at",
        "details",
        "complaint__accepted_at",
    ):
        counts = result[jurisdiction]
        counts[Measure.REPLIED] += 1
        due_at = (
            datetime.datetime.fromisoformat(details["reply_due_at"])
            if (details or {}).get("reply_due_at")
            else due
        )
        counts[Measure.REPLIED_ON_TIME] += due_at is not None and moment <= due_at
        counts[Measure.SUBSTANTIATED] += (details or {}).get("result") in (
            "substantiated",
            "partly",
        )
        if accepted is not None:
            days = int((moment - accepted).total_seconds() // 86400)
            counts[histogram_measure(Measure.REPLY_DAYS, days)] += 1
    for jurisdiction, details, satisfaction in rows.filter(to_state="closed").values_list(
        "complaint__jurisdiction_id", "details", "complaint__satisfaction"
    ):
        counts = result[jurisdiction]
        counts[Measure.CALLBACKS] += 1
        counts[Measure.SATISFIED] += (
            int((details or {}).get("satisfaction", satisfaction) or 0) >= 4
        )
    case_rows = CaseStatusChange.objects.filter(during, to_state="rectified").exclude(
        from_state="rectified"
    )
    for jurisdiction, moment, opened in case_rows.values_list(
        "case__jurisdiction_id", "created_at", "case__created_at"
    ):
        result[jurisdiction][Measure.CASES_RECTIFIED] += 1
        days = int((moment - opened).total_seconds() // 86400)
        result[jurisdiction][histogram_measure(Measure.RECTIFY_DAYS, days)] += 1
    opened = Case.objects.filter(during).values("jurisdiction_id").annotate(n=Count("pk"))
    for row in opened:
        result[row["jurisdiction_id"]][Measure.CASES_OPENED] += row["n"]
    actions = EnforcementAction.objects.filter(action_date__lte=period.end)
    if period.start:
        actions = actions.filter(action_date__gte=period.start)
    for row in actions.values("case__jurisdiction_id", "kind").annotate(n=Count("pk")):
        result[row["case__jurisdiction_id"]][action_measure(row["kind"])] += row["n"]
    eff = Coalesce("since", TruncDate("created_at", tzinfo=SHANGHAI))
    entries = (
        PresenceEvent.objects.annotate(eff=eff)
        .filter(
            eff__lte=period.end,
            new_status=PresenceStatus.SERVING,
            operator__is_basic_operator=True,
            building__is_active=True,
        )
        .exclude(old_status=PresenceStatus.SERVING)
    )
    if period.start:
        entries = entries.filter(eff__gte=period.start)
    for row in entries.values("building__jurisdiction_id").annotate(n=Count("pk")):
        result[row["building__jurisdiction_id"]][Measure.ENTRIES] += row["n"]
    return result


def figures_by_jurisdiction(period: Period) -> dict:
    """jurisdiction id (and NATION) → code → value, as the rollup's ``evaluate`` gives."""
    levels: dict = defaultdict(Counter)
    for source in (building_levels(period.end), case_levels(period.end)):
        for jurisdiction, counts in source.items():
            levels[jurisdiction].update(counts)
    period_flows = flows(period)
    result = {}
    for jurisdiction in set(levels) | set(period_flows) | {NATION}:
        if jurisdiction is NATION:
            level = sum(levels.values(), Counter())
            flow = sum(period_flows.values(), Counter())
        else:
            level, flow = (
                levels.get(jurisdiction, Counter()),
                period_flows.get(jurisdiction, Counter()),
            )
        values = {}
        for metric in METRICS:
            uses_levels = metric.kind == "level" or (
                metric.kind == "rate" and metric.rate_of == "level"
            )
            values[metric.code] = value_of(metric, level if uses_levels else flow)
        result[jurisdiction] = values
    return result


__all__ = ["figures_by_jurisdiction", "median_of"]
