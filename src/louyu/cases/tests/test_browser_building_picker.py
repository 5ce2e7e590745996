"""The building picker in Chromium: on /cases/new/ two typed characters suggest the clerk's
buildings (name, address, operators serving), picked with the keyboard, and the case form
asks for the building once; on a phone-sized screen intake's picker offers any building and
/cases/report/ the operator's own."""

import pytest

from louyu.buildings.services import building_create, presence_set
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = {"width": 390, "height": 844}


@pytest.fixture
def picker_data(browser_reference_data):
    load_reference_organizations()
    org = Organization.objects.get
    UserFactory(
        username="clerk", organization=org(code="ca-110000"), roles=[roles.ADMINISTRATION_STAFF]
    )
    UserFactory(
        username="op", organization=org(code="op-telecom-110000"), roles=[roles.OPERATOR_STAFF]
    )
    beijing = building_create(actor=None, name="金茂大厦", address="北京市东城区建国门内大街1号")
    building_create(actor=None, name="金茂中心", address="辽宁省大连市中山区人民路1号")
    presence_set(
        actor=None,
        building=beijing,
        operator=org(code="op-mobile"),
        status="serving",
        source="manual",
    )
    return {"beijing": beijing}


def test_picker_on_the_case_form_desktop(live_server, browser_page, staff_login, picker_data):
    from playwright.sync_api import expect

    page = browser_page
    staff_login("clerk")
    page.goto(f"{live_server.url}/cases/new/")
    expect(page.get_by_test_id("case-form")).to_have_count(0)
    picker = page.get_by_role("combobox", name="楼宇")
    picker.press_sequentially("金茂")
    options = page.get_by_test_id("picker-option")
    expect(options).to_have_count(1)  # the 大连 building is not the clerk's
    expect(options.first).to_contain_text("金茂大厦")
    expect(options.first).to_contain_text("北京市东城区建国门内大街1号")
    expect(options.first).to_contain_text("在服务基础电信企业 1")
    picker.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    picker.press("Enter")
    expect(page.get_by_test_id("picked-building")).to_contain_text("金茂大厦")
    expect(page.locator("#id_building_code")).to_have_count(0)  # asked once, kept hidden
    page.get_by_label("违规问题类别").select_option(label="阻碍进场")
    page.get_by_label("责任主体").select_option(label="物业公司")
    page.get_by_test_id("case-submit").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已立案")


def test_picker_on_a_phone(live_server, browser_page, staff_login, picker_data):
    from playwright.sync_api import expect

    page = browser_page
    page.set_viewport_size(MOBILE)
    staff_login("clerk")
    page.goto(f"{live_server.url}/complaints/new/")
    picker = page.get_by_role("combobox", name="楼宇")
    picker.press_sequentially("金茂")
    options = page.get_by_test_id("picker-option")
    expect(options).to_have_count(2)  # intake may name any building
    expect(page.get_by_text("在服务基础电信企业")).to_have_count(0)  # name and address only
    box = page.locator(".ly-picker-list").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"]
    options.filter(has_text="金茂中心").click()
    expect(page.get_by_test_id("picker-picked")).to_contain_text("金茂中心")
    assert picker.input_value().startswith("210202-")
    picker.fill("")
    picker.press_sequentially("金")
    expect(options).to_have_count(0)
    staff_login("op")
    page.goto(f"{live_server.url}/cases/report/")
    picker = page.get_by_role("combobox", name="楼宇")
    picker.press_sequentially("金茂")
    expect(options).to_have_count(1)
    picker.press("ArrowDown")
    picker.press("Enter")
    assert picker.input_value() == picker_data["beijing"].code
