"""A case's own details while it is open: severity, title and summary, and supervision.

A new severity while rectifying moves the deadline to what the new severity's policy gives
from the start of rectification. Supervision (挂牌督办) is a flag with a supervisor, not a
state: the ministry supervises at either level (工信部挂牌督办 with itself as supervisor,
管理局挂牌督办 with the case's administration), an administration only at its own level and
never lifts the ministry's. A closed case changes no more."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from louyu.cases.models import Case
from louyu.cases.search import KIND as SEARCH_KIND
from louyu.cases.services._common import (
    administration_of,
    append_event,
    bump_version,
    check_version,
    lock_case,
)
from louyu.cases.services.deadlines import rectifying_since, set_deadline
from louyu.cases.services.notifications import notify_supervisor
from louyu.cases.services.permissions import require_manager, supervision_levels_for
from louyu.cases.workflow import FINAL_STATES, Severity, State, SupervisionLevel
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import Organization, OrganizationType, User
from louyu.search.indexing import index_later


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int | None = None,
    severity: str | None = None,
    title: str | None = None,
    summary: str | None = None,
) -> Case:
    """Change the case's severity, title or summary while it is open. A new severity while
    rectifying recomputes the deadline from the start of rectification."""
    locked = lock_case(case)
    check_version(locked, expected_version)
    require_manager(actor, locked)
    if locked.state in FINAL_STATES:
        raise InvalidTransition("已结案的案件不能修改。")
    before = {"severity": locked.severity, "title": locked.title, "summary": locked.summary}
    if severity is not None:
        if severity not in Severity.values:
            raise ValidationError({"severity": "严重程度只能是一般、较重或严重。"})
        locked.severity = severity
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": "请填写案件名称。"})
        locked.title = title.strip()[:200]
    if summary is not None:
        locked.summary = summary.strip()[:5000]
    after = {"severity": locked.severity, "title": locked.title, "summary": locked.summary}
    if before == after:
        return locked
    if before["severity"] != locked.severity and locked.state == State.RECTIFYING:
        set_deadline(locked, rectifying_since(locked))
    locked.version += 1
    locked.save()
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if "severity" in changed:
        append_event(
            locked, actor, from_state=locked.state, event="severity", severity=changed["severity"]
        )
    audit_record(actor=actor, action="case.update", obj=locked, changes=changed)
    if "title" in changed or "summary" in changed:
        index_later(SEARCH_KIND, [locked.pk])
    case.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def case_set_supervision(
    *, actor: User, case: Case, level: str, expected_version: int | None = None
) -> Case:
    """Make the case a key case supervised at ``level`` (挂牌督办) or, with ``""``, lift the
    supervision. The ministry sets either level (supervisor: the ministry, or the case's
    administration); an administration only its own level, and cannot lift the ministry's."""
    locked = lock_case(case)
    check_version(locked, expected_version)
    require_manager(actor, locked)
    if locked.state in FINAL_STATES:
        raise InvalidTransition("已结案的案件不能设置督办。")
    allowed = supervision_levels_for(actor) if actor is not None else list(SupervisionLevel.values)
    if level not in SupervisionLevel.values:
        raise ValidationError({"level": "督办级别无效。"})
    if level and level not in allowed:
        raise PermissionDenied("您无权设置该级别的挂牌督办。")
    if not level and locked.supervision_level and locked.supervision_level not in allowed:
        raise PermissionDenied("您无权撤销上级挂牌督办。")
    if level == SupervisionLevel.MINISTRY:
        supervisor = (
            actor.organization
            if actor is not None
            and actor.organization is not None
            and actor.organization.type == OrganizationType.MINISTRY
            else Organization.objects.filter(type=OrganizationType.MINISTRY, is_active=True).first()
        )
    elif level == SupervisionLevel.ADMINISTRATION:
        supervisor = administration_of(locked)
    else:
        supervisor = None
    before = locked.supervision_level
    locked.supervision_level = level
    locked.key_case = bool(level)
    locked.supervisor = supervisor
    bump_version(locked, "supervision_level", "key_case", "supervisor")
    append_event(locked, actor, from_state=locked.state, event="supervision", level=level)
    audit_record(
        actor=actor,
        action="case.supervision",
        obj=locked,
        changes={"supervision_level": [before, level], "supervisor": supervisor},
    )
    if supervisor is not None:
        notify_supervisor(locked, f"挂牌督办：{locked.code}")
    case.__dict__.update(locked.__dict__)
    return locked
