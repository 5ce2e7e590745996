"""Rectification deadlines follow a holiday schedule published after the case started."""

import datetime

import pytest
from freezegun import freeze_time

from louyu.cases import services
from louyu.core.models import AuditEvent, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_a_published_schedule_moves_running_rectification_deadlines(
    kenv, django_capture_on_commit_callbacks
):
    with freeze_time("2026-12-28 09:30:00+08:00"):
        case = kenv["rectifying"]()
        finished = kenv["open_case"](building=kenv["dl_building"], actor=kenv["dl"])
        services.case_transition(actor=kenv["dl"], case=finished, to="rectifying")
        services.case_transition(
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
    assert services.case_deadlines_recompute() == 0  # nothing left to change
