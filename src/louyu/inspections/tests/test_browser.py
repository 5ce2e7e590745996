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


EVIDENCE = ("operators_serving", "exclusive_deal", "monthly_price", "notice_posted")
EVIDENCE += ("facilities_open",)


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return out.getvalue()


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
    # Photos cannot be kept offline: the record is refused, naming the items lacking one.
    page.get_by_test_id("inspection-submit").click()
    errors = page.get_by_test_id("inspection-errors")
    expect(errors).to_contain_text("检查项“实际在楼内提供服务的基础电信企业”须上传现场照片。")
    expect(errors).to_contain_text("不合格，须上传现场照片")
    assert not Inspection.objects.exists()
    for code in EVIDENCE:
        page.locator(f"#p-{code}").set_input_files(
            {"name": f"{code}.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
        )
    page.get_by_test_id("inspection-submit").click()
    expect(page.get_by_test_id("inspection-outcome")).to_have_text("已检查")
    record = Inspection.objects.get()
    assert str(record.submission_key) == key and record.case is not None
    assert page.evaluate(f"localStorage.getItem('louyu-inspection-{assignment.pk}')") is None
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_board_progress_reinspection_inbox_and_building_report(live_server, browser_page):
    """The planner sees each team's progress, schedules a re-inspection of the failed
    building (an empty choice is refused in Chinese, nothing scheduled); the team member
    finds it in the inbox, follows it to the failed record and downloads its PDF report."""
    import io
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from louyu.inspections import services
    from louyu.inspections.models import Assignment
    from louyu.inspections.tests.records_fixtures import PASSING

    assignment = _running_assignment()
    member = assignment.team.members.get()
    services.inspection_submit(
        actor=member,
        assignment=assignment,
        answers={
            **PASSING,
            "exclusive_deal": "yes",
            "operators_serving": [services.basic_operators().first().code],
        },
        photos=[
            (code, SimpleUploadedFile(f"{code}.jpg", _jpeg(), content_type="image/jpeg"))
            for code in EVIDENCE
        ],
        submission_key=uuid.uuid4(),
    )
    page = browser_page
    page.goto(f"{live_server.url}/inspections/plans/{assignment.team.plan_id}/")
    page.get_by_label("用户名").fill("rec-planner")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    row = page.get_by_test_id("team-progress-row")
    expect(row).to_contain_text("光华一组")
    expect(row.get_by_test_id("tp-assigned")).to_have_text("1")
    expect(row.get_by_test_id("tp-inspected")).to_have_text("1")
    expect(row.get_by_test_id("tp-failed")).to_have_text("1")
    expect(row.get_by_test_id("tp-remaining")).to_have_text("0")

    form = page.get_by_test_id("form-reinspect")
    form.get_by_label("复查检查组").select_option(label="光华一组")
    form.get_by_label("复查日期").fill(datetime.date.today().isoformat())
    page.get_by_test_id("submit-reinspect").click()
    expect(page.get_by_test_id("error-inspections")).to_have_text("请选择需要复查的楼宇。")
    assert Assignment.objects.count() == 1

    page.get_by_label("复查检查记录大厦").check()
    page.get_by_test_id("form-reinspect").get_by_label("复查检查组").select_option(label="光华一组")
    page.get_by_test_id("form-reinspect").get_by_label("复查日期").fill(
        datetime.date.today().isoformat()
    )
    page.get_by_test_id("submit-reinspect").click()
    expect(page.get_by_test_id("failed-reinspection")).to_contain_text("光华一组 · 待复查")
    expect(row.get_by_test_id("tp-assigned")).to_have_text("2")
    assert Assignment.objects.filter(reinspection_of__isnull=False).count() == 1

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/inbox/")
    page.get_by_label("用户名").fill("rec-samr")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    item = page.get_by_test_id("inbox-item").filter(has_text="联合检查复查：检查记录大厦")
    expect(item).to_have_count(1)
    item.get_by_role("link", name="联合检查复查：检查记录大厦（光华一组").click()
    expect(page.get_by_test_id("reinspection-tag")).to_be_visible()
    page.get_by_test_id("reinspection-of").get_by_role("link").click()
    expect(page.get_by_test_id("reinspection-scheduled")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("report-pdf").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "检查记录大厦" in text and "不合格" in text
