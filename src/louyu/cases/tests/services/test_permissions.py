import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from louyu.cases.services.details import case_set_supervision, case_update
from louyu.cases.services.measures import measure_create
from louyu.cases.services.transitions import case_transition
from louyu.cases.workflow import State

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["pm_user", "telecom", "samr", "dl", "caict"])
def test_only_the_administration_or_ministry_changes_a_case(kenv, who):
    case = kenv["rectifying"]()
    kenv["measure"](case)
    case.refresh_from_db()
    before = (case.state, case.version, case.severity)
    calls = [
        lambda: case_transition(
            actor=kenv[who], case=case, to="closed_unresolved", reason="试图结案"
        ),
        lambda: case_update(actor=kenv[who], case=case, severity="major"),
        lambda: measure_create(
            actor=kenv[who],
            case=case,
            title="x措施",
            owner=kenv["pm"],
            due_date=timezone.localdate(),
        ),
        lambda: case_set_supervision(actor=kenv[who], case=case, level="administration"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    case.refresh_from_db()
    assert (case.state, case.version, case.severity) == before


def test_the_ministry_may_change_any_case(kenv):
    case = kenv["open_case"]()
    case_transition(actor=kenv["ministry"], case=case, to="rectifying")
    case.refresh_from_db()
    assert case.state == State.RECTIFYING
