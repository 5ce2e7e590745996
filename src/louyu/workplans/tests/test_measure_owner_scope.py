"""A work plan measure's owner sees its own measures, their progress and evidence, and the
plan and building they belong to, never another owner's measure or file: those answer 404
on the page, the API and the download, like any object outside the caller's scope (the same
rule as a case's measures)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from louyu.core import roles
from louyu.core.models import OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.workplans import services
from louyu.workplans.models import PlanProgress

pytestmark = pytest.mark.django_db


def _png(name: str, colour: str):
    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), colour).save(buffer, "PNG")
    buffer.name = name
    buffer.seek(0)
    return buffer


@pytest.fixture
def owners(wp):
    """A plan of 北京 with three owners' measures: 北京's property company (pm-110000),
    market regulation (samr-110000) and 北京 telecom (whose progress carries evidence)."""
    pm = OrganizationFactory(
        code="pm-110000",
        name="北京华贸物业管理有限公司",
        type=OrganizationType.PROPERTY_COMPANY,
        jurisdiction=wp.ca_bj.jurisdiction,
    )
    pm_user = UserFactory(username="w-pm-110000", organization=pm, roles=[roles.PROPERTY_STAFF])
    plan = wp.plan()
    own = wp.measure(plan, title="物业开放弱电间", owner=pm)
    samr = wp.measure(plan, title="市场监管约谈收费问题", owner=wp.samr_org)
    telecom = wp.commitment(plan, title="电信承诺入驻")
    client = Client()
    client.force_login(wp.telecom_bj)
    assert (
        client.post(
            reverse("workplans:progress_add", args=[telecom.pk]),
            {"text": "电信已勘察机房", "evidence": _png("telecom-site.png", "blue")},
        ).status_code
        == 302
    )
    return {
        "pm_user": pm_user,
        "plan": plan,
        "own": own,
        "samr": samr,
        "telecom": telecom,
        "telecom_evidence": PlanProgress.objects.get(measure=telecom),
    }


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_plan_page_shows_the_owner_only_its_own_measure(wp, owners):
    html = _web(owners["pm_user"]).get(f"/work-plans/{owners['plan'].pk}/").content.decode()
    assert "物业开放弱电间" in html and wp.building_bj.name in html
    assert "市场监管约谈收费问题" not in html and "电信承诺入驻" not in html
    assert "电信已勘察机房" not in html and "telecom-site.png" not in html
    admin = _web(wp.bj).get(f"/work-plans/{owners['plan'].pk}/").content.decode()
    assert "市场监管约谈收费问题" in admin and "电信承诺入驻" in admin


def test_another_owners_measure_and_evidence_are_404_on_the_web(wp, owners):
    client = _web(owners["pm_user"])
    for measure in (owners["samr"], owners["telecom"]):
        url = reverse("workplans:progress_add", args=[measure.pk])
        assert client.post(url, {"text": "越权"}).status_code == 404
        assert client.get(reverse("workplans:measure_edit", args=[measure.pk])).status_code == 404
    evidence = reverse("workplans:evidence", args=[owners["telecom_evidence"].pk])
    assert client.get(evidence).status_code == 404
    assert _web(wp.samr).get(evidence).status_code == 404
    assert _web(wp.telecom_bj).get(evidence).status_code == 200
    assert PlanProgress.objects.count() == 1


def test_the_owner_still_reports_and_downloads_its_own_evidence(owners):
    client = _web(owners["pm_user"])
    response = client.post(
        reverse("workplans:progress_add", args=[owners["own"].pk]),
        {"text": "弱电间已开放", "new_status": "in_progress", "evidence": _png("pm.png", "red")},
    )
    assert response.status_code == 302
    record = PlanProgress.objects.get(measure=owners["own"])
    assert client.get(reverse("workplans:evidence", args=[record.pk])).status_code == 200


def test_the_api_shows_the_owner_only_its_own_measure(wp, owners):
    client = _api(owners["pm_user"])
    plan = client.get(f"/api/v1/work-plans/{owners['plan'].pk}/")
    assert plan.status_code == 200
    assert [m["id"] for m in plan.json()["measures"]] == [owners["own"].pk]
    assert client.get(f"/api/v1/work-plan-measures/{owners['own'].pk}/").status_code == 200
    for measure in (owners["samr"], owners["telecom"]):
        assert client.get(f"/api/v1/work-plan-measures/{measure.pk}/").status_code == 404
        response = client.post(
            f"/api/v1/work-plan-measures/{measure.pk}/progress/", {"text": "越权"}, format="json"
        )
        assert response.status_code == 404
    ids = {
        m["id"]
        for m in _api(wp.bj).get(f"/api/v1/work-plans/{owners['plan'].pk}/").json()["measures"]
    }
    assert ids == {owners["own"].pk, owners["samr"].pk, owners["telecom"].pk}


def test_an_operator_headquarters_sees_its_branches_measures_only(wp, owners):
    data = _api(wp.telecom_hq).get(f"/api/v1/work-plans/{owners['plan'].pk}/").json()
    assert [m["id"] for m in data["measures"]] == [owners["telecom"].pk]
    services.measure_update(actor=wp.bj, measure=owners["samr"], title="市场监管再次约谈")
    assert _api(wp.samr).get(f"/api/v1/work-plan-measures/{owners['samr'].pk}/").status_code == 200
    assert _api(wp.samr).get(f"/api/v1/work-plan-measures/{owners['own'].pk}/").status_code == 404
