import importlib
import os
from pathlib import Path

import pytest

from louyu.complaints.services import Intake
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LOUYU_SHOTS", "/tmp/shots-complaints"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def complaint_reference_data(browser_reference_data):
    """The transactional flush removes the categories seeded by migration: restore them."""
    from django.apps import apps

    from louyu.complaints.models import Category

    if not Category.objects.exists():
        migration = importlib.import_module("louyu.complaints.migrations.0002_reference_categories")
        migration.load(apps, None)
    load_reference_organizations()


def test_staff_files_a_phone_complaint_and_handles_it_to_a_reply(
    live_server, browser_page, complaint_reference_data
):
    from playwright.sync_api import expect

    UserFactory(
        username="clerk",
        first_name="小红",
        last_name="李",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_STAFF],
    )
    page = browser_page
    page.goto(f"{live_server.url}/complaints/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("heading", name="申诉处理")).to_be_visible()
    expect(page.get_by_test_id("complaint-empty")).to_be_visible()

    page.get_by_test_id("complaint-add").click()
    form = page.get_by_test_id("intake-form")
    form.get_by_label("渠道").select_option("phone")
    form.get_by_label("问题类别").select_option("entry_blocked")
    form.get_by_label("楼宇地址").fill("北京市朝阳区建国路88号")
    form.get_by_label("问题描述").fill("物业不让联通进场，只能用代理商的宽带，<b>价格翻倍</b>。")
    form.get_by_label("申诉人姓名").fill("王五")
    form.get_by_label("联系电话").fill("13911112222")
    form.get_by_label("单位名称").fill("某某科技有限公司")
    page.get_by_test_id("intake-submit").click()

    expect(page.get_by_test_id("receipt")).to_be_visible()
    code = page.get_by_test_id("receipt-code").inner_text()
    assert code.startswith("TS")
    assert len(page.get_by_test_id("receipt-secret").inner_text()) == 6
    expect(page.get_by_test_id("complaint-state")).to_have_text("已提交")
    expect(page.get_by_test_id("complainant-name")).to_have_text("王*")
    expect(page.get_by_test_id("description")).to_contain_text("<b>价格翻倍</b>")
    _shot(page, "detail-submitted-desktop")

    page.get_by_test_id("action-accepted").click()
    page.get_by_test_id("submit-accepted").click()
    expect(page.get_by_test_id("message-success")).to_contain_text("受理")
    expect(page.get_by_test_id("complaint-state")).to_have_text("已受理")

    page.get_by_test_id("action-handling").click()
    page.get_by_test_id("form-handling").get_by_label("备注（内部）").fill("已联系物业")
    page.get_by_test_id("submit-handling").click()
    expect(page.get_by_test_id("complaint-state")).to_have_text("处理中")

    page.get_by_test_id("action-replied").click()
    reply = page.get_by_test_id("form-replied")
    page.get_by_test_id("submit-replied").click()  # nothing filled in: errors, no change
    expect(reply.get_by_test_id("error-result")).to_be_visible()
    expect(page.get_by_test_id("complaint-state")).to_have_text("处理中")
    _shot(page, "detail-reply-errors-desktop")
    reply.get_by_label("核查结论").select_option("substantiated")
    reply.get_by_label("答复内容").fill("经核查属实，已责令物业三日内放行联通施工。")
    page.get_by_test_id("submit-replied").click()
    expect(page.get_by_test_id("complaint-state")).to_have_text("已答复")

    timeline = page.get_by_test_id("timeline")
    expect(timeline.get_by_test_id("timeline-entry")).to_have_count(4)
    expect(timeline).to_contain_text("已联系物业")
    expect(timeline).to_contain_text("核查结论：属实")
    expect(page.get_by_test_id("reply-text")).to_contain_text("三日内放行")
    expect(page.get_by_test_id("letter-reply")).to_be_visible()

    page.get_by_test_id("reveal").click()
    expect(page.get_by_test_id("complainant-name")).to_have_text("王五")
    expect(page.get_by_test_id("complainant-phone")).to_have_text("13911112222")
    _shot(page, "detail-desktop")

    page.goto(f"{live_server.url}/complaints/")
    expect(page.get_by_test_id("complaint-row")).to_have_count(1)
    expect(page.get_by_test_id("complaint-row")).to_contain_text(code)
    expect(page.get_by_test_id("complaint-row")).not_to_contain_text("王五")
    _shot(page, "queue-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "queue-mobile")
    page.get_by_test_id("complaint-link").click()
    expect(page.get_by_test_id("tracking-code")).to_have_text(code)
    _shot(page, "detail-mobile")


def test_handler_adds_evidence_and_merges_a_likely_duplicate(
    live_server, browser_page, complaint_reference_data, tmp_path, settings
):
    import datetime
    import io

    from django.utils import timezone
    from PIL import Image
    from playwright.sync_api import expect

    from louyu.buildings import services as building_services
    from louyu.complaints import services
    from louyu.complaints.models import Attachment, Category, Complaint

    settings.MEDIA_ROOT = tmp_path
    clerk = UserFactory(
        username="clerk",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_STAFF],
    )
    building = building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号", building_type="office_tower"
    )
    filed = {
        "channel": "phone",
        "category": Category.objects.get(code="entry_blocked"),
        "building": building,
        "received_at": timezone.now() - datetime.timedelta(hours=2),
    }
    first, _ = services.complaint_create(
        actor=clerk,
        intake=Intake(
            **filed,
            description="物业不让电信进场施工，只能用代理商宽带。",
            complainant_name="张三",
            complainant_phone="13800138000",
        ),
    )
    second, _ = services.complaint_create(
        actor=clerk,
        intake=Intake(
            **filed,
            description="物业拒绝电信进场，只能用指定代理商的宽带。",
            complainant_name="李四",
            complainant_phone="13700137000",
        ),
    )
    services.complaint_transition(actor=clerk, complaint=second, to="accepted")
    photo = tmp_path / "现场照片.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    page = browser_page
    page.goto(f"{live_server.url}/complaints/{second.pk}/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()

    panel = page.get_by_test_id("duplicates-panel")
    expect(panel.get_by_test_id("duplicate")).to_have_count(1)
    expect(panel.get_by_test_id("duplicate")).to_contain_text(first.tracking_code)
    assert int(panel.get_by_test_id("duplicate-score").inner_text()) > 0
    expect(panel).not_to_contain_text("张三")

    page.get_by_test_id("action-verify").click()
    form = page.get_by_test_id("form-verify")
    form.get_by_label("核查方式").select_option("on_site")
    form.get_by_label("核查情况").fill("现场查看：物业张贴了“仅限代理商接入”的告示。")
    form.get_by_label("证据文件").set_input_files(str(photo))
    page.get_by_test_id("submit-verify").click()
    evidence = page.get_by_test_id("verification").get_by_test_id("evidence")
    expect(evidence).to_contain_text("现场照片.jpg")
    assert Attachment.objects.filter(complaint=second, kind="evidence").count() == 1
    _shot(page, "detail-evidence-duplicates-desktop")

    panel.get_by_test_id("duplicate-merge").click()
    expect(page.get_by_test_id("complaint-state")).to_have_text("已合并")
    second.refresh_from_db()
    assert second.state == "merged" and second.merged_into_id == first.pk
    assert Complaint.objects.get(pk=first.pk).state == "submitted"


def test_queues_and_a_detail_with_duplicates_fit_a_phone(
    live_server, chromium_browser, complaint_reference_data
):
    """Issue 15 item 9: at 390 px the complaint page with duplicate candidates and every
    queue fit without sideways scrolling; the queue shows each due date and overdue badge."""
    import datetime

    from django.utils import timezone
    from playwright.sync_api import expect

    from louyu.buildings import services as building_services
    from louyu.complaints import services
    from louyu.complaints.models import Category, Complaint
    from louyu.core.services import work_item_create
    from louyu.core.tests.layout import assert_fits_the_viewport

    clerk = UserFactory(
        username="phone-clerk",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_ADMIN],
    )
    building = building_services.building_create(
        actor=None,
        name="国贸三期写字楼A座北塔商务中心",
        address="北京市朝阳区建国门外大街1号国贸三期A座",
        building_type="office_tower",
    )
    filed = {
        "channel": "phone",
        "category": Category.objects.get(code="entry_blocked"),
        "building": building,
        "received_at": timezone.now() - datetime.timedelta(days=20),
    }
    complaints = [
        services.complaint_create(
            actor=clerk,
            intake=Intake(
                **filed,
                description=f"物业不让电信进场施工，只能用代理商宽带（第{n}次反映）。",
                complainant_name="张三",
                complainant_phone="13800138000",
            ),
        )[0]
        for n in (1, 2)
    ]
    Complaint.objects.filter(pk=complaints[0].pk).update(
        accept_due_at=timezone.now() - datetime.timedelta(days=3)
    )
    work_item_create(
        actor=None,
        title="核查国贸三期写字楼A座北塔商务中心的进场受阻情况并报送核查结论",
        assignee_organization=clerk.organization,
        due_at=timezone.now() - datetime.timedelta(days=1),
    )
    phone = {"width": 390, "height": 844}
    context = chromium_browser.new_context(viewport=phone, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/complaints/")
        page.get_by_label("用户名").fill("phone-clerk")
        page.get_by_label("密码").fill("demo12345")
        page.get_by_test_id("login-submit").click()
        row = page.get_by_test_id("complaint-row").filter(has_text=complaints[0].tracking_code)
        expect(row.get_by_text("已超期")).to_be_visible()
        assert_fits_the_viewport(page)
        page.goto(f"{live_server.url}/complaints/{complaints[1].pk}/")
        expect(page.get_by_test_id("duplicates-panel").get_by_test_id("duplicate")).to_have_count(1)
        assert_fits_the_viewport(page)
        for path in ("/inbox/", "/cases/", "/work-plans/", "/work-plans/zero-operator/"):
            page.goto(f"{live_server.url}{path}")
            assert_fits_the_viewport(page)
        page.goto(f"{live_server.url}/inbox/")
        item = page.get_by_test_id("inbox-item").first
        expect(item.get_by_text("已超期")).to_be_visible()
    finally:
        context.close()
