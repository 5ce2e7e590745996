"""Issue 15 item 5 walked in a browser on the work plan pages: a date is picked from the
calendar, another is typed as 2027年12月3日, and a form that comes back with an error names
the file that must be chosen again."""

import datetime
import os

import pytest

from louyu.buildings import services as building_services
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()


def test_dates_are_picked_or_typed_and_lost_files_are_named(live_server, browser_page, tmp_path):
    from playwright.sync_api import expect

    from louyu.workplans.models import PlanMeasure, WorkPlan

    proof = tmp_path / "现场照片.pdf"
    proof.write_bytes(b"%PDF-1.4\n%%EOF\n")
    load_reference_organizations()
    admin_org = Organization.objects.get(code="ca-110000")
    branch = Organization.objects.get(code="op-telecom-110000")
    UserFactory(username="planner", organization=admin_org, roles=[roles.ADMINISTRATION_STAFF])
    UserFactory(username="telecom-staff", organization=branch, roles=[roles.OPERATOR_STAFF])
    building = building_services.building_create(
        actor=None, name="日期选择测试大厦", address="北京市朝阳区望京街20号"
    )
    page = browser_page

    # The target date is picked from the calendar: next month, the 15th.
    _login(page, f"{live_server.url}/work-plans/zero-operator/", "planner")
    page.locator(f'[data-testid="zero-row"][data-building="{building.code}"]').get_by_test_id(
        "plan-create"
    ).click()
    page.get_by_label("工作目标").fill("年底前推动中国电信入驻")
    page.get_by_label("目标日期").click()
    calendar = page.get_by_test_id("datepicker-target_date")
    expect(calendar).to_be_visible()
    expect(calendar.locator(".flatpickr-weekday").first).to_have_text("周日")
    calendar.locator(".flatpickr-next-month").click()
    calendar.locator(
        ".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="15"
    ).first.click()
    first = datetime.date.today().replace(day=1)
    picked = (first + datetime.timedelta(days=32)).replace(day=15)
    expect(page.get_by_label("目标日期")).to_have_value(picked.isoformat())
    page.get_by_test_id("plan-submit").click()
    expect(page.get_by_test_id("plan-state")).to_have_text("推进中")
    assert WorkPlan.objects.get(building=building).target_date == picked

    # The measure's due date is typed the Chinese way.
    typed = datetime.date(datetime.date.today().year + 1, 12, 3)
    page.get_by_test_id("action-add-measure").click()
    form = page.get_by_test_id("form-measure")
    form.get_by_label("措施类型").select_option(label="运营商入驻承诺")
    form.get_by_label("措施内容").fill("北京电信承诺入驻并开通服务")
    form.get_by_label("责任单位").select_option(str(branch.pk))
    form.get_by_label("完成时限").fill(f"{typed.year}年12月3日")
    form.get_by_label("完成时限").press("Escape")
    expect(page.get_by_test_id("datepicker-due_date")).to_be_hidden()
    form.get_by_label("承诺入驻日期").fill(f"{typed.year}/11/20")
    form.get_by_label("承诺入驻日期").press("Escape")
    page.get_by_test_id("submit-measure").click()
    expect(page.get_by_test_id("measure-status")).to_be_visible()
    measure = PlanMeasure.objects.get(plan__building=building)
    assert measure.due_date == typed
    assert measure.committed_entry_date == typed.replace(month=11, day=20)
    plan_url = page.url

    # Progress sent without its text comes back naming the chosen file.
    _login(page, plan_url, "telecom-staff")
    page.get_by_test_id("action-progress").click()
    progress = page.get_by_test_id("form-progress")
    progress.get_by_label("佐证材料（图片或 PDF，可选）").set_input_files(str(proof))
    page.get_by_test_id("submit-progress").click()
    expect(page.get_by_test_id("rechoose-files")).to_contain_text(
        "所选文件未保存，请重新选择：现场照片.pdf"
    )
