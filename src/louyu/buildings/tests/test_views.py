import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from louyu.buildings import services
from louyu.buildings.models import Building, Presence, PresenceEvent, PresenceSource
from louyu.buildings.tests.factories import BuildingFactory
from louyu.core import roles
from louyu.core.models import AuditEvent, Jurisdiction, OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    beijing = Jurisdiction.objects.get(code="110000")
    dalian = Jurisdiction.objects.get(code="210200")
    ca_bj = OrganizationFactory(code="ca-110000", name="北京市通信管理局", jurisdiction=beijing)
    ca_dl = OrganizationFactory(code="ca-210200", name="大连市通信管理局", jurisdiction=dalian)
    telecom = OrganizationFactory(
        code="telecom",
        name="中国电信",
        short_name="电信",
        type=OrganizationType.OPERATOR,
        operator_key="telecom",
        is_basic_operator=True,
        jurisdiction=None,
    )
    mobile = OrganizationFactory(
        code="mobile",
        name="中国移动",
        short_name="移动",
        type=OrganizationType.OPERATOR,
        operator_key="mobile",
        is_basic_operator=True,
        jurisdiction=None,
    )
    telecom_bj = OrganizationFactory(
        code="telecom-110000",
        name="中国电信北京分公司",
        type=OrganizationType.OPERATOR_BRANCH,
        parent=telecom,
        jurisdiction=beijing,
    )
    admin_bj = UserFactory(username="ca-bj", organization=ca_bj, roles=[roles.ADMINISTRATION_ADMIN])
    admin_dl = UserFactory(username="ca-dl", organization=ca_dl, roles=[roles.ADMINISTRATION_ADMIN])
    op_bj = UserFactory(username="op-bj", organization=telecom_bj, roles=[roles.OPERATOR_STAFF])
    b1 = BuildingFactory(
        name="国贸大厦",
        aliases=["CWTC"],
        address="北京市朝阳区建国路88号",
        building_type="office_tower",
        exclusive_deal_known=True,
    )
    b2 = BuildingFactory(
        name='=HYPERLINK("http://x")',
        address="北京市朝阳区光华路1号",
        building_type="business_park",
        latitude=39.91,
        longitude=116.46,
    )
    b3 = BuildingFactory(name="大连友好广场", address="辽宁省大连市中山区友好广场8号")
    services.presence_set(
        actor=None, building=b1, operator=telecom, status="serving", source="manual"
    )
    services.presence_set(
        actor=None, building=b1, operator=mobile, status="serving", source="manual"
    )
    return {
        "beijing": beijing,
        "telecom": telecom,
        "mobile": mobile,
        "admin_bj": admin_bj,
        "admin_dl": admin_dl,
        "op_bj": op_bj,
        "b1": b1,
        "b2": b2,
        "b3": b3,
    }


def _names(response) -> set[str]:
    return {row["building"].name for row in response.context["rows"]}


def test_anonymous_is_redirected_to_login(client, world):
    for url in [
        reverse("buildings:list"),
        reverse("buildings:export"),
        reverse("buildings:detail", args=[world["b1"].pk]),
        reverse("buildings:create"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_list_is_scoped_to_the_jurisdiction(client, world):
    client.force_login(world["admin_bj"])
    response = client.get(reverse("buildings:list"))
    assert response.status_code == 200
    assert _names(response) == {"国贸大厦", world["b2"].name}
    assert "共 2 栋楼宇符合条件" in response.content.decode()
    client.force_login(world["admin_dl"])
    assert _names(client.get(reverse("buildings:list"))) == {"大连友好广场"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"operators": "0"}, {"b2"}),
        ({"operators": "2+"}, {"b1"}),
        ({"operators": "1"}, set()),
        ({"building_type": "business_park"}, {"b2"}),
        ({"operator": "telecom"}, {"b1"}),
        ({"exclusive_deal_known": "yes"}, {"b1"}),
        ({"exclusive_deal_known": "no"}, {"b2"}),
        ({"district": "110105"}, {"b1", "b2"}),
        ({"district": "110101"}, set()),
        ({"jurisdiction": "210200"}, {"b1", "b2"}),  # not offered: an error, own rows only
        ({"q": "国贸"}, {"b1"}),
        ({"q": "CWTC"}, {"b1"}),
        ({"q": "光华路"}, {"b2"}),
    ],
)
def test_list_filters_narrow_the_result(client, world, params, expected):
    client.force_login(world["admin_bj"])
    response = client.get(reverse("buildings:list"), params)
    assert response.status_code == 200
    assert _names(response) == {world[key].name for key in expected}


