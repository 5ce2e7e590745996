"""The one transition service of a case (STYLE rule 3, ADR 0007).

The workflow (``louyu.cases.workflow``) says which transitions exist and which details each
target requires. ``rectified`` is reached only with a passed acceptance check that has
evidence, and ``awaiting_acceptance`` is left for ``rectifying`` only with a failed one (both
recorded through ``acceptance.acceptance_check_record``), so there is one transition
service. A closed case has no deadline."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from louyu.cases.models import AcceptanceCheck, Case
from louyu.cases.services._common import administration_of, append_event, check_version, lock_case
from louyu.cases.services.deadlines import set_deadline
from louyu.cases.services.notifications import notify_supervisor
from louyu.cases.services.permissions import require_manager
from louyu.cases.workflow import FINAL_STATES, REQUIRED, MeasureStatus, State, allowed_targets
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import User, WorkItemState
from louyu.core.services import work_item_create, work_items_close_for


def _require(details: dict[str, Any], to: str) -> None:
    missing = {
        name: "此项为必填。" for name in REQUIRED.get(to, ()) if details.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)


def _open_measures_message(locked: Case, what: str) -> str | None:
    open_titles = list(
        locked.measures.filter(status=MeasureStatus.OPEN).values_list("title", flat=True)
    )
    if not open_titles:
        return None
    listed = "、".join(f"“{t}”" for t in open_titles[:10])
    return f"还有 {len(open_titles)} 项整改措施未完成：{listed}。请先完成或取消这些措施，再{what}。"


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
    from_state = locked.state
    if to not in allowed_targets(from_state):
        target = State(to).label if to in State.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    _require(details, to)
    now = timezone.now()
    note = str(details.get("note") or "").strip()[:2000]
    public: dict[str, Any] = {}
    acceptance = details.get("acceptance")
    if to == State.RECTIFYING:
        if not locked.violations.exists():
            raise ValidationError({"violations": "请先登记至少一项违规问题，再开始整改。"})
        if from_state == State.AWAITING_ACCEPTANCE:
            _check_acceptance(locked, acceptance, passed=False)
            public["acceptance"] = acceptance.pk
        set_deadline(locked, now)
    elif to == State.AWAITING_ACCEPTANCE:
        message = _open_measures_message(locked, "提请验收")
        if message:
            raise ValidationError({"measures": message})
    elif to == State.RECTIFIED:
        _check_acceptance(locked, acceptance, passed=True)
        public["acceptance"] = acceptance.pk
        locked.closed_at = now
    elif to == State.CLOSED_UNRESOLVED:
        reason = str(details["reason"]).strip()
        if len(reason) < 2:
            raise ValidationError({"reason": "请说明未解决结案的理由。"})
        message = _open_measures_message(locked, "结案")
        if message:
            raise ValidationError({"measures": message})
        locked.closed_reason, locked.closed_at = reason[:5000], now
        note = "\n".join(v for v in (reason[:2000], note) if v)
    if to in FINAL_STATES:
        locked.rectify_due_at = None
    locked.state = to
    locked.version += 1
    locked.save()
    append_event(locked, actor, from_state=from_state, note=note, version=locked.version, **public)
    audit_record(
        actor=actor,
        action=f"case.{to}",
        obj=locked,
        changes={"state": [from_state, to], **public},
    )
    work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
    if to == State.AWAITING_ACCEPTANCE:
        admin = administration_of(locked)
        if admin is not None:
            work_item_create(
                actor=actor,
                title=f"组织验收：{locked.code}",
                assignee_organization=admin,
                target=locked,
                link=f"/cases/{locked.pk}/",
                kind="case_acceptance",
                jurisdiction=locked.jurisdiction,
                notify_assignees=False,
            )
    if locked.key_case:
        notify_supervisor(locked, f"督办案件 {locked.code} 已转为“{locked.get_state_display()}”")
    case.__dict__.update(locked.__dict__)
    return locked


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
