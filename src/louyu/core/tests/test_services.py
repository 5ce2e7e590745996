import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from louyu.core import calendar, services, sms
from louyu.core.errors import InvalidTransition
from louyu.core.models import AuditEvent, Notification, WorkItem, WorkItemState
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _item(env, **kwargs):
    defaults = {
        "actor": env["ministry"],
        "title": "核对楼宇名录",
        "assignee_organization": env["org_a"],
        "due_at": timezone.now() + datetime.timedelta(days=10),
    }
    defaults.update(kwargs)
    return services.work_item_create(**defaults)


def test_work_item_create_audits_and_notifies_the_assignee_organization(
    two_jurisdictions, django_capture_on_commit_callbacks
):
    env = two_jurisdictions
    env["user_a"].email = "a@example.cn"
    env["user_a"].save()
    with django_capture_on_commit_callbacks(execute=True):
        item = _item(env)
    assert item.jurisdiction == env["ja"]
    assert AuditEvent.objects.filter(action="work_item.create", object_id=str(item.pk)).exists()
    note = Notification.objects.get(recipient=env["user_a"])
    assert note.title == "新待办：核对楼宇名录"
    assert note.delivered == {"in_app": True, "email": True, "sms": False}
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(recipient=env["user_b"]).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "  "}, "title"),
        ({"assignee_organization": None}, "assignee_organization"),
        ({"due_at": datetime.datetime(2026, 12, 1, 12, 0)}, "due_at"),
    ],
)
def test_work_item_create_rejects_bad_input_and_writes_nothing(two_jurisdictions, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        _item(two_jurisdictions, **kwargs)
    assert field in exc.value.message_dict
    assert not WorkItem.objects.exists()
    assert not AuditEvent.objects.filter(action="work_item.create").exists()


def test_only_the_assignee_may_complete_and_only_once(two_jurisdictions):
    env = two_jurisdictions
    item = _item(env)
    with pytest.raises(PermissionDenied):
        services.work_item_complete(actor=env["user_b"], item=item)
    done = services.work_item_complete(actor=env["user_a"], item=item)
    assert done.state == WorkItemState.DONE and done.completed_at
    with pytest.raises(ValidationError):
        services.work_item_complete(actor=env["user_a"], item=item)
    assert AuditEvent.objects.filter(action="work_item.complete").count() == 1


def test_a_step_item_is_closed_by_its_step_not_by_hand(two_jurisdictions):
    env = two_jurisdictions
    item = _item(env, kind="complaint", step=True)
    with pytest.raises(InvalidTransition, match="流程环节"):
        services.work_item_complete(actor=env["user_a"], item=item)
    item.refresh_from_db()
    assert item.state == WorkItemState.OPEN
    assert not AuditEvent.objects.filter(action="work_item.complete").exists()


def test_reminders_are_sent_exactly_once(two_jurisdictions, django_capture_on_commit_callbacks):
    env = two_jurisdictions
    now = timezone.now()
    soon = _item(env, title="即将到期事项", due_at=now + datetime.timedelta(hours=20))
    late = _item(env, title="超期事项", due_at=now - datetime.timedelta(hours=1))
    far = _item(env, title="远期事项", due_at=now + datetime.timedelta(days=20))
    env["user_a"].phone = "13800138000"
    env["user_a"].save()
    sms.outbox.clear()
    lead = datetime.timedelta(hours=48)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_due_reminders(now=now, lead=lead)
    second = services.send_due_reminders(now=now, lead=lead)
    assert first == {"due_soon": 1, "overdue": 1}
    assert second == {"due_soon": 0, "overdue": 0}
    titles = set(
        Notification.objects.filter(recipient=env["user_a"]).values_list("title", flat=True)
    )
    assert "即将到期：即将到期事项" in titles
    assert "已超期：超期事项" in titles
    assert not any("远期事项" in t and "到期" in t for t in titles)
    far.refresh_from_db()
    assert far.reminded_at is None
    soon.refresh_from_db()
    late.refresh_from_db()
    assert soon.reminded_at and late.overdue_notified_at
    assert [m.phone for m in sms.outbox] == ["13800138000"]  # only the overdue one by SMS


def test_a_reminder_shows_the_deadline_as_every_page_does(two_jurisdictions):
    env = two_jurisdictions
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    _item(env, title="昨日到期事项", due_at=calendar.Deadline.ending_on(last_day).due_at)
    services.send_due_reminders(now=timezone.now(), lead=datetime.timedelta(hours=48))
    body = Notification.objects.get(recipient=env["user_a"], kind="overdue").body
    assert body == f"办理时限 {last_day:%Y-%m-%d} 24:00 已过。"


def test_a_completed_item_is_never_reminded(two_jurisdictions):
    env = two_jurisdictions
    item = _item(env, due_at=timezone.now() - datetime.timedelta(hours=1))
    services.work_item_complete(actor=env["user_a"], item=item)
    sent = services.send_due_reminders(now=timezone.now(), lead=datetime.timedelta(hours=48))
    assert sent == {"due_soon": 0, "overdue": 0}


def test_mark_read_touches_only_own_notifications(two_jurisdictions):
    env = two_jurisdictions
    services.notify(recipients=[env["user_a"]], title="甲")
    services.notify(recipients=[env["user_b"]], title="乙")
    other = Notification.objects.get(recipient=env["user_b"])
    assert services.notifications_mark_read(user=env["user_a"], ids=[other.pk]) == 0
    assert services.notifications_mark_read(user=env["user_a"]) == 1
    other.refresh_from_db()
    assert other.read_at is None


def test_a_user_assignee_gets_the_notification_not_the_whole_organization(two_jurisdictions):
    env = two_jurisdictions
    colleague = UserFactory(organization=env["org_a"])
    _item(env, assignee_user=colleague)
    assert Notification.objects.filter(recipient=colleague).count() == 1
    assert not Notification.objects.filter(recipient=env["user_a"]).exists()
