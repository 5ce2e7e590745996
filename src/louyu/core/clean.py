"""Cleaning of service input shared by the apps: text and dates with a clerk's message per
field, the actor as stored on a row, and a collector that reports every field's error at
once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone


def actor_or_none(actor):
    """The actor as a row's user foreign key (None for the system or an unsaved user)."""
    return actor if actor is not None and getattr(actor, "pk", None) else None


def clean_text(value, field: str, message: str, *, minimum: int = 2, limit: int = 5000) -> str:
    """Stripped text of at least ``minimum`` characters (``message`` otherwise) and at most
    ``limit`` (refused, not cut)."""
    text = str(value or "").replace("\x00", "").strip()
    if len(text) < minimum:
        raise ValidationError({field: message})
    if len(text) > limit:
        raise ValidationError({field: f"内容过长（最多 {limit} 个字）。"})
    return text


#: The typed forms of a date a clerk may use: 2026-12-03, 2026/12/03, 2026.12.03 and
#: 2026年12月3日 (strptime's %m and %d also take one digit).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
#: The same dates followed by a 24-hour time (with or without seconds), and the ISO
#: ``T`` form a datetime-local input sends.
DATETIME_INPUT_FORMATS = [
    f"{date}{sep}{time}"
    for date in DATE_INPUT_FORMATS
    for sep in (" ", "T", "")
    if sep or date.endswith("日")
    for time in ("%H:%M", "%H:%M:%S")
]
DATE_FORMAT_HINT = "2026-12-03、2026/12/03 或 2026年12月3日"


def parse_date_text(text: str) -> datetime.date | None:
    """The date ``text`` names in one of ``DATE_INPUT_FORMATS``, else None."""
    text = str(text).strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_datetime_text(text: str) -> datetime.datetime | None:
    """The moment ``text`` names in one of ``DATETIME_INPUT_FORMATS`` (or a bare date, at
    midnight), aware in the current time zone (Asia/Shanghai), else None."""
    text = " ".join(str(text).split())
    for fmt in DATETIME_INPUT_FORMATS:
        try:
            moment = datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return timezone.make_aware(moment)
    day = parse_date_text(text)
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def clean_date(value, field: str, *, label: str, future: bool = False) -> datetime.date:
    """A date or a typed date (see ``DATE_INPUT_FORMATS``); with ``future`` not before
    today (Asia/Shanghai)."""
    if isinstance(value, str):
        parsed = parse_date_text(value)
        if parsed is None:
            raise ValidationError({field: f"{label}格式应为 {DATE_FORMAT_HINT}。"})
        value = parsed
    if not isinstance(value, datetime.date):
        raise ValidationError({field: f"请填写{label}。"})
    if future and value < timezone.localdate():
        raise ValidationError({field: f"{label}不能早于今天。"})
    return value


class FieldErrors:
    """Collects the first error of each field over several checks; ``raise_any`` raises
    them together, so a form shows every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def check(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except ValidationError as exc:
            self.errors.update({k: v[0] for k, v in exc.message_dict.items()})
            return None

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
