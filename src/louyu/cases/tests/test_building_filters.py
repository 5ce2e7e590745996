"""The building list's "has an open case" / "has an open complaint" filters, in the web list
and the API (they live in the buildings app but need cases and complaints to mean anything)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from louyu.buildings.selectors import BuildingFilters, building_filter, building_list
from louyu.buildings.services import building_create
from louyu.complaints import services as complaint_services
from louyu.complaints.services import Intake

pytestmark = pytest.mark.django_db


def names(kenv, **filters):
    qs = building_filter(
        building_list(user=kenv["bj"]), BuildingFilters(conditions=tuple(filters.items()))
    )
    return set(qs.values_list("name", flat=True))


def test_open_case_and_open_complaint_filters(kenv, client):
    quiet = building_create(actor=None, name="安静大厦", address="北京市朝阳区建国路90号")
    with_complaint = building_create(actor=None, name="投诉大厦", address="北京市朝阳区建国路92号")
    closed = building_create(actor=None, name="已整改大厦", address="北京市朝阳区建国路94号")
    kenv["open_case"]()
    case = kenv["open_case"](building=closed)
    from louyu.cases.services.transitions import case_transition

    case_transition(actor=kenv["bj"], case=case, to="closed_unresolved", reason="撤销")
    complaint_services.complaint_create(
        actor=kenv["bj"],
        intake=Intake(
            channel="phone",
            category=kenv["category"],
            description="物业不让电信进场。",
            complainant_name="张三",
            complainant_phone="13800138000",
            building=with_complaint,
        ),
    )

    assert names(kenv, open_case=True) == {"国贸测试大厦"}
    assert names(kenv, open_case=False) == {"安静大厦", "投诉大厦", "已整改大厦"}
    assert names(kenv, open_complaint=True) == {"投诉大厦"}
    assert "投诉大厦" not in names(kenv, open_complaint=False)
    assert quiet.name in names(kenv, open_case=False, open_complaint=False)

    client.force_login(kenv["bj"])
    page = client.get("/buildings/", {"open_case": "yes"})
    assert [row["building"].name for row in page.context["rows"]] == ["国贸测试大厦"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=kenv['bj']).key}")
    answer = api.get("/api/v1/buildings/", {"open_complaint": "true"})
    assert [b["name"] for b in answer.json()["results"]] == ["投诉大厦"]
    # The 大连 building's open case is not visible to 北京.
    kenv["open_case"](building=kenv["dl_building"], actor=kenv["dl"])
    assert names(kenv, open_case=True) == {"国贸测试大厦"}
