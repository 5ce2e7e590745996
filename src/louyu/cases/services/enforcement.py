"""Enforcement actions recorded on a case: order to rectify (责令整改), summons or warning
talk (约谈), public criticism (通报批评), administrative penalty with its amount and decision
number (行政处罚), and referral to another department (移送).

An action is recorded with its document while the case is open, in one transaction with its
files, timeline row and audit event. A referral opens a work item for the receiving
department, which from then on sees the case."""

from __future__ import annotations

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from louyu.cases.models import Case, CaseFile, EnforcementAction
from louyu.cases.services._common import (
    actor_or_none,
    administration_of,
    append_event,
    bump_version,
    lock_case,
    organization_errors,
)
from louyu.cases.services.files import StoredFiles, files_save
from louyu.cases.services.permissions import require_manager
from louyu.cases.workflow import FINAL_STATES, ActionKind
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import Organization, User
from louyu.core.services import work_item_create
from louyu.core.uploads import CheckedFile


def enforcement_action_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    action_date: datetime.date,
    issuing_organization: Organization | None = None,
    target_organization: Organization | None = None,
    amount: decimal.Decimal | None = None,
    decision_number: str = "",
    notes: str = "",
    files: list[CheckedFile] = (),
) -> EnforcementAction:
    """Record an enforcement action with its document. A penalty needs an amount above zero
    and the decision number; a referral needs the organisation it goes to (a joint
    department then sees the case)."""
    files = list(files or [])
    errors = {}
    if kind not in ActionKind.values:
        errors["kind"] = "执法措施类型无效。"
    if not isinstance(action_date, datetime.date):
        errors["action_date"] = "请填写日期。"
    elif action_date > timezone.localdate():
        errors["action_date"] = "日期不能晚于今天。"
    decision_number = (decision_number or "").strip()
    if kind == ActionKind.PENALTY:
        try:
            amount = decimal.Decimal(str(amount)) if amount not in (None, "") else None
        except decimal.InvalidOperation:
            amount = None
        if amount is None or amount <= 0:
            errors["amount"] = "行政处罚须填写大于零的罚款金额。"
        if not decision_number:
            errors["decision_number"] = "行政处罚须填写处罚决定书文号。"
    else:
        amount = None
    if kind == ActionKind.REFERRAL:
        if not isinstance(target_organization, Organization) or not target_organization.is_active:
            errors["target_organization"] = "移送须选择接收的部门。"
        else:
            errors.update(organization_errors(actor, target_organization=target_organization))
    else:
        target_organization = None
    if issuing_organization is not None:
        if not isinstance(issuing_organization, Organization) or not issuing_organization.is_active:
            errors["issuing_organization"] = "请选择在用的作出机构。"
        else:
            errors.update(organization_errors(actor, issuing_organization=issuing_organization))
    with StoredFiles() as stored, transaction.atomic():
        locked = lock_case(case)
        require_manager(actor, locked)
        if locked.state in FINAL_STATES:
            raise InvalidTransition("已结案的案件不能登记执法措施。")
        if errors:
            raise ValidationError(errors)
        issuer = (
            issuing_organization
            or getattr(actor, "organization", None)
            or administration_of(locked)
        )
        if issuer is None:
            raise ValidationError({"issuing_organization": "请选择作出机构。"})
        action = EnforcementAction.objects.create(
            case=locked,
            kind=kind,
            action_date=action_date,
            issuing_organization=issuer,
            target_organization=target_organization,
            amount=amount,
            decision_number=decision_number[:100],
            notes=(notes or "").strip()[:2000],
            created_by=actor_or_none(actor),
        )
        stored.saved += files_save(
            case=locked, files=files, kind=CaseFile.Kind.ACTION, actor=actor, action=action
        )
        bump_version(locked)
        append_event(locked, actor, from_state=locked.state, event="action", kind=kind)
        audit_record(
            actor=actor,
            action="case.enforcement_action",
            obj=locked,
            changes={
                "kind": kind,
                "amount": amount,
                "decision_number": decision_number,
                "target_organization": target_organization,
            },
        )
        if target_organization is not None:
            work_item_create(
                actor=actor,
                title=f"移送办理：{locked.code}",
                assignee_organization=target_organization,
                target=action,
                link=f"/cases/{locked.pk}/",
                kind="case_referral",
                jurisdiction=locked.jurisdiction,
            )
    return action
