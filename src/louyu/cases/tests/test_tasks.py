import datetime

import pytest
from django.utils import timezone

from louyu.cases.models import Case
from louyu.cases.tasks import case_deadline_reminders
from louyu.core.models import Notification

pytestmark = pytest.mark.django_db


def test_warning_and_overdue_are_sent_exactly_once_each(kenv):
    case = kenv["rectifying"]()
    due = case.rectify_due_at
    assert case_deadline_reminders(now=due - datetime.timedelta(days=10)) == {
        "warned": 0,
        "overdue": 0,
    }
    soon = due - datetime.timedelta(days=1)
    assert case_deadline_reminders(now=soon) == {"warned": 1, "overdue": 0}
    assert case_deadline_reminders(now=soon) == {"warned": 0, "overdue": 0}
    late = due + datetime.timedelta(hours=1)
    assert case_deadline_reminders(now=late) == {"warned": 0, "overdue": 1}
    assert case_deadline_reminders(now=late) == {"warned": 0, "overdue": 0}
    titles = list(
        Notification.objects.filter(link=f"/cases/{case.pk}/").values_list("title", flat=True)
    )
    assert any("即将到整改期限" in t for t in titles) and any("已超过整改期限" in t for t in titles)
    recipients = set(
        Notification.objects.filter(kind="overdue").values_list("recipient__username", flat=True)
    )
    assert recipients == {"k-ca-110000", "k-admin-110000"}


def test_a_new_deadline_is_reminded_again_and_other_states_are_not(kenv):
    case = kenv["rectifying"]()
    late = case.rectify_due_at + datetime.timedelta(hours=1)
    assert case_deadline_reminders(now=late)["overdue"] == 1
    Case.objects.filter(pk=case.pk).update(
        rectify_due_at=timezone.now() + datetime.timedelta(days=1),
        warned_at=None,
        overdue_notified_at=None,
        state="awaiting_acceptance",
    )
    assert case_deadline_reminders(now=late + datetime.timedelta(days=5)) == {
        "warned": 0,
        "overdue": 0,
    }
