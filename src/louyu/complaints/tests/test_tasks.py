import datetime

import pytest
from django.conf import settings
from freezegun import freeze_time

from louyu.complaints import services, tasks
from louyu.complaints.models import DeadlinePolicy
from louyu.core import roles
from louyu.core.models import Notification, Organization
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
RECEIVED = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)  # a Monday
# 5 working days after Mon 2026-11-02 end on Mon 11-09: due at 11-10 00:00 Shanghai.
DUE = datetime.datetime(2026, 11, 10, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture
def renv(cenv):
    org = Organization.objects.get
    cenv["admin"] = UserFactory(
        username="admin-110000",
        organization=org(code="ca-110000"),
        roles=[roles.ADMINISTRATION_ADMIN],
    )
    DeadlinePolicy.objects.update_or_create(
        category=cenv["category"],
        defaults={
            "warn_before_hours": 48,
            "escalate_to_supervisor_after_hours": 24,
            "escalate_to_ministry_after_hours": 72,
        },
    )
    with freeze_time(RECEIVED + datetime.timedelta(minutes=5)):
        complaint, _ = cenv["file"](received_at=RECEIVED)
    assert complaint.accept_due_at == DUE
    cenv["complaint"] = complaint
    return cenv


def run(at):
    with freeze_time(at):
        return tasks.send_complaint_deadline_reminders.call()


def titles(user):
    notes = Notification.objects.filter(recipient=user).exclude(kind="work_item")
    return [t for t in notes.values_list("title", flat=True) if not t.startswith("新待办")]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (
            DUE - datetime.timedelta(hours=60),
            {"warned": 0, "overdue": 0, "supervisor": 0, "ministry": 0},
        ),
        (
            DUE - datetime.timedelta(hours=47),
            {"warned": 1, "overdue": 0, "supervisor": 0, "ministry": 0},
        ),
        (
            DUE + datetime.timedelta(hours=1),
            {"warned": 0, "overdue": 1, "supervisor": 0, "ministry": 0},
        ),
        (
            DUE + datetime.timedelta(hours=25),
            {"warned": 0, "overdue": 1, "supervisor": 1, "ministry": 0},
        ),
        (
            DUE + datetime.timedelta(hours=73),
            {"warned": 0, "overdue": 1, "supervisor": 1, "ministry": 1},
        ),
    ],
)
def test_first_run_at_each_point_sends_what_is_due(renv, at, expected):
    assert run(at) == expected
    assert run(at) == {"warned": 0, "overdue": 0, "supervisor": 0, "ministry": 0}


def test_each_step_once_over_time_to_the_right_people(renv):
    staff, admin, ministry = renv["bj"], renv["admin"], renv["ministry"]
    totals = {"warned": 0, "overdue": 0, "supervisor": 0, "ministry": 0}
    for hours in (-47, -46, 1, 2, 25, 26, 73, 100):
        for key, value in run(DUE + datetime.timedelta(hours=hours)).items():
            totals[key] += value
    assert totals == {"warned": 1, "overdue": 1, "supervisor": 1, "ministry": 1}
    code = renv["complaint"].tracking_code
    assert sorted(titles(staff)) == sorted(
        [f"申诉即将到受理时限：{code}", f"申诉已超过受理时限：{code}"]
    )
    assert f"超期上报（受理）：{code}" in titles(admin)
    assert titles(staff).count(f"超期上报（受理）：{code}") == 0  # staff lack view_auditevent
    assert titles(ministry) == [f"超期上报工信部（受理）：{code}"]
    assert titles(renv["dl"]) == []  # another jurisdiction's administration


def test_a_new_deadline_is_reminded_again(renv):
    run(DUE + datetime.timedelta(hours=100))
    complaint = renv["complaint"]
    with freeze_time(DUE + datetime.timedelta(hours=101)):
        services.complaint_transition(actor=renv["bj"], complaint=complaint, to="accepted")
    complaint.refresh_from_db()
    assert complaint.warned_at is None and complaint.escalation_level == 0
    sent = run(complaint.reply_due_at + datetime.timedelta(hours=1))
    assert sent == {"warned": 0, "overdue": 1, "supervisor": 0, "ministry": 0}


def test_a_suspended_complaint_is_not_reminded(renv):
    complaint = renv["complaint"]
    with freeze_time(RECEIVED + datetime.timedelta(hours=2)):
        services.complaint_transition(actor=renv["bj"], complaint=complaint, to="accepted")
        services.complaint_transition(
            actor=renv["bj"], complaint=complaint, to="suspended", reason="等待补充材料"
        )
    complaint.refresh_from_db()
    sent = run(complaint.reply_due_at + datetime.timedelta(days=30))
    assert sent == {"warned": 0, "overdue": 0, "supervisor": 0, "ministry": 0}


def test_the_task_is_scheduled():
    assert "louyu.complaints.tasks.send_complaint_deadline_reminders" in (
        settings.LOUYU_PERIODIC_TASKS
    )
