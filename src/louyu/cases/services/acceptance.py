"""Acceptance checks (验收): "rectified" means someone verified on site that the problem is
gone (ADR 0007).

A check is recorded only for a case awaiting acceptance, by its administration or the
ministry, with a verdict, notes, the day of the check (not in the future) and at least one
evidence file. Recording it is the only way out of ``awaiting_acceptance`` other than
closing unresolved: a passed check moves the case to ``rectified``, a failed one back to
``rectifying`` with a new deadline, through ``transitions.case_transition``. All or
nothing; stored files are deleted again on failure."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from louyu.cases.models import AcceptanceCheck, Case, CaseFile
from louyu.cases.services._common import actor_or_none, check_version, lock_case
from louyu.cases.services.files import StoredFiles, files_save
from louyu.cases.services.permissions import require_manager
from louyu.cases.services.transitions import case_transition
from louyu.cases.workflow import State
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import User
from louyu.core.uploads import CheckedFile


def acceptance_check_record(
    *,
    actor: User,
    case: Case,
    passed: bool,
    notes: str,
    checked_on: datetime.date,
    files: list[CheckedFile],
    expected_version: int | None = None,
) -> AcceptanceCheck:
    """Record an acceptance check with its evidence (at least one file) and move the case:
    passed → ``rectified``, failed → back to ``rectifying`` with a new deadline. All or
    nothing; stored files are deleted again on failure."""
    files = list(files or [])
    errors = {}
    if not files:
        errors["files"] = "验收必须上传至少一个证据文件（现场照片或验收材料）。"
    if len((notes or "").strip()) < 2:
        errors["notes"] = "请填写验收意见。"
    if not isinstance(checked_on, datetime.date):
        errors["checked_on"] = "请填写验收日期。"
    elif checked_on > timezone.localdate():
        errors["checked_on"] = "验收日期不能晚于今天。"
    if not isinstance(passed, bool):
        errors["passed"] = "请选择验收是否通过。"
    with StoredFiles() as stored, transaction.atomic():
        locked = lock_case(case)
        check_version(locked, expected_version)
        require_manager(actor, locked)
        if locked.state != State.AWAITING_ACCEPTANCE:
            raise InvalidTransition("只有待验收的案件可以登记验收。")
        if errors:
            raise ValidationError(errors)
        check = AcceptanceCheck.objects.create(
            case=locked,
            passed=passed,
            notes=notes.strip()[:5000],
            checked_on=checked_on,
            checked_by=actor_or_none(actor),
        )
        stored.saved += files_save(
            case=locked,
            files=files,
            kind=CaseFile.Kind.ACCEPTANCE,
            actor=actor,
            acceptance_check=check,
        )
        audit_record(
            actor=actor,
            action="case.acceptance_check",
            obj=locked,
            changes={"passed": passed, "files": [f.pk for f in stored.saved]},
        )
        case_transition(
            actor=actor,
            case=locked,
            to=State.RECTIFIED if passed else State.RECTIFYING,
            acceptance=check,
            note=notes.strip()[:2000],
        )
        case.__dict__.update(locked.__dict__)
    return check
