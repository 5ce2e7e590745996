import datetime
import os
from pathlib import Path

import pytest

from louyu.buildings import services as building_services
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LOUYU_SHOTS", "/tmp/shots-workplans"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()


def test_plan_from_zero_operator_list_to_achieved_close(live_server, browser_page, tmp_path):
    from PIL import Image
    from playwright.sync_api import expect

    photo = tmp_path / "site.png"
    Image.new("RGB", (16, 16), "orange").save(photo)

    load_reference_organizations()
    admin_org = Organization.objects.get(code="ca-110000")
    branch = Organization.objects.get(code="op-telecom-110000")
    UserFactory(username="planner", organization=admin_org, roles=[roles.ADMINISTRATION_STAFF])
    UserFactory(username="telecom-staff", organization=branch, roles=[roles.OPERATOR_STAFF])
    building = building_services.building_create(
        actor=None, name="望京浏览器测试大厦", address="北京市朝阳区望京街10号"
    )
    today = datetime.date.today()
    page = browser_page

    # The administration creates a plan from the zero-operator list.
    _login(page, f"{live_server.url}/work-plans/zero-operator/", "planner")
    expect(page.get_by_role("heading", name="零运营商楼宇")).to_be_visible()
    row = page.locator(f'[data-testid="zero-row"][data-building="{building.code}"]')
    row.get_by_test_id("plan-create").click()
    expect(page.get_by_test_id("plan-building")).to_contain_text("望京浏览器测试大厦")
    page.get_by_label("工作目标").fill("年底前推动中国电信入驻")
    page.get_by_label("目标日期").fill((today + datetime.timedelta(days=120)).isoformat())
    page.get_by_test_id("plan-submit").click()
    expect(page.get_by_test_id("plan-state")).to_have_text("推进中")

    # ... and adds the operator's entry commitment.
    page.get_by_test_id("action-add-measure").click()
    form = page.get_by_test_id("form-measure")
    form.get_by_label("措施类型").select_option(label="运营商入驻承诺")
    form.get_by_label("措施内容").fill("北京电信承诺入驻并开通服务")
    form.get_by_label("责任单位").select_option(str(branch.pk))
    form.get_by_label("完成时限").fill((today + datetime.timedelta(days=30)).isoformat())
    form.get_by_label("承诺入驻日期").fill((today + datetime.timedelta(days=25)).isoformat())
    page.get_by_test_id("submit-measure").click()
    expect(page.get_by_test_id("commitment")).to_contain_text("承诺于")
    plan_url = page.url
    _shot(page, "plan-with-commitment")

    # The operator logs in and reports progress on its measure.
    _login(page, plan_url, "telecom-staff")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    page.get_by_test_id("action-progress").click()
    progress = page.get_by_test_id("form-progress")
    progress.get_by_label("进展情况").fill("已完成现场勘察，下周进场施工")
    progress.get_by_label("措施状态").select_option("in_progress")
    progress.get_by_label("佐证材料（图片或 PDF，可选）").set_input_files(str(photo))
    page.get_by_test_id("submit-progress").click()
    expect(page.get_by_test_id("progress-entry")).to_contain_text("已完成现场勘察")
    expect(page.get_by_test_id("measure-status")).to_have_text("进行中")
    expect(page.get_by_test_id("evidence-link")).to_have_text("site.png")

    # Presence turns serving; the administration closes the plan as achieved.
    building_services.presence_set(
        actor=None,
        building=building,
        operator=branch.operator,
        status="serving",
        source="operator_report",
    )
    _login(page, plan_url, "planner")
    expect(page.get_by_test_id("now-served-banner")).to_contain_text("已有基础运营商入驻：中国电信")
    page.get_by_test_id("action-close").click()
    expect(page.get_by_test_id("close-cancels")).to_be_visible()
    page.get_by_test_id("form-close").get_by_label("关闭结果").select_option("achieved")
    page.get_by_test_id("submit-close").click()
    expect(page.get_by_test_id("plan-state")).to_have_text("已关闭")
    expect(page.get_by_test_id("plan-outcome")).to_have_text("已实现入驻")
    expect(page.get_by_test_id("measure-status")).to_have_text("已取消")
    _shot(page, "plan-closed")


def test_plan_page_links_the_building_only_for_who_may_open_it(live_server, chromium_browser):
    """Issue 15 item 6: samr-110000 owns a measure of the plan but may not open buildings; it
    reads the building's name, with no link into a 403. The administration follows it."""
    from playwright.sync_api import expect

    from louyu.workplans import services
    from louyu.workplans.models import MeasureKind
    from louyu.workplans.tests.factories import WorkPlanFactory

    load_reference_organizations()
    admin_org = Organization.objects.get(code="ca-110000")
    samr_org = Organization.objects.get(code="samr-110000")
    planner = UserFactory(
        username="planner", organization=admin_org, roles=[roles.ADMINISTRATION_STAFF]
    )
    UserFactory(username="samr-staff", organization=samr_org, roles=[roles.JOINT_DEPARTMENT_STAFF])
    building = building_services.building_create(
        actor=None, name="望京链接测试大厦", address="北京市朝阳区望京街12号"
    )
    plan = WorkPlanFactory(actor=planner, building=building)
    services.measure_add(
        actor=planner,
        plan=plan,
        kind=MeasureKind.objects.get(code="talk_property"),
        title="联合约谈物业公司",
        owner=samr_org,
        due_date=datetime.date.today() + datetime.timedelta(days=10),
    )
    for viewport in ({"width": 1366, "height": 900}, {"width": 390, "height": 844}):
        context = chromium_browser.new_context(viewport=viewport, locale="zh-CN")
        try:
            page = context.new_page()
            _login(page, f"{live_server.url}/work-plans/{plan.pk}/", "samr-staff")
            name = page.get_by_test_id("plan-building-link")
            expect(name).to_have_text("望京链接测试大厦")
            expect(page.get_by_role("link", name="望京链接测试大厦")).to_have_count(0)

            _login(page, f"{live_server.url}/work-plans/{plan.pk}/", "planner")
            page.get_by_role("link", name="望京链接测试大厦").click()
            expect(page).to_have_url(f"{live_server.url}/buildings/{building.pk}/")
            expect(page.get_by_role("heading", level=1)).to_contain_text("望京链接测试大厦")
        finally:
            context.close()
