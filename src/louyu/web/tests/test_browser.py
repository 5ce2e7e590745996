import datetime
import os
import re

import pytest
from django.utils import timezone

from louyu.core import roles, services
from louyu.core.models import WorkItem, WorkItemState
from louyu.core.tests.factories import JurisdictionFactory, OrganizationFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_sign_in_complete_a_work_item_and_switch_to_english(live_server, browser_page):
    from playwright.sync_api import expect

    jurisdiction = JurisdictionFactory(code="970011", name="丙省通信管理局", short_name="丙")
    org = OrganizationFactory(code="ca-970011", name="丙省通信管理局", jurisdiction=jurisdiction)
    user = UserFactory(
        username="clerk",
        first_name="小明",
        last_name="王",
        organization=org,
        roles=[roles.ADMINISTRATION_STAFF],
    )
    item = services.work_item_create(
        actor=None,
        title="核查某商务楼宇的进场受阻情况",
        assignee_organization=org,
        due_at=timezone.now() + datetime.timedelta(days=2),
    )
    step = services.work_item_create(
        actor=None,
        title="受理审查：TS-BROWSER",
        assignee_organization=org,
        due_at=timezone.now() + datetime.timedelta(days=5),
        link="/inbox/?q=TS-BROWSER",
        kind="complaint",
        step=True,
    )
    page = browser_page

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()

    expect(page.get_by_test_id("home-heading")).to_contain_text("王小明")
    expect(page.get_by_test_id("scope-label")).to_have_text("丙省通信管理局")
    expect(page.get_by_test_id("urgent-item").first).to_contain_text("核查某商务楼宇的进场受阻情况")
    expect(page.get_by_test_id("count-open")).to_contain_text("2")

    page.locator(".ly-sidebar").get_by_role("link", name="我的待办").click()
    step_row = page.get_by_test_id("inbox-item").filter(has_text="受理审查：TS-BROWSER")
    expect(step_row.get_by_role("link", name="办结")).to_have_count(0)
    expect(step_row.get_by_test_id(f"handle-{step.pk}")).to_have_text("去办理")
    row = page.get_by_test_id("inbox-item").filter(has_text="核查某商务楼宇的进场受阻情况")
    expect(row).to_be_visible()
    row.get_by_role("link", name="办结").click()
    expect(page.get_by_test_id("work-item-confirm")).to_contain_text("确认此事项已经办完？")
    page.get_by_test_id("confirm-complete").click()
    expect(page.get_by_test_id("message-success")).to_contain_text(
        "已办结：核查某商务楼宇的进场受阻情况"
    )
    expect(page.get_by_test_id("inbox-item")).to_have_count(1)
    item.refresh_from_db()
    assert item.state == WorkItemState.DONE
    assert list(WorkItem.objects.filter(state=WorkItemState.OPEN)) == [step]

    page.get_by_test_id(f"handle-{step.pk}").click()
    expect(page).to_have_url(re.compile(r"/inbox/\?q=TS-BROWSER$"))
    page.goto(f"{live_server.url}/inbox/{step.pk}/done/")
    expect(page.get_by_test_id("work-item-step")).to_contain_text("不能在这里手工办结")
    expect(page.get_by_test_id("confirm-complete")).to_have_count(0)
    page.get_by_role("link", name="返回待办").click()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work items")
    expect(page.get_by_role("button", name="中文")).to_be_visible()
    assert user.display_name == "王小明"


def test_mobile_navigation_opens_the_menu(live_server, chromium_browser, browser_reference_data):
    from playwright.sync_api import expect

    from louyu.web.tests.browser import MOBILE

    UserFactory(username="mobile-user", roles=[roles.ADMINISTRATION_STAFF])
    context = chromium_browser.new_context(viewport=MOBILE, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill("mobile-user")
        page.get_by_label("密码").fill("demo12345")
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("home-heading")).to_be_visible()
        expect(page.locator(".ly-sidebar")).to_be_hidden()
        page.get_by_role("button", name="菜单").click()
        # Click once Bootstrap's collapse transition has ended ("collapsing" → "show"): a
        # click while the menu still slides open could land beside the moving link.
        expect(page.locator("#ly-nav-mobile")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        page.locator("#ly-nav-mobile").get_by_role("link", name="工作日历").click()
        expect(page.get_by_test_id("calendar-heading")).to_be_visible()
    finally:
        context.close()


def test_repeated_wrong_passwords_lock_the_login_with_an_explanation(
    live_server, browser_page, settings
):
    from playwright.sync_api import expect

    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="locked-clerk", roles=[roles.ADMINISTRATION_STAFF])
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(2):
        page.get_by_label("用户名").fill("locked-clerk")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("login-error")).to_be_visible()
    page.get_by_label("用户名").fill("locked-clerk")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-locked")).to_contain_text("登录失败次数过多")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-locked")).to_contain_text("15 分钟")
    expect(page.get_by_label("用户名")).to_have_value("locked-clerk")


