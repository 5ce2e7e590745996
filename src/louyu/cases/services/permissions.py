"""Who may do what to a case (ADR 0007), and in which states its record may still be edited.

The ministry changes every case and a communications administration the cases of its own
jurisdiction (both with ``cases.change_case``); nobody else changes a case. A measure's
owner organisation answers that measure and nothing more; an operator branch reports
refused entry to buildings of its area."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from louyu.cases.models import Case, Measure
from louyu.cases.workflow import State, SupervisionLevel
from louyu.core.models import OrganizationType, User
from louyu.core.scope import scope_for

# States in which violations and measures may be added or withdrawn.
EDITABLE_STATES = frozenset({State.IDENTIFIED, State.RECTIFYING})


def can_manage_in(user: User | None, jurisdiction_id: int | None) -> bool:
    """Whether ``user`` may open and change cases in the jurisdiction: the ministry
    everywhere, a communications administration in its own jurisdiction (both with the
    ``cases.change_case`` permission). ``None`` is the system (demo, jobs)."""
    if user is None:
        return True
    if not user.has_perm("cases.change_case"):
        return False
    scope = scope_for(user)
    if scope.is_national:
        return True
    return scope.can_see_jurisdiction(jurisdiction_id)


def can_manage(user: User | None, case: Case) -> bool:
    return can_manage_in(user, case.jurisdiction_id)


def can_answer(user: User | None, measure: Measure) -> bool:
    """Only the owner organisation answers its own measure."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.organization_id
        and user.organization_id == measure.owner_id
        and user.has_perm("cases.view_case")
    )


def can_report_refused_entry(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and scope_for(user).is_operator
        and user.has_perm("cases.report_refused_entry")
    )


def supervision_levels_for(user: User | None) -> list[str]:
    """The supervision levels ``user`` may set: the ministry 工信部挂牌督办, an administration
    管理局挂牌督办."""
    if user is None or not user.has_perm("cases.change_case"):
        return []
    org = user.organization
    if user.is_superuser or (org is not None and org.type == OrganizationType.MINISTRY):
        return [SupervisionLevel.MINISTRY, SupervisionLevel.ADMINISTRATION]
    if org is not None and org.type == OrganizationType.COMM_ADMIN:
        return [SupervisionLevel.ADMINISTRATION]
    return []


def require_manager(actor: User | None, case: Case) -> None:
    if not can_manage(actor, case):
        raise PermissionDenied("只有管辖该楼宇的通信管理局或工信部可以办理整治案件。")
