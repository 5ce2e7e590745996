"""A building's property company and access agent are organisations its editor may name
(``core.scope.may_reference``): through the service, the API and the import, another
jurisdiction's company is refused (or, in an import, not matched) and nothing is written."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from louyu.buildings import services
from louyu.buildings.import_engine.run import run_import
from louyu.buildings.models import Building
from louyu.buildings.tests.import_engine_data import table_of
from louyu.core import roles
from louyu.core.models import Jurisdiction, Organization, OrganizationType
from louyu.core.reference import load_reference_organizations
from louyu.core.scope import OUT_OF_REACH_MESSAGE
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

BJ_ADDRESS = "北京市朝阳区建国路88号"
FIELDS = ["property_company", "access_agent"]
TYPES = {
    "property_company": OrganizationType.PROPERTY_COMPANY,
    "access_agent": OrganizationType.ACCESS_AGENT,
}


@pytest.fixture
def env(db):
    load_reference_organizations()
    beijing = Jurisdiction.objects.get(code="110000")
    dalian = Jurisdiction.objects.get(code="210200")

    def company(field, code, jurisdiction, name):
        return OrganizationFactory(
            code=code, name=name, type=TYPES[field], jurisdiction=jurisdiction
        )

    return {
        "building": services.building_create(actor=None, name="国贸大厦", address=BJ_ADDRESS),
        "admin": UserFactory(
            username="o-ca-110000",
            organization=Organization.objects.get(code="ca-110000"),
            roles=[roles.ADMINISTRATION_ADMIN],
        ),
        "ministry": UserFactory(
            username="o-ministry",
            organization=Organization.objects.get(code="ministry"),
            roles=[roles.MINISTRY_ADMIN],
        ),
        "own": {f: company(f, f"{f}-110000", beijing, f"北京{f}") for f in FIELDS},
        "other": {f: company(f, f"{f}-210200", dalian, f"大连{f}") for f in FIELDS},
    }


@pytest.mark.parametrize("field", FIELDS)
def test_the_service_refuses_another_jurisdictions_company(env, field):
    with assert_unchanged():
        with pytest.raises(ValidationError) as refused:
            services.building_update(
                actor=env["admin"], building=env["building"], **{field: env["other"][field]}
            )
        assert refused.value.message_dict == {field: [OUT_OF_REACH_MESSAGE]}
        with pytest.raises(ValidationError):
            services.building_create(
                actor=env["admin"], name="新楼", address=BJ_ADDRESS, **{field: env["other"][field]}
            )
    updated = services.building_update(
        actor=env["admin"], building=env["building"], **{field: env["own"][field]}
    )
    assert getattr(updated, field) == env["own"][field]


@pytest.mark.parametrize("field", FIELDS)
def test_the_api_refuses_another_jurisdictions_company(env, field):
    client = APIClient()
    client.force_authenticate(env["admin"])
    with assert_unchanged():
        patched = client.patch(
            f"/api/v1/buildings/{env['building'].pk}/",
            {field: env["other"][field].code},
            format="json",
        )
        assert patched.status_code == 400, patched.content
        assert patched.json()[field] == [OUT_OF_REACH_MESSAGE]
        created = client.post(
            "/api/v1/buildings/",
            {"name": "新楼", "address": BJ_ADDRESS, field: env["other"][field].code},
            format="json",
        )
        assert created.status_code == 400, created.content


@pytest.mark.parametrize("field", FIELDS)
def test_the_ministry_names_any_company_and_an_unchanged_one_stays(env, field):
    services.building_update(
        actor=env["ministry"], building=env["building"], **{field: env["other"][field]}
    )
    kept = services.building_update(
        actor=env["admin"],
        building=env["building"],
        name="国贸大厦一期",
        **{field: env["other"][field]},
    )
    assert getattr(kept, field) == env["other"][field] and kept.name == "国贸大厦一期"


def test_an_import_does_not_match_another_jurisdictions_company(env):
    headers = ["楼宇名称", "地址", "物业公司"]
    rows = [
        ["望京大厦", "北京市朝阳区望京街1号", env["other"]["property_company"].name],
        ["三元大厦", "北京市朝阳区三元桥1号", env["own"]["property_company"].name],
    ]
    result = run_import(table=table_of(rows, headers=headers), actor=env["admin"], dry_run=False)
    assert result.counts["new"] == 2, result.rejected
    assert Building.objects.get(name="望京大厦").property_company is None
    assert Building.objects.get(name="三元大厦").property_company == env["own"]["property_company"]
