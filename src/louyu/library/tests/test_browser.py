import datetime
import os
from pathlib import Path

import pytest

from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory
from louyu.library.services import meetings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LOUYU_SHOTS", "/tmp/shots-library"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()


def _user(username, code, role):
    return UserFactory(
        username=username, organization=Organization.objects.get(code=code), roles=[role]
    )


def test_write_review_publish_and_adopt_a_practice(live_server, browser_page):
    from playwright.sync_api import expect

    load_reference_organizations()
    _user("writer", "ca-110000", roles.ADMINISTRATION_STAFF)
    _user("reviewer", "ca-110000", roles.ADMINISTRATION_ADMIN)
    _user("minister", "ministry", roles.MINISTRY_ADMIN)
    _user("dalian", "ca-210200", roles.ADMINISTRATION_STAFF)
    page = browser_page

    # 北京 writes a draft with Markdown that tries to run script.
    _login(page, f"{live_server.url}/library/", "writer")
    page.get_by_test_id("practice-create").click()
    page.get_by_label("标题").fill("楼宇宽带“一楼一档”管理")
    page.get_by_label("摘要").fill("建立楼宇宽带接入档案，按月核查。")
    page.get_by_label("正文（Markdown）").fill(
        "## 主要做法\n\n1. 建档\n2. 核查\n\n<script>window.pwned = 1</script>"
    )
    page.get_by_label("标签").fill("建档，核查")
    page.get_by_test_id("practice-submit").click()
    expect(page.get_by_test_id("practice-state")).to_have_text("草稿")
    expect(page.get_by_test_id("practice-body").locator("h2")).to_have_text("主要做法")
    expect(page.get_by_test_id("practice-body")).to_contain_text("<script>")
    assert page.evaluate("window.pwned") is None
    practice_url = page.url

    # Its administration reviews it; the ministry publishes it.
    _login(page, practice_url, "reviewer")
    page.get_by_test_id("transition-reviewed").click()
    expect(page.get_by_test_id("practice-state")).to_have_text("已审核")
    _login(page, practice_url, "minister")
    page.get_by_test_id("transition-published").click()
    expect(page.get_by_test_id("practice-state")).to_have_text("已发布")

    # 大连 finds it in the library and marks it adopted.
    _login(page, f"{live_server.url}/library/", "dalian")
    page.get_by_test_id("practice-link").filter(has_text="一楼一档").click()
    form = page.get_by_test_id("form-adopt")
    form.get_by_label("借鉴内容").fill("建立大连市商务楼宇接入档案")
    page.get_by_test_id("submit-adopt").click()
    expect(page.get_by_test_id("adoption")).to_contain_text("大连市通信管理局")
    expect(page.get_by_test_id("adoption")).to_contain_text("建立大连市商务楼宇接入档案")
    expect(page.get_by_test_id("form-adopt")).to_have_count(0)
    _shot(page, "practice-adopted")


def test_respond_to_an_action_item_from_the_inbox(live_server, browser_page, tmp_path):
    from playwright.sync_api import expect

    load_reference_organizations()
    _user("dalian", "ca-210200", roles.ADMINISTRATION_STAFF)
    admin = Organization.objects.get(code="ca-210200")
    meeting = meetings.meeting_create(
        actor=None,
        organizer=Organization.objects.get(code="ministry"),
        title="经验交流会",
        date=datetime.date.today(),
        kind="video",
        participants=[admin],
    )
    meetings.action_item_add(
        actor=None,
        meeting=meeting,
        requirement="报送本辖区整改提升措施",
        assignee=admin,
        due_date=datetime.date.today() + datetime.timedelta(days=20),
    )
    evidence = tmp_path / "措施.pdf"
    evidence.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    fake = tmp_path / "伪装.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    page = browser_page

    _login(page, f"{live_server.url}/inbox/", "dalian")
    page.get_by_test_id("inbox-item").get_by_role("link", name="会议要求落实").click()
    expect(page.get_by_test_id("action-requirement")).to_have_text("报送本辖区整改提升措施")

    # A file that is not what it claims is refused, and nothing changes.
    page.get_by_label("落实情况").fill("已印发整改提升措施")
    page.get_by_label("佐证材料").set_input_files(str(fake))
    page.get_by_test_id("submit-response").click()
    expect(page.get_by_test_id("error-evidence")).to_contain_text("伪装.pdf")
    expect(page.get_by_test_id("action-state")).to_have_text("待落实")

    page.get_by_label("落实情况").fill("已印发整改提升措施")
    page.get_by_label("佐证材料").set_input_files(str(evidence))
    page.get_by_test_id("submit-response").click()
    expect(page.get_by_test_id("action-state")).to_have_text("已落实")
    expect(page.get_by_test_id("evidence-link")).to_have_text("措施.pdf")
    _shot(page, "action-answered")

    # The meeting's overview shows which administrations have acted.
    page.get_by_role("link", name="经验交流会").first.click()
    expect(page.get_by_test_id("overview-row")).to_contain_text("大连市通信管理局")
    expect(page.get_by_test_id("overview-row")).to_contain_text("已落实")
    _shot(page, "meeting-overview")

    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_test_id("inbox-empty")).to_be_visible()
