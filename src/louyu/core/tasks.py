"""Background jobs. They run on the configured task backend (database or RQ/Redis)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from louyu.core import notifications
from louyu.core.models import Notification
from louyu.core.services import send_due_reminders


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    delivered = 0
    for notification in Notification.objects.select_related("recipient").filter(
        pk__in=notification_ids
    ):
        notifications.deliver(notification)
        delivered += 1
    return delivered


@task()
def send_work_item_reminders() -> dict[str, int]:
    return send_due_reminders(
        now=timezone.now(),
        lead=datetime.timedelta(hours=settings.LOUYU_REMINDER_LEAD_HOURS),
    )
