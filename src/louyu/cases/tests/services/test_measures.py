import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from louyu.cases.models import Measure
from louyu.cases.services.measures import measure_answer, measure_cancel
from louyu.cases.services.transitions import case_transition
from louyu.cases.tests.conftest import checked_png
from louyu.cases.workflow import MeasureStatus, State
from louyu.core.models import WorkItem, WorkItemState

pytestmark = pytest.mark.django_db


def test_measures_are_work_items_and_block_acceptance_and_closing(kenv):
    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    item = WorkItem.objects.get(object_id=str(measure.pk), kind="case_measure")
    assert item.assignee_organization == kenv["pm"]
    assert item.state == WorkItemState.OPEN
    assert item.link == f"/cases/{case.pk}/#measure-{measure.pk}"
    for to, details in [("awaiting_acceptance", {}), ("closed_unresolved", {"reason": "无法整改"})]:
        with pytest.raises(ValidationError) as exc:
            case_transition(actor=kenv["bj"], case=case, to=to, **details)
        message = exc.value.message_dict["measures"][0]
        assert "开放弱电间供运营商进场" in message and "取消" in message
    case.refresh_from_db()
    assert case.state == State.RECTIFYING
    measure_answer(
        actor=kenv["pm_user"], measure=measure, response="已开放弱电间", files=checked_png()
    )
    item.refresh_from_db()
    assert item.state == WorkItemState.DONE
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert measure.files.count() == 1
    case = case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    assert case.state == State.AWAITING_ACCEPTANCE


def test_a_cancelled_measure_no_longer_blocks(kenv):
    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    with pytest.raises(ValidationError):
        measure_cancel(actor=kenv["bj"], measure=measure, reason="")
    measure_cancel(actor=kenv["bj"], measure=measure, reason="已由其他措施替代")
    assert WorkItem.objects.get(object_id=str(measure.pk)).state == WorkItemState.CANCELLED
    case_transition(actor=kenv["bj"], case=case, to="closed_unresolved", reason="业主拒不整改")
    case.refresh_from_db()
    assert case.state == State.CLOSED_UNRESOLVED
    assert case.closed_reason == "业主拒不整改"


def test_only_the_owner_answers_its_measure(kenv):
    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    for who in ("telecom", "bj"):
        with pytest.raises(PermissionDenied):
            measure_answer(actor=kenv[who], measure=measure, response="已完成")
    with pytest.raises(ValidationError):
        measure_answer(actor=kenv["pm_user"], measure=measure, response="")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.OPEN


def test_measure_due_date_in_the_past_is_refused(kenv):
    case = kenv["rectifying"]()
    with pytest.raises(ValidationError) as exc:
        kenv["measure"](case, days=-1)
    assert "due_date" in exc.value.message_dict
    assert not Measure.objects.exists()
