"""Background job for cases: warn before the rectification deadline and tell when it has
passed, each exactly once per deadline.

For each case in ``rectifying`` the severity's RectificationPolicy gives
``warn_before_days``; the users of the jurisdiction's administration (and of the supervisor,
for a key case) are told. Each step is claimed by a conditional UPDATE on ``warned_at`` or
``overdue_notified_at`` that also requires the same state and deadline, so concurrent runs
never send twice and a case that moved on since it was read is skipped; the transition
service clears both fields whenever it sets a new deadline."""

from __future__ import annotations

import datetime

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from louyu.cases.models import Case
from louyu.cases.services.deadlines import policy_for
from louyu.cases.workflow import Severity, State
from louyu.core.calendar import format_deadline
from louyu.core.models import Organization, OrganizationType
from louyu.core.services import notify, users_of_organization


def _recipients(case: Case) -> list:
    orgs = Organization.objects.filter(
        Q(type=OrganizationType.COMM_ADMIN, jurisdiction_id=case.jurisdiction_id, is_active=True)
        | Q(pk=case.supervisor_id)
    )
    users = []
    for org in orgs:
        users += list(users_of_organization(org))
    return users


def _claim(case: Case, flag: str, updates: dict) -> bool:
    return bool(
        Case.objects.filter(
            pk=case.pk,
            state=State.RECTIFYING,
            rectify_due_at=case.rectify_due_at,
            **{f"{flag}__isnull": True},
        ).update(**updates)
    )


def _send(case: Case, *, kind: str, title: str, body: str) -> None:
    due = format_deadline(case.rectify_due_at)
    notify(
        recipients=_recipients(case),
        title=title.format(code=case.code),
        body=body.format(due=due),
        link=f"/cases/{case.pk}/",
        kind=kind,
    )


def case_deadline_reminders(*, now: datetime.datetime) -> dict[str, int]:
    """Send every due warning and overdue notice; returns how many of each were sent."""
    sent = {"warned": 0, "overdue": 0}
    for severity in Severity.values:
        warn = datetime.timedelta(days=policy_for(severity).warn_before_days)
        pending = Case.objects.filter(
            state=State.RECTIFYING, severity=severity, rectify_due_at__isnull=False
        ).filter(
            Q(warned_at__isnull=True, rectify_due_at__lte=now + warn)
            | Q(overdue_notified_at__isnull=True, rectify_due_at__lte=now)
        )
        for case in pending.order_by("pk").iterator(chunk_size=500):
            with transaction.atomic():
                due = case.rectify_due_at
                if now < due <= now + warn and case.warned_at is None:
                    if _claim(case, "warned_at", {"warned_at": now}):
                        _send(
                            case,
                            kind="due_soon",
                            title="整治案件即将到整改期限：{code}",
                            body="整改期限 {due}。",
                        )
                        sent["warned"] += 1
                if due <= now and case.overdue_notified_at is None:
                    updates = {
                        "overdue_notified_at": now,
                        "warned_at": models.functions.Coalesce("warned_at", now),
                    }
                    if _claim(case, "overdue_notified_at", updates):
                        _send(
                            case,
                            kind="overdue",
                            title="整治案件已超过整改期限：{code}",
                            body="整改期限 {due} 已过。",
                        )
                        sent["overdue"] += 1
    return sent


@task()
def send_case_deadline_reminders() -> dict[str, int]:
    return case_deadline_reminders(now=timezone.now())


@task()
def recompute_case_deadlines(since: str | None = None) -> int:
    """After the holiday schedule changed: recompute running rectification deadlines."""
    from louyu.cases.services.deadlines import case_deadlines_recompute
    from louyu.core.calendar import clear_calendar_cache

    clear_calendar_cache()  # this worker may hold the schedule from before the change
    day = datetime.date.fromisoformat(since) if since else None
    return case_deadlines_recompute(since=day)
