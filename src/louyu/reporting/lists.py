"""The list each figure counts: for a metric, an area and a period, the buildings, cases,
complaints or events behind its numerator (and denominator), so every number on a
dashboard opens the rows it counts and their count equals it.

A flow's list is exact for any period. A level's list shows the current state, so it is
offered for a period that ends today (the current figures); for a past date only where
the list can be rebuilt from fixed dates (buildings registered, cases rectified by then)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.buildings.models import Building, PresenceEvent, PresenceStatus
from louyu.cases.models import Case, CaseStatusChange, EnforcementAction
from louyu.cases.workflow import OPEN_STATES as CASE_OPEN_STATES
from louyu.cases.workflow import State as CaseState
from louyu.complaints.models import Complaint, StatusChange
from louyu.complaints.workflow import ReplyResult
from louyu.complaints.workflow import State as ComplaintState
from louyu.core.calendar import SHANGHAI
from louyu.reporting.figures import Period
from louyu.reporting.rollup.query import Area
from louyu.workplans.models import WorkPlan
from louyu.workplans.workflow import State as PlanState

ONE_DAY = datetime.timedelta(days=1)


class Rows:
    BUILDINGS = "buildings"
    CASES = "cases"
    COMPLAINTS = "complaints"
    PRESENCE = "presence"
    ACTIONS = "actions"
    CASE_EVENTS = "case_events"
    COMPLAINT_EVENTS = "complaint_events"


@dataclass(frozen=True)
class CountedList:
    rows: str
    queryset: QuerySet | None
    note: str = ""

    @property
    def available(self) -> bool:
        return self.queryset is not None


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=SHANGHAI)


def _during(field: str, period: Period) -> Q:
    condition = Q(**{f"{field}__lt": _start(period.end + ONE_DAY)})
    if period.start is not None:
        condition &= Q(**{f"{field}__gte": _start(period.start)})
    return condition


def _area(area: Area, *, jurisdiction: str, region: str) -> Q:
    condition = Q()
    if area.jurisdiction_ids is not None:
        condition &= Q(**{f"{jurisdiction}__in": area.jurisdiction_ids})
    if area.city:
        condition &= Q(**{f"{region}__parent_id": area.city}) | Q(**{f"{region}_id": area.city})
    return condition


def is_current(period: Period) -> bool:
    return period.end >= timezone.localdate()


def _buildings(area: Area, period: Period) -> QuerySet[Building]:
    return Building.objects.filter(
        _area(area, jurisdiction="jurisdiction_id", region="region"),
        is_active=True,
        created_at__lt=_start(period.end + ONE_DAY),
    ).order_by("code")


NOT_CURRENT = _("该指标按期末状态统计，明细只能列出当前状态；请选择截至今天的时段查看明细。")


def _current_buildings(condition: Q) -> Callable[[Area, Period], CountedList]:
    def make(area: Area, period: Period) -> CountedList:
        if not is_current(period):
            return CountedList(Rows.BUILDINGS, None, NOT_CURRENT)
        return CountedList(Rows.BUILDINGS, _buildings(area, period).filter(condition))

    return make


def _active_plan() -> Exists:
    return Exists(WorkPlan.objects.filter(building_id=OuterRef("pk"), state=PlanState.ACTIVE))


def _entries(area: Area, period: Period) -> CountedList:
    effective = Q(since__isnull=False, since__lte=period.end) | Q(
        since__isnull=True, created_at__lt=_start(period.end + ONE_DAY)
    )
    if period.start is not None:
        effective &= Q(since__isnull=False, since__gte=period.start) | Q(
            since__isnull=True, created_at__gte=_start(period.start)
        )
    qs = PresenceEvent.objects.filter(
        effective,
        _area(area, jurisdiction="building__jurisdiction_id", region="building__region"),
        building__is_active=True,
        operator__is_basic_operator=True,
        new_status=PresenceStatus.SERVING,
    ).exclude(old_status=PresenceStatus.SERVING)
    return CountedList(Rows.PRESENCE, qs.select_related("building", "operator").order_by("-since"))


def _cases(area: Area) -> QuerySet[Case]:
    return Case.objects.filter(
        _area(area, jurisdiction="jurisdiction_id", region="building__region")
    ).select_related("building")


def _case_events(area: Area, period: Period, **conditions) -> QuerySet[CaseStatusChange]:
    return (
        CaseStatusChange.objects.filter(
            _during("created_at", period),
            _area(area, jurisdiction="case__jurisdiction_id", region="case__building__region"),
            **conditions,
        )
        .exclude(from_state=F("to_state"))
        .select_related("case", "case__building")
        .order_by("-created_at")
    )


def _rectified(area: Area, period: Period) -> CountedList:
    return CountedList(Rows.CASE_EVENTS, _case_events(area, period, to_state=CaseState.RECTIFIED))


def _cases_opened(area: Area, period: Period) -> CountedList:
    return CountedList(
        Rows.CASES, _cases(area).filter(_during("created_at", period)).order_by("-created_at")
    )


def _rectified_by_end(area: Area, period: Period) -> CountedList:
    rectified = CaseStatusChange.objects.filter(
        case_id=OuterRef("pk"),
        to_state=CaseState.RECTIFIED,
        created_at__lt=_start(period.end + ONE_DAY),
    )
    opened = _cases(area).filter(created_at__lt=_start(period.end + ONE_DAY))
    return CountedList(Rows.CASES, opened.filter(Exists(rectified)).order_by("-created_at"))


def _opened_by_end(area: Area, period: Period) -> CountedList:
    opened = _cases(area).filter(created_at__lt=_start(period.end + ONE_DAY))
    return CountedList(Rows.CASES, opened.order_by("-created_at"))


def _key_cases(area: Area, period: Period) -> CountedList:
    if not is_current(period):
        return CountedList(Rows.CASES, None, NOT_CURRENT)
    qs = _cases(area).filter(key_case=True, state__in=CASE_OPEN_STATES)
    return CountedList(Rows.CASES, qs.order_by("-created_at"))


def _actions(area: Area, period: Period) -> CountedList:
    qs = EnforcementAction.objects.filter(
        _area(area, jurisdiction="case__jurisdiction_id", region="case__building__region"),
        action_date__lte=period.end,
    )
    if period.start is not None:
        qs = qs.filter(action_date__gte=period.start)
    return CountedList(Rows.ACTIONS, qs.select_related("case").order_by("-action_date"))


def _received(area: Area, period: Period, **conditions) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(
            _during("received_at", period),
            _area(area, jurisdiction="jurisdiction_id", region="region"),
            **conditions,
        )
        .select_related("category")
        .order_by("-received_at")
    )


def _complaint_events(area: Area, period: Period, condition: Q) -> CountedList:
    qs = (
        StatusChange.objects.filter(
            condition,
            _during("created_at", period),
            _area(area, jurisdiction="complaint__jurisdiction_id", region="complaint__region"),
        )
        .select_related("complaint", "complaint__category")
        .order_by("-created_at")
    )
    return CountedList(Rows.COMPLAINT_EVENTS, qs)


DECIDED = Q(
    from_state=ComplaintState.SUBMITTED,
    to_state__in=[ComplaintState.ACCEPTED, ComplaintState.REJECTED],
)
REPLIED = Q(to_state=ComplaintState.REPLIED) & ~Q(from_state=ComplaintState.REPLIED)
CLOSED = Q(to_state=ComplaintState.CLOSED) & ~Q(from_state=ComplaintState.CLOSED)
SATISFIED = Q(details__satisfaction__gte=4) | (
    Q(details__satisfaction__isnull=True) & Q(complaint__satisfaction__gte=4)
)


def _flow(rows: str, build) -> Callable[[Area, Period], CountedList]:
    return lambda area, period: CountedList(rows, build(area, period))


NUMERATOR, DENOMINATOR = "numerator", "denominator"

LISTS: dict[tuple[str, str], Callable[[Area, Period], CountedList]] = {
    ("buildings_registered", NUMERATOR): lambda a, p: CountedList(Rows.BUILDINGS, _buildings(a, p)),
    ("zero_operator_buildings", NUMERATOR): _current_buildings(Q(operator_count=0)),
    ("multi_operator_share", NUMERATOR): _current_buildings(Q(operator_count__gte=2)),
    ("multi_operator_share", DENOMINATOR): _current_buildings(Q()),
    ("zero_operator_plan_share", NUMERATOR): _current_buildings(
        Q(operator_count=0) & Q(_active_plan())
    ),
    ("zero_operator_plan_share", DENOMINATOR): _current_buildings(Q(operator_count=0)),
    ("operator_entries", NUMERATOR): _entries,
    ("problem_buildings", NUMERATOR): _cases_opened,
    ("cases_rectified", NUMERATOR): _rectified,
    ("rectification_rate", NUMERATOR): _rectified_by_end,
    ("rectification_rate", DENOMINATOR): _opened_by_end,
    ("open_key_cases", NUMERATOR): _key_cases,
    ("median_days_to_rectify", NUMERATOR): _rectified,
    ("enforcement_actions", NUMERATOR): _actions,
    ("complaints_received", NUMERATOR): _flow(Rows.COMPLAINTS, _received),
    ("repeat_rate", NUMERATOR): _flow(
        Rows.COMPLAINTS, lambda a, p: _received(a, p, is_repeat=True)
    ),
    ("repeat_rate", DENOMINATOR): _flow(Rows.COMPLAINTS, _received),
    ("acceptance_on_time_rate", NUMERATOR): lambda a, p: _complaint_events(
        a, p, DECIDED & Q(created_at__lte=F("complaint__accept_due_at"))
    ),
    ("acceptance_on_time_rate", DENOMINATOR): lambda a, p: _complaint_events(a, p, DECIDED),
    ("reply_on_time_rate", NUMERATOR): lambda a, p: _complaint_events(
        a, p, REPLIED & Q(created_at__lte=F("complaint__reply_due_at"))
    ),
    ("reply_on_time_rate", DENOMINATOR): lambda a, p: _complaint_events(a, p, REPLIED),
    ("substantiated_rate", NUMERATOR): lambda a, p: _complaint_events(
        a, p, REPLIED & Q(details__result__in=[ReplyResult.SUBSTANTIATED, ReplyResult.PARTLY])
    ),
    ("substantiated_rate", DENOMINATOR): lambda a, p: _complaint_events(a, p, REPLIED),
    ("satisfaction_rate", NUMERATOR): lambda a, p: _complaint_events(a, p, CLOSED & SATISFIED),
    ("satisfaction_rate", DENOMINATOR): lambda a, p: _complaint_events(a, p, CLOSED),
    ("median_days_to_reply", NUMERATOR): lambda a, p: _complaint_events(a, p, REPLIED),
}


def counted(code: str, part: str, area: Area, period: Period) -> CountedList | None:
    """The list behind a metric's numerator or denominator (None if it has no such part)."""
    make = LISTS.get((code, part))
    return make(area, period) if make is not None else None