def test_city_filter_for_national_user(client, world):
    ministry = UserFactory(
        username="ministry",
        organization=OrganizationFactory(
            code="ministry", type=OrganizationType.MINISTRY, jurisdiction=None
        ),
        roles=[roles.MINISTRY_ADMIN],
    )
    client.force_login(ministry)
    response = client.get(reverse("buildings:list"), {"city": "210200"})
    assert _names(response) == {"大连友好广场"}
    response = client.get(reverse("buildings:list"), {"jurisdiction": "110000"})
    assert _names(response) == {"国贸大厦", world["b2"].name}


@pytest.mark.parametrize(
    "params",
    [
        {"district": "abc"},
        {"city": "999999"},
        {"operators": "7"},
        {"building_type": "castle"},
        {"friendly_pledge": "maybe"},
        {"sort": "; drop table"},
        {"page": "x"},
    ],
)
def test_bad_filter_values_are_ignored_with_a_message(client, world, params):
    client.force_login(world["admin_bj"])
    response = client.get(reverse("buildings:list"), params)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2
    if "page" not in params:
        assert response.context["form"].errors
        assert "筛选条件有误" in response.content.decode()


def test_sorting_and_escaping_in_list(client, world):
    client.force_login(world["admin_bj"])
    response = client.get(reverse("buildings:list"), {"sort": "-operators"})
    assert [row["building"].pk for row in response.context["rows"]] == [
        world["b1"].pk,
        world["b2"].pk,
    ]
    services.building_create(
        actor=None, name="<script>alert(1)</script>大厦", address="北京市朝阳区建国路1号"
    )
    body = client.get(reverse("buildings:list")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;大厦" in body


def test_detail_shows_presence_and_is_404_outside_scope(client, world):
    client.force_login(world["admin_bj"])
    response = client.get(reverse("buildings:detail", args=[world["b1"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "国贸大厦" in body and "已提供服务" in body
    assert 'data-testid="presence-history"' in body
    assert response.context["map_data"] is None
    response = client.get(reverse("buildings:detail", args=[world["b2"].pk]))
    assert response.context["map_data"]["self"]["value"] == [116.46, 39.91]
    assert "echarts.min.js" in response.content.decode()
    assert client.get(reverse("buildings:detail", args=[world["b3"].pk])).status_code == 404
    assert client.get(reverse("buildings:detail", args=[999999])).status_code == 404
    assert client.get(reverse("buildings:edit", args=[world["b3"].pk])).status_code == 404


def test_export_is_scoped_neutralised_and_audited(client, world):
    import openpyxl

    client.force_login(world["admin_bj"])
    response = client.get(reverse("buildings:export"), {"district": "110105"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("楼宇编码", "名称", "地址")
    assert "在服务基础电信企业数" in header
    assert "电信" in header and "存在排他协议" in header
    names = {row[1] for row in rows[1:]}
    assert names == {"国贸大厦", '\'=HYPERLINK("http://x")'}
    assert "大连友好广场" not in names
    gm = next(row for row in rows[1:] if row[1] == "国贸大厦")
    assert gm[header.index("在服务基础电信企业数")] == 2
    assert gm[header.index("电信")] == "已提供服务"
    assert gm[header.index("省")] == "北京市" and gm[header.index("区县")] == "朝阳区"
    event = AuditEvent.objects.get(action="building.export")
    assert event.actor == world["admin_bj"]
    assert event.changes["rows"] == 2
    assert event.changes["filters"] == {"district": "110105"}


def test_export_requires_permission(client, world):
    joint = UserFactory(
        username="samr",
        organization=OrganizationFactory(
            code="samr-110000",
            type=OrganizationType.MARKET_REGULATION,
            jurisdiction=world["beijing"],
        ),
        roles=[roles.JOINT_DEPARTMENT_STAFF],
    )
    client.force_login(joint)
    assert client.get(reverse("buildings:export")).status_code == 403
    assert client.get(reverse("buildings:list")).status_code == 403
    client.force_login(world["op_bj"])
    assert client.get(reverse("buildings:export")).status_code == 403
    assert not AuditEvent.objects.filter(action="building.export").exists()


def test_dalian_export_does_not_contain_beijing(client, world):
    import openpyxl

    client.force_login(world["admin_dl"])
    response = client.get(reverse("buildings:export"), {"jurisdiction": "110000"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))[1:]
    assert all(row[4] == "大连市" for row in rows)  # 北京 is not even offered as a filter


def _building_post(**overrides):
    data = {
        "name": "银泰中心",
        "aliases": "银泰, 柏悦",
        "address": "北京市朝阳区建国门外大街2号",
        "region": "",
        "building_type": "commercial_complex",
        "floors": "63",
        "floor_area": "350000.50",
        "tenant_count": "",
        "year_completed": "2008",
        "latitude": "",
        "longitude": "",
        "facility_notes": "",
        "notice_posted": "on",
    }
    data.update(overrides)
    return data


def test_create_building(client, world):
    client.force_login(world["admin_bj"])
    assert client.get(reverse("buildings:create")).status_code == 200
    response = client.post(reverse("buildings:create"), _building_post())
    building = Building.objects.get(name="银泰中心")
    assert response.status_code == 302
    assert response["Location"] == reverse("buildings:detail", args=[building.pk])
    assert building.region_id == "110105"
    assert building.aliases == ["银泰", "柏悦"]
    assert building.notice_posted and not building.friendly_pledge
    assert AuditEvent.objects.filter(action="building.create", object_id=str(building.pk))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"address": "某某路1号"}, "address", "无法从地址识别所在区县，请填写区划代码。"),
        ({"region": "999999"}, "region", "未知的行政区划代码。"),
        ({"region": "12ab"}, "region", "请填写 6 位行政区划代码。"),
        ({"name": ""}, "name", "此项必填。"),
        ({"floors": "很多"}, "floors", "请输入整数。"),
        ({"building_type": "castle"}, "building_type", "未知的楼宇类型。"),
        ({"latitude": "39.9"}, "latitude", "经纬度须同时填写。"),
        ({"year_completed": "1800"}, "year_completed", "数值不能小于 1900。"),
    ],
)
def test_create_building_bad_input(client, world, overrides, field, message):
    client.force_login(world["admin_bj"])
    with assert_unchanged():
        response = client.post(reverse("buildings:create"), _building_post(**overrides))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Building.objects.filter(name="银泰中心").exists()


def test_create_with_region_code_when_address_is_unknown(client, world):
    client.force_login(world["admin_bj"])
    response = client.post(
        reverse("buildings:create"), _building_post(address="某某路1号", region="110105")
    )
    assert response.status_code == 302
    assert Building.objects.get(name="银泰中心").jurisdiction == world["beijing"]


def test_create_in_another_jurisdiction_is_forbidden(client, world):
    client.force_login(world["admin_bj"])
    with assert_unchanged():
        response = client.post(
            reverse("buildings:create"), _building_post(address="辽宁省大连市中山区人民路1号")
        )
    assert response.status_code == 403
    assert not Building.objects.filter(name="银泰中心").exists()


def test_operator_cannot_create_or_edit(client, world):
    client.force_login(world["op_bj"])
    assert client.get(reverse("buildings:create")).status_code == 403
    assert client.get(reverse("buildings:edit", args=[world["b1"].pk])).status_code == 403


def test_edit_building(client, world):
    client.force_login(world["admin_bj"])
    b1 = world["b1"]
    response = client.get(reverse("buildings:edit", args=[b1.pk]))
    assert response.status_code == 200
    assert 'value="国贸大厦"' in response.content.decode()
    data = _building_post(
        name="<script>x</script>国贸", address=b1.address, region="110105", floors="80"
    )
    response = client.post(reverse("buildings:edit", args=[b1.pk]), data)
    assert response.status_code == 302
    b1.refresh_from_db()
    assert b1.name == "<script>x</script>国贸" and b1.floors == 80
    body = client.get(reverse("buildings:detail", args=[b1.pk])).content.decode()
    assert "<script>x</script>" not in body and "&lt;script&gt;x&lt;/script&gt;国贸" in body
    with assert_unchanged():
        response = client.post(
            reverse("buildings:edit", args=[b1.pk]), {**data, "address": "某某路1号", "region": ""}
        )
    assert response.status_code == 400
    assert "无法从地址识别所在区县，请填写区划代码。" in response.context["form"].errors["address"]


def test_presence_set_by_administration(client, world):
    client.force_login(world["admin_bj"])
    b2 = world["b2"]
    response = client.get(reverse("buildings:detail", args=[b2.pk]))
    assert [str(o) for o in response.context["presence_form"].operators.values()] == [
        "中国移动",
        "中国电信",
    ]
    response = client.post(
        reverse("buildings:presence_set", args=[b2.pk]),
        {
            "operator": world["mobile"].pk,
            "status": "serving",
            "since": "2025-01-02",
            "note": "现场核实",
        },
    )
    assert response.status_code == 302
    b2.refresh_from_db()
    assert b2.operator_count == 1
    presence = Presence.objects.get(building=b2, operator=world["mobile"])
    assert presence.source == PresenceSource.MANUAL
    assert presence.since == datetime.date(2025, 1, 2)
    event = PresenceEvent.objects.get(building=b2)
    assert event.note == "现场核实" and event.actor == world["admin_bj"]


def test_presence_set_rejects_future_date_and_bad_status(client, world):
    client.force_login(world["admin_bj"])
    url = reverse("buildings:presence_set", args=[world["b2"].pk])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    with assert_unchanged():
        response = client.post(
            url, {"operator": world["mobile"].pk, "status": "serving", "since": future}
        )
        assert response.status_code == 400
        assert "起始日期不能晚于今天。" in response.context["presence_form"].errors["since"]
        response = client.post(url, {"operator": world["mobile"].pk, "status": "hacked"})
    assert response.status_code == 400
    assert "未知的入驻状态。" in response.context["presence_form"].errors["status"]
    assert not Presence.objects.filter(building=world["b2"]).exists()


def test_presence_set_by_operator_branch(client, world):
    client.force_login(world["op_bj"])
    b2 = world["b2"]
    response = client.get(reverse("buildings:detail", args=[b2.pk]))
    assert list(response.context["presence_form"].operators.values()) == [world["telecom"]]
    assert response.context["can_edit"] is False
    url = reverse("buildings:presence_set", args=[b2.pk])
    response = client.post(url, {"operator": world["telecom"].pk, "status": "building_in"})
    assert response.status_code == 302
    presence = Presence.objects.get(building=b2, operator=world["telecom"])
    assert presence.source == PresenceSource.OPERATOR_REPORT
    with assert_unchanged():
        response = client.post(url, {"operator": world["mobile"].pk, "status": "serving"})
    assert response.status_code == 400
    assert not Presence.objects.filter(building=b2, operator=world["mobile"]).exists()
    # another jurisdiction's building is invisible to the branch
    url = reverse("buildings:presence_set", args=[world["b3"].pk])
    with assert_unchanged():
        response = client.post(url, {"operator": world["telecom"].pk, "status": "serving"})
        assert response.status_code == 404


def test_nav_item_for_users_who_may_view(client, world):
    client.force_login(world["admin_bj"])
    response = client.get(reverse("web:home"))
    assert any(item["key"] == "buildings" for item in response.context["nav_items"])


def test_a_list_longer_than_the_count_cap_says_more_than(client, world, monkeypatch):
    from louyu.core import pagination

    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 1)
    client.force_login(world["admin_bj"])  # two buildings in 北京
    body = client.get("/buildings/").content.decode()
    assert "超过 1 栋楼宇符合条件" in body
    assert "超过 1 条" in body


# --- Presence visibility: an operator never sees a competitor's presence -------------------


def _presence_names(response) -> dict[str, set[str]]:
    return {
        row["building"].name: {c["operator"].operator_key for c in row["presences"]}
        for row in response.context["rows"]
    }


def test_operator_list_shows_only_its_own_presence_and_every_count(client, rivals):
    client.force_login(rivals["telecom_user"])
    response = client.get(reverse("buildings:list"))
    assert response.status_code == 200
    assert _presence_names(response) == {
        "国贸大厦": {"telecom"},
        "光华大厦": {"telecom"},
        "建外大厦": {"telecom"},
    }
    counts = {
        row["building"].name: row["building"].operator_count for row in response.context["rows"]
    }
    assert counts == {"国贸大厦": 2, "光华大厦": 1, "建外大厦": 0}
    page = response.content.decode()
    assert "中国移动" not in page
    assert 'data-testid="operator-count">2<' in page


def test_administration_list_shows_every_operator(client, rivals):
    client.force_login(rivals["ca"])
    response = client.get(reverse("buildings:list"))
    rows = {row["building"].name: row for row in response.context["rows"]}
    shown = {c["operator"].operator_key for c in rows["国贸大厦"]["presences"] if c["presence"]}
    assert shown == {"telecom", "mobile"}
    assert "中国移动 · 已提供服务" in response.content.decode()


def test_operator_may_filter_by_its_own_operator_only(client, rivals):
    client.force_login(rivals["telecom_user"])
    own = client.get(reverse("buildings:list"), {"operator": "telecom"})
    assert _names(own) == {"国贸大厦"}
    other = client.get(reverse("buildings:list"), {"operator": "mobile"})
    assert other.status_code == 200
    assert "operator" in other.context["form"].errors
    assert "只能按本企业筛选在服务楼宇" in other.content.decode()
    # The refused filter is ignored: the list does not narrow to the competitor's buildings.
    assert _names(other) == {"国贸大厦", "光华大厦", "建外大厦"}
    choices = [value for value, _label in other.context["form"].fields["operator"].choices]
    assert choices == ["", "telecom"]
    # Counting filters and sorts stay available.
    assert _names(client.get(reverse("buildings:list"), {"operators": "0"})) == {"建外大厦"}


def test_administration_filters_by_any_operator(client, rivals):
    client.force_login(rivals["ca"])
    response = client.get(reverse("buildings:list"), {"operator": "mobile"})
    assert _names(response) == {"国贸大厦", "光华大厦"}
    assert not response.context["form"].errors


def test_operator_detail_shows_only_its_own_presence_and_history(client, rivals):
    client.force_login(rivals["telecom_user"])
    response = client.get(reverse("buildings:detail", args=[rivals["shared"].pk]))
    assert response.status_code == 200
    assert [c["operator"].operator_key for c in response.context["presences"]] == ["telecom"]
    assert {e.operator.operator_key for e in response.context["history"]} == {"telecom"}
    page = response.content.decode()
    assert "中国移动" not in page
    assert 'data-testid="detail-operator-count">2<' in page


def test_administration_detail_shows_every_presence_and_history(client, rivals):
    client.force_login(rivals["ca"])
    response = client.get(reverse("buildings:detail", args=[rivals["shared"].pk]))
    shown = {c["operator"].operator_key for c in response.context["presences"] if c["presence"]}
    assert shown == {"telecom", "mobile"}
    assert len(response.context["history"]) == 3
    assert "中国移动" in response.content.decode()


def _export_rows(response) -> list[tuple]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def test_operator_export_has_only_its_own_presence_column(client, rivals):
    from django.contrib.auth.models import Permission

    user = rivals["telecom_user"]
    client.force_login(user)
    assert client.get(reverse("buildings:export")).status_code == 403
    # Should an administrator grant operators the export, it still hides competitors.
    user.user_permissions.add(Permission.objects.get(codename="export_building"))
    client.force_login(user)
    response = client.get(reverse("buildings:export"))
    assert response.status_code == 200
    header, *rows = _export_rows(response)
    assert "中国电信" in header and "中国移动" not in header
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_name["国贸大厦"]["中国电信"] == "已提供服务"
    assert by_name["国贸大厦"]["在服务基础电信企业数"] == 2
    assert by_name["光华大厦"]["中国电信"] in ("", None)
    assert by_name["光华大厦"]["在服务基础电信企业数"] == 1
    refused = client.get(reverse("buildings:export"), {"operator": "mobile"})
    assert {row[1] for row in _export_rows(refused)[1:]} == {"国贸大厦", "光华大厦", "建外大厦"}


def test_administration_export_has_every_presence_column(client, rivals):
    client.force_login(rivals["ca"])
    header, *rows = _export_rows(client.get(reverse("buildings:export")))
    assert {"中国电信", "中国移动", "中国联通", "中国广电"} <= set(header)
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_name["光华大厦"]["中国移动"] == "已提供服务"


def test_an_administration_filters_only_by_what_it_may_see(client, world):
    """Issue 15 item 11: 大连's jurisdiction filter offers 大连, not every jurisdiction."""
    client.force_login(world["admin_dl"])
    choices = client.get(reverse("buildings:list")).context["form"].fields["jurisdiction"].choices
    codes = {str(value) for value, _label in choices if value}
    assert codes == {"210200"}
    client.force_login(world["admin_bj"])
    response = client.get(reverse("buildings:list"), {"jurisdiction": "210200"})
    assert "jurisdiction" in response.context["form"].errors
    assert "选择一个有效的选项" in response.content.decode()
