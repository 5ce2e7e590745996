import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from louyu.buildings import services
from louyu.buildings.models import Building, PresenceEvent, PresenceStatus
from louyu.core import roles
from louyu.core.models import AuditEvent, Jurisdiction, Organization, OrganizationType
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

BEIJING = "北京市朝阳区建国路88号"
DALIAN = "辽宁省大连市中山区人民路1号"


@pytest.fixture
def env(db):
    load_reference_organizations()
    beijing = Jurisdiction.objects.get(code="110000")
    dalian = Jurisdiction.objects.get(code="210200")
    return {
        "beijing_admin": UserFactory(
            organization=Organization.objects.get(code="ca-110000"),
            roles=[roles.ADMINISTRATION_STAFF],
        ),
        "dalian_admin": UserFactory(
            organization=Organization.objects.get(code="ca-210200"),
            roles=[roles.ADMINISTRATION_STAFF],
        ),
        "telecom_bj": UserFactory(
            organization=Organization.objects.get(code="op-telecom-110000"),
            roles=[roles.OPERATOR_STAFF],
        ),
        "telecom": Organization.objects.get(code="op-telecom"),
        "mobile": Organization.objects.get(code="op-mobile"),
        "beijing": beijing,
        "dalian": dalian,
    }


@pytest.mark.parametrize(
    ("address", "region", "jurisdiction"),
    [
        (BEIJING, "110105", "110000"),
        (DALIAN, "210202", "210200"),
        ("辽宁省沈阳市和平区南京北街1号", "210102", "210000"),
    ],
)
def test_create_places_the_building_by_its_address(env, address, region, jurisdiction):
    building = services.building_create(actor=None, name="测试大厦", address=address)
    assert building.region_id == region
    assert building.jurisdiction.code == jurisdiction
    assert building.code.startswith(region + "-")
    assert building.operator_count == 0
    assert AuditEvent.objects.filter(action="building.create", object_id=str(building.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " ", "address": BEIJING}, "name"),
        ({"name": "甲", "address": "火星基地一号"}, "address"),
        ({"name": "甲", "address": BEIJING, "region": "999999"}, "region"),
        ({"name": "甲", "address": "北京市"}, "region"),
        ({"name": "甲", "address": BEIJING, "year_completed": 1800}, "year_completed"),
        ({"name": "甲", "address": BEIJING, "latitude": 39.9}, "latitude"),
        ({"name": "甲", "address": BEIJING, "latitude": 1.0, "longitude": 1.0}, "latitude"),
        ({"name": "甲", "address": BEIJING, "building_type": "castle"}, "building_type"),
    ],
)
def test_create_rejects_bad_input_and_writes_nothing(env, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.building_create(actor=None, **kwargs)
    assert field in exc.value.message_dict
    assert not Building.objects.exists()


def test_an_administration_cannot_register_a_building_in_another_jurisdiction(env):
    with pytest.raises(PermissionDenied):
        services.building_create(actor=env["beijing_admin"], name="越权大厦", address=DALIAN)
    assert not Building.objects.exists()


def test_fibre_rule_follows_the_year_completed(env):
    old = services.building_create(actor=None, name="老楼", address=BEIJING, year_completed=2016)
    new = services.building_create(actor=None, name="新楼", address=BEIJING, year_completed=2017)
    assert not old.fibre_rule_applies and new.fibre_rule_applies


def test_update_moves_the_building_when_the_address_changes(env):
    building = services.building_create(actor=None, name="搬迁大厦", address=BEIJING)
    moved = services.building_update(actor=None, building=building, address=DALIAN)
    assert moved.region_id == "210202" and moved.jurisdiction == env["dalian"]
    event = AuditEvent.objects.get(action="building.update", object_id=str(building.pk))
    assert event.changes["region_id"] == ["110105", "210202"]
    assert services.building_update(actor=None, building=moved, address=DALIAN) == moved
    assert AuditEvent.objects.filter(action="building.update").count() == 1  # no-op not audited


def test_presence_history_and_operator_count(env):
    building = services.building_create(actor=None, name="入驻大厦", address=BEIJING)
    admin = env["beijing_admin"]
    services.presence_set(
        actor=admin, building=building, operator=env["telecom"], status="serving", source="manual"
    )
    services.presence_set(
        actor=admin, building=building, operator=env["mobile"], status="refused", source="manual"
    )
    building.refresh_from_db()
    assert building.operator_count == 1
    services.presence_set(
        actor=admin, building=building, operator=env["mobile"], status="serving", source="manual"
    )
    building.refresh_from_db()
    assert building.operator_count == 2
    unchanged = services.presence_set(
        actor=admin, building=building, operator=env["mobile"], status="serving", source="manual"
    )
    assert unchanged is None
    history = list(
        PresenceEvent.objects.filter(building=building, operator=env["mobile"])
        .order_by("id")
        .values_list("old_status", "new_status")
    )
    assert history == [("", "refused"), ("refused", "serving")]


def test_operator_branch_reports_only_its_own_operator_in_its_area(env):
    beijing_building = services.building_create(actor=None, name="北京楼", address=BEIJING)
    dalian_building = services.building_create(actor=None, name="大连楼", address=DALIAN)
    branch_user = env["telecom_bj"]
    assert services.presence_set(
        actor=branch_user,
        building=beijing_building,
        operator=env["telecom"],
        status=PresenceStatus.SERVING,
        source="operator_report",
    )
    with pytest.raises(PermissionDenied):
        services.presence_set(
            actor=branch_user,
            building=beijing_building,
            operator=env["mobile"],
            status="serving",
            source="operator_report",
        )
    with pytest.raises(PermissionDenied):
        services.presence_set(
            actor=branch_user,
            building=dalian_building,
            operator=env["telecom"],
            status="serving",
            source="operator_report",
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": "teleported"}, "status"),
        ({"source": "rumour"}, "source"),
        ({"since": timezone.localdate() + datetime.timedelta(days=3)}, "since"),
    ],
)
def test_presence_rejects_bad_input(env, kwargs, field):
    building = services.building_create(actor=None, name="校验大厦", address=BEIJING)
    args = {"status": "serving", "source": "manual", **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.presence_set(
            actor=env["beijing_admin"], building=building, operator=env["telecom"], **args
        )
    assert field in exc.value.message_dict
    assert not PresenceEvent.objects.exists()


def test_only_basic_operators_have_presence(env):
    building = services.building_create(actor=None, name="代理商大厦", address=BEIJING)
    agent = OrganizationFactory(type=OrganizationType.ACCESS_AGENT)
    with pytest.raises(ValidationError):
        services.presence_set(
            actor=None, building=building, operator=agent, status="serving", source="manual"
        )


def test_presence_events_are_append_only(env):
    building = services.building_create(actor=None, name="历史大厦", address=BEIJING)
    services.presence_set(
        actor=None, building=building, operator=env["telecom"], status="serving", source="manual"
    )
    event = PresenceEvent.objects.get()
    event.note = "tampered"
    with pytest.raises(PermissionError):
        event.save()


def test_search_finds_chinese_aliases_names_and_codes(env):
    from louyu.buildings.selectors import BuildingFilters, building_filter

    building = services.building_create(
        actor=None, name="国际贸易中心", address=BEIJING, aliases=["国贸一期", "CWTC"]
    )
    other = services.building_create(actor=None, name="别的大厦", address=BEIJING)
    for text in ["国贸一期", "ｃｗｔｃ", "国际贸易", building.code]:
        found = list(building_filter(Building.objects.all(), BuildingFilters(q=text)))
        assert found == [building], text
    by_address = building_filter(Building.objects.all(), BuildingFilters(q="建国路88号"))
    assert set(by_address) == {building, other}
