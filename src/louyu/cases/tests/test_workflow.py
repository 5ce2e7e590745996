import pytest

from louyu.cases.workflow import FINAL_STATES, OPEN_STATES, REQUIRED, TRANSITIONS, State


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        (State.IDENTIFIED, State.RECTIFYING, True),
        (State.IDENTIFIED, State.CLOSED_UNRESOLVED, True),
        (State.IDENTIFIED, State.AWAITING_ACCEPTANCE, False),
        (State.IDENTIFIED, State.RECTIFIED, False),
        (State.RECTIFYING, State.AWAITING_ACCEPTANCE, True),
        (State.RECTIFYING, State.RECTIFIED, False),
        (State.RECTIFYING, State.CLOSED_UNRESOLVED, True),
        (State.AWAITING_ACCEPTANCE, State.RECTIFIED, True),
        (State.AWAITING_ACCEPTANCE, State.RECTIFYING, True),
        (State.AWAITING_ACCEPTANCE, State.CLOSED_UNRESOLVED, True),
        (State.RECTIFIED, State.RECTIFYING, False),
        (State.CLOSED_UNRESOLVED, State.RECTIFYING, False),
    ],
)
def test_transition_table(source, target, allowed):
    assert (target in TRANSITIONS[source]) is allowed


def test_every_state_has_an_entry_and_final_states_have_no_exit():
    assert set(TRANSITIONS) == set(State.values)
    assert OPEN_STATES | FINAL_STATES == set(State.values)
    for state in FINAL_STATES:
        assert TRANSITIONS[state] == set()
    assert REQUIRED[State.CLOSED_UNRESOLVED] == ("reason",)
    assert REQUIRED[State.RECTIFIED] == ("acceptance",)
