import os
from pathlib import Path

import pytest

from louyu.articles.tests import samples
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LOUYU_SHOTS", "/tmp/shots-articles"))


def test_import_several_files_then_read_the_article(live_server, browser_page, tmp_path):
    from playwright.sync_api import expect

    load_reference_organizations()
    UserFactory(
        username="dalian-clerk",
        organization=Organization.objects.get(code="ca-210200"),
        roles=[roles.ADMINISTRATION_STAFF],
    )
    news = tmp_path / "news.html"
    news.write_text(samples.NEWS_PAGE, encoding="utf-8")
    broken = tmp_path / "broken.md"
    broken.write_text(samples.BROKEN_YAML, encoding="utf-8")
    page = browser_page
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))

    page.goto(f"{live_server.url}/articles/")
    page.get_by_label("用户名").fill("dalian-clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("article-empty")).to_be_visible()
    page.get_by_test_id("article-import-link").click()

    page.get_by_test_id("article-files").set_input_files([str(news), str(broken)])
    page.get_by_test_id("article-import-submit").click()
    outcomes = page.get_by_test_id("article-import-outcome")
    expect(outcomes).to_have_text(["新增", "未导入"])
    expect(page.get_by_test_id("article-import-reason")).to_contain_text("头信息（YAML）格式错误")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "import.png"), full_page=True)

    page.get_by_test_id("article-import-link").click()
    expect(page.get_by_test_id("article-title")).to_have_text("大连整治商务楼宇宽带接入")
    expect(page.get_by_test_id("article-date")).to_have_text("2024-03-05 09:30")
    expect(page.get_by_test_id("article-original-title")).to_contain_text("大连市通信管理局联合")
    expect(page.get_by_test_id("article-body")).to_contain_text("检查发现部分物业收取进场费。")
    expect(page.get_by_test_id("article-body")).not_to_contain_text("扫码")
    expect(page.get_by_test_id("article-jurisdictions")).to_contain_text("大连")
    expect(page.get_by_test_id("article-jurisdictions")).not_to_contain_text("辽宁")
    expect(page.get_by_test_id("article-images")).to_contain_text("img.example.cn/2024/photo.jpg")
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)

    # Importing the same page again updates the article instead of adding a second one.
    page.goto(f"{live_server.url}/articles/import/")
    page.get_by_test_id("article-files").set_input_files([str(news)])
    page.get_by_test_id("article-import-submit").click()
    expect(page.get_by_test_id("article-import-outcome")).to_have_text(["更新"])
    page.goto(f"{live_server.url}/articles/?jurisdiction=210200")
    expect(page.get_by_test_id("article-row")).to_have_count(1)
    # No remote image (nor anything else) was ever fetched.
    assert [u for u in fetched if not u.startswith((live_server.url, "data:"))] == []
