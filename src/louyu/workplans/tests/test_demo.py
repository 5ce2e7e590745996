import pytest

from louyu.buildings.demo import generate_buildings
from louyu.core.demo import create_demo_users
from louyu.workplans.demo import create_demo_work_plans
from louyu.workplans.models import PlanMeasure, WorkPlan
from louyu.workplans.workflow import Outcome, State

pytestmark = pytest.mark.django_db


def test_demo_plans_cover_the_cases_and_run_once(django_capture_on_commit_callbacks):
    create_demo_users()
    generate_buildings(count=300, seed=1)
    with django_capture_on_commit_callbacks(execute=True):
        created = create_demo_work_plans()
    plans = WorkPlan.objects.all()
    assert created == plans.count() >= 8
    assert {"110000", "210200"} <= set(plans.values_list("jurisdiction__code", flat=True))
    assert plans.filter(state=State.ACTIVE, building__operator_count__gt=0).exists()
    assert plans.filter(state=State.CLOSED, outcome=Outcome.ABANDONED).exists()
    measures = PlanMeasure.objects.all()
    assert measures.filter(owner__code="op-telecom-110000", progress__isnull=False).exists()
    assert measures.filter(owner__code="op-mobile-210200").exists()
    assert measures.filter(owner__type="property_company").exists()
    assert any(m.is_overdue for m in measures)
    # Zero-operator buildings without a plan remain in the main jurisdictions.
    from louyu.buildings.models import Building

    bare = Building.objects.filter(jurisdiction__code="110000", operator_count=0).exclude(
        work_plans__isnull=False
    )
    assert bare.exists()
    assert create_demo_work_plans() == 0
