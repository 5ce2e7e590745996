"""Linking a complaint to a building afterwards, in Chromium: a substantiated complaint with
only an address is linked through the picker and goes on to 立案整治; another is registered
from its address; one whose building lies in 大连 is transferred there."""

import datetime

import pytest
from django.utils import timezone

from louyu.buildings.services import building_create
from louyu.complaints.models import Category, Complaint
from louyu.complaints.services import Intake, complaint_create, complaint_transition
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _complaint(clerk, address: str) -> Complaint:
    complaint, _secret = complaint_create(
        actor=clerk,
        intake=Intake(
            channel="phone",
            category=Category.objects.get(code="entry_blocked"),
            description="物业不让电信进场施工。",
            complainant_name="王五",
            complainant_phone="13911112222",
            address=address,
            received_at=timezone.now() - datetime.timedelta(hours=3),
        ),
    )
    return complaint


def test_link_register_and_transfer(live_server, browser_page, staff_login):
    from playwright.sync_api import expect

    load_reference_organizations()
    clerk = UserFactory(
        username="clerk",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_STAFF],
    )
    building_create(actor=None, name="国贸大厦", address="北京市朝阳区建国路88号")
    building_create(actor=None, name="星海广场", address="辽宁省大连市沙河口区星海广场1号")
    replied = _complaint(clerk, "北京市朝阳区建国路88号")
    for to, details in [
        ("accepted", {}),
        ("handling", {}),
        ("replied", {"result": "substantiated", "reply_text": "经核查属实，已责令物业整改。"}),
    ]:
        complaint_transition(actor=clerk, complaint=replied, to=to, **details)
    page = browser_page
    staff_login("clerk")

    page.goto(f"{live_server.url}/complaints/{replied.pk}/")
    expect(page.get_by_test_id("link-candidates")).to_contain_text("国贸大厦")
    picker = page.get_by_role("combobox", name="楼宇")
    picker.press_sequentially("国贸")
    page.get_by_test_id("picker-option").first.click()
    page.get_by_test_id("building-link-submit").click()
    expect(page.get_by_test_id("message-success")).to_contain_text("已关联楼宇 国贸大厦")
    expect(page.get_by_test_id("building")).to_contain_text("国贸大厦")
    page.get_by_test_id("open-case").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已立案")

    unregistered = _complaint(clerk, "北京市朝阳区光华路9号")
    page.goto(f"{live_server.url}/complaints/{unregistered.pk}/")
    page.get_by_test_id("register-building").click()
    expect(page.get_by_label("地址")).to_have_value("北京市朝阳区光华路9号")
    page.get_by_label("楼宇名称").fill("光华九号楼")
    page.get_by_test_id("building-save").click()
    expect(page.get_by_test_id("building")).to_contain_text("光华九号楼")

    misrouted = _complaint(clerk, "北京市朝阳区某路1号")
    page.goto(f"{live_server.url}/complaints/{misrouted.pk}/")
    picker = page.get_by_role("combobox", name="楼宇")
    picker.press_sequentially("星海")
    page.get_by_test_id("picker-option").first.click()
    page.get_by_test_id("building-link-submit").click()
    expect(page.get_by_test_id("transfer-offer")).to_contain_text("大连")
    page.get_by_test_id("transfer-submit").click()
    expect(page.get_by_test_id("message-success")).to_contain_text("已移交")
    misrouted.refresh_from_db()
    assert misrouted.jurisdiction.code == "210200" and misrouted.building.name == "星海广场"
