"""Pluggable SMS backends. A real gateway implements ``send_messages``; the console backend
prints to stdout (default), the locmem backend keeps messages in ``outbox`` for tests."""

from __future__ import annotations

import abc
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend(abc.ABC):
    @abc.abstractmethod
    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send the messages; return how many were sent."""


class ConsoleSmsBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            masked = message.phone[:3] + "****" + message.phone[-4:]
            sys.stdout.write(f"[SMS to {masked}] {message.text}\n")
        sys.stdout.flush()
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> BaseSmsBackend:
    return import_string(settings.LOUYU_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> int:
    return get_backend().send_messages([SmsMessage(phone=phone, text=text)])
