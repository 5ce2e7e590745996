"""An operator reports in Chromium that it was refused entry, with a photo as evidence: the
case is opened and the registry shows the operator refused at that building."""

import io

import pytest
from PIL import Image

from louyu.buildings.services import building_create
from louyu.cases.models import CaseFile
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refused_entry_report_with_evidence_changes_the_registry(
    live_server, browser_page, staff_login, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = str(tmp_path)
    load_reference_organizations()
    UserFactory(
        username="op",
        organization=Organization.objects.get(code="op-telecom-110000"),
        roles=[roles.OPERATOR_STAFF],
    )
    building = building_create(actor=None, name="受阻测试大厦", address="北京市朝阳区建国路99号")
    photo = io.BytesIO()
    Image.new("RGB", (16, 16), (160, 20, 60)).save(photo, format="PNG")
    page = browser_page
    staff_login("op")
    page.goto(f"{live_server.url}/cases/report/?building={building.code}")
    page.get_by_label("受阻情况").fill("物业以独家协议为由拒绝我司进场施工。")
    page.get_by_label("证据文件").set_input_files(
        [{"name": "门禁.png", "mimeType": "image/png", "buffer": photo.getvalue()}]
    )
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_text("已报告，立案编号")).to_be_visible()
    assert CaseFile.objects.get().original_name == "门禁.png"
    page.goto(f"{live_server.url}/buildings/{building.pk}/")
    expect(page.get_by_text("被拒绝进场").first).to_be_visible()
    expect(page.get_by_text("企业报送").first).to_be_visible()
