"""The building import in a browser: upload a small XLSX, read the dry-run counts, confirm,
and find an imported building in the registry. With the in-process task backend the job has
finished by the time the upload request redirects."""

import io
import os
from pathlib import Path

import openpyxl
import pytest

from louyu.core import roles
from louyu.core.models import Jurisdiction
from louyu.core.tests.factories import OrganizationFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("LOUYU_SHOTS", "/tmp/shots-buildings"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _workbook(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["朝阳区商务楼宇台账"])
    sheet.append(["楼宇名称", "地址", "楼宇类型", "楼层数", "联系人"])
    sheet.append(["望京创新大厦", "北京市朝阳区望京街10号", "写字楼", "28", "王"])
    sheet.append(["光华创业园", "北京市朝阳区光华路9号", "产业园区", "6", "李"])
    sheet.append(["无处大厦", "火星某地1号", "写字楼", "3", "赵"])
    out = io.BytesIO()
    workbook.save(out)
    path = tmp_path / "朝阳楼宇.xlsx"
    path.write_bytes(out.getvalue())
    return path


def test_upload_dry_run_confirm_and_find_the_building(
    live_server, browser_page, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    beijing = Jurisdiction.objects.get(code="110000")
    org = OrganizationFactory(code="ca-110000", name="北京市通信管理局", jurisdiction=beijing)
    UserFactory(username="clerk", organization=org, roles=[roles.ADMINISTRATION_STAFF])
    page = browser_page

    page.goto(f"{live_server.url}/buildings/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()

    page.get_by_test_id("building-import").click()
    expect(page.get_by_role("heading", name="批量导入楼宇")).to_be_visible()
    expect(page.get_by_test_id("import-dry-run")).to_be_checked()
    page.get_by_test_id("import-file").set_input_files(str(_workbook(tmp_path)))
    _shot(page, "import-upload")
    page.get_by_test_id("import-submit").click()

    expect(page.get_by_test_id("import-status")).to_have_text("已完成")
    expect(page.get_by_test_id("count-new").locator(".ly-stat-value")).to_have_text("2")
    expect(page.get_by_test_id("count-rejected").locator(".ly-stat-value")).to_have_text("1")
    expect(page.get_by_test_id("import-unknown")).to_contain_text("联系人")
    expect(page.get_by_test_id("import-rejected")).to_be_visible()
    _shot(page, "import-dry-run")

    with page.expect_download() as download:
        page.get_by_test_id("import-rejected").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    content = Path(download.value.path()).read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]][:2] == ["行号", "原因"]

    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("message-success")).to_contain_text("已提交正式导入")
    expect(page.get_by_test_id("import-kind")).to_have_text("正式导入")
    expect(page.get_by_test_id("import-committed")).to_be_visible()
    expect(page.get_by_test_id("count-new").locator(".ly-stat-value")).to_have_text("2")
    _shot(page, "import-committed")

    page.get_by_test_id("import-committed").get_by_role("link").click()
    expect(page.get_by_test_id("building-row")).to_have_count(2)
    expect(page.get_by_test_id("building-table")).to_contain_text("望京创新大厦")


def test_a_dry_run_previews_each_row_with_its_action(live_server, browser_page, settings, tmp_path):
    """An administration clerk uploads a file mixing the four kinds of row and reads, row by
    row, what the import would do, on a desktop and on a 390 px phone."""
    from playwright.sync_api import expect

    from louyu.buildings import services
    from louyu.buildings.models import Building

    settings.MEDIA_ROOT = tmp_path / "media"
    beijing = Jurisdiction.objects.get(code="110000")
    org = OrganizationFactory(code="ca-110000", name="北京市通信管理局", jurisdiction=beijing)
    UserFactory(username="clerk", organization=org, roles=[roles.ADMINISTRATION_STAFF])
    services.building_create(
        actor=None,
        name="国贸大厦",
        address="北京市朝阳区建国路88号",
        building_type="office_tower",
        floors=30,
    )
    services.building_create(
        actor=None,
        name="光华创业园",
        address="北京市朝阳区光华路9号",
        building_type="business_park",
        floors=5,
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["楼宇名称", "地址", "楼宇类型", "楼层数"])
    sheet.append(["国贸大厦", "北京市朝阳区建国路88号", "写字楼", "31"])
    sheet.append(["光华创业园", "北京市朝阳区光华路9号", "产业园区", "5"])
    sheet.append(["望京创新大厦", "北京市朝阳区望京街10号", "写字楼", "28"])
    sheet.append(["无处大厦", "火星某地1号", "写字楼", "3"])
    path = tmp_path / "朝阳楼宇更新.xlsx"
    workbook.save(path)
    page = browser_page

    page.goto(f"{live_server.url}/buildings/imports/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("import-dry-run")).to_be_checked()
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("import-submit").click()

    expect(page.get_by_test_id("import-status")).to_have_text("已完成")
    table = page.get_by_test_id("import-preview-table")
    expect(table).to_be_visible()
    rows = table.get_by_test_id("preview-row")
    expect(rows).to_have_count(4)
    expect(rows.get_by_test_id("preview-action")).to_have_text(["更新", "未变", "新增", "未通过"])
    expect(rows.nth(0)).to_contain_text("楼层数：30 → 31")
    expect(rows.nth(0)).to_contain_text("国贸大厦")
    expect(rows.nth(2)).to_contain_text("北京市朝阳区")
    expect(rows.nth(3).get_by_test_id("preview-reason")).to_contain_text("无法从地址识别所在区县")
    expect(page.get_by_test_id("import-preview-limit")).to_have_count(0)
    _shot(page, "import-preview")

    page.get_by_test_id("preview-filter-rejected").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("无处大厦")
    page.get_by_test_id("preview-filter-all").click()
    expect(rows).to_have_count(4)

    page.set_viewport_size(PHONE)
    page.reload()
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("楼层数：30 → 31")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    _shot(page, "import-preview-390")
    assert Building.objects.get(name="国贸大厦").floors == 30
    assert not Building.objects.filter(name="望京创新大厦").exists()
