"""Measures (整改措施): what the case's administration asks an organisation (property
company, operator branch, joint department) to do by a date.

A measure is assigned while the case is ``identified`` or ``rectifying`` and shows as a work
item in the owner's inbox, due at 24:00 Asia/Shanghai of its due date. Only the owner
organisation answers it (ADR 0007), which completes that work item; the administration may
cancel it with a reason. An open measure blocks asking for acceptance and closing the case
(see ``transitions``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from louyu.cases.models import Case, CaseFile, Measure
from louyu.cases.services._common import (
    actor_or_none,
    append_event,
    bump_version,
    check_version,
    lock_case,
    organization_errors,
)
from louyu.cases.services.files import StoredFiles, files_save
from louyu.cases.services.notifications import notify_administration
from louyu.cases.services.permissions import EDITABLE_STATES, can_answer, require_manager
from louyu.cases.workflow import FINAL_STATES, MeasureStatus
from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import Organization, User, WorkItemState
from louyu.core.services import work_item_create, work_items_close_for
from louyu.core.uploads import CheckedFile


@transaction.atomic
def measure_create(
    *,
    actor: User,
    case: Case,
    title: str,
    owner: Organization,
    due_date: datetime.date,
    description: str = "",
    expected_version: int | None = None,
) -> Measure:
    """Assign a measure to ``owner``; it shows as a work item in the owner's inbox (due at
    the end of ``due_date``) until answered or cancelled."""
    locked = lock_case(case)
    check_version(locked, expected_version)
    require_manager(actor, locked)
    if locked.state not in EDITABLE_STATES:
        raise InvalidTransition("只有已立案或整改中的案件可以布置整改措施。")
    errors = {}
    title = (title or "").strip()
    if len(title) < 2:
        errors["title"] = "请填写整改措施。"
    if not isinstance(owner, Organization) or not owner.is_active:
        errors["owner"] = "请选择在用的责任单位。"
    else:
        errors.update(organization_errors(actor, owner=owner))
    if not isinstance(due_date, datetime.date):
        errors["due_date"] = "请填写完成期限。"
    elif due_date < timezone.localdate():
        errors["due_date"] = "完成期限不能早于今天。"
    if errors:
        raise ValidationError(errors)
    measure = Measure.objects.create(
        case=locked,
        title=title[:200],
        description=(description or "").strip()[:2000],
        owner=owner,
        due_date=due_date,
        created_by=actor_or_none(actor),
    )
    bump_version(locked)
    append_event(locked, actor, from_state=locked.state, event="measure", measure=measure.title)
    audit_record(
        actor=actor,
        action="case.measure_create",
        obj=locked,
        changes={"measure": measure.pk, "owner": owner.code, "due_date": due_date},
    )
    work_item_create(
        actor=actor,
        title=f"整改措施：{measure.title}（{locked.code}）",
        assignee_organization=owner,
        due_at=calendar.Deadline.ending_on(due_date).due_at,
        target=measure,
        link=f"/cases/{locked.pk}/#measure-{measure.pk}",
        kind="case_measure",
        step=True,
        jurisdiction=locked.jurisdiction,
    )
    return measure


def measure_answer(
    *, actor: User, measure: Measure, response: str, files: list[CheckedFile] = ()
) -> Measure:
    """The owner organisation reports the measure done, with optional evidence. Closes its
    work item and tells the administration."""
    files = list(files or [])
    with StoredFiles() as stored, transaction.atomic():
        locked_case = lock_case(measure.case)
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if not can_answer(actor, locked):
            raise PermissionDenied("只有该措施的责任单位可以答复。")
        if locked.status != MeasureStatus.OPEN:
            raise InvalidTransition("该措施已完成或已取消。")
        if locked_case.state in FINAL_STATES:
            raise InvalidTransition("案件已结案。")
        response = (response or "").strip()
        if len(response) < 2:
            raise ValidationError({"response": "请填写落实情况。"})
        locked.status = MeasureStatus.DONE
        locked.response = response[:5000]
        locked.answered_by, locked.answered_at = actor, timezone.now()
        locked.save()
        stored.saved += files_save(
            case=locked_case, files=files, kind=CaseFile.Kind.MEASURE, actor=actor, measure=locked
        )
        bump_version(locked_case)
        append_event(
            locked_case,
            actor,
            from_state=locked_case.state,
            event="measure_done",
            measure=locked.title,
        )
        audit_record(
            actor=actor,
            action="case.measure_answer",
            obj=locked_case,
            changes={"measure": locked.pk, "files": [f.pk for f in stored.saved]},
        )
        work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
        notify_administration(
            locked_case, f"整改措施已完成：{locked.title}（{locked_case.code}）", exclude=actor
        )
    measure.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def measure_cancel(*, actor: User, measure: Measure, reason: str) -> Measure:
    """The administration withdraws an open measure, with a reason; its work item is
    cancelled."""
    locked_case = lock_case(measure.case)
    require_manager(actor, locked_case)
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if locked.status != MeasureStatus.OPEN:
        raise InvalidTransition("该措施已完成或已取消。")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请说明取消理由。"})
    locked.status, locked.cancel_reason = MeasureStatus.CANCELLED, reason[:500]
    locked.save()
    bump_version(locked_case)
    append_event(
        locked_case,
        actor,
        from_state=locked_case.state,
        event="measure_cancelled",
        measure=locked.title,
    )
    audit_record(
        actor=actor, action="case.measure_cancel", obj=locked_case, changes={"measure": locked.pk}
    )
    work_items_close_for(actor=actor, target=locked, state=WorkItemState.CANCELLED)
    return locked
