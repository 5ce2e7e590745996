import datetime
import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from louyu.buildings import services as building_services
from louyu.core.tests.unchanged import assert_unchanged
from louyu.workplans.models import PlanProgress, WorkPlan

pytestmark = pytest.mark.django_db
PLANS = "/api/v1/work-plans/"
MEASURES = "/api/v1/work-plan-measures/"
ZERO = "/api/v1/zero-operator-buildings/"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _future(days=30):
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def test_anonymous_gets_nothing(wp):
    plan = wp.plan()
    client = client_for()
    for url in (PLANS, f"{PLANS}{plan.pk}/", ZERO):
        assert client.get(url).status_code in (401, 403)


def test_list_is_scoped(wp):
    wp.plan()
    wp.plan(building=wp.building_dl, actor=wp.dl)
    data = client_for(wp.bj).get(PLANS).json()
    assert data["count"] == 1 and data["results"][0]["jurisdiction"] == "110000"
    assert client_for(wp.mobile_bj).get(PLANS).json()["count"] == 0
    assert client_for(wp.ministry).get(PLANS, {"jurisdiction": "210200"}).json()["count"] == 1


@pytest.mark.parametrize("who", ["dl", "mobile_bj", "samr"])
def test_out_of_scope_plan_is_404(wp, who):
    plan = wp.plan()
    wp.commitment(plan)
    client = client_for(wp[who])
    assert client.get(f"{PLANS}{plan.pk}/").status_code == 404
    measure = plan.measures.get()
    with assert_unchanged():
        response = client.post(f"{PLANS}{plan.pk}/transition/", {"to": "closed"}, format="json")
        assert response.status_code == 404
        assert client.post(f"{MEASURES}{measure.pk}/progress/", {"text": "x"}).status_code == 404


def test_create(wp):
    client = client_for(wp.bj)
    body = {"building": wp.building_bj.code, "goal": "推动入驻", "target_date": _future()}
    response = client.post(PLANS, body, format="json")
    assert response.status_code == 201, response.json()
    plan_id = response.json()["id"]
    assert response.json()["allowed_transitions"] == ["closed"]
    foreign = {**body, "building": wp.building_dl.code}
    past = {**body, "building": wp.building_bj2.code, "target_date": "2020-01-01"}
    with assert_unchanged():
        again = client.post(PLANS, body, format="json")
        assert again.status_code == 409 and again.json()["plan"] == plan_id
        response = client.post(PLANS, foreign, format="json")
        assert response.status_code == 400 and "building" in response.json()
        response = client.post(PLANS, {**body, "building": "999999"}, format="json")
        assert response.status_code == 400
        response = client.post(PLANS, past, format="json")
        assert response.status_code == 400 and "target_date" in response.json()
        assert client_for(wp.telecom_bj).post(PLANS, body, format="json").status_code == 403
    assert WorkPlan.objects.count() == 1


