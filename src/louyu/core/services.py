"""Writes for work items and notifications. Every service runs in one transaction, writes
its audit event in it, and hands delivery to the task queue after commit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from louyu.core.audit import audit_event, audit_record, audit_write
from louyu.core.bulk import create_rows
from louyu.core.calendar import format_deadline
from louyu.core.errors import InvalidTransition
from louyu.core.models import (
    AuditEvent,
    Notification,
    Organization,
    User,
    WorkItem,
    WorkItemState,
)


def users_of_organization(organization: Organization) -> models.QuerySet[User]:
    return User.objects.filter(organization=organization, is_active=True)


def work_item_recipients(item: WorkItem) -> list[User]:
    if item.assignee_user_id:
        return [item.assignee_user] if item.assignee_user.is_active else []
    if item.assignee_organization_id:
        return list(users_of_organization(item.assignee_organization))
    return []


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    link: str = "",
    kind: str = "info",
) -> list[Notification]:
    """Store one in-app notification per recipient and queue its delivery after commit."""
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=user, title=title[:200], body=body, link=link, kind=kind)
            for user in {u.pk: u for u in recipients}.values()
        ]
    )
    ids = [n.pk for n in created]
    if not ids:
        return created

    def _enqueue() -> None:
        from louyu.core.tasks import deliver_notifications

        deliver_notifications.enqueue(notification_ids=ids)

    transaction.on_commit(_enqueue)
    return created


def work_item_new(
    *,
    actor: User | None,
    title: str,
    assignee_organization: Organization | None = None,
    assignee_user: User | None = None,
    due_at: datetime.datetime | None = None,
    due_provisional: bool = False,
    target: models.Model | None = None,
    link: str = "",
    kind: str = "task",
    step: bool = False,
    jurisdiction=None,
) -> tuple[WorkItem, AuditEvent]:
    """Validate a work item and build it, unsaved, with its unsaved audit event. For callers
    that write both together with other rows in one statement (complaint intake, through
    ``core.bulk.insert_linked``); everyone else calls ``work_item_create``.

    ``step`` marks an item that stands for a workflow step (accept a complaint, answer a
    measure, submit a report): the service doing that step closes it, nobody ticks it off."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写待办事项标题。"})
    if assignee_organization is None and assignee_user is None:
        raise ValidationError({"assignee_organization": "请指定承办机构或承办人。"})
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError({"due_at": "办理时限必须带时区。"})
    item = WorkItem(
        title=title[:200],
        kind=kind,
        step=step,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
        link=link,
        jurisdiction=jurisdiction
        if jurisdiction is not None
        else getattr(assignee_organization, "jurisdiction", None),
        assignee_organization=assignee_organization,
        assignee_user=assignee_user,
        due_at=due_at,
        due_provisional=due_provisional,
        created_by=actor,
    )
    event = audit_event(
        actor=actor,
        action="work_item.create",
        obj=item,
        changes={
            "title": item.title,
            "assignee_organization": assignee_organization,
            "assignee_user": assignee_user,
            "due_at": due_at,
        },
    )
    return item, event


def work_item_create(
    *,
    actor: User | None,
    title: str,
    assignee_organization: Organization | None = None,
    assignee_user: User | None = None,
    due_at: datetime.datetime | None = None,
    due_provisional: bool = False,
    target: models.Model | None = None,
    link: str = "",
    kind: str = "task",
    step: bool = False,
    jurisdiction=None,
    notify_assignees: bool = True,
) -> WorkItem:
    """Assign a work item and (unless ``notify_assignees`` is False, for steps that already
    show in a queue of their own) tell its assignees. At least one assignee is required.

    Validates first, then writes in one transaction; inside the caller's transaction it
    joins it without a savepoint (nothing is caught in between, so none is needed)."""
    item, event = work_item_new(
        actor=actor,
        title=title,
        assignee_organization=assignee_organization,
        assignee_user=assignee_user,
        due_at=due_at,
        due_provisional=due_provisional,
        target=target,
        link=link,
        kind=kind,
        step=step,
        jurisdiction=jurisdiction,
    )
    with transaction.atomic(savepoint=False):
        create_rows([item])
        event.object_id = str(item.pk)
        audit_write(event)
        if notify_assignees:
            notify(
                recipients=work_item_recipients(item),
                title=f"新待办：{item.title}",
                link=item.link,
                kind="assigned",
            )
    return item


