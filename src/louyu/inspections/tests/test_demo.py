import pytest

from louyu.buildings.demo import generate_buildings
from louyu.core.demo import create_demo_users
from louyu.core.models import WorkItem
from louyu.inspections import selectors
from louyu.inspections.demo import create_demo_inspection_plans
from louyu.inspections.models import Assignment, Inspection, InspectionPlan

pytestmark = pytest.mark.django_db


def test_demo_plans_in_every_state_with_samples_and_teams():
    create_demo_users()
    generate_buildings(count=300, seed=1)
    created = create_demo_inspection_plans()
    plans = InspectionPlan.objects.all()
    assert created == plans.count() == 4
    assert set(plans.values_list("state", flat=True)) == {"draft", "approved", "running", "closed"}
    running = plans.get(state="running")
    assert running.sample.count() >= 10 and running.teams.count() == 3
    assert Assignment.objects.filter(team__plan=running).exists()
    assert WorkItem.objects.filter(kind="inspection_assignment").exists()
    assert plans.filter(supersedes__isnull=False, state="draft").exists()
    records = Inspection.objects.filter(assignment__team__plan=running)
    assert set(records.values_list("outcome", flat=True)) == {"inspected", "could_not_inspect"}
    assert records.filter(case__isnull=False).count() == 1
    assert records.count() == 3
    assert records.filter(photos__isnull=False).distinct().count() == 2
    follow_ups = Assignment.objects.filter(team__plan=running, reinspection_of__isnull=False)
    assert {a.reinspection_of.outcome for a in follow_ups} == {"inspected", "could_not_inspect"}
    progress = selectors.team_progress(user=running.created_by, plan=running)
    assert sum(row["overdue"] for row in progress) > 0
    assert sum(row["failed"] for row in progress) == 2
    assert create_demo_inspection_plans() == 0
