"""A complaint is referred only to an organisation its handler may name
(``core.scope.may_reference``): another jurisdiction's department is refused like a
nonexistent one, through the service, the API and the web form, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from louyu.complaints import services
from louyu.core.models import Organization
from louyu.core.scope import OUT_OF_REACH_MESSAGE
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def handling(cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    return complaint


def test_the_service_refuses_another_jurisdictions_department(cenv, handling):
    with assert_unchanged():
        with pytest.raises(ValidationError) as refused:
            services.complaint_refer(
                actor=cenv["bj"],
                complaint=handling,
                to_organization=Organization.objects.get(code="samr-210200"),
                kind="refer",
            )
        assert refused.value.message_dict == {"to_organization": [OUT_OF_REACH_MESSAGE]}


def test_the_api_refuses_another_jurisdictions_department(cenv, handling):
    client = APIClient()
    client.force_authenticate(cenv["bj"])
    with assert_unchanged():
        response = client.post(
            f"/api/v1/complaints/{handling.pk}/referrals/",
            {"to_organization": "samr-210200", "kind": "refer"},
            format="json",
        )
        assert response.status_code == 400, response.content
        assert response.json()["to_organization"] == [OUT_OF_REACH_MESSAGE]


def test_the_web_form_refuses_another_jurisdictions_department(cenv, handling):
    client = Client()
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = client.post(
            f"/complaints/{handling.pk}/refer/",
            {
                "to_organization": Organization.objects.get(code="samr-210200").pk,
                "kind": "refer",
                "expected_version": handling.version,
            },
        )
        assert response.status_code == 400
