"""The progress work in a browser: the ministry's dashboard with its chart, map and figures
that open their lists; an administration writing and submitting its monthly report, the
ministry returning and accepting it; a bulletin compiled, reviewed, published and
downloaded; the dashboard on a phone."""

import datetime
import os
from pathlib import Path

import pytest

from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.tests.factories import UserFactory
from louyu.reporting.models import MonthlyReport
from louyu.reporting.rollup import refresh
from louyu.reporting.services import reports
from louyu.reporting.tests.conftest import History
from louyu.reporting.tests.test_figures import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("LOUYU_SHOTS", "/tmp/shots-reporting"))
MARCH = datetime.date(2026, 3, 1)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()


@pytest.fixture
def progress(browser_reference_data):
    history = History()
    build(history)
    org = Organization.objects.get
    UserFactory(
        username="minister", organization=org(code="ministry"), roles=[roles.MINISTRY_ADMIN]
    )
    UserFactory(
        username="bj-clerk", organization=org(code="ca-110000"), roles=[roles.ADMINISTRATION_STAFF]
    )
    refresh.refresh()
    reports.reports_open(period=MARCH)
    return history


def test_the_ministry_reads_the_dashboard_and_opens_a_figure(live_server, browser_page, progress):
    from playwright.sync_api import expect

    page = browser_page
    _login(page, f"{live_server.url}/reporting/?preset=all&metric=buildings_registered", "minister")
    expect(page.get_by_test_id("area-label")).to_have_text("全国")
    expect(page.locator("#chart-monthly svg")).to_be_visible()
    expect(page.locator("#chart-map svg path").first).to_be_attached(timeout=15_000)
    card = page.get_by_test_id("card-buildings_registered")
    shown = card.get_by_test_id("value").inner_text()
    _shot(page, "dashboard")
    card.click()
    expect(page.get_by_test_id("list-count")).to_contain_text(f"共 {shown} 条")
    assert page.get_by_test_id("counted-row").count() == int(shown)
    page.goto(f"{live_server.url}/reporting/?preset=all&sort=buildings_registered")
    first = page.get_by_test_id("ranking-row").first
    expect(first).to_contain_text("北京")


def test_a_monthly_report_is_submitted_returned_and_accepted(live_server, browser_page, progress):
    from playwright.sync_api import expect

    report = MonthlyReport.objects.get(jurisdiction__code="110000", period=MARCH)
    page = browser_page
    _login(page, f"{live_server.url}/reporting/reports/{report.pk}/", "bj-clerk")
    expect(page.get_by_test_id("report-state")).to_have_text("草稿")
    page.get_by_label("工作进展").fill("开展楼宇清理整治，约谈物业 3 家。")
    page.get_by_test_id("report-save").click()
    expect(page.get_by_test_id("message-success")).to_be_visible()
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-state")).to_have_text("已报送")
    expect(page.get_by_test_id("report-figures")).to_contain_text("报送时冻结")
    assert page.get_by_test_id("report-form").count() == 0

    _login(page, f"{live_server.url}/reporting/reports/", "minister")
    board = page.get_by_test_id("submission-board")
    page.get_by_label("报送月份").fill("2026-03")
    page.get_by_role("button", name="查看").click()
    expect(board.get_by_test_id("board-row").filter(has_text="北京")).to_contain_text("已报送")
    page.goto(f"{live_server.url}/reporting/reports/{report.pk}/")
    page.get_by_test_id("report-return-open").click()
    page.get_by_label("退回意见（必填）").fill("请补充典型经验做法。")
    page.get_by_test_id("report-return").click()
    expect(page.get_by_test_id("report-state")).to_have_text("已退回")

    _login(page, f"{live_server.url}/reporting/reports/{report.pk}/", "bj-clerk")
    expect(page.get_by_test_id("return-comment")).to_contain_text("请补充典型经验做法")
    page.get_by_label("典型经验做法").fill("建立楼宇问题台账。")
    page.get_by_test_id("report-save").click()
    page.get_by_test_id("report-submit").click()
    _login(page, f"{live_server.url}/reporting/reports/{report.pk}/", "minister")
    page.get_by_test_id("report-accept").click()
    expect(page.get_by_test_id("report-state")).to_have_text("已采用")
    _shot(page, "report-accepted")


def test_a_bulletin_is_compiled_reviewed_published_and_downloaded(
    live_server, browser_page, progress
):
    from playwright.sync_api import expect

    page = browser_page
    _login(page, f"{live_server.url}/reporting/bulletins/", "minister")
    page.get_by_label("通报月份").fill("2026-03")
    page.get_by_test_id("bulletin-create-submit").click()
    expect(page.get_by_test_id("bulletin-state")).to_have_text("草稿")
    expect(page.get_by_test_id("missing-reports")).to_be_visible()
    page.get_by_test_id("bulletin-to-reviewed").click()
    expect(page.get_by_test_id("message-error")).to_contain_text("文号")
    page.get_by_label("文号").fill("工信厅通信函〔2026〕21号")
    page.get_by_label("一、总体情况").fill("各地扎实推进整治工作。")
    page.get_by_test_id("bulletin-save").click()
    page.get_by_test_id("bulletin-to-reviewed").click()
    expect(page.get_by_test_id("bulletin-state")).to_have_text("已审核")
    page.get_by_test_id("bulletin-to-published").click()
    expect(page.get_by_test_id("bulletin-state")).to_have_text("已发布")
    _shot(page, "bulletin")
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    page.goto(f"{live_server.url}/public/bulletins/")
    expect(page.get_by_test_id("public-bulletins")).to_contain_text("2026年3月")


def test_the_dashboard_fits_a_phone(live_server, browser_page, progress):
    from playwright.sync_api import expect

    page = browser_page
    page.set_viewport_size(MOBILE)
    _login(page, f"{live_server.url}/reporting/", "bj-clerk")
    expect(page.get_by_test_id("headline")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    _shot(page, "dashboard-phone")
