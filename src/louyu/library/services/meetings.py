"""Writes of exchange meetings (经验交流会): the meeting with its participants and minutes,
its agenda, and the requirements agreed there as action items. Each action item is a work
item in its assignee's inbox (reminded before its due date by the work-item reminders) and
is closed only by the assignee's response, with evidence, through the one transition
service."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.clean import FieldErrors, actor_or_none, clean_date, clean_text
from louyu.core.errors import ConcurrentEdit, InvalidTransition
from louyu.core.models import Organization, User, WorkItemState
from louyu.core.scope import scope_for
from louyu.core.services import work_item_create, work_items_close_for
from louyu.core.uploads import CheckedFile, storage_name
from louyu.library.models import ActionItem, AgendaItem, Meeting, Practice
from louyu.library.workflow import (
    ACTION_REQUIRED,
    ActionState,
    AgendaKind,
    MeetingKind,
    action_targets,
)
from louyu.reporting.models import Bulletin
from louyu.search.indexing import index_later


def action_link(item: ActionItem) -> str:
    return f"/library/actions/{item.pk}/"


def can_manage_meeting(user: User | None, meeting: Meeting | None = None) -> bool:
    """The ministry (national users with ``library.change_meeting``) and the organiser's
    own staff run a meeting: agenda, minutes, action items."""
    if user is None:
        return True
    if not user.has_perm("library.change_meeting"):
        return False
    if scope_for(user).is_national:
        return True
    return meeting is not None and meeting.organizer_id == user.organization_id


def _require_manager(actor, meeting=None) -> None:
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied("只有会议主办单位可以维护会议。")


def _clean_meeting(data: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    cleaned: dict[str, Any] = {
        "title": errors.check(
            clean_text, data.get("title"), "title", "请填写会议名称（至少 2 个字）。", limit=200
        ),
        "date": errors.check(clean_date, data.get("date"), "date", label="会议日期"),
        "minutes": errors.check(
            clean_text, data.get("minutes"), "minutes", "", minimum=0, limit=50000
        ),
        "kind": data.get("kind"),
        "participants": list(data.get("participants") or []),
    }
    if cleaned["kind"] not in MeetingKind.values:
        errors.add("kind", "请选择会议形式（视频会议或现场会议）。")
    if not cleaned["participants"]:
        errors.add("participants", "请选择参会单位。")
    elif any(not isinstance(o, Organization) or not o.is_active for o in cleaned["participants"]):
        errors.add("participants", "参会单位无效。")
    errors.raise_any()
    return cleaned


@transaction.atomic
def meeting_create(
    *,
    actor: User | None,
    organizer: Organization,
    title: str,
    date: datetime.date,
    kind: str,
    participants: Iterable[Organization],
    minutes: str = "",
) -> Meeting:
    """Record an exchange meeting organised by ``organizer`` (the actor's own organisation
    unless the actor is national)."""
    _require_manager(actor)
    if actor is not None and not scope_for(actor).is_national:
        organizer = actor.organization
    cleaned = _clean_meeting(
        {
            "title": title,
            "date": date,
            "kind": kind,
            "participants": participants,
            "minutes": minutes,
        }  # fmt: skip
    )
    members = cleaned.pop("participants")
    meeting = Meeting.objects.create(
        organizer=organizer, created_by=actor_or_none(actor), **cleaned
    )
    meeting.participants.set(members)
    audit_record(
        actor=actor,
        action="meeting.create",
        obj=meeting,
        changes={"title": meeting.title, "participants": sorted(o.code for o in members)},
    )
    index_later("meeting", [meeting.pk])
    return meeting


@transaction.atomic
def meeting_update(*, actor: User | None, meeting: Meeting, **data: Any) -> Meeting:
    """Change a meeting's title, date, kind, participants or minutes."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_manager(actor, locked)
    current = {
        "title": locked.title,
        "date": locked.date,
        "kind": locked.kind,
        "minutes": locked.minutes,
        "participants": list(locked.participants.all()),
    }
    cleaned = _clean_meeting({**current, **data})
    members = cleaned.pop("participants")
    changes = {f: [current[f], v] for f, v in cleaned.items() if current[f] != v}
    if "minutes" in changes:
        changes["minutes"] = "changed"
    for field, value in cleaned.items():
        setattr(locked, field, value)
    locked.save()
    locked.participants.set(members)
    audit_record(actor=actor, action="meeting.update", obj=locked, changes=changes)
    index_later("meeting", [locked.pk])
    return locked


