"""The rectification deadline by the severity's policy, and how running deadlines follow a
holiday schedule published after the case started."""

import datetime

import pytest
from freezegun import freeze_time

from louyu.cases.models import RectificationPolicy
from louyu.cases.services.deadlines import case_deadlines_recompute, rectification_deadline
from louyu.cases.services.transitions import case_transition
from louyu.cases.workflow import Severity
from louyu.core import calendar
from louyu.core.models import AuditEvent, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.mark.parametrize(
    ("severity", "period", "working_days"),
    [(Severity.GENERAL, 30, False), (Severity.SERIOUS, 10, True), (Severity.MAJOR, 15, False)],
)
def test_deadline_follows_the_policy_of_the_severity(kenv, severity, period, working_days):
    RectificationPolicy.objects.filter(severity=severity).update(
        period=period, working_days=working_days
    )
    start = datetime.datetime(2025, 9, 29, 10, tzinfo=datetime.UTC)  # before National Day
    deadline = rectification_deadline(severity, start)
    if working_days:
        assert deadline == calendar.deadline_from(start, working_days=period)
    else:
        assert deadline == calendar.deadline_from(start, days=period)


def test_deadline_in_an_unpublished_year_is_provisional(kenv):
    year = max(calendar.bundled_years()) + 3
    CalendarYear.objects.filter(year=year).delete()
    start = datetime.datetime(year, 3, 2, 10, tzinfo=datetime.UTC)
    deadline = rectification_deadline(Severity.GENERAL, start)
    assert deadline.provisional is True
    assert deadline.last_day >= datetime.date(year, 4, 1)


def test_a_published_schedule_moves_running_rectification_deadlines(
    kenv, django_capture_on_commit_callbacks
):
    with freeze_time("2026-12-28 09:30:00+08:00"):
        case = kenv["rectifying"]()
        finished = kenv["open_case"](building=kenv["dl_building"], actor=kenv["dl"])
        case_transition(actor=kenv["dl"], case=finished, to="rectifying")
        case_transition(
            actor=kenv["dl"], case=finished, to="closed_unresolved", reason="楼宇已拆除"
        )
    case.refresh_from_db()
    assert case.severity == "general"
    assert case.deadline_provisional  # 2027 was not published yet
    assert case.rectify_due_at == datetime.datetime(2027, 1, 28, tzinfo=SHANGHAI)  # 01-27 24:00
    # Hypothetical 2027 data for the test: 2027-01-27 declared a holiday, year published.
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=datetime.date(2027, 1, 27), kind="holiday", name="测试")
        CalendarYear.objects.create(year=2027, published=True, source="测试数据")
    case.refresh_from_db()
    assert case.deadline_provisional is False
    assert case.rectify_due_at == datetime.datetime(2027, 1, 29, tzinfo=SHANGHAI)  # 01-28 24:00
    event = AuditEvent.objects.get(action="case.deadline_recompute")
    assert event.object_id == str(case.pk)
    finished.refresh_from_db()
    assert finished.rectify_due_at is None
    assert case_deadlines_recompute() == 0  # nothing left to change
