"""One walk through a case in Chromium: a substantiated complaint's “立案整治” button opens
it, the administration starts rectification and assigns a measure to the property company,
whose staff answer it, then the administration asks for acceptance, records a passed check
with a photo and the case is rectified."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from louyu.buildings.services import building_create
from louyu.complaints.models import Category
from louyu.complaints.services import Intake, complaint_create, complaint_transition
from louyu.core import roles
from louyu.core.models import Organization, OrganizationType
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import OrganizationFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LOUYU_SHOTS", "/tmp/shots-cases"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (20, 160, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()


def test_complaint_to_rectified_case(live_server, browser_page, settings, tmp_path):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = str(tmp_path)
    load_reference_organizations()
    admin_org = Organization.objects.get(code="ca-110000")
    pm = OrganizationFactory(
        code="pm-browser",
        name="浏览器测试物业",
        type=OrganizationType.PROPERTY_COMPANY,
        jurisdiction=admin_org.jurisdiction,
    )
    clerk = UserFactory(
        username="clerk", organization=admin_org, roles=[roles.ADMINISTRATION_STAFF]
    )
    UserFactory(username="pm", organization=pm, roles=[roles.PROPERTY_STAFF])
    building = building_create(
        actor=None, name="浏览器测试大厦", address="北京市朝阳区建国路88号", property_company=pm
    )
    complaint, _secret = complaint_create(
        actor=clerk,
        intake=Intake(
            channel="phone",
            category=Category.objects.get(code="entry_blocked"),
            description="物业不让电信进场施工。",
            complainant_name="王五",
            complainant_phone="13911112222",
            building=building,
            received_at=timezone.now() - datetime.timedelta(hours=3),
        ),
    )
    for to, details in [
        ("accepted", {}),
        ("handling", {}),
        ("replied", {"result": "substantiated", "reply_text": "经核查属实，已责令物业整改。"}),
    ]:
        complaint_transition(actor=clerk, complaint=complaint, to=to, **details)

    page = browser_page
    base = live_server.url
    _login(page, base, "clerk")
    page.goto(f"{base}/complaints/{complaint.pk}/")
    page.get_by_test_id("open-case").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已立案")
    expect(page.get_by_test_id("linked-complaints")).to_contain_text(complaint.tracking_code)
    case_url = page.url

    page.get_by_test_id("action-rectifying").click()
    page.get_by_test_id("submit-rectifying").click()
    expect(page.get_by_test_id("case-state")).to_have_text("整改中")
    expect(page.get_by_test_id("rectify-due")).to_be_visible()

    page.get_by_test_id("action-measure").click()
    form = page.get_by_test_id("form-measure")
    form.get_by_label("整改措施").fill("开放弱电间供运营商进场")
    form.get_by_label("责任单位").select_option(label="浏览器测试物业")
    due = timezone.localdate() + datetime.timedelta(days=10)
    form.get_by_label("完成期限").fill(due.isoformat())
    page.get_by_test_id("submit-measure").click()
    expect(page.get_by_test_id("measure-status")).to_have_text("待完成")
    _shot(page, "detail-rectifying")

    _login(page, base, "pm")
    page.goto(f"{base}/inbox/")
    expect(page.get_by_text("开放弱电间供运营商进场", exact=False).first).to_be_visible()
    page.goto(case_url)
    expect(page.get_by_test_id("read-only")).to_be_visible()
    answer = page.get_by_test_id("answer-form")
    answer.get_by_label("落实情况").fill("已开放弱电间，电信已进场。")
    answer.locator("input[type=file]").set_input_files(
        files=[{"name": "done.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_test_id("submit-answer").click()
    expect(page.get_by_test_id("measure-status")).to_have_text("已完成")
    _shot(page, "detail-measure-owner")

    _login(page, base, "clerk")
    page.goto(case_url)
    page.get_by_test_id("action-awaiting_acceptance").click()
    page.get_by_test_id("submit-awaiting_acceptance").click()
    expect(page.get_by_test_id("case-state")).to_have_text("待验收")
    page.get_by_test_id("action-acceptance").click()
    form = page.get_by_test_id("form-acceptance")
    form.get_by_label("验收结论").select_option("yes")
    form.get_by_label("验收意见").fill("现场验收合格。")
    page.get_by_test_id("submit-acceptance").click()
    expect(page.get_by_test_id("error-files")).to_contain_text("证据文件")
    form = page.get_by_test_id("form-acceptance")
    form.get_by_label("验收结论").select_option("yes")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "site.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_test_id("submit-acceptance").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已整改")
    expect(page.get_by_test_id("acceptance-check")).to_contain_text("验收合格")
    _shot(page, "detail-rectified")
    page.goto(f"{base}/cases/")
    expect(page.get_by_test_id("case-row")).to_have_count(1)
    _shot(page, "queue")
