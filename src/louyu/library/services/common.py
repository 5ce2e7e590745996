"""Helpers shared by the library's services: cleaning text and dates, and the actor."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def actor_or_none(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def clean_text(value, field: str, message: str, *, minimum: int = 2, limit: int = 5000) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) < minimum:
        raise ValidationError({field: message})
    if len(text) > limit:
        raise ValidationError({field: f"内容过长（最多 {limit} 个字）。"})
    return text


def clean_date(value, field: str, *, label: str, future: bool = False) -> datetime.date:
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
