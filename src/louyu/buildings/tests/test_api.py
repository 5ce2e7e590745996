"""The buildings API, including the scoping matrix: a user of 北京 (110000) gets nothing of
大连 (210200) through any endpoint, and an anonymous caller gets nothing at all."""

import datetime

import pytest
from rest_framework.test import APIClient

from louyu.buildings import services
from louyu.buildings.models import Building, Presence, PresenceEvent
from louyu.buildings.tests.factories import BuildingFactory
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

BJ_ADDRESS = "北京市朝阳区建国路88号"
DL_ADDRESS = "辽宁省大连市中山区人民路1号"


@pytest.fixture
def env(db):
    load_reference_organizations()
    org = Organization.objects.get

    def user(username, code, role):
        return UserFactory(username=username, organization=org(code=code), roles=[role])

    bj = BuildingFactory(name="国贸大厦", address=BJ_ADDRESS)
    dl = BuildingFactory(name="中山大厦", address=DL_ADDRESS)
    return {
        "bj": bj,
        "dl": dl,
        "admin_bj": user("t-ca-110000", "ca-110000", roles.ADMINISTRATION_ADMIN),
        "admin_dl": user("t-ca-210200", "ca-210200", roles.ADMINISTRATION_ADMIN),
        "telecom_bj": user("t-op-telecom-110000", "op-telecom-110000", roles.OPERATOR_STAFF),
        "ministry": user("t-ministry", "ministry", roles.MINISTRY_ADMIN),
    }


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_list_shows_the_building_fields(env):
    body = client_for(env["admin_bj"]).get("/api/v1/buildings/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["code"] == env["bj"].code
    assert row["region"] == "110105"
    assert row["region_name"] == "北京市朝阳区"
    assert row["city"] is None
    assert row["jurisdiction"] == "110000"
    assert row["operator_count"] == 0 and row["presence"] == []
    assert row["property_company"] is None and row["access_agent"] is None
    assert row["created_at"].endswith("+08:00")


def test_detail_of_a_dalian_building_names_its_city(env):
    body = client_for(env["admin_dl"]).get(f"/api/v1/buildings/{env['dl'].pk}/").json()
    assert body["city"] == "210200"
    assert body["region"] == "210202"
    assert body["jurisdiction"] == "210200"


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("patch", "", {"name": "改名"}),
        ("put", "", {"name": "改名", "address": DL_ADDRESS}),
        ("get", "presence/", None),
        ("post", "presence/", {"operator": "telecom", "status": "serving"}),
    ],
)
def test_another_jurisdictions_building_is_404(env, method, suffix, payload):
    url = f"/api/v1/buildings/{env['dl'].pk}/{suffix}"
    with assert_unchanged():
        response = getattr(client_for(env["admin_bj"]), method)(url, payload, format="json")
    assert response.status_code == 404
    assert Building.objects.get(pk=env["dl"].pk).name == "中山大厦"
    assert not Presence.objects.filter(building=env["dl"]).exists()


def test_there_is_no_delete(env):
    client = client_for(env["ministry"])
    with assert_unchanged():
        assert client.delete(f"/api/v1/buildings/{env['bj'].pk}/").status_code == 405
    assert Building.objects.filter(pk=env["bj"].pk).exists()


def test_another_jurisdictions_building_is_not_listed(env):
    client = client_for(env["admin_bj"])
    body = client.get("/api/v1/buildings/").json()
    assert env["dl"].code not in str(body)
    assert client.get(f"/api/v1/buildings/?q={env['dl'].code}").json()["count"] == 0
    assert client.get("/api/v1/buildings/?jurisdiction=210200").json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    ["/api/v1/buildings/", "/api/v1/buildings/{pk}/", "/api/v1/buildings/{pk}/presence/"],
)
def test_anonymous_callers_get_401(env, url):
    assert client_for().get(url.format(pk=env["bj"].pk)).status_code == 401
    with assert_unchanged():
        assert client_for().post("/api/v1/buildings/", {}, format="json").status_code == 401


def test_forged_ids_are_404(env):
    client = client_for(env["ministry"])
    assert client.get("/api/v1/buildings/999999/").status_code == 404
    assert client.get("/api/v1/buildings/abc/").status_code == 404
    response = client.get("/api/v1/buildings/999999/presence/")
    assert response.status_code == 404
    assert "管辖范围" in response.json()["detail"]


