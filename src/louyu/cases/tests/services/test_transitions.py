import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from louyu.cases.models import RectificationPolicy
from louyu.cases.services.transitions import EFFECTS, case_transition
from louyu.cases.services.violations import violation_add
from louyu.cases.workflow import TRANSITIONS, Severity, State
from louyu.core import calendar
from louyu.core.errors import ConcurrentEdit, InvalidTransition

pytestmark = pytest.mark.django_db


def test_rectifying_needs_a_violation_and_sets_the_deadline_by_policy(kenv):
    case = kenv["open_case"](violations=[], severity=Severity.MAJOR)
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=kenv["bj"], case=case, to="rectifying")
    assert "violations" in exc.value.message_dict
    case.refresh_from_db()
    assert case.state == State.IDENTIFIED
    violation_add(actor=kenv["bj"], case=case, category=kenv["category"], responsible_party="owner")
    case = case_transition(actor=kenv["bj"], case=case, to="rectifying")
    policy = RectificationPolicy.objects.get(severity=Severity.MAJOR)
    started = case.status_changes.get(to_state=State.RECTIFYING).created_at
    expected = calendar.deadline_from(started, days=policy.period)
    assert case.rectify_due_at == expected.due_at
    assert timezone.localtime(case.rectify_due_at).time() == datetime.time(0, 0)


def test_closing_unresolved_needs_a_reason(kenv):
    case = kenv["open_case"]()
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=kenv["bj"], case=case, to="closed_unresolved")
    assert "reason" in exc.value.message_dict


def test_concurrent_transition_with_a_stale_version_is_refused(kenv):
    case = kenv["open_case"]()
    version = case.version
    case_transition(actor=kenv["bj"], case=case, to="rectifying", expected_version=version)
    with pytest.raises(ConcurrentEdit):
        case_transition(
            actor=kenv["bj"],
            case=case,
            to="closed_unresolved",
            reason="x理由",
            expected_version=version,
        )
    case.refresh_from_db()
    assert case.state == State.RECTIFYING


def test_disallowed_transition_is_invalid(kenv):
    case = kenv["open_case"]()
    with pytest.raises(InvalidTransition):
        case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")


def test_every_state_a_transition_reaches_has_its_effects():
    reachable = set().union(*TRANSITIONS.values())
    assert set(EFFECTS) == reachable
