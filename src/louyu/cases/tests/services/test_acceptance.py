import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from louyu.cases.models import CaseFile
from louyu.cases.services.acceptance import acceptance_check_record
from louyu.cases.services.transitions import case_transition
from louyu.cases.tests.conftest import checked_png
from louyu.cases.workflow import State

pytestmark = pytest.mark.django_db


def test_accepting_without_evidence_is_refused_and_nothing_changes(kenv):
    case = kenv["rectifying"]()
    case = case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    with pytest.raises(ValidationError) as exc:
        acceptance_check_record(
            actor=kenv["bj"],
            case=case,
            passed=True,
            notes="现场已开放",
            checked_on=timezone.localdate(),
            files=[],
        )
    assert "files" in exc.value.message_dict
    case.refresh_from_db()
    assert case.state == State.AWAITING_ACCEPTANCE
    assert not case.acceptance_checks.exists()
    # Nor can the transition be forced without a passed check.
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=kenv["bj"], case=case, to="rectified")
    assert "acceptance" in exc.value.message_dict


def test_failed_acceptance_returns_to_rectifying_with_a_new_deadline_then_passes(kenv):
    case = kenv["rectifying"]()
    case = case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    acceptance_check_record(
        actor=kenv["bj"],
        case=case,
        passed=False,
        notes="弱电间仍上锁",
        checked_on=timezone.localdate(),
        files=checked_png(),
    )
    case.refresh_from_db()
    assert case.state == State.RECTIFYING and case.rectify_due_at is not None
    case = case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    check = acceptance_check_record(
        actor=kenv["bj"],
        case=case,
        passed=True,
        notes="已开放，三家运营商已进场",
        checked_on=timezone.localdate(),
        files=checked_png("after.png"),
    )
    case.refresh_from_db()
    assert case.state == State.RECTIFIED and case.closed_at and case.rectify_due_at is None
    assert check.files.get().kind == CaseFile.Kind.ACCEPTANCE
    states = list(case.status_changes.values_list("to_state", flat=True))
    assert states == [
        "identified",
        "rectifying",
        "awaiting_acceptance",
        "rectifying",
        "awaiting_acceptance",
        "rectified",
    ]