def test_transition_codes(wp):
    plan = wp.plan()
    client = client_for(wp.bj)
    url = f"{PLANS}{plan.pk}/transition/"
    stale = {"to": "closed", "outcome": "abandoned", "reason": "拒绝", "expected_version": 9}
    with assert_unchanged():
        response = client.post(url, {"to": "closed"}, format="json")
        assert response.status_code == 400 and "outcome" in response.json()
        response = client.post(url, {"to": "closed", "outcome": "achieved"}, format="json")
        assert response.status_code == 400 and "outcome" in response.json()
        response = client.post(url, {"to": "active", "reason": "x y"}, format="json")
        assert response.status_code == 409
        assert client.post(url, stale, format="json").status_code == 409
    wp.commitment(plan)
    with assert_unchanged():
        response = client_for(wp.telecom_bj).post(
            url, {"to": "closed", "outcome": "abandoned", "reason": "运营商"}, format="json"
        )
    assert response.status_code == 403
    building_services.presence_set(
        actor=None, building=wp.building_bj, operator=wp.telecom, status="serving", source="manual"
    )
    assert client.get(f"{PLANS}{plan.pk}/").json()["now_served"] is True
    assert client.get(PLANS, {"now_served": "true"}).json()["count"] == 1
    response = client.post(
        url,
        {"to": "closed", "outcome": "achieved", "expected_version": plan.version + 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["state"] == "closed" and data["outcome"] == "achieved"
    assert data["measures"][0]["status"] == "cancelled"


def test_measures_and_progress(wp):
    plan = wp.plan()
    admin = client_for(wp.bj)
    body = {
        "kind": "operator_commitment",
        "title": "电信承诺入驻",
        "owner": "op-telecom-110000",
        "due_date": _future(10),
        "committed_entry_date": _future(20),
    }
    response = admin.post(f"{PLANS}{plan.pk}/measures/", body, format="json")
    assert response.status_code == 201, response.json()
    measure_id = response.json()["id"]
    assert response.json()["operator"] == "op-telecom"
    with assert_unchanged():
        bad = admin.post(f"{PLANS}{plan.pk}/measures/", {**body, "kind": "nope"}, format="json")
        assert bad.status_code == 400 and "kind" in bad.json()
        foreign_owner = {**body, "owner": "ca-210200"}
        bad = admin.post(f"{PLANS}{plan.pk}/measures/", foreign_owner, format="json")
        assert bad.status_code == 400 and "owner" in bad.json()
        operator_adds = client_for(wp.telecom_bj).post(
            f"{PLANS}{plan.pk}/measures/", body, format="json"
        )
        assert operator_adds.status_code == 403
    # The owner operator reports progress with an evidence file (multipart).
    buffer = io.BytesIO()
    Image.new("RGB", (5, 5), "green").save(buffer, "JPEG")
    buffer.name = "site.jpg"
    buffer.seek(0)
    operator = client_for(wp.telecom_bj)
    response = operator.post(
        f"{MEASURES}{measure_id}/progress/",
        {"text": "已进场", "new_status": "in_progress", "evidence": buffer},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["has_evidence"] is True
    assert operator.get(f"{PLANS}{plan.pk}/").json()["measures"][0]["status"] == "in_progress"
    # Administration edits; a stale version is a conflict.
    with assert_unchanged():
        response = admin.patch(
            f"{MEASURES}{measure_id}/",
            {"title": "电信承诺年底前入驻", "expected_version": 1},
            format="json",
        )
    assert response.status_code == 409
    response = admin.patch(
        f"{MEASURES}{measure_id}/", {"title": "电信承诺年底前入驻"}, format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "电信承诺年底前入驻"
    with assert_unchanged():
        operator_edits = operator.patch(f"{MEASURES}{measure_id}/", {"title": "x"}, format="json")
        assert operator_edits.status_code == 403
    # Progress on a closed plan.
    admin.post(
        f"{PLANS}{plan.pk}/transition/",
        {"to": "closed", "outcome": "abandoned", "reason": "业主拒绝"},
        format="json",
    )
    with assert_unchanged():
        response = operator.post(
            f"{MEASURES}{measure_id}/progress/", {"text": "关闭后"}, format="json"
        )
    assert response.status_code == 409
    assert PlanProgress.objects.filter(measure_id=measure_id).count() == 2  # report + cancel


def test_zero_operator_buildings_api(wp):
    wp.plan()
    client = client_for(wp.bj)
    data = client.get(ZERO).json()
    codes = {row["code"]: row for row in data["results"]}
    assert wp.building_bj.code in codes and wp.building_dl.code not in codes
    assert codes[wp.building_bj.code]["plan_state"] == "active"
    without = client.get(ZERO, {"has_plan": "false"}).json()["results"]
    assert wp.building_bj.code not in {row["code"] for row in without}
    assert client.get(ZERO, {"city": "abc"}).status_code == 400
    assert client_for(wp.telecom_bj).get(ZERO).json()["count"] == 0
