"""Writes for complaints: intake, the one transition service, referral and verification.

Every write is one transaction that locks the complaint, appends its status row, recomputes
its deadlines, writes the audit event (never with personal data in it) and schedules
notifications after commit. Deadlines follow 电信用户申诉处理办法 (acceptance within 5 working
days of receipt, reply within 30 days of acceptance, by the category's DeadlinePolicy) and
the Civil Code's period rules through ``louyu.core.calendar``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.complaints import intake_cache, intake_store
from louyu.complaints.models import (
    Category,
    Channel,
    Complaint,
    DeadlinePolicy,
    Referral,
    StatusChange,
    Verification,
)
from louyu.complaints.public_text import redact
from louyu.complaints.search import KIND as SEARCH_KIND
from louyu.complaints.workflow import (
    REQUIRED,
    RefusalReason,
    ReplyResult,
    State,
    allowed_targets,
)
from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.errors import ConcurrentEdit, InvalidTransition
from louyu.core.models import Organization, User, WorkItemState
from louyu.core.regions import normalize_address, resolve_address
from louyu.core.scope import check_organization_reference, scope_for
from louyu.core.services import (
    notify,
    users_of_organization,
    work_item_create,
    work_items_close_for,
)
from louyu.search.indexing import index_later

REPEAT_WINDOW = datetime.timedelta(days=90)
_CHANNELS = frozenset(Channel.values)  # ``Channel.values`` builds a new list on every use
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")


# --- Rules --------------------------------------------------------------------------------


def policy_for(category: Category) -> DeadlinePolicy:
    """The category's deadline policy, else the default one (seeded by migration
    ``complaints 0002``; the admin does not let it be deleted)."""
    policy = intake_cache.deadline_policy(category)
    if policy is None:
        raise ImproperlyConfigured("The default complaint deadline policy is missing.")
    return policy


def route(*, jurisdiction, category: Category, channel: str, operator=None) -> Organization:
    """The handling organisation: the first active routing rule whose conditions all match,
    else the jurisdiction's communications administration."""
    for rule in intake_cache.routing_rules():
        if rule.handler.is_active and rule.applies_to(
            jurisdiction=jurisdiction, category=category, channel=channel, operator=operator
        ):
            return intake_cache.organization(rule.handler)
    handler = intake_cache.communications_administration(jurisdiction.pk)
    if handler is None:
        raise ValidationError({"address": "该地区尚无承办的通信管理局，请联系系统管理员。"})
    return handler


def refusal_grounds(complaint: Complaint, *, today: datetime.date | None = None) -> list[str]:
    """Refusal reasons the dates given on the complaint support (age limits: fee disputes
    5 months, other matters 2 years; operator-first: raised with the operator less than 15
    days before receipt). Staff still decide; this only suggests."""
    today = today or timezone.localdate()
    grounds = []
    if complaint.matter_date:
        if complaint.category.is_fee_dispute:
            if complaint.matter_date < calendar.months_before(today, 5):
                grounds.append(RefusalReason.FEE_DISPUTE_TOO_OLD)
        elif complaint.matter_date < calendar.years_before(today, 2):
            grounds.append(RefusalReason.TOO_OLD)
    if complaint.operator_id:
        raised = complaint.first_raised_with_operator_on
        received = calendar.local_date(complaint.received_at)
        if raised is None or (received - raised).days < 15:
            grounds.append(RefusalReason.OPERATOR_FIRST)
    return grounds


def accept_deadline(received_at: datetime.datetime, policy: DeadlinePolicy) -> calendar.Deadline:
    """Acceptance is decided within the policy's working days of receipt (5 by default)."""
    return calendar.deadline_from(received_at, working_days=policy.accept_working_days)


def reply_deadline(complaint: Complaint, policy: DeadlinePolicy, start) -> calendar.Deadline:
    """The reply is due the policy's days (30 by default) after ``start`` (acceptance, or
    reopening), not counting the time the clock was paused for the complainant."""
    paused = [
        (datetime.datetime.fromisoformat(a), datetime.datetime.fromisoformat(b))
        for a, b in complaint.pauses
        if a and b
    ]
    return calendar.deadline_from(start, days=policy.reply_days, paused=paused)


