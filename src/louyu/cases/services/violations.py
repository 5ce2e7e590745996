"""The violations of a case: each is a problem category (the codes of DESIGN.md) with the
responsible party (property company, owner, access agent or basic operator) and, where
known, the responsible organisation.

A case lists a category and party once among its standing violations. Violations are added
and withdrawn only while the case is ``identified`` or ``rectifying``; a violation recorded
by mistake is withdrawn with a reason, never deleted, and no longer counts for the queue's
filters or the export."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from louyu.cases.models import Case, Violation
from louyu.cases.services._common import (
    actor_or_none,
    append_event,
    bump_version,
    check_version,
    lock_case,
)
from louyu.cases.services.permissions import EDITABLE_STATES, require_manager
from louyu.cases.workflow import ResponsibleParty
from louyu.complaints.models import Category
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import Organization, User
from louyu.core.scope import check_organization_reference


def clean_violations(violations: list[dict], *, actor, field: str = "violations") -> list[dict]:
    """The violations as the model takes them; ValidationError on ``violations`` for an
    inactive category or an unknown party, and on ``field`` for a responsible organisation
    that is not one or that ``actor`` may not name (``core.scope.may_reference``)."""
    cleaned = []
    for item in violations or []:
        category = item.get("category")
        if not isinstance(category, Category) or not category.is_active:
            raise ValidationError({"violations": "请选择有效的问题类别。"})
        party = item.get("responsible_party") or ""
        if party not in ResponsibleParty.values:
            raise ValidationError(
                {"violations": "责任主体只能是物业公司、业主、接入代理商或基础电信企业。"}
            )
        organization = item.get("responsible_organization")
        if organization is not None and not isinstance(organization, Organization):
            raise ValidationError({field: "责任单位无效。"})
        check_organization_reference(actor=actor, field=field, organization=organization)
        cleaned.append(
            {
                "category": category,
                "responsible_party": party,
                "responsible_organization": organization,
                "description": str(item.get("description") or "").strip()[:2000],
            }
        )
    return cleaned


@transaction.atomic
def violation_add(
    *,
    actor: User,
    case: Case,
    category: Category,
    responsible_party: str,
    responsible_organization: Organization | None = None,
    description: str = "",
    expected_version: int | None = None,
) -> Violation:
    locked = lock_case(case)
    check_version(locked, expected_version)
    require_manager(actor, locked)
    if locked.state not in EDITABLE_STATES:
        raise InvalidTransition("只有已立案或整改中的案件可以登记违规问题。")
    item = clean_violations(
        [
            {
                "category": category,
                "responsible_party": responsible_party,
                "responsible_organization": responsible_organization,
                "description": description,
            }
        ],
        actor=actor,
        field="responsible_organization",
    )[0]
    if locked.violations.filter(
        category=item["category"],
        responsible_party=item["responsible_party"],
        withdrawn_at__isnull=True,
    ).exists():
        raise ValidationError({"category": "该违规问题（类别与责任主体）已登记。"})
    violation = Violation.objects.create(case=locked, created_by=actor_or_none(actor), **item)
    bump_version(locked)
    append_event(locked, actor, from_state=locked.state, event="violation", category=category.code)
    audit_record(
        actor=actor,
        action="case.violation_add",
        obj=locked,
        changes={"category": category.code, "responsible_party": responsible_party},
    )
    return violation


@transaction.atomic
def violation_withdraw(
    *,
    actor: User,
    case: Case,
    violation: Violation,
    reason: str,
    expected_version: int | None = None,
) -> Violation:
    """Withdraw a violation recorded by mistake: it stays on the case, marked withdrawn with
    the reason, and no longer counts for the queue's filters or the export."""
    locked = lock_case(case)
    check_version(locked, expected_version)
    require_manager(actor, locked)
    if locked.state not in EDITABLE_STATES:
        raise InvalidTransition("只有已立案或整改中的案件可以撤销违规问题。")
    target = Violation.objects.select_for_update().filter(pk=violation.pk, case=locked).first()
    if target is None:
        raise ValidationError({"violation": "该违规问题不属于此案件。"})
    if target.withdrawn_at is not None:
        raise InvalidTransition("该违规问题已撤销。")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请说明撤销理由。"})
    target.withdrawn_at = timezone.now()
    target.withdrawn_by = actor_or_none(actor)
    target.withdraw_reason = reason[:500]
    target.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    bump_version(locked)
    append_event(
        locked,
        actor,
        from_state=locked.state,
        event="violation_withdrawn",
        category=target.category.code,
        note=target.withdraw_reason,
    )
    audit_record(
        actor=actor,
        action="case.violation_withdraw",
        obj=locked,
        changes={"violation": target.pk, "reason": target.withdraw_reason},
    )
    case.__dict__.update(locked.__dict__)
    return target
