"""API tokens: who rotates them and when they stop working.

A user has at most one token (DRF's ``Token``). It is replaced — the old key stops working
at once — when its user asks for it on the account page, when an operator runs
``louyu api-token USERNAME --rotate``, and whenever the user's password changes, so a token
taken with an old password does not outlive it. ``LOUYU_API_TOKEN_MAX_AGE_DAYS`` (0, the
default, means never) refuses tokens older than that; it is off by default because Open311
clients keep one token in their configuration."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from louyu.core.audit import audit_record
from louyu.core.models import User

ROTATE_REASONS = {"requested", "password_change"}


def token_expired(created: datetime.datetime, *, now: datetime.datetime | None = None) -> bool:
    """Whether a token created then is past ``LOUYU_API_TOKEN_MAX_AGE_DAYS`` (never if 0)."""
    days = settings.LOUYU_API_TOKEN_MAX_AGE_DAYS
    if not days:
        return False
    return created + datetime.timedelta(days=days) <= (now or timezone.now())


def token_expires_at(token: Token) -> datetime.datetime | None:
    days = settings.LOUYU_API_TOKEN_MAX_AGE_DAYS
    return token.created + datetime.timedelta(days=days) if days else None


def api_token_get(*, user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


def api_token_rotate(*, actor: User | None, user: User, reason: str = "requested") -> Token:
    """Replace ``user``'s token with a new one (creating it if there was none) and audit it;
    the old key is refused from the next request on."""
    if reason not in ROTATE_REASONS:
        raise ValueError(f"unknown rotation reason {reason!r}")
    with transaction.atomic():
        had = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        audit_record(
            actor=actor,
            action="api_token.rotate" if had else "api_token.create",
            obj=user,
            changes={"reason": reason},
            jurisdiction=getattr(user.organization, "jurisdiction_id", None),
        )
    return token


def rotate_after_password_change(sender, instance: User, created: bool, **kwargs) -> None:
    """``post_save`` of users: a saved new password (``set_password`` leaves it in
    ``_password`` until the save) replaces the user's token, if the user has one."""
    if created or getattr(instance, "_password", None) is None:
        return
    if Token.objects.filter(user=instance).exists():
        # The actor is whoever changed the password; the audit event's request id says who.
        api_token_rotate(actor=None, user=instance, reason="password_change")
