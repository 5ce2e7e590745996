"""Login lockouts (django-axes, docs/adr/0014): every lockout and every unlock is an audit
event. Axes counts failed logins per username and client address (``AccessAttempt`` rows);
at ``AXES_FAILURE_LIMIT`` it refuses that pair for ``AXES_COOLOFF_TIME``. Unlocking is
``login_unlock``: the admin's action and the ``axes_reset*`` commands go through it."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.dispatch import receiver

from louyu.core.audit import audit_record

LOCKOUT_ACTION = "auth.lockout"
UNLOCK_ACTION = "auth.unlock"


def _account(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def _audit(*, actor, action: str, username: str | None, changes: dict) -> None:
    account = _account(username)
    audit_record(
        actor=actor,
        action=action,
        obj=account,
        object_repr=None if account else (username or "")[:200],
        changes=changes,
    )


@receiver(user_locked_out, dispatch_uid="louyu.lockout.audit")
def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """Audit the failure that locked a username out from an address. Axes also sends the
    signal for each attempt refused during the lockout (nothing was counted then:
    ``axes_failures_since_start`` is None); those are not audited, so a guesser cannot
    flood the audit trail."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    with transaction.atomic():
        _audit(
            actor=None,
            action=LOCKOUT_ACTION,
            username=username,
            changes={
                "username": username,
                "ip_address": ip_address,
                "failures": failures,
                "minutes": settings.AXES_COOLOFF_TIME.total_seconds() / 60,
            },
        )


def login_attempts(*, username: str | None = None, ip_address: str | None = None) -> QuerySet:
    """The counted login failures of a username, an address, or both (all without either)."""
    attempts = AccessAttempt.objects.all()
    if username is not None:
        attempts = attempts.filter(username=username)
    if ip_address is not None:
        attempts = attempts.filter(ip_address=ip_address)
    return attempts


def login_unlock(*, actor, attempts: QuerySet, via: str) -> int:
    """Forget the counted failures in ``attempts`` (which lifts any lockout they caused)
    and audit one ``auth.unlock`` event per username and address, in one transaction.
    Returns how many username and address pairs were cleared."""
    with transaction.atomic():
        pairs = list(
            attempts.values("username", "ip_address")
            .annotate(failures=Sum("failures_since_start"))
            .order_by("username", "ip_address")
        )
        for pair in pairs:
            _audit(
                actor=actor,
                action=UNLOCK_ACTION,
                username=pair["username"],
                changes={
                    "username": pair["username"],
                    "ip_address": pair["ip_address"],
                    "failures": pair["failures"],
                    "via": via,
                },
            )
        attempts.delete()
    return len(pairs)
