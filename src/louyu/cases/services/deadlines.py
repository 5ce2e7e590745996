"""The rectification deadline of a case: a period by the severity's RectificationPolicy (in
days or working days, data the ministry edits), running from the day the case last entered
``rectifying``.

Period arithmetic is ``louyu.core.calendar``'s, after the Civil Code: the start day is not
counted and the period ends at 24:00 Asia/Shanghai of its last day; a deadline in a year
whose holiday schedule is not published is provisional. Setting a new deadline resets the
reminder bookkeeping (``warned_at``, ``overdue_notified_at``) so each deadline is warned
about once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from louyu.cases.models import Case, RectificationPolicy
from louyu.cases.workflow import State
from louyu.core import calendar
from louyu.core.audit import audit_record


def policy_for(severity: str) -> RectificationPolicy:
    """The severity's policy (seeded per severity by migration ``cases 0002``; the admin
    edits but never deletes them)."""
    return RectificationPolicy.objects.get(severity=severity)


def rectification_deadline(severity: str, start: datetime.datetime) -> calendar.Deadline:
    policy = policy_for(severity)
    if policy.working_days:
        return calendar.deadline_from(start, working_days=policy.period)
    return calendar.deadline_from(start, days=policy.period)


def set_deadline(locked: Case, start: datetime.datetime) -> None:
    deadline = rectification_deadline(locked.severity, start)
    locked.rectify_due_at, locked.deadline_provisional = deadline.due_at, deadline.provisional
    locked.warned_at = locked.overdue_notified_at = None


def rectifying_since(locked: Case) -> datetime.datetime:
    """When the case last entered ``rectifying``: the start of its running period."""
    return (
        locked.status_changes.filter(to_state=State.RECTIFYING)
        .exclude(from_state=State.RECTIFYING)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    ) or timezone.now()


def case_deadlines_recompute(*, since: datetime.date | None = None) -> int:
    """After the holiday schedule changed: recompute the rectification deadline of every
    case whose period runs (rectifying, awaiting acceptance) and ends on or after ``since``
    (all of them when None), from the day it entered rectifying, with the calendar as it is
    now. A changed deadline is saved with its provisional flag and its reminder bookkeeping
    reset; each change is one locked update with its audit event. Returns how many changed."""
    running = Case.objects.filter(
        state__in=[State.RECTIFYING, State.AWAITING_ACCEPTANCE], rectify_due_at__isnull=False
    )
    if since is not None:
        start = datetime.datetime.combine(
            since, datetime.time.min, tzinfo=timezone.get_default_timezone()
        )
        running = running.filter(rectify_due_at__gte=start)
    changed = 0
    for pk in list(running.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=pk)
            before = (locked.rectify_due_at, locked.deadline_provisional)
            warned = (locked.warned_at, locked.overdue_notified_at)
            set_deadline(locked, rectifying_since(locked))
            if (locked.rectify_due_at, locked.deadline_provisional) == before:
                locked.warned_at, locked.overdue_notified_at = warned
                continue
            locked.save(
                update_fields=[
                    "rectify_due_at",
                    "deadline_provisional",
                    "warned_at",
                    "overdue_notified_at",
                ]
            )
            audit_record(
                actor=None,
                action="case.deadline_recompute",
                obj=locked,
                changes={
                    "rectify_due_at": [before[0], locked.rectify_due_at],
                    "deadline_provisional": [before[1], locked.deadline_provisional],
                },
            )
            changed += 1
    return changed