def _can_act_on(user: User, item: WorkItem) -> bool:
    return item.assignee_user_id == user.pk or (
        item.assignee_organization_id is not None
        and item.assignee_organization_id == user.organization_id
    )


@transaction.atomic
def work_item_complete(*, actor: User, item: WorkItem) -> WorkItem:
    """Mark an open free-standing work item done. Only its assignee (person or
    organisation) may; an item standing for a workflow step is closed by that step only."""
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    if not _can_act_on(actor, locked):
        raise PermissionDenied("只有承办人或承办机构可以办结此待办。")
    if locked.step:
        raise InvalidTransition(
            "此待办是流程环节，须在业务页面办理该环节后自动办结，不能手工办结。"
        )
    if locked.state != WorkItemState.OPEN:
        raise InvalidTransition("该待办已办结或已取消，不能重复办结。")
    locked.state = WorkItemState.DONE
    locked.completed_at = timezone.now()
    locked.save(update_fields=["state", "completed_at"])
    audit_record(
        actor=actor,
        action="work_item.complete",
        obj=locked,
        changes={"state": [WorkItemState.OPEN, WorkItemState.DONE]},
    )
    return locked


def _open_items_for(target: models.Model):
    return WorkItem.objects.select_for_update().filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        state=WorkItemState.OPEN,
    )


@transaction.atomic
def work_items_close_for(*, actor: User | None, target: models.Model, state: str) -> int:
    """Close every open work item about ``target`` (when the step it asked for is done)."""
    items = _open_items_for(target)
    count = 0
    for item in items:
        item.state = state
        item.completed_at = timezone.now()
        item.save(update_fields=["state", "completed_at"])
        audit_record(actor=actor, action=f"work_item.{state}", obj=item)
        count += 1
    return count


@transaction.atomic
def work_items_reassign_for(
    *, actor: User | None, target: models.Model, organization: Organization, jurisdiction
) -> int:
    """Hand every open work item about ``target`` to ``organization`` (no person assigned),
    in ``jurisdiction``: when the object moves to another handler."""
    count = 0
    for item in _open_items_for(target):
        before = [item.assignee_organization_id, item.assignee_user_id]
        item.assignee_organization, item.assignee_user = organization, None
        item.jurisdiction = jurisdiction
        item.save(update_fields=["assignee_organization", "assignee_user", "jurisdiction"])
        audit_record(
            actor=actor,
            action="work_item.reassign",
            obj=item,
            changes={"assignee": [before, [organization.pk, None]]},
        )
        count += 1
    return count


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when ``ids`` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def _claim_and_notify(pk: int, *, flag: str, updates: dict, kind: str, title: str, body: str):
    """Set ``flag`` on one work item if it is still unset (a conditional UPDATE that only
    one concurrent run can win) and, if this run won, notify its assignees."""
    with transaction.atomic():
        if not WorkItem.objects.filter(pk=pk, **{f"{flag}__isnull": True}).update(**updates):
            return False
        item = WorkItem.objects.select_related("assignee_user", "assignee_organization").get(pk=pk)
        due = format_deadline(item.due_at)
        notify(
            recipients=work_item_recipients(item),
            title=title.format(title=item.title),
            body=body.format(due=due),
            link=item.link,
            kind=kind,
        )
        return True


def send_due_reminders(*, now: datetime.datetime, lead: datetime.timedelta) -> dict[str, int]:
    """Remind assignees of work items due within ``lead`` and warn of overdue ones, each
    exactly once: the flag is set by a conditional UPDATE, so concurrent runs never send
    twice."""
    sent = {"due_soon": 0, "overdue": 0}
    open_items = WorkItem.objects.filter(state=WorkItemState.OPEN, due_at__isnull=False)
    overdue = open_items.filter(overdue_notified_at__isnull=True, due_at__lte=now)
    for pk in overdue.values_list("pk", flat=True):
        sent["overdue"] += _claim_and_notify(
            pk,
            flag="overdue_notified_at",
            updates={
                "overdue_notified_at": now,
                "reminded_at": models.functions.Coalesce("reminded_at", now),
            },
            kind="overdue",
            title="已超期：{title}",
            body="办理时限 {due} 已过。",
        )
    due_soon = open_items.filter(reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + lead)
    for pk in due_soon.values_list("pk", flat=True):
        sent["due_soon"] += _claim_and_notify(
            pk,
            flag="reminded_at",
            updates={"reminded_at": now},
            kind="due_soon",
            title="即将到期：{title}",
            body="办理时限 {due}。",
        )
    return sent
