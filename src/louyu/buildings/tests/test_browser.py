import os
from pathlib import Path

import pytest

from louyu.buildings import services
from louyu.core import roles
from louyu.core.models import Jurisdiction, OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LOUYU_SHOTS", "/tmp/shots-buildings"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_filter_zero_operator_buildings_and_record_presence(live_server, browser_page):
    from playwright.sync_api import expect

    beijing = Jurisdiction.objects.get(code="110000")
    org = OrganizationFactory(code="ca-110000", name="北京市通信管理局", jurisdiction=beijing)
    UserFactory(
        username="clerk",
        first_name="小红",
        last_name="李",
        organization=org,
        roles=[roles.ADMINISTRATION_STAFF],
    )
    for key, name in [("telecom", "中国电信"), ("mobile", "中国移动"), ("unicom", "中国联通")]:
        OrganizationFactory(
            code=key,
            name=name,
            short_name=name[2:],
            type=OrganizationType.OPERATOR,
            operator_key=key,
            is_basic_operator=True,
            jurisdiction=None,
        )
    telecom = OrganizationFactory(code="telecom")
    served = services.building_create(
        actor=None,
        name="国贸大厦",
        address="北京市朝阳区建国路88号",
        building_type="office_tower",
        latitude=39.909,
        longitude=116.459,
    )
    services.presence_set(
        actor=None, building=served, operator=telecom, status="serving", source="manual"
    )
    services.building_create(
        actor=None,
        name="光华创业园",
        address="北京市朝阳区光华路9号",
        building_type="business_park",
        latitude=39.915,
        longitude=116.452,
        entry_fee_charged=True,
    )
    page = browser_page

    page.goto(f"{live_server.url}/buildings/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()

    expect(page.get_by_role("heading", name="楼宇名录")).to_be_visible()
    expect(page.get_by_test_id("building-row")).to_have_count(2)
    _shot(page, "list-desktop")

    page.get_by_label("在服务企业数").select_option("0")
    page.get_by_test_id("filter-submit").click()
    rows = page.get_by_test_id("building-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("光华创业园")
    expect(rows.first.get_by_test_id("operator-count")).to_have_text("0")

    rows.first.get_by_test_id("building-link").click()
    expect(page.get_by_test_id("building-name")).to_have_text("光华创业园")
    expect(page.get_by_test_id("detail-operator-count")).to_have_text("0")
    expect(page.get_by_test_id("building-map").locator("svg")).to_be_visible()
    _shot(page, "detail-desktop")

    form = page.get_by_test_id("presence-form")
    form.get_by_label("基础电信企业").select_option(label="中国联通")
    form.get_by_label("状态").select_option("serving")
    form.get_by_label("说明").fill("现场核实已开通")
    page.get_by_test_id("presence-submit").click()

    expect(page.get_by_test_id("message-success")).to_contain_text("中国联通")
    expect(page.get_by_test_id("detail-operator-count")).to_have_text("1")
    expect(page.get_by_test_id("presence-history")).to_contain_text("现场核实已开通")

    page.goto(f"{live_server.url}/buildings/?operators=0")
    expect(page.get_by_test_id("building-empty")).to_be_visible()
    page.goto(f"{live_server.url}/buildings/?operators=1")
    expect(page.get_by_test_id("building-row")).to_have_count(2)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/buildings/")
    _shot(page, "list-mobile")
    page.get_by_test_id("building-link").filter(has_text="光华创业园").click()
    expect(page.get_by_test_id("detail-operator-count")).to_have_text("1")
    _shot(page, "detail-mobile")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_test_id("building-edit").click()
    page.get_by_label("地址").fill("某某路1号")
    page.get_by_label("区县区划代码").fill("")
    page.get_by_test_id("building-save").click()
    expect(page.get_by_test_id("error-address")).to_contain_text("请填写区划代码")
    _shot(page, "form-error-desktop")
