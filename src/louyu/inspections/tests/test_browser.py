import datetime
import os

import pytest

from louyu.buildings.models import Building
from louyu.buildings.tests.factories import BuildingFactory
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_drawn_approved_staffed_and_opened_on_a_phone(live_server, browser_page):
    from playwright.sync_api import expect

    load_reference_organizations()
    admin = Organization.objects.get(code="ca-110000")
    samr = Organization.objects.get(code="samr-110000")
    UserFactory(username="insp-planner", organization=admin, roles=[roles.ADMINISTRATION_STAFF])
    UserFactory(username="insp-samr", organization=samr, roles=[roles.JOINT_DEPARTMENT_STAFF])
    for n in range(1, 6):
        made = BuildingFactory(name=f"检查测试大厦{n}", address=f"北京市朝阳区建国路{n}号")
        Building.objects.filter(pk=made.pk).update(operator_count=0 if n == 1 else 2)
    today = datetime.date.today()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/inspections/plans/new/")
    page.get_by_label("用户名").fill("insp-planner")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    page.get_by_label("方案名称").fill("朝阳区商务楼宇联合检查")
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("结束日期").fill((today + datetime.timedelta(days=20)).isoformat())
    page.get_by_label("样本量").fill("3")
    page.get_by_test_id("choices-jurisdictions").get_by_label("北京市通信管理局").check()
    page.get_by_test_id("choices-organizations").get_by_text(samr.name).click()
    page.get_by_label("零运营商楼宇 每辖区数量").fill("1")
    page.get_by_test_id("plan-submit").click()
    expect(page.get_by_test_id("plan-state")).to_have_text("草稿")

    page.get_by_test_id("plan-draw").click()
    expect(page.get_by_test_id("sample-row")).to_have_count(3)
    expect(page.get_by_test_id("sample-reason").first).to_have_text(
        "零运营商楼宇：没有基础电信企业提供服务"
    )
    page.get_by_test_id("action-approved").click()
    expect(page.get_by_test_id("plan-state")).to_have_text("已批准")

    page.get_by_test_id("action-team").click()
    team = page.get_by_test_id("form-team")
    team.get_by_label("检查组名称").fill("朝阳联合一组")
    team.get_by_text("insp-samr").click()
    page.get_by_test_id("submit-team").click()
    expect(page.get_by_test_id("team-row")).to_contain_text("朝阳联合一组")

    page.get_by_test_id("action-assign").click()
    assign = page.get_by_test_id("form-assign")
    assign.get_by_label("抽样楼宇").select_option(index=1)
    assign.get_by_label("检查组").select_option(label="朝阳联合一组")
    assign.get_by_label("检查日期").fill(today.isoformat())
    page.get_by_test_id("submit-assign").click()
    expect(page.get_by_test_id("assignment-link")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_test_id("assignment-link").click()
    expect(page.get_by_test_id("assignment-items")).to_contain_text("实际在楼内提供服务")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def _running_assignment():
    """A running plan of 北京 with one building assigned to a team of the administration
    and market regulation; the checklist is re-seeded (transactional tests flush it)."""
    import importlib

    from django.apps import apps

    from louyu.inspections import services
    from louyu.inspections.models import ChecklistVersion
    from louyu.inspections.sampling import StratumSpec

    if not ChecklistVersion.objects.exists():
        importlib.import_module("louyu.inspections.migrations.0002_checklist_v1").seed(apps, None)
    load_reference_organizations()
    admin = Organization.objects.get(code="ca-110000")
    samr = Organization.objects.get(code="samr-110000")
    planner = UserFactory(
        username="rec-planner", organization=admin, roles=[roles.ADMINISTRATION_STAFF]
    )
    member = UserFactory(
        username="rec-samr", organization=samr, roles=[roles.JOINT_DEPARTMENT_STAFF]
    )
    target = BuildingFactory(name="检查记录大厦", address="北京市朝阳区光华路1号")
    today = datetime.date.today()
    plan = services.inspection_plan_create(
        actor=planner,
        name="光华路联合检查",
        period_start=today,
        period_end=today + datetime.timedelta(days=10),
        jurisdictions=[admin.jurisdiction],
        checklist=ChecklistVersion.objects.get(code="2026-v1"),
        strata=[StratumSpec(kind="random_rest")],
        sample_size=1,
        seed=7,
    )
    plan = services.inspection_plan_draw(actor=planner, plan=plan)
    plan.organizations.add(samr)
    services.inspection_plan_transition(actor=planner, plan=plan, to="approved")
    team = services.team_create(actor=planner, plan=plan, name="光华一组", members=[member])
    assignment = services.assignment_create(
        actor=planner, team=team, sampled=plan.sample.get(building=target), scheduled_on=today
    )
    services.inspection_plan_transition(actor=planner, plan=plan, to="running")
    return assignment


def test_inspection_recorded_offline_is_kept_and_submitted_once(live_server, browser_page):
    from playwright.sync_api import expect

    from louyu.inspections.models import Inspection

    assignment = _running_assignment()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    url = f"{live_server.url}/inspections/assignments/{assignment.pk}/"
    page.goto(url)
    page.get_by_label("用户名").fill("rec-samr")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    form = page.get_by_test_id("inspection-form")
    expect(form).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    form.get_by_label("中国电信").first.check()
    for name in ("exclusive_deal", "fee_to_operators", "fee_to_tenants", "forced_contractor"):
        page.locator(f"#a-{name}-no").check()
    page.locator("#a-exclusive_deal-yes").check()
    page.locator("#a-facilities_open-yes").check()
    page.locator("[name=answer_monthly_price]").fill("280")
    page.locator("[name=answer_notice_posted]").select_option("全部公示")

    page.context.set_offline(True)
    page.get_by_test_id("inspection-submit").click()
    status = page.get_by_test_id("inspection-status")
    expect(status).to_have_text("已保存在本机，联网后提交")
    assert not Inspection.objects.exists()

    # The connection comes back but drops again during the automatic retry.
    page.route("**/inspection/", lambda route: route.abort())
    page.context.set_offline(False)
    expect(status).to_have_text("已保存在本机，联网后提交")
    page.reload()
    expect(page.locator("#a-exclusive_deal-yes")).to_be_checked()
    expect(page.locator("[name=answer_monthly_price]")).to_have_value("280")
    expect(status).to_have_text("已保存在本机，联网后提交")
    key = page.evaluate(f"JSON.parse(localStorage.getItem('louyu-inspection-{assignment.pk}')).key")
    assert not Inspection.objects.exists()

    page.unroute("**/inspection/")
    page.get_by_test_id("inspection-submit").click()
    expect(page.get_by_test_id("inspection-outcome")).to_have_text("已检查")
    record = Inspection.objects.get()
    assert str(record.submission_key) == key and record.case is not None
    assert page.evaluate(f"localStorage.getItem('louyu-inspection-{assignment.pk}')") is None
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
