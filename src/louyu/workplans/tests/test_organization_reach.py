"""A work plan measure's owner is an organisation its actor may name
(``core.scope.may_reference``), through the service, the API and the web form: another
jurisdiction's organisation is refused like a nonexistent one and nothing is written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from louyu.buildings import services as building_services
from louyu.core.models import Jurisdiction, OrganizationType
from louyu.core.scope import OUT_OF_REACH_MESSAGE
from louyu.core.tests.factories import OrganizationFactory
from louyu.core.tests.unchanged import assert_unchanged
from louyu.workplans import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm_dalian(wp):
    return OrganizationFactory(
        code="pm-210200",
        name="大连华贸物业管理有限公司",
        type=OrganizationType.PROPERTY_COMPANY,
        jurisdiction=Jurisdiction.objects.get(code="210200"),
    )


def _body(wp, owner) -> dict:
    return {
        "kind": wp.talk,
        "title": "约谈物业公司",
        "owner": owner,
        "due_date": wp.today + datetime.timedelta(days=10),
    }


def test_the_service_refuses_an_owner_of_another_jurisdiction(wp, pm_dalian):
    plan = wp.plan()
    measure = wp.measure(plan)
    with assert_unchanged():
        with pytest.raises(ValidationError) as refused:
            services.measure_add(actor=wp.bj, plan=plan, **_body(wp, pm_dalian))
        assert refused.value.message_dict == {"owner": [OUT_OF_REACH_MESSAGE]}
        with pytest.raises(ValidationError) as refused:
            services.measure_update(actor=wp.bj, measure=measure, owner=pm_dalian)
        assert refused.value.message_dict == {"owner": [OUT_OF_REACH_MESSAGE]}
    # an operator's headquarters (no jurisdiction) stays allowed; the ministry names any
    assert services.measure_add(actor=wp.bj, plan=plan, **_body(wp, wp.telecom)).owner == wp.telecom
    named = services.measure_add(actor=wp.ministry, plan=plan, **_body(wp, pm_dalian))
    assert named.owner == pm_dalian


def test_an_owner_the_ministry_named_may_stay_when_the_administration_edits(wp, pm_dalian):
    plan = wp.plan()
    measure = services.measure_add(actor=wp.ministry, plan=plan, **_body(wp, pm_dalian))
    changed = services.measure_update(actor=wp.bj, measure=measure, title="再次约谈物业公司")
    assert changed.owner == pm_dalian and changed.title == "再次约谈物业公司"


def test_the_api_refuses_an_owner_of_another_jurisdiction(wp, pm_dalian):
    # the building's property company is 大连's (named by the ministry): still out of reach
    building_services.building_update(
        actor=wp.ministry, building=wp.building_bj, property_company=pm_dalian
    )
    plan = wp.plan()
    measure = wp.measure(plan)
    with assert_unchanged():
        client = APIClient()
        client.force_authenticate(wp.bj)
        added = client.post(
            f"/api/v1/work-plans/{plan.pk}/measures/",
            {
                "kind": "talk_property",
                "title": "约谈物业公司",
                "owner": pm_dalian.code,
                "due_date": (wp.today + datetime.timedelta(days=10)).isoformat(),
            },
            format="json",
        )
        assert added.status_code == 400, added.content
        assert "owner" in added.json()
        changed = client.patch(
            f"/api/v1/work-plan-measures/{measure.pk}/", {"owner": pm_dalian.code}, format="json"
        )
        assert changed.status_code == 400, changed.content
        assert "owner" in changed.json()


def test_the_web_form_neither_offers_nor_takes_an_owner_of_another_jurisdiction(wp, pm_dalian):
    building_services.building_update(
        actor=wp.ministry, building=wp.building_bj, property_company=pm_dalian
    )
    plan = wp.plan()
    client = Client()
    client.force_login(wp.bj)
    offered = client.get(f"/work-plans/{plan.pk}/").context["measure_form"].fields["owner"]
    assert wp.samr_org in offered.queryset and pm_dalian not in offered.queryset
    with assert_unchanged():
        response = client.post(
            f"/work-plans/{plan.pk}/measures/",
            {
                "kind": wp.talk.pk,
                "title": "约谈物业公司",
                "owner": pm_dalian.pk,
                "due_date": (wp.today + datetime.timedelta(days=10)).isoformat(),
            },
        )
        assert response.status_code == 400
