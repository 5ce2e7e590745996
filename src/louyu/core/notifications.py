"""Notification channels. ``notify`` stores the in-app notification and hands delivery to
the task queue; each configured channel (LOUYU_NOTIFICATION_CHANNELS) delivers it once."""

from __future__ import annotations

import abc
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from louyu.core import sms
from louyu.core.models import Notification

logger = logging.getLogger(__name__)


class Channel(abc.ABC):
    key = ""

    @abc.abstractmethod
    def deliver(self, notification: Notification) -> bool:
        """Deliver one notification; return whether it went out on this channel."""


class InAppChannel(Channel):
    """The notification row itself is the in-app message; nothing more to send."""

    key = "in_app"

    def deliver(self, notification: Notification) -> bool:
        return True


class EmailChannel(Channel):
    key = "email"

    def deliver(self, notification: Notification) -> bool:
        address = notification.recipient.email
        if not address:
            return False
        send_mail(
            subject=f"[楼宇] {notification.title}",
            message=f"{notification.body}\n\n{notification.link}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
        return True


class SmsChannel(Channel):
    """Only urgent notifications (overdue, escalation) go out by SMS."""

    key = "sms"
    urgent_kinds = frozenset({"overdue", "escalation"})

    def deliver(self, notification: Notification) -> bool:
        phone = notification.recipient.phone
        if not phone or notification.kind not in self.urgent_kinds:
            return False
        sms.send_sms(phone, f"【楼宇】{notification.title}")
        return True


def configured_channels() -> list[Channel]:
    return [import_string(path)() for path in settings.LOUYU_NOTIFICATION_CHANNELS]


def deliver(notification: Notification) -> dict[str, bool]:
    """Deliver through each channel not yet delivered; record the outcome on the row."""
    outcome = dict(notification.delivered or {})
    for channel in configured_channels():
        if outcome.get(channel.key):
            continue
        try:
            outcome[channel.key] = channel.deliver(notification)
        except Exception:  # a failing gateway must not lose the other channels
            logger.exception("notification %s: channel %s failed", notification.pk, channel.key)
            outcome[channel.key] = False
    Notification.objects.filter(pk=notification.pk).update(delivered=outcome)
    return outcome