# --- Intake -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """A complaint as received on any channel (web form, phone, letter, API, Open311),
    before the rules have checked it."""

    channel: str
    category: Category | None
    description: str
    complainant_name: str
    complainant_phone: str
    received_at: datetime.datetime | None = None
    building: Building | None = None
    address: str = ""
    complainant_company: str = ""
    complainant_address: str = ""
    operator: Organization | None = None
    first_raised_with_operator_on: datetime.date | None = None
    matter_date: datetime.date | None = None


def _intake_errors(intake: Intake, now: datetime.datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = (intake.complainant_name or "").strip()
    phone = (intake.complainant_phone or "").strip()
    description = (intake.description or "").strip()
    if not name:
        errors["complainant_name"] = "请填写申诉人姓名。"
    elif len(name) > 64:
        errors["complainant_name"] = "姓名不能超过 64 个字。"
    if not PHONE_RE.match(phone):
        errors["complainant_phone"] = "请填写正确的联系电话（7–20 位数字）。"
    if len(description) < 5:
        errors["description"] = "请描述遇到的问题（至少 5 个字）。"
    elif len(description) > 5000:
        errors["description"] = "问题描述不能超过 5000 字。"
    if intake.channel not in _CHANNELS:
        errors["channel"] = "未知的申诉渠道。"
    if intake.category is None or not intake.category.is_active:
        errors["category"] = "请选择问题类别。"
    if intake.received_at is not None:
        if timezone.is_naive(intake.received_at):
            errors["received_at"] = "收到时间必须带时区。"
        elif intake.received_at > now + FUTURE_TOLERANCE:
            errors["received_at"] = "收到时间不能晚于当前时间。"
    if intake.operator is not None and not intake.operator.is_basic_operator:
        errors["operator"] = "被申诉企业必须是基础电信企业。"
    today = timezone.localdate()
    for field_name in ("first_raised_with_operator_on", "matter_date"):
        day = getattr(intake, field_name)
        if day is not None and day > today:
            errors[field_name] = "日期不能晚于今天。"
    return errors


def _place(intake: Intake, errors: dict[str, str]):
    """(region, jurisdiction, address) of the complaint: the building's, else resolved from
    the address given; an error in ``errors`` when neither says where."""
    address = (intake.address or "").strip()[:300]
    if intake.building is not None:
        building = intake.building
        return building.region, building.jurisdiction, address or building.address
    if not address:
        errors["address"] = "请选择楼宇或填写楼宇地址。"
        return None, None, address
    found = resolve_address(address)
    if found is None or found.jurisdiction is None:
        errors["address"] = "无法从地址识别所在地区，请写明省、市、区县。"
        return None, None, address
    return found.county or found.region, found.jurisdiction, address


def complaint_create(*, actor: User | None, intake: Intake) -> tuple[Complaint, str]:
    """Register a complaint from any channel, all or nothing. Returns it and its secret
    query code (shown once to the complainant; only a digest is stored).

    Checks the complaint (per field, in Chinese), places it by its building or address,
    routes it to its handler, and sets the acceptance deadline: 5 working days from
    receipt by default (电信用户申诉处理办法; the category's ``DeadlinePolicy``), on the
    legal calendar. ``intake_store`` then writes it with its status row, the handler's
    acceptance work item and the audit events, and flags it as a repeat when the same
    building and category had a complaint closed in the 90 days before."""
    now = timezone.now()
    errors = _intake_errors(intake, now)
    region, jurisdiction, address = _place(intake, errors)
    if errors:
        raise ValidationError(errors)
    handler = route(
        jurisdiction=jurisdiction,
        category=intake.category,
        channel=intake.channel,
        operator=intake.operator,
    )
    received_at = intake.received_at or now
    deadline = accept_deadline(received_at, policy_for(intake.category))
    description = intake.description.strip()
    complaint = Complaint(
        channel=intake.channel,
        received_at=received_at,
        created_by=actor if actor is not None and actor.pk else None,
        complainant_name=intake.complainant_name.strip(),
        complainant_phone=intake.complainant_phone.strip(),
        complainant_company=(intake.complainant_company or "").strip()[:128],
        complainant_address=(intake.complainant_address or "").strip()[:300],
        category=intake.category,
        description=description,
        public_description=redact(description, names=[intake.complainant_name]),
        building=intake.building,
        address=address,
        normalized_address=normalize_address(address)[:300],
        region=region,
        jurisdiction=jurisdiction,
        operator=intake.operator,
        first_raised_with_operator_on=intake.first_raised_with_operator_on,
        matter_date=intake.matter_date,
        handler=handler,
        accept_due_at=deadline.due_at,
        deadline_provisional=deadline.provisional,
    )
    secret = intake_store.store_new_complaint(complaint, actor=actor, repeat_window=REPEAT_WINDOW)
    index_later(SEARCH_KIND, [complaint.pk])
    return complaint, secret


# --- Transitions --------------------------------------------------------------------------


def can_handle(user: User | None, complaint: Complaint) -> bool:
    """Whether ``user`` may move the complaint through its workflow."""
    if user is None:
        return True  # system jobs
    if not user.has_perm("complaints.change_complaint"):
        return False
    if complaint.handler_id == user.organization_id:  # decided without the scope
        return True
    scope = scope_for(user)
    if scope.is_national:
        return True
    return scope.can_see_jurisdiction(complaint.jurisdiction_id)


def handles(user: User, complaint: Complaint) -> bool:
    """Whether the user is one of the people handling the complaint: its handler
    organisation or an organisation it was referred to."""
    if not user.is_authenticated or not user.organization_id:
        return False
    if complaint.handler_id == user.organization_id:
        return True
    return complaint.referrals.filter(to_organization_id=user.organization_id).exists()


def _require(details: dict[str, Any], to: str) -> None:
    missing = {
        name: "此项为必填。" for name in REQUIRED.get(to, ()) if details.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)


def _clean_details(locked: Complaint, to: str, details: dict[str, Any]) -> dict[str, Any]:
    """Validate the details of a transition into ``to``; returns the cleaned values."""
    cleaned: dict[str, Any] = {}
    if to == State.REJECTED:
        if details["refusal_reason"] not in RefusalReason.values:
            raise ValidationError({"refusal_reason": "不予受理理由必须是法定理由之一。"})
        cleaned["refusal_reason"] = details["refusal_reason"]
    if to in (State.SUSPENDED, State.REOPENED):
        reason = str(details["reason"]).strip()
        if not reason:
            raise ValidationError({"reason": "请说明理由。"})
        cleaned["reason"] = reason[:1000]
    if to == State.REPLIED:
        if details["result"] not in ReplyResult.values:
            raise ValidationError({"result": "核查结论只能是属实、部分属实或不属实。"})
        text = str(details["reply_text"]).strip()
        if len(text) < 5:
            raise ValidationError({"reply_text": "请填写答复内容。"})
        cleaned["result"], cleaned["reply_text"] = details["result"], text[:5000]
    if to == State.CLOSED:
        try:
            satisfaction = int(details["satisfaction"])
        except (TypeError, ValueError):
            satisfaction = 0
        if not 1 <= satisfaction <= 5:
            raise ValidationError({"satisfaction": "满意度为 1 到 5 的整数。"})
        resolved = details["resolved"]
        if isinstance(resolved, str):
            resolved = {
                "true": True,
                "1": True,
                "是": True,
                "false": False,
                "0": False,
                "否": False,
            }.get(resolved.strip().lower())
        if not isinstance(resolved, bool):
            raise ValidationError({"resolved": "请说明问题是否已解决（是/否）。"})
        cleaned["satisfaction"], cleaned["resolved"] = satisfaction, resolved
    if to == State.MERGED:
        master = details["master"]
        if not isinstance(master, Complaint):
            master = Complaint.objects.filter(pk=master).first() if str(master).isdigit() else None
        if (
            master is None
            or master.pk == locked.pk
            or master.jurisdiction_id != locked.jurisdiction_id
            or master.state == State.MERGED
        ):
            raise ValidationError({"master": "请选择同一管辖范围内、未被合并的另一件申诉。"})
        cleaned["master"] = master
    if "note" in details:
        cleaned["note"] = str(details["note"] or "").strip()[:2000]
    return cleaned


@transaction.atomic
def complaint_transition(
    *,
    actor: User | None,
    complaint: Complaint,
    to: str,
    expected_version: int | None = None,
    **details: Any,
) -> Complaint:
    """Move a complaint to state ``to``.

    Locks the row; refuses with ConcurrentEdit when ``expected_version`` is given and the
    complaint changed since, with InvalidTransition when the workflow does not allow it,
    with ValidationError (per field) when a required detail is missing or wrong, and with
    PermissionDenied when the actor does not handle it. Then appends the status row,
    recomputes deadlines, closes the previous step's work item and opens the next one,
    audits, and notifies after commit."""
    locked = Complaint.objects.select_for_update().select_related("category").get(pk=complaint.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEdit("该申诉已被他人更新，请刷新页面后再操作。")
    if not can_handle(actor, locked):
        raise PermissionDenied("您不是该申诉的承办人员，不能办理。")
    from_state = locked.state
    if to not in allowed_targets(from_state) or (
        from_state == State.SUSPENDED and to != locked.suspended_from
    ):
        target = State(to).label if to in State.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    _require(details, to)
    cleaned = _clean_details(locked, to, details)
    now = timezone.now()
    policy = policy_for(locked.category)
    public_details: dict[str, Any] = {}
    # Facts kept on the status row for the statistics (``reporting``): what held when it
    # happened, since the complaint's own fields change on reopening.
    recorded: dict[str, Any] = {}
    if to == State.ACCEPTED and from_state == State.SUBMITTED:
        locked.accepted_at = now
        deadline = reply_deadline(locked, policy, now)
        locked.reply_due_at, locked.deadline_provisional = deadline.due_at, deadline.provisional
    elif to == State.REJECTED:
        locked.refusal_reason = cleaned["refusal_reason"]
        public_details["refusal_reason"] = cleaned["refusal_reason"]
    elif to == State.SUSPENDED:
        locked.suspended_from = from_state
        locked.pauses = [*locked.pauses, [now.isoformat(), None]]
    elif from_state == State.SUSPENDED:
        start, _end = locked.pauses[-1]
        locked.pauses = [*locked.pauses[:-1], [start, now.isoformat()]]
        locked.suspended_from = ""
        if locked.accepted_at:
            deadline = reply_deadline(locked, policy, locked.accepted_at)
            locked.reply_due_at, locked.deadline_provisional = deadline.due_at, deadline.provisional
    elif to == State.REPLIED:
        locked.replied_at = now
        locked.reply_result, locked.reply_text = cleaned["result"], cleaned["reply_text"]
        public_details["result"] = cleaned["result"]
        if locked.reply_due_at is not None:
            recorded["reply_due_at"] = locked.reply_due_at.isoformat()
    elif to == State.CLOSED:
        locked.closed_at = now
        locked.satisfaction, locked.resolved = cleaned["satisfaction"], cleaned["resolved"]
        recorded["satisfaction"] = cleaned["satisfaction"]
    elif to == State.REOPENED:
        locked.replied_at = None
        deadline = reply_deadline(locked, policy, now)
        locked.reply_due_at, locked.deadline_provisional = deadline.due_at, deadline.provisional
    elif to == State.MERGED:
        locked.merged_into = cleaned["master"]
        public_details["merged_into"] = cleaned["master"].tracking_code
    locked.state = to
    locked.version += 1
    locked.warned_at = locked.overdue_notified_at = None
    locked.escalation_level = 0
    locked.save()
    internal = {k: v for k, v in cleaned.items() if k in ("reason", "note")}
    StatusChange.objects.create(
        complaint=locked,
        from_state=from_state,
        to_state=to,
        actor=actor if actor is not None and actor.pk else None,
        actor_organization_id=getattr(actor, "organization_id", None),
        note="\n".join(v for v in (internal.get("reason"), internal.get("note")) if v),
        details={**public_details, **recorded, "version": locked.version},
    )
    audit_record(
        actor=actor,
        action=f"complaint.{to}",
        obj=locked,
        changes={"state": [from_state, to], **public_details},
    )
    work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
    _open_next_work_item(actor, locked)
    complaint.__dict__.update(locked.__dict__)
    return locked


# Stored in Chinese whatever the actor's language; shown through core.labels.localized_text.
REFERRAL_TITLES = {Referral.Kind.REFER: "转办申诉", Referral.Kind.CO_HANDLE: "协办申诉"}

NEXT_STEP_TITLES = {
    State.ACCEPTED: "核查处理：{code}",
    State.VERIFYING: "核查处理：{code}",
    State.HANDLING: "答复申诉人：{code}",
    State.REOPENED: "重新处理：{code}",
    State.REPLIED: "回访：{code}",
}


def _open_next_work_item(actor, complaint: Complaint) -> None:
    template = NEXT_STEP_TITLES.get(complaint.state)
    if template is None:
        return
    due = complaint.reply_due_at if complaint.state != State.REPLIED else None
    work_item_create(
        actor=actor,
        title=template.format(code=complaint.tracking_code),
        assignee_organization=complaint.handler,
        assignee_user=complaint.assignee,
        due_at=due,
        due_provisional=complaint.deadline_provisional,
        target=complaint,
        link=f"/complaints/{complaint.pk}/",
        kind="complaint",
        step=True,
        jurisdiction=complaint.jurisdiction,
        notify_assignees=False,
    )


# --- Other actions ------------------------------------------------------------------------


@transaction.atomic
def complaint_assign(*, actor: User, complaints: list[Complaint], assignee: User) -> int:
    """Assign complaints to a person of their handling organisation."""
    count = 0
    for complaint in complaints:
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if not can_handle(actor, locked):
            raise PermissionDenied("您不是该申诉的承办人员，不能分派。")
        if assignee.organization_id != locked.handler_id or not assignee.is_active:
            raise ValidationError({"assignee": "只能分派给承办机构的在岗人员。"})
        if locked.assignee_id == assignee.pk:
            continue
        before = locked.assignee_id
        locked.assignee = assignee
        locked.version += 1
        locked.save(update_fields=["assignee", "version"])
        audit_record(
            actor=actor,
            action="complaint.assign",
            obj=locked,
            changes={"assignee": [before, assignee.pk]},
        )
        notify(
            recipients=[assignee],
            title=f"分派给您的申诉：{locked.tracking_code}",
            link=f"/complaints/{locked.pk}/",
            kind="assigned",
        )
        count += 1
    return count


@transaction.atomic
def complaint_refer(
    *, actor: User, complaint: Complaint, to_organization: Organization, kind: str, note: str = ""
) -> Referral:
    """Refer (转办) or share for co-handling (协办) a complaint in handling with another
    department, which then sees and answers that complaint only."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not can_handle(actor, locked):
        raise PermissionDenied("您不是该申诉的承办人员，不能转办。")
    if locked.state not in (State.HANDLING, State.VERIFYING, State.REOPENED):
        raise InvalidTransition("只有核查或处理中的申诉可以转办。")
    if kind not in Referral.Kind.values:
        raise ValidationError({"kind": "转办方式只能是转办或协办。"})
    if to_organization.pk == locked.handler_id or not to_organization.is_active:
        raise ValidationError({"to_organization": "请选择承办机构以外的在用机构。"})
    check_organization_reference(actor=actor, field="to_organization", organization=to_organization)
    referral = Referral.objects.create(
        complaint=locked,
        to_organization=to_organization,
        kind=kind,
        note=note[:2000],
        created_by=actor,
    )
    StatusChange.objects.create(
        complaint=locked,
        from_state=locked.state,
        to_state=locked.state,
        actor=actor,
        actor_organization_id=actor.organization_id,
        note=note[:2000],
        details={"referral": kind, "to": to_organization.name},
        public=False,
    )
    audit_record(
        actor=actor,
        action=f"complaint.{kind}",
        obj=locked,
        changes={"to_organization": to_organization.code},
    )
    work_item_create(
        actor=actor,
        title=f"{REFERRAL_TITLES[kind]}：{locked.tracking_code}",
        assignee_organization=to_organization,
        due_at=locked.reply_due_at,
        target=referral,
        link=f"/complaints/{locked.pk}/",
        kind="complaint_referral",
        step=True,
        jurisdiction=locked.jurisdiction,
    )
    return referral


@transaction.atomic
def referral_answer(*, actor: User, referral: Referral, answer: str) -> Referral:
    """The referred department records its findings (once)."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if actor.organization_id != locked.to_organization_id:
        raise PermissionDenied("只有被转办的部门可以答复。")
    if locked.answered_at:
        raise InvalidTransition("该转办已经答复。")
    answer = (answer or "").strip()
    if len(answer) < 2:
        raise ValidationError({"answer": "请填写办理意见。"})
    locked.answer, locked.answered_at, locked.answered_by = answer[:5000], timezone.now(), actor
    locked.save()
    audit_record(actor=actor, action="complaint.referral_answer", obj=locked.complaint)
    work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
    notify(
        recipients=users_of_organization(locked.complaint.handler),
        title=f"转办已答复：{locked.complaint.tracking_code}",
        link=f"/complaints/{locked.complaint_id}/",
    )
    return locked


@transaction.atomic
def verification_add(
    *, actor: User, complaint: Complaint, method: str, performed_on: datetime.date, findings: str
) -> Verification:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not (can_handle(actor, locked) or handles(actor, locked)):
        raise PermissionDenied("您不是该申诉的承办人员。")
    if locked.state not in (State.VERIFYING, State.HANDLING, State.REOPENED, State.ACCEPTED):
        raise InvalidTransition("当前状态不能登记核查记录。")
    errors = {}
    if method not in Verification.Method.values:
        errors["method"] = "核查方式无效。"
    if performed_on > timezone.localdate():
        errors["performed_on"] = "核查日期不能晚于今天。"
    if len((findings or "").strip()) < 2:
        errors["findings"] = "请填写核查情况。"
    if errors:
        raise ValidationError(errors)
    record = Verification.objects.create(
        complaint=locked,
        method=method,
        performed_on=performed_on,
        findings=findings.strip()[:5000],
        created_by=actor,
    )
    audit_record(
        actor=actor, action="complaint.verification", obj=locked, changes={"method": method}
    )
    return record