def test_a_provisional_deadline_reads_the_same_and_explains_itself(
    live_server, chromium_browser, browser_reference_data
):
    """Issue 15 item 7, at 390 px: the deadline reads 24:00 of its last day and “时限待定”
    says why on the page itself, without a hover."""
    from playwright.sync_api import expect

    from louyu.core import calendar
    from louyu.web.tests.browser import MOBILE

    org = OrganizationFactory(code="ca-970012", jurisdiction=JurisdictionFactory(code="970012"))
    UserFactory(username="prov-user", organization=org, roles=[roles.ADMINISTRATION_STAFF])
    last_day = timezone.localdate() + datetime.timedelta(days=3)
    services.work_item_create(
        actor=None,
        title="节假日未公布时的事项",
        assignee_organization=org,
        due_at=calendar.Deadline.ending_on(last_day).due_at,
        due_provisional=True,
    )
    context = chromium_browser.new_context(viewport=MOBILE, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/inbox/")
        page.get_by_label("用户名").fill("prov-user")
        page.get_by_label("密码").fill("demo12345")
        page.get_by_test_id("login-submit").click()
        row = page.get_by_test_id("inbox-item").filter(has_text="节假日未公布时的事项")
        expect(row).to_contain_text(f"{last_day:%Y-%m-%d} 24:00")
        expect(row.get_by_test_id("deadline-provisional")).to_have_text("时限待定")
        expect(row.get_by_test_id("provisional-note")).to_be_visible()
        expect(row.get_by_test_id("provisional-note")).to_contain_text("节假日安排尚未公布")
    finally:
        context.close()


def test_the_audit_log_reads_in_words_and_filters_from_lists(
    live_server, chromium_browser, browser_reference_data
):
    """Issue 15 item 8 at 1366 and 390 px: the row says who did what to which building, the
    building is a link, the person is picked from a list, and the changes wrap."""
    from playwright.sync_api import expect

    from louyu.buildings import services as building_services
    from louyu.core.models import Jurisdiction
    from louyu.web.tests.browser import DESKTOP, MOBILE

    beijing = Jurisdiction.objects.get(code="110000")
    org = OrganizationFactory(code="ca-audit", name="北京市通信管理局", jurisdiction=beijing)
    clerk = UserFactory(
        username="audit-clerk",
        first_name="三",
        last_name="张",
        organization=org,
        roles=[roles.ADMINISTRATION_ADMIN],
    )
    building = building_services.building_create(
        actor=clerk, name="审计测试大厦" * 6, address="北京市朝阳区望京街20号"
    )
    for viewport in (DESKTOP, MOBILE):
        context = chromium_browser.new_context(viewport=viewport, locale="zh-CN")
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/?next=/audit/")
            page.get_by_label("用户名").fill("audit-clerk")
            page.get_by_label("密码").fill("demo12345")
            page.get_by_test_id("login-submit").click()
            page.get_by_test_id("audit-filter-actor").select_option(label="张三（audit-clerk）")
            jurisdictions = page.get_by_test_id("audit-filter-jurisdiction").locator("option")
            expect(jurisdictions).to_have_count(2)  # 全部 and 北京 only
            page.get_by_role("button", name="筛选").click()
            row = page.get_by_test_id("audit-row").filter(has_text="building.create")
            expect(row.get_by_test_id("audit-text")).to_contain_text(
                "北京市通信管理局 张三 创建了楼宇"
            )
            changes = row.get_by_test_id("audit-changes")
            wide = changes.evaluate("el => el.scrollWidth > el.clientWidth + 1")
            assert not wide
            row.get_by_test_id("audit-object-link").click()
            expect(page).to_have_url(f"{live_server.url}/buildings/{building.pk}/")
        finally:
            context.close()


def test_every_xlsx_export_button_reads_alike(live_server, browser_page, browser_reference_data):
    """Issue 15 item 11: every XLSX export button reads 导出 Excel."""
    from playwright.sync_api import expect

    from louyu.core.models import Jurisdiction

    org = OrganizationFactory(
        code="ca-export", jurisdiction=Jurisdiction.objects.get(code="110000")
    )
    UserFactory(username="export-clerk", organization=org, roles=[roles.ADMINISTRATION_ADMIN])
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("export-clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()
    for path in (
        "/complaints/",
        "/cases/",
        "/work-plans/",
        "/work-plans/zero-operator/",
        "/audit/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("link", name="导出 Excel")).to_have_count(1)
        expect(page.get_by_text("导出 XLSX")).to_have_count(0)


def test_a_detail_page_prints_its_content_only(live_server, browser_page, browser_reference_data):
    """Issue 15 item 11: printing a detail page leaves out navigation, forms and buttons."""
    from playwright.sync_api import expect

    from louyu.buildings import services as building_services
    from louyu.core.models import Jurisdiction

    org = OrganizationFactory(code="ca-print", jurisdiction=Jurisdiction.objects.get(code="110000"))
    UserFactory(username="print-clerk", organization=org, roles=[roles.ADMINISTRATION_ADMIN])
    building = building_services.building_create(
        actor=None, name="打印测试大厦", address="北京市朝阳区望京街30号"
    )
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/buildings/{building.pk}/")
    page.get_by_label("用户名").fill("print-clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("打印测试大厦")
    assert page.locator(".btn:visible").count() > 0
    page.emulate_media(media="print")
    expect(heading).to_be_visible()
    expect(page.locator(".ly-topbar")).to_be_hidden()
    expect(page.locator(".ly-footer")).to_be_hidden()
    assert page.locator(".btn:visible").count() == 0
