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


def clean_date(value, field: str, *, label: str, future: bool = False) -> datetime.date:
    """A date or an ISO date string; with ``future`` not before today (Asia/Shanghai)."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({field: f"{label}格式应为 YYYY-MM-DD。"}) from None
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