@transaction.atomic
def agenda_item_add(
    *,
    actor: User | None,
    meeting: Meeting,
    kind: str,
    title: str,
    presenter: Organization | None = None,
    practice: Practice | None = None,
    bulletin: Bulletin | None = None,
) -> AgendaItem:
    """Add an agenda item: a progress bulletin (optionally linking reporting's bulletin), a
    practice presented by an administration (the practice must be published), a plan
    presented by the research institute (its title as text), or anything else."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_manager(actor, locked)
    errors = FieldErrors()
    if kind not in AgendaKind.values:
        errors.add("kind", "请选择议程类型。")
    text = errors.check(clean_text, title, "title", "请填写议题（至少 2 个字）。", limit=200)
    if practice is not None and (kind != AgendaKind.PRACTICE or practice.state != "published"):
        errors.add("practice", "只有“典型经验交流”议程可以关联已发布的经验做法。")
    if bulletin is not None and kind != AgendaKind.BULLETIN:
        errors.add("bulletin", "只有“通报工作进展”议程可以关联进展通报。")
    if kind in (AgendaKind.PRACTICE, AgendaKind.PLAN) and presenter is None:
        errors.add("presenter", "请选择发言单位。")
    errors.raise_any()
    item = AgendaItem.objects.create(
        meeting=locked,
        position=locked.agenda.count() + 1,
        kind=kind,
        title=text,
        presenter=presenter,
        practice=practice,
        bulletin=bulletin,
    )
    audit_record(
        actor=actor,
        action="meeting.agenda_add",
        obj=locked,
        changes={"agenda_item": item.pk, "kind": kind, "title": text},
    )
    index_later("meeting", [locked.pk])
    return item


def _open_work_item(actor, item: ActionItem) -> None:
    work_item_create(
        actor=actor,
        title=f"会议要求落实：{item.meeting.title} · {item.requirement[:60]}"[:200],
        assignee_organization=item.assignee,
        due_at=calendar.Deadline.ending_on(item.due_date).due_at,
        target=item,
        link=action_link(item),
        kind="meeting_action",
        step=True,
        jurisdiction=item.assignee.jurisdiction,
    )


@transaction.atomic
def action_item_add(
    *,
    actor: User | None,
    meeting: Meeting,
    requirement: str,
    assignee: Organization | None,
    due_date: datetime.date,
) -> ActionItem:
    """Assign a requirement agreed at the meeting to one participating organisation, due at
    the end of ``due_date``; it becomes a work item in that organisation's inbox."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_manager(actor, locked)
    errors = FieldErrors()
    text = errors.check(clean_text, requirement, "requirement", "请填写工作要求（至少 2 个字）。")
    if not isinstance(assignee, Organization):
        errors.add("assignee", "请选择落实单位。")
    elif not locked.participants.filter(pk=assignee.pk).exists():
        errors.add("assignee", "落实单位须为本次会议的参会单位。")
    due = errors.check(clean_date, due_date, "due_date", label="完成时限", future=True)
    errors.raise_any()
    item = ActionItem.objects.create(
        meeting=locked, requirement=text, assignee=assignee, due_date=due
    )
    audit_record(
        actor=actor,
        action="meeting.action_add",
        obj=locked,
        changes={"action_item": item.pk, "assignee": assignee.code, "due_date": due},
    )
    _open_work_item(actor, item)
    return item


def can_respond(user: User | None, item: ActionItem) -> bool:
    if user is None:
        return True
    return user.has_perm("library.respond_actionitem") and (
        user.organization_id is not None and user.organization_id == item.assignee_id
    )


@transaction.atomic
def action_item_transition(
    *,
    actor: User | None,
    item: ActionItem,
    to: str,
    expected_version: int | None = None,
    response: str = "",
    evidence: CheckedFile | None = None,
) -> ActionItem:
    """Record the assignee's response (with optional evidence, checked by content) and
    mark the action item done, closing its work item. Only a user of the assigned
    organisation may respond (PermissionDenied otherwise)."""
    locked = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConcurrentEdit("该落实事项已被他人更新，请刷新页面后再操作。")
    if not can_respond(actor, locked):
        raise PermissionDenied("只有被指定的落实单位可以答复该事项。")
    from_state = locked.state
    if to not in action_targets(from_state):
        target = ActionState(to).label if to in ActionState.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    if "response" in ACTION_REQUIRED.get(to, ()):
        locked.response = clean_text(response, "response", "请填写落实情况（至少 2 个字）。")
    if evidence is not None:
        locked.evidence.save(storage_name(evidence.name), ContentFile(evidence.data), save=False)
        locked.evidence_name = evidence.name[:200]
        locked.evidence_content_type = evidence.content_type[:100]
    locked.state = to
    locked.responded_by = actor_or_none(actor)
    locked.responded_at = timezone.now()
    locked.version += 1
    try:
        locked.save()
        audit_record(
            actor=actor,
            action=f"action_item.{to}",
            obj=locked,
            jurisdiction=locked.assignee.jurisdiction_id,
            changes={
                "state": [from_state, to],
                **({"evidence": locked.evidence_name} if evidence is not None else {}),
            },
        )
        work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
    except Exception:
        if evidence is not None and locked.evidence:
            locked.evidence.delete(save=False)
        raise
    item.__dict__.update(locked.__dict__)
    return locked
