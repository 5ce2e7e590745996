import importlib
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LOUYU_SHOTS_PUBLIC", "/tmp/shots-public"))
MOBILE = {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def public_data(browser_reference_data, settings):
    """Categories (migration data, flushed by transactional tests), the reference
    organisations and one registered building."""
    from django.apps import apps
    from django.core.cache import cache
    from django.db import connection

    from louyu.buildings import services as building_services
    from louyu.complaints.models import Category
    from louyu.core.reference import load_reference_organizations

    settings.LOUYU_PUBLIC_FORM_MIN_SECONDS = 0.5
    cache.clear()
    if not Category.objects.exists():
        migration = importlib.import_module("louyu.complaints.migrations.0002_reference_categories")
        with connection.schema_editor() as editor:
            migration.load(apps, editor)
    load_reference_organizations()
    return building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号", building_type="office_tower"
    )


def test_file_a_complaint_on_a_phone_and_track_it(live_server, browser_page, public_data, tmp_path):
    from playwright.sync_api import expect

    from louyu.complaints.models import Attachment, Complaint

    page = browser_page
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/public/complaints/new/")
    expect(page.get_by_role("heading", name="商务楼宇宽带接入申诉")).to_be_visible()
    _shot(page, "01-form-empty")

    page.get_by_label("问题类别").select_option(label="阻碍进场")
    page.get_by_label("所在楼宇").fill("国贸")
    page.get_by_role("option").filter(has_text="国贸大厦").click()
    expect(page.get_by_test_id("building-picked")).to_have_text("北京市朝阳区建国路1号")
    page.get_by_label("问题描述").fill("物业不让联通进场施工，只能用指定代理商的宽带。<b>急</b>")
    page.get_by_label("联系人姓名").fill("王五")
    page.get_by_label("联系电话").fill("13912345678")
    pdf = tmp_path / "合同.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("附件（选填）").set_input_files(str(pdf))

    # Without consent the form comes back with the reason, keeping what was typed.
    page.get_by_role("button", name="提交申诉").click()
    expect(page.get_by_test_id("error-consent")).to_be_visible()
    _shot(page, "02-form-errors")
    assert not Complaint.objects.exists()

    page.get_by_label("所在楼宇").fill("国贸")
    page.get_by_role("option").filter(has_text="国贸大厦").click()
    page.get_by_label("附件（选填）").set_input_files(str(pdf))
    page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    page.wait_for_timeout(600)
    page.get_by_role("button", name="提交申诉").click()
    expect(page.get_by_test_id("receipt")).to_be_visible()
    _shot(page, "03-receipt")
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    secret = page.get_by_test_id("secret").inner_text().strip()
    complaint = Complaint.objects.get()
    assert complaint.tracking_code == code and complaint.building.name == "国贸大厦"
    assert Attachment.objects.filter(complaint=complaint).count() == 1

    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("受理编号").fill(code)
    page.get_by_label("查询码").fill("WRONG1")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("track-error")).to_contain_text("未找到")
    _shot(page, "04-track-not-found")
    page.get_by_label("查询码").fill(secret)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("state")).to_have_text("已收到，等待受理审查")
    expect(page.get_by_test_id("steps")).to_contain_text("提交申诉")
    assert "王五" not in page.content() and "13912345678" not in page.content()
    _shot(page, "05-status")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"]
