"""The one transition service of a case (STYLE rule 3, ADR 0007), and what entering each
state does.

The workflow (``louyu.cases.workflow``) says which transitions exist and which details each
target requires; ``EFFECTS`` says, per target state, what entering it checks and sets before
the save and which work items it opens after. ``rectified`` is reached only with a passed
acceptance check that has evidence, and ``awaiting_acceptance`` is left for ``rectifying``
only with a failed one (both recorded through ``acceptance.acceptance_check_record``), so
there is one transition service. A closed case has no deadline."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from louyu.cases.models import AcceptanceCheck, Case
from louyu.cases.services._common import administration_of, append_event, check_version, lock_case
from louyu.cases.services.deadlines import set_deadline
from louyu.cases.services.notifications import notify_supervisor
from louyu.cases.services.permissions import require_manager
from louyu.cases.workflow import REQUIRED, MeasureStatus, State, allowed_targets
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import User, WorkItemState
from louyu.core.services import work_item_create, work_items_close_for


@dataclass
class Step:
    """One transition under way: what the target's effects read, and what they leave for
    the status row and the audit event (its note, and details such as the acceptance)."""

    case: Case  # locked
    actor: User | None
    from_state: str
    now: datetime.datetime
    details: dict[str, Any]
    note: str
    public: dict[str, Any] = field(default_factory=dict)


def _nothing(step: Step) -> None:
    return None


@dataclass(frozen=True)
class Effects:
    """What entering a state does: ``enter`` checks the state's rules and sets its fields
    before the case is saved (raising leaves nothing written); ``opens`` opens the new
    state's work items once the status row is written."""

    enter: Callable[[Step], None]
    opens: Callable[[Step], None] = _nothing


def _open_measures_message(locked: Case, what: str) -> str | None:
    open_titles = list(
        locked.measures.filter(status=MeasureStatus.OPEN).values_list("title", flat=True)
    )
    if not open_titles:
        return None
    listed = "、".join(f"“{t}”" for t in open_titles[:10])
    return f"还有 {len(open_titles)} 项整改措施未完成：{listed}。请先完成或取消这些措施，再{what}。"


def _refuse_open_measures(locked: Case, what: str) -> None:
    message = _open_measures_message(locked, what)
    if message:
        raise ValidationError({"measures": message})


def _check_acceptance(locked: Case, acceptance, *, passed: bool) -> None:
    if (
        not isinstance(acceptance, AcceptanceCheck)
        or acceptance.case_id != locked.pk
        or acceptance.passed != passed
        or not acceptance.files.exists()
    ):
        if passed:
            message = "只有附有证据的验收合格记录才能确认整改完成，请登记验收。"
        else:
            message = "退回整改须有附证据的验收不合格记录，请登记验收。"
        raise ValidationError({"acceptance": message})


def _take_acceptance(step: Step, *, passed: bool) -> None:
    acceptance = step.details.get("acceptance")
    _check_acceptance(step.case, acceptance, passed=passed)
    step.public["acceptance"] = acceptance.pk


def _close(step: Step) -> None:
    step.case.closed_at = step.now
    step.case.rectify_due_at = None


def _enter_rectifying(step: Step) -> None:
    """Needs a violation, and back from acceptance a failed check; a new period starts."""
    if not step.case.violations.exists():
        raise ValidationError({"violations": "请先登记至少一项违规问题，再开始整改。"})
    if step.from_state == State.AWAITING_ACCEPTANCE:
        _take_acceptance(step, passed=False)
    set_deadline(step.case, step.now)


def _enter_awaiting_acceptance(step: Step) -> None:
    """Asking for acceptance needs every measure answered or cancelled."""
    _refuse_open_measures(step.case, "提请验收")


def _open_acceptance_work_item(step: Step) -> None:
    """The administration is to organise the acceptance check."""
    admin = administration_of(step.case)
    if admin is not None:
        work_item_create(
            actor=step.actor,
            title=f"组织验收：{step.case.code}",
            assignee_organization=admin,
            target=step.case,
            link=f"/cases/{step.case.pk}/",
            kind="case_acceptance",
            step=True,
            jurisdiction=step.case.jurisdiction,
            notify_assignees=False,
        )


def _enter_rectified(step: Step) -> None:
    """Only after a passed acceptance check with evidence; the case is closed."""
    _take_acceptance(step, passed=True)
    _close(step)


def _enter_closed_unresolved(step: Step) -> None:
    """Needs a reason (kept on the case and leading the note) and no open measure."""
    reason = str(step.details["reason"]).strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请说明未解决结案的理由。"})
    _refuse_open_measures(step.case, "结案")
    step.case.closed_reason = reason[:5000]
    step.note = "\n".join(v for v in (reason[:2000], step.note) if v)
    _close(step)


EFFECTS: dict[str, Effects] = {
    State.RECTIFYING: Effects(enter=_enter_rectifying),
    State.AWAITING_ACCEPTANCE: Effects(
        enter=_enter_awaiting_acceptance, opens=_open_acceptance_work_item
    ),
    State.RECTIFIED: Effects(enter=_enter_rectified),
    State.CLOSED_UNRESOLVED: Effects(enter=_enter_closed_unresolved),
}


def _check_allowed(locked: Case, to: str) -> None:
    if to not in allowed_targets(locked.state):
        target = State(to).label if to in State.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")


def _require(details: dict[str, Any], to: str) -> None:
    missing = {
        name: "此项为必填。" for name in REQUIRED.get(to, ()) if details.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def case_transition(
    *,
    actor: User | None,
    case: Case,
    to: str,
    expected_version: int | None = None,
    **details: Any,
) -> Case:
    """Move a case to state ``to``.

    Locks the row; refuses with ConcurrentEdit when ``expected_version`` is given and the
    case changed since, with PermissionDenied when the actor may not change the case (a
    measure owner never may), with InvalidTransition when the workflow does not allow it,
    and with ValidationError (per field) when a required detail is missing or a rule is
    broken: ``rectifying`` needs a violation; ``awaiting_acceptance`` and
    ``closed_unresolved`` refuse while measures are open; ``rectified`` only follows a
    passed acceptance check with evidence, and leaving ``awaiting_acceptance`` for
    ``rectifying`` only a failed one; ``closed_unresolved`` needs a reason. Then sets the
    rectification deadline (entering ``rectifying``), appends the status row, moves the
    work items, audits, and notifies after commit."""
    locked = lock_case(case)
    check_version(locked, expected_version)
    require_manager(actor, locked)
    _check_allowed(locked, to)
    _require(details, to)
    step = Step(
        case=locked,
        actor=actor,
        from_state=locked.state,
        now=timezone.now(),
        details=details,
        note=str(details.get("note") or "").strip()[:2000],
    )
    effects = EFFECTS[to]
    effects.enter(step)
    locked.state = to
    locked.version += 1
    locked.save()
    append_event(
        locked,
        actor,
        from_state=step.from_state,
        note=step.note,
        version=locked.version,
        **step.public,
    )
    audit_record(
        actor=actor,
        action=f"case.{to}",
        obj=locked,
        changes={"state": [step.from_state, to], **step.public},
    )
    work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
    effects.opens(step)
    if locked.key_case:
        notify_supervisor(locked, f"督办案件 {locked.code} 已转为“{locked.get_state_display()}”")
    case.__dict__.update(locked.__dict__)
    return locked
