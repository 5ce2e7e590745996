"""A complaint's building, afterwards: linking to a building of its jurisdiction, registering
one from its address, transferring a complaint whose building lies elsewhere; the pages, and
refusals that change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from louyu.buildings.models import Building
from louyu.buildings.tests.factories import BuildingFactory
from louyu.complaints.building_services import (
    complaint_link_building,
    complaint_register_building,
    complaint_transfer,
)
from louyu.core.models import AuditEvent, WorkItem
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def unmatched(cenv):
    complaint, _secret = cenv["file"](address="北京市朝阳区建国路88号")
    assert complaint.building_id is None
    return complaint


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_link_to_a_building_of_the_jurisdiction_is_audited(cenv, unmatched):
    building = BuildingFactory(name="国贸大厦", address="北京市朝阳区建国路88号")
    linked = complaint_link_building(actor=cenv["bj"], complaint=unmatched, building=building)
    assert (linked.building, linked.region_id) == (building, building.region_id)
    event = AuditEvent.objects.get(action="complaint.link_building")
    assert event.changes["building"] == [None, building.code]
    with pytest.raises(ValidationError, match="已关联"):
        complaint_link_building(actor=cenv["bj"], complaint=linked, building=building)


def test_link_refusals_change_nothing(cenv, unmatched):
    dalian = BuildingFactory(name="星海广场", address="辽宁省大连市沙河口区星海广场1号")
    with assert_unchanged(), pytest.raises(ValidationError, match="大连"):
        complaint_link_building(actor=cenv["bj"], complaint=unmatched, building=dalian)
    with assert_unchanged(), pytest.raises(PermissionDenied):
        complaint_link_building(actor=cenv["dl"], complaint=unmatched, building=dalian)
    own = BuildingFactory(name="甲")
    with assert_unchanged(), pytest.raises(ValidationError, match="本管辖范围"):
        complaint_transfer(actor=cenv["bj"], complaint=unmatched, building=own)


def test_transfer_to_the_buildings_jurisdiction(cenv, unmatched):
    dalian = BuildingFactory(name="星海广场", address="辽宁省大连市沙河口区星海广场1号")
    moved = complaint_transfer(actor=cenv["bj"], complaint=unmatched, building=dalian)
    assert moved.jurisdiction.code == "210200" and moved.handler.code == "ca-210200"
    assert moved.building == dalian and moved.assignee is None
    item = WorkItem.objects.get(object_id=str(moved.pk), state="open")
    assert item.assignee_organization.code == "ca-210200"
    event = AuditEvent.objects.get(action="complaint.transfer")
    assert event.changes["jurisdiction"] == ["110000", "210200"]
    assert moved.status_changes.filter(details__transferred_to=dalian.jurisdiction.name).exists()


def test_register_the_building_from_the_complaint(cenv, unmatched):
    complaint, building = complaint_register_building(
        actor=cenv["bj"], complaint=unmatched, name="国贸三期", address=unmatched.address
    )
    assert complaint.building == building and building.jurisdiction.code == "110000"
    in_dalian, _secret = cenv["file"](actor=cenv["dl"], address="辽宁省大连市中山区人民路1号")
    with assert_unchanged(), pytest.raises(ValidationError) as exc:
        complaint_register_building(
            actor=cenv["dl"],
            complaint=in_dalian,
            name="外省楼宇",
            address="北京市朝阳区建国路1号",
        )
    assert "管辖范围" in exc.value.message_dict["address"][0]


def test_pages_link_offer_transfer_and_register(cenv, unmatched):
    near = BuildingFactory(name="国贸大厦", address="北京市朝阳区建国路88号")
    dalian = BuildingFactory(name="星海广场", address="辽宁省大连市沙河口区星海广场1号")
    client = login(cenv["bj"])
    page = client.get(f"/complaints/{unmatched.pk}/").content.decode()
    assert 'data-testid="building-link"' in page and near.code in page
    url = f"/complaints/{unmatched.pk}/building/"
    with assert_unchanged():
        bad = client.post(url, {"building_code": "NO-SUCH"})
        offer = client.post(url, {"building_code": dalian.code})
    assert bad.status_code == 400 and "找不到该编码的楼宇" in bad.content.decode()
    assert offer.status_code == 200 and "移交" in offer.content.decode()
    assert (
        client.post(url, {"building_code": near.code})["Location"] == f"/complaints/{unmatched.pk}/"
    )
    other, _secret = cenv["file"](address="北京市朝阳区某路1号")
    moved = client.post(
        f"/complaints/{other.pk}/building/", {"building_code": dalian.code, "transfer": "on"}
    )
    assert moved["Location"] == "/complaints/"
    other.refresh_from_db()
    assert other.jurisdiction.code == "210200"
    new = f"/complaints/{cenv['file']()[0].pk}/building/new/"
    assert "北京市朝阳区建国路88号" in client.get(new).content.decode()


def test_other_jurisdictions_and_anonymous_get_nothing(cenv, unmatched):
    building = BuildingFactory(name="国贸大厦", address="北京市朝阳区建国路88号")
    for client in (login(cenv["dl"]), Client()):
        with assert_unchanged():
            for answer in (
                client.post(
                    f"/complaints/{unmatched.pk}/building/", {"building_code": building.code}
                ),
                client.get(f"/complaints/{unmatched.pk}/building/new/"),
            ):
                assert answer.status_code in (302, 404)
                assert answer.status_code == 404 or "/accounts/login/" in answer["Location"]
    suggest = "/complaints/buildings/suggest/"
    assert Client().get(suggest, {"q": "国贸"}).status_code == 302
    assert login(cenv["operator"]).get(suggest, {"q": "国贸"}).status_code == 403
    rows = login(cenv["dl"]).get(suggest, {"q": "国贸"}).json()["results"]
    assert rows == [{"code": building.code, "name": "国贸大厦", "address": building.address}]
    assert Building.objects.count() == 1
