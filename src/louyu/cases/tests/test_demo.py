import pytest

from louyu.buildings.demo import generate_buildings
from louyu.cases.demo import create_demo_cases
from louyu.cases.models import Case, EnforcementAction
from louyu.cases.selectors import case_list
from louyu.cases.workflow import ActionKind, State
from louyu.complaints.demo import create_demo_complaints
from louyu.core.demo import create_demo_users
from louyu.core.models import User

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_state_and_kind_and_run_once(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    create_demo_users()
    generate_buildings(count=400, seed=1)
    create_demo_complaints(count=40, seed=1)
    made = create_demo_cases(count=36, seed=1)
    assert made >= 30
    cases = Case.objects.all()
    assert set(cases.values_list("state", flat=True)) == set(State.values)
    assert set(cases.values_list("supervision_level", flat=True)) >= {"administration", "ministry"}
    assert cases.filter(complaints__isnull=False).exists()
    assert set(EnforcementAction.objects.values_list("kind", flat=True)) == set(ActionKind.values)
    assert any(c.is_overdue for c in cases.filter(state=State.RECTIFYING))
    assert set(cases.values_list("jurisdiction__code", flat=True)) >= {"110000", "210200"}
    assert case_list(user=User.objects.get(username="op-telecom-110000")).exists()
    assert case_list(user=User.objects.get(username="pm-110000")).exists()
    assert create_demo_cases(count=36, seed=1) == 0
