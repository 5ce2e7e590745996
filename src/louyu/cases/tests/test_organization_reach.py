"""A case names only organisations its actor may name (``core.scope.may_reference``): an
administration's own jurisdiction's or those of no jurisdiction; the ministry any. Each
organisation field of a case, through the service, the API and the web form: another
jurisdiction's organisation is refused like a nonexistent one and nothing is written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from louyu.cases.models import Measure
from louyu.cases.services.enforcement import enforcement_action_add
from louyu.cases.services.measures import measure_create
from louyu.cases.services.opening import case_open
from louyu.cases.services.violations import violation_add
from louyu.core import roles
from louyu.core.models import Jurisdiction, Organization, OrganizationType
from louyu.core.scope import OUT_OF_REACH_MESSAGE
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"


@pytest.fixture
def dalian(kenv):
    """大连's property company and market regulation, out of 北京's reach."""
    return {
        "pm": OrganizationFactory(
            code="pm-210200",
            name="大连华贸物业管理有限公司",
            type=OrganizationType.PROPERTY_COMPANY,
            jurisdiction=Jurisdiction.objects.get(code="210200"),
        ),
        "samr": Organization.objects.get(code="samr-210200"),
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def due() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=7)


# --- Measure.owner ------------------------------------------------------------------------


def test_measure_owner_of_another_jurisdiction_is_refused_by_the_service(kenv, dalian):
    case = kenv["rectifying"]()
    with assert_unchanged():
        with pytest.raises(ValidationError) as refused:
            measure_create(
                actor=kenv["bj"], case=case, title="开放弱电间", owner=dalian["pm"], due_date=due()
            )
        assert refused.value.message_dict == {"owner": [OUT_OF_REACH_MESSAGE]}


def test_measure_owner_of_another_jurisdiction_is_refused_by_the_api(kenv, dalian):
    case = kenv["rectifying"]()
    with assert_unchanged():
        response = api(kenv["bj"]).post(
            f"{URL}{case.pk}/measures/",
            {"title": "开放弱电间", "owner": dalian["pm"].code, "due_date": due().isoformat()},
            format="json",
        )
        assert response.status_code == 400, response.content
        assert response.json()["owner"] == [OUT_OF_REACH_MESSAGE]
    # dalian's property company does not see the case
    assert not Measure.objects.filter(owner=dalian["pm"]).exists()


def test_measure_owner_of_another_jurisdiction_is_not_offered_nor_taken_by_the_web_form(
    kenv, dalian
):
    case = kenv["rectifying"]()
    client = web(kenv["bj"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert dalian["pm"].name not in page and kenv["pm"].name in page
    with assert_unchanged():
        response = client.post(
            f"/cases/{case.pk}/measures/",
            {
                "title": "开放弱电间",
                "owner": dalian["pm"].pk,
                "due_date": due().isoformat(),
                "expected_version": case.version,
            },
        )
        assert response.status_code == 400


def test_measure_owners_of_no_jurisdiction_or_named_by_the_ministry_are_taken(kenv, dalian):
    case = kenv["rectifying"]()
    headquarters = Organization.objects.get(code="op-telecom")
    assert headquarters.jurisdiction_id is None
    ok = measure_create(
        actor=kenv["bj"], case=case, title="总部协调", owner=headquarters, due_date=due()
    )
    assert ok.owner == headquarters
    response = api(kenv["ministry"]).post(
        f"{URL}{case.pk}/measures/",
        {"title": "部里指定", "owner": dalian["pm"].code, "due_date": due().isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content


# --- Violation.responsible_organization ---------------------------------------------------


def test_violation_responsible_organization_is_refused_by_the_service(kenv, dalian):
    case = kenv["rectifying"]()
    with assert_unchanged():
        with pytest.raises(ValidationError) as refused:
            violation_add(
                actor=kenv["bj"],
                case=case,
                category=kenv["category"],
                responsible_party="access_agent",
                responsible_organization=dalian["pm"],
            )
        assert refused.value.message_dict == {"responsible_organization": [OUT_OF_REACH_MESSAGE]}


def test_violation_responsible_organization_is_refused_by_the_api(kenv, dalian):
    case = kenv["rectifying"]()
    with assert_unchanged():
        response = api(kenv["bj"]).post(
            f"{URL}{case.pk}/violations/",
            {
                "category": "entry_blocked",
                "responsible_party": "access_agent",
                "responsible_organization": dalian["pm"].code,
            },
            format="json",
        )
        assert response.status_code == 400, response.content
        assert response.json()["responsible_organization"] == [OUT_OF_REACH_MESSAGE]


def test_violation_responsible_organization_is_refused_by_the_web_form(kenv, dalian):
    case = kenv["rectifying"]()
    client = web(kenv["bj"])
    with assert_unchanged():
        response = client.post(
            f"/cases/{case.pk}/violations/",
            {
                "category": kenv["category"].pk,
                "responsible_party": "access_agent",
                "responsible_organization": dalian["pm"].pk,
                "expected_version": case.version,
            },
        )
        assert response.status_code == 400


def test_a_new_case_naming_another_jurisdictions_organisation_is_refused(kenv, dalian):
    violation = {
        "category": kenv["category"],
        "responsible_party": "property_company",
        "responsible_organization": dalian["pm"],
    }
    client = web(kenv["bj"])
    with assert_unchanged():
        with pytest.raises(ValidationError) as refused:
            case_open(actor=kenv["bj"], building=kenv["building"], violations=[violation])
        assert refused.value.message_dict == {"violations": [OUT_OF_REACH_MESSAGE]}
        response = api(kenv["bj"]).post(
            URL,
            {
                "building": kenv["building"].code,
                "violations": [
                    {
                        "category": "entry_blocked",
                        "responsible_party": "property_company",
                        "responsible_organization": dalian["pm"].code,
                    }
                ],
            },
            format="json",
        )
        assert response.status_code == 400, response.content
        form = client.post(
            "/cases/new/",
            {
                "building_code": kenv["building"].code,
                "severity": "general",
                "category": kenv["category"].pk,
                "responsible_party": "property_company",
                "responsible_organization": dalian["pm"].pk,
            },
        )
        assert form.status_code == 400


# --- EnforcementAction.target_organization and issuing_organization -----------------------


def test_referral_to_another_jurisdictions_department_is_refused_by_the_service(kenv, dalian):
    case = kenv["rectifying"]()
    with assert_unchanged():
        with pytest.raises(ValidationError) as refused:
            enforcement_action_add(
                actor=kenv["bj"],
                case=case,
                kind="referral",
                action_date=timezone.localdate(),
                target_organization=dalian["samr"],
            )
        assert refused.value.message_dict == {"target_organization": [OUT_OF_REACH_MESSAGE]}


def test_referral_to_another_jurisdictions_department_is_refused_by_the_api(kenv, dalian):
    case = kenv["rectifying"]()
    with assert_unchanged():
        response = api(kenv["bj"]).post(
            f"{URL}{case.pk}/actions/",
            {
                "kind": "referral",
                "action_date": timezone.localdate().isoformat(),
                "target_organization": dalian["samr"].code,
            },
            format="multipart",
        )
        assert response.status_code == 400, response.content
        assert response.json()["target_organization"] == [OUT_OF_REACH_MESSAGE]
    assert api(kenv["bj"]).get(f"{URL}{case.pk}/").status_code == 200
    dalian_user = UserFactory(
        username="k-samr-210200", organization=dalian["samr"], roles=[roles.JOINT_DEPARTMENT_STAFF]
    )
    assert api(dalian_user).get(f"{URL}{case.pk}/").status_code == 404


def test_referral_to_another_jurisdictions_department_is_refused_by_the_web_form(kenv, dalian):
    case = kenv["rectifying"]()
    client = web(kenv["bj"])
    assert dalian["samr"].name not in client.get(f"/cases/{case.pk}/").content.decode()
    with assert_unchanged():
        response = client.post(
            f"/cases/{case.pk}/actions/",
            {
                "kind": "referral",
                "action_date": timezone.localdate().isoformat(),
                "target_organization": dalian["samr"].pk,
            },
        )
        assert response.status_code == 400


def test_issuing_organization_of_another_jurisdiction_is_refused(kenv, dalian):
    case = kenv["rectifying"]()
    with assert_unchanged():
        with pytest.raises(ValidationError) as refused:
            enforcement_action_add(
                actor=kenv["bj"],
                case=case,
                kind="summons",
                action_date=timezone.localdate(),
                issuing_organization=Organization.objects.get(code="ca-210200"),
            )
        assert refused.value.message_dict == {"issuing_organization": [OUT_OF_REACH_MESSAGE]}
    own = enforcement_action_add(
        actor=kenv["bj"],
        case=case,
        kind="summons",
        action_date=timezone.localdate(),
        issuing_organization=kenv["samr_org"],
    )
    assert own.issuing_organization == kenv["samr_org"]
