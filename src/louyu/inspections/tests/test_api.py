import pytest
from rest_framework.test import APIClient

from louyu.inspections import services
from louyu.inspections.models import InspectionPlan
from louyu.inspections.tests.conftest import building, nothing_changes

pytestmark = pytest.mark.django_db
PLANS = "/api/v1/inspection-plans/"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _body(**overrides):
    body = {
        "name": "大连商务楼宇联合检查",
        "period_start": "2026-12-10",
        "period_end": "2026-12-31",
        "jurisdictions": ["110000"],
        "checklist": "2026-v1",
        "sample_size": 3,
        "seed": 11,
        "strata": [{"kind": "zero_operator", "size": 1}, {"kind": "random_rest"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def drawn(ins):
    for n in range(1, 5):
        building(f"北京市朝阳区建国路{n}号", operators=0 if n == 1 else 2)
    for n in range(1, 3):
        building(f"辽宁省大连市中山区人民路{n}号")
    return services.inspection_plan_draw(actor=ins.bj, plan=ins.plan())


def test_create_draw_and_approve_through_the_common_transition_endpoint(ins, drawn):
    client = client_for(ins.ministry)
    created = client.post(PLANS, _body(jurisdictions=["110000", "210200"]), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    drawn_plan = client.post(f"{PLANS}{pk}/draw/").json()
    assert len(drawn_plan["sample"]) == 3 and drawn_plan["sample"][0]["reason"]
    assert drawn_plan["strata"][0]["kind"] == "zero_operator"
    assert drawn_plan["sampling_method"] == "positions"
    approved = client.post(f"{PLANS}{pk}/transition/", {"to": "approved"}, format="json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    again = client.post(f"{PLANS}{pk}/transition/", {"to": "approved"}, format="json")
    assert again.status_code == 409


def test_same_body_same_seed_same_sample(ins, drawn):
    client = client_for(ins.bj)
    samples = []
    for _ in range(2):
        pk = client.post(PLANS, _body(), format="json").json()["id"]
        sample = client.post(f"{PLANS}{pk}/draw/").json()["sample"]
        samples.append([(row["building"], row["stratum"]) for row in sample])
    assert samples[0] == samples[1]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"jurisdictions": ["210200"]}, "jurisdictions"),
        ({"checklist": "nope"}, "checklist"),
        ({"strata": [{"kind": "zero_operator"}]}, "strata"),
        ({"strata": [{"kind": "nothing"}]}, "strata"),
        ({"sample_size": 0}, "sample_size"),
        ({"organizations": ["ca-210200"]}, "organizations"),
    ],
)
def test_bad_input_is_400_and_writes_nothing(ins, overrides, field):
    client = client_for(ins.bj)
    with nothing_changes():
        response = client.post(PLANS, _body(**overrides), format="json")
    assert response.status_code == 400 and field in response.json()


def test_spec_change_after_approval_is_409_and_revise_makes_a_new_version(ins, drawn):
    services.inspection_plan_transition(actor=ins.bj, plan=drawn, to="approved")
    client = client_for(ins.bj)
    spec = {"sample_size": 5, "seed": 1, "strata": [{"kind": "random_rest"}]}
    with nothing_changes():
        assert client.post(f"{PLANS}{drawn.pk}/spec/", spec, format="json").status_code == 409
    revised = client.post(f"{PLANS}{drawn.pk}/revise/")
    assert revised.status_code == 201 and revised.json()["spec_version"] == 2
    new_pk = revised.json()["id"]
    changed = client.post(f"{PLANS}{new_pk}/spec/", spec, format="json")
    assert changed.status_code == 200 and changed.json()["sample_size"] == 5


def test_scope(ins, drawn):
    url = f"{PLANS}{drawn.pk}/"
    anonymous = client_for()
    assert anonymous.get(PLANS).status_code in (401, 403)
    assert anonymous.get(url).status_code in (401, 403)
    for user in (ins.dl, ins.samr):
        client = client_for(user)
        assert client.get(PLANS).json()["count"] == 0
        with nothing_changes():
            assert client.get(url).status_code == 404
            for path in ("transition/", "draw/", "revise/"):
                assert client.post(url + path, {"to": "approved"}).status_code == 404
    assert client_for(ins.caict).get(url).status_code == 200
    with nothing_changes():
        response = client_for(ins.caict).post(url + "transition/", {"to": "approved"})
    assert response.status_code == 403


def test_administration_sees_only_its_part_of_a_national_sample(ins, drawn):
    plan = ins.plan(
        actor=ins.ministry, jurisdictions=[ins.beijing, ins.dalian], minimum_per_jurisdiction=1
    )
    services.inspection_plan_draw(actor=ins.ministry, plan=plan)
    services.inspection_plan_transition(actor=ins.ministry, plan=plan, to="approved")
    sample = client_for(ins.dl).get(f"{PLANS}{plan.pk}/").json()["sample"]
    assert sample and {row["jurisdiction"] for row in sample} == {"210200"}
    assert InspectionPlan.objects.count() == 2


def test_teams_and_assignments_through_the_api(ins, drawn):
    services.inspection_plan_transition(actor=ins.bj, plan=drawn, to="approved")
    client = client_for(ins.bj)
    url = f"{PLANS}{drawn.pk}/"
    with nothing_changes():
        bad = client.post(
            url + "teams/", {"name": "一组", "members": ["i-ca-210200"]}, format="json"
        )
    assert bad.status_code == 400 and "members" in bad.json()
    made = client.post(url + "teams/", {"name": "一组", "members": ["i-ca-110000"]}, format="json")
    assert made.status_code == 201 and made.json()["teams"][0]["members"] == ["i-ca-110000"]
    team = made.json()["teams"][0]["id"]
    building_id = made.json()["sample"][0]["building"]
    body = {"team": team, "building": building_id, "scheduled_on": ins.today.isoformat()}
    assigned = client.post(url + "assignments/", body, format="json")
    assert (
        assigned.status_code == 201 and assigned.json()["assignments"][0]["building"] == building_id
    )
    with nothing_changes():
        twice = client.post(url + "assignments/", body, format="json")
        assert twice.status_code == 400
        assert client_for(ins.dl).post(url + "assignments/", body, format="json").status_code == 404