def test_ministry_sees_both(env):
    assert client_for(env["ministry"]).get("/api/v1/buildings/").json()["count"] == 2


def test_filters(env):
    telecom = Organization.objects.get(code="op-telecom")
    services.presence_set(
        actor=None, building=env["bj"], operator=telecom, status="serving", source="manual"
    )
    other = services.building_create(
        actor=None,
        name="望京科技园",
        address="北京市朝阳区望京街10号",
        building_type="business_park",
        notice_posted=True,
        aliases=["望京SOHO"],
    )
    client = client_for(env["admin_bj"])

    def codes(query):
        response = client.get(f"/api/v1/buildings/?{query}")
        assert response.status_code == 200, response.content
        return {r["code"] for r in response.json()["results"]}

    assert codes("operators=0") == {other.code}
    assert codes("operators=1") == {env["bj"].code}
    assert codes("operator=telecom") == {env["bj"].code}
    assert codes("building_type=business_park") == {other.code}
    assert codes("q=国贸") == {env["bj"].code}
    assert codes("q=SOHO") == {other.code}
    assert codes("notice_posted=true") == {other.code}
    assert codes("notice_posted=false") == {env["bj"].code}
    assert codes("jurisdiction=110000") == {env["bj"].code, other.code}
    assert codes("district=110105&sort=-name") == {env["bj"].code, other.code}
    paged = client.get("/api/v1/buildings/?page_size=1&sort=name").json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("operators=7", "operators"),
        ("building_type=castle", "building_type"),
        ("jurisdiction=beijing", "jurisdiction"),
        ("notice_posted=maybe", "notice_posted"),
        ("sort=colour", "sort"),
    ],
)
def test_bad_filters_are_400_in_chinese(env, query, field):
    response = client_for(env["admin_bj"]).get(f"/api/v1/buildings/?{query}")
    assert response.status_code == 400
    message = response.json()[field][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_create_resolves_the_address(env):
    response = client_for(env["admin_bj"]).post(
        "/api/v1/buildings/",
        {
            "name": "新光大中心",
            "address": BJ_ADDRESS,
            "building_type": "office_tower",
            "floors": 30,
            "year_completed": 2019,
            "latitude": "39.908000",
            "longitude": "116.460000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region"] == "110105" and body["jurisdiction"] == "110000"
    assert body["code"].startswith("110105-")
    assert body["fibre_rule_applies"] is True
    assert Building.objects.filter(code=body["code"]).exists()


def test_create_with_an_unplaceable_address_is_400(env):
    with assert_unchanged():
        response = client_for(env["admin_bj"]).post(
            "/api/v1/buildings/", {"name": "无名楼", "address": "幸福路1号"}, format="json"
        )
    assert response.status_code == 400
    assert "区县" in response.json()["address"][0]


def test_create_field_errors(env):
    with assert_unchanged():
        response = client_for(env["admin_bj"]).post(
            "/api/v1/buildings/", {"address": BJ_ADDRESS, "floors": 999}, format="json"
        )
    assert response.status_code == 400
    assert set(response.json()) >= {"name", "floors"}


def test_create_in_another_jurisdiction_is_403(env):
    with assert_unchanged():
        response = client_for(env["admin_bj"]).post(
            "/api/v1/buildings/", {"name": "越界楼", "address": DL_ADDRESS}, format="json"
        )
    assert response.status_code == 403
    assert "管辖范围" in response.json()["detail"]
    assert not Building.objects.filter(name="越界楼").exists()


def test_update_and_partial_update(env):
    client = client_for(env["admin_bj"])
    url = f"/api/v1/buildings/{env['bj'].pk}/"
    response = client.patch(url, {"notice_posted": True, "year_completed": 2018}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["notice_posted"] is True
    assert response.json()["fibre_rule_applies"] is True
    response = client.put(url, {"name": "国贸大厦三期", "address": BJ_ADDRESS}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "国贸大厦三期"
    with assert_unchanged():
        assert client.put(url, {"name": "缺地址"}, format="json").status_code == 400
        bad = client.patch(url, {"latitude": "39.9"}, format="json")
    assert bad.status_code == 400 and "latitude" in bad.json()


def test_operator_may_see_but_not_edit(env):
    client = client_for(env["telecom_bj"])
    url = f"/api/v1/buildings/{env['bj'].pk}/"
    assert client.get(url).status_code == 200
    with assert_unchanged():
        response = client.patch(url, {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert "无权" in response.json()["detail"]
    assert client.get(f"/api/v1/buildings/{env['dl'].pk}/").status_code == 404


def test_operator_branch_reports_its_own_presence(env):
    client = client_for(env["telecom_bj"])
    url = f"/api/v1/buildings/{env['bj'].pk}/presence/"
    response = client.post(
        url,
        {"operator": "telecom", "status": "serving", "since": "2026-05-01", "note": "已开通"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] is True and body["operator_count"] == 1
    assert body["presence"][0]["operator"] == "telecom"
    assert body["presence"][0]["source"] == "operator_report"
    again = client.post(url, {"operator": "telecom", "status": "serving"}, format="json")
    assert again.json()["changed"] is False

    history = client.get(url).json()
    assert [e["new_status"] for e in history["history"]] == ["serving"]
    assert history["history"][0]["actor"] == "t-op-telecom-110000"
    assert history["presence"][0]["since"] == "2026-05-01"


def test_operator_branch_cannot_report_another_operator(env):
    with assert_unchanged():
        response = client_for(env["telecom_bj"]).post(
            f"/api/v1/buildings/{env['bj'].pk}/presence/",
            {"operator": "mobile", "status": "serving"},
            format="json",
        )
    assert response.status_code == 403
    assert "无权" in response.json()["detail"]
    assert not Presence.objects.exists()


def test_presence_input_errors(env):
    client = client_for(env["admin_bj"])
    url = f"/api/v1/buildings/{env['bj'].pk}/presence/"
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    with assert_unchanged():
        assert client.post(url, {"operator": "nobody", "status": "serving"}).status_code == 400
        assert client.post(url, {"operator": "telecom", "status": "x"}).status_code == 400
        response = client.post(url, {"operator": "telecom", "status": "serving", "since": future})
    assert response.status_code == 400 and "since" in response.json()


def test_admin_presence_source_is_manual(env):
    response = client_for(env["admin_bj"]).post(
        f"/api/v1/buildings/{env['bj'].pk}/presence/",
        {"operator": "mobile", "status": "refused"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["presence"][0]["source"] == "manual"
    assert response.json()["operator_count"] == 0


def _beijing_buildings(n):
    return [
        services.building_create(actor=None, name=f"测试楼{i}", address=f"北京市朝阳区光华路{i}号")
        for i in range(n)
    ]


def test_presence_batch(env):
    more = _beijing_buildings(2)
    client = client_for(env["telecom_bj"])
    items = [
        {"building": env["bj"].code, "status": "serving", "since": "2026-04-01"},
        {"building": more[0].code, "status": "building_in"},
        {"building": more[1].code, "status": "refused"},
    ]
    response = client.post("/api/v1/buildings/presence-batch/", {"items": items}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"changed": 3, "unchanged": 0}
    assert Building.objects.get(pk=env["bj"].pk).operator_count == 1
    assert set(PresenceEvent.objects.values_list("source", flat=True)) == {"operator_report"}
    response = client.post("/api/v1/buildings/presence-batch/", {"items": items}, format="json")
    assert response.json() == {"changed": 0, "unchanged": 3}


def test_presence_batch_with_a_bad_row_writes_nothing(env):
    more = _beijing_buildings(1)
    items = [
        {"building": env["bj"].code, "status": "serving"},
        {"building": more[0].code, "status": "sleeping"},
        {"building": env["dl"].code, "status": "serving"},
        {"building": env["bj"].code, "status": "withdrawn"},
        {"building": more[0].code, "status": "serving", "operator": "mobile"},
    ]
    with assert_unchanged():
        response = client_for(env["telecom_bj"]).post(
            "/api/v1/buildings/presence-batch/", {"items": items}, format="json"
        )
    assert response.status_code == 400
    body = response.json()
    assert "未写入" in body["detail"]
    by_index = {e["index"]: e for e in body["errors"]}
    assert set(by_index) == {1, 2, 3, 4}
    assert by_index[1]["field"] == "status" and by_index[1]["message"].startswith("第 2 条")
    assert by_index[2]["field"] == "building" and "管辖范围" in by_index[2]["message"]
    assert "重复" in by_index[3]["message"]
    assert "无权" in by_index[4]["message"]
    assert not Presence.objects.exists() and not PresenceEvent.objects.exists()


def test_presence_batch_envelope_errors(env):
    client = client_for(env["telecom_bj"])
    url = "/api/v1/buildings/presence-batch/"
    too_many = [{"building": "x", "status": "serving"}] * 5001
    with assert_unchanged():
        assert client.post(url, {"items": []}, format="json").status_code == 400
        response = client.post(url, {"items": too_many}, format="json")
        assert response.status_code == 400 and "5000" in str(response.json()["items"])
        assert client_for().post(url, {"items": []}, format="json").status_code == 401


def test_list_has_no_n_plus_one(env, django_assert_max_num_queries):
    operators = list(Organization.objects.filter(is_basic_operator=True))
    for building in _beijing_buildings(20):
        for operator in operators[:3]:
            services.presence_set(
                actor=None, building=building, operator=operator, status="serving", source="import"
            )
    client = client_for(env["admin_bj"])
    client.get("/api/v1/buildings/")  # warm per-user caches (permissions, organisation)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/buildings/?page_size=50").json()
    assert body["count"] == 21
    assert sum(len(r["presence"]) for r in body["results"]) == 60


def test_schema_documents_the_endpoints(env):
    schema = client_for(env["admin_bj"]).get("/api/schema/")
    assert schema.status_code == 200
    for path in [
        b"/api/v1/buildings/",
        b"/api/v1/buildings/{id}/presence/",
        b"/api/v1/buildings/presence-batch/",
    ]:
        assert path in schema.content


# --- Presence visibility: an operator never sees a competitor's presence -------------------


def _by_name(body) -> dict:
    return {row["name"]: row for row in body["results"]}


def _operators(rows) -> set[str]:
    return {row["operator"] for row in rows}


def test_operator_api_list_and_detail_show_only_its_own_presence(rivals):
    client = client_for(rivals["telecom_user"])
    rows = _by_name(client.get("/api/v1/buildings/").json())
    assert _operators(rows["国贸大厦"]["presence"]) == {"telecom"}
    assert rows["国贸大厦"]["operator_count"] == 2
    assert rows["光华大厦"]["presence"] == [] and rows["光华大厦"]["operator_count"] == 1
    assert rows["建外大厦"]["operator_count"] == 0
    detail = client.get(f"/api/v1/buildings/{rivals['shared'].pk}/").json()
    assert _operators(detail["presence"]) == {"telecom"} and detail["operator_count"] == 2


def test_operator_api_history_shows_only_its_own_events(rivals):
    client = client_for(rivals["telecom_user"])
    body = client.get(f"/api/v1/buildings/{rivals['shared'].pk}/presence/").json()
    assert _operators(body["presence"]) == {"telecom"}
    assert _operators(body["history"]) == {"telecom"} and len(body["history"]) == 1


def test_operator_api_report_answers_with_its_own_presence_only(rivals):
    response = client_for(rivals["telecom_user"]).post(
        f"/api/v1/buildings/{rivals['shared'].pk}/presence/",
        {"operator": "telecom", "status": "withdrawn"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert _operators(body["presence"]) == {"telecom"} and body["operator_count"] == 1


def test_operator_api_filter_by_a_competitor_is_refused(rivals):
    client = client_for(rivals["telecom_user"])
    own = client.get("/api/v1/buildings/", {"operator": "telecom"}).json()
    assert set(_by_name(own)) == {"国贸大厦"}
    response = client.get("/api/v1/buildings/", {"operator": "mobile"})
    assert response.status_code == 400
    assert "只能按本企业筛选在服务楼宇" in str(response.json()["operator"])
    assert client.get("/api/v1/buildings/", {"operator": "nosuch"}).status_code == 400


def test_administration_api_shows_every_operator(rivals):
    client = client_for(rivals["ca"])
    rows = _by_name(client.get("/api/v1/buildings/").json())
    assert _operators(rows["国贸大厦"]["presence"]) == {"telecom", "mobile"}
    body = client.get(f"/api/v1/buildings/{rivals['shared'].pk}/presence/").json()
    assert len(body["history"]) == 3
    mobile = client.get("/api/v1/buildings/", {"operator": "mobile"}).json()
    assert set(_by_name(mobile)) == {"国贸大厦", "光华大厦"}
