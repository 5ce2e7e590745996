"""Background jobs for complaints: deadline warnings, overdue notices and escalation.

Each complaint's running deadline (``Complaint.current_due_at``: acceptance before
acceptance, else the reply) is followed by its category's DeadlinePolicy:

1. ``warn_before_hours`` before it: the handler organisation's users are warned;
2. when it passes: they are told it is overdue;
3. ``escalate_to_supervisor_after_hours`` after it: the administration's admins (users of
   the jurisdiction's communications administration holding ``core.view_auditevent``);
4. ``escalate_to_ministry_after_hours`` after it: the ministry's users.

Each step happens exactly once per deadline: it is claimed by a conditional UPDATE on
``warned_at``, ``overdue_notified_at`` or ``escalation_level`` that only one concurrent run
can win, and the transition service clears those fields when the deadline changes. A
suspended complaint has no running deadline and is not reminded.
"""

from __future__ import annotations

import datetime

from django.db import models, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django_tasks import task

from louyu.complaints.models import Category, Complaint
from louyu.complaints.services import policy_for
from louyu.complaints.workflow import REPLY_CLOCK_STATES, State
from louyu.core.calendar import format_deadline
from louyu.core.models import OrganizationType, User
from louyu.core.services import notify, users_of_organization

HOUR = datetime.timedelta(hours=1)


def _running(now_qs=None) -> models.QuerySet[Complaint]:
    """Complaints with a running deadline, annotated with it as ``due``."""
    return Complaint.objects.filter(
        Q(state=State.SUBMITTED, accept_due_at__isnull=False)
        | Q(state__in=REPLY_CLOCK_STATES, reply_due_at__isnull=False)
    ).annotate(
        due=Case(
            When(state=State.SUBMITTED, then=F("accept_due_at")),
            default=F("reply_due_at"),
            output_field=models.DateTimeField(),
        )
    )


def _same_deadline(complaint: Complaint) -> dict:
    """Conditions that make a claim fail if the complaint moved on since it was read."""
    return {
        "pk": complaint.pk,
        "state": complaint.state,
        "accept_due_at": complaint.accept_due_at,
        "reply_due_at": complaint.reply_due_at,
    }


def administration_admins(complaint: Complaint) -> list[User]:
    users = User.objects.filter(
        is_active=True,
        organization__type=OrganizationType.COMM_ADMIN,
        organization__jurisdiction_id=complaint.jurisdiction_id,
    )
    return [u for u in users if u.has_perm("core.view_auditevent")]


def ministry_users() -> list[User]:
    return list(User.objects.filter(is_active=True, organization__type=OrganizationType.MINISTRY))


def _send(complaint: Complaint, recipients, *, kind: str, title: str, body: str) -> None:
    notify(
        recipients=recipients,
        title=title.format(code=complaint.tracking_code),
        body=body.format(due=format_deadline(complaint.due)),
        link=f"/complaints/{complaint.pk}/",
        kind=kind,
    )


def _claim(complaint: Complaint, condition: dict, updates: dict) -> bool:
    return bool(
        Complaint.objects.filter(**_same_deadline(complaint), **condition).update(**updates)
    )


def _step_label(complaint: Complaint) -> str:
    return "受理" if complaint.state == State.SUBMITTED else "答复"


def complaint_deadline_reminders(*, now: datetime.datetime) -> dict[str, int]:
    """Run every due step for every complaint with a running deadline; returns how many
    of each kind were sent."""
    sent = {"warned": 0, "overdue": 0, "supervisor": 0, "ministry": 0}
    for category in Category.objects.all():
        policy = policy_for(category)
        warn = datetime.timedelta(hours=policy.warn_before_hours)
        supervisor_after = datetime.timedelta(hours=policy.escalate_to_supervisor_after_hours)
        ministry_after = datetime.timedelta(hours=policy.escalate_to_ministry_after_hours)
        pending = (
            _running()
            .filter(category=category)
            .filter(
                Q(warned_at__isnull=True, due__lte=now + warn)
                | Q(overdue_notified_at__isnull=True, due__lte=now)
                | Q(escalation_level__lt=1, due__lte=now - supervisor_after)
                | Q(escalation_level__lt=2, due__lte=now - ministry_after)
            )
            .select_related("handler")
            .order_by("pk")
        )
        for complaint in pending.iterator(chunk_size=500):
            with transaction.atomic():
                _run_steps(complaint, now, warn, supervisor_after, ministry_after, sent)
    return sent


def _run_steps(complaint, now, warn, supervisor_after, ministry_after, sent) -> None:
    due = complaint.due
    step = _step_label(complaint)
    handlers = list(users_of_organization(complaint.handler))
    if due > now and due <= now + warn and complaint.warned_at is None:
        if _claim(complaint, {"warned_at__isnull": True}, {"warned_at": now}):
            _send(
                complaint,
                handlers,
                kind="due_soon",
                title=f"申诉即将到{step}时限：{{code}}",
                body="办理时限 {due}。",
            )
            sent["warned"] += 1
    if due <= now and complaint.overdue_notified_at is None:
        claimed = _claim(
            complaint,
            {"overdue_notified_at__isnull": True},
            {"overdue_notified_at": now, "warned_at": models.functions.Coalesce("warned_at", now)},
        )
        if claimed:
            _send(
                complaint,
                handlers,
                kind="overdue",
                title=f"申诉已超过{step}时限：{{code}}",
                body="办理时限 {due} 已过。",
            )
            sent["overdue"] += 1
    if due <= now - supervisor_after and complaint.escalation_level < 1:
        if _claim(complaint, {"escalation_level__lt": 1}, {"escalation_level": 1}):
            _send(
                complaint,
                administration_admins(complaint),
                kind="escalation",
                title=f"超期上报（{step}）：{{code}}",
                body="办理时限 {due} 已过，尚未办理，请督办。",
            )
            sent["supervisor"] += 1
    if due <= now - ministry_after and complaint.escalation_level < 2:
        if _claim(complaint, {"escalation_level__lt": 2}, {"escalation_level": 2}):
            _send(
                complaint,
                ministry_users(),
                kind="escalation",
                title=f"超期上报工信部（{step}）：{{code}}",
                body="办理时限 {due} 已过，尚未办理。",
            )
            sent["ministry"] += 1


@task()
def send_complaint_deadline_reminders() -> dict[str, int]:
    return complaint_deadline_reminders(now=timezone.now())


@task()
def recompute_complaint_deadlines(since: str | None = None) -> int:
    """After the holiday schedule changed: recompute open complaints' deadlines."""
    from louyu.complaints.maintenance import complaint_deadlines_recompute
    from louyu.core.calendar import clear_calendar_cache

    clear_calendar_cache()  # this worker may hold the schedule from before the change
    day = datetime.date.fromisoformat(since) if since else None
    return complaint_deadlines_recompute(since=day)


@task()
def erase_expired_personal_data() -> int:
    """Erase complainants' personal data after the retention period (periodic)."""
    from louyu.complaints.maintenance import complaints_erase_personal_data

    return complaints_erase_personal_data()
