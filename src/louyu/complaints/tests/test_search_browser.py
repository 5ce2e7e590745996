"""The header search box on a complaint clerk's screen: words find highlighted results that
open the complaint, and an exact tracking number goes straight to it."""

import pytest

from louyu.complaints.models import Category
from louyu.complaints.tests.factories import ComplaintFactory
from louyu.complaints.tests.test_browser import _shot, complaint_reference_data  # noqa: F401
from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_header_search_finds_highlighted_results_and_jumps_to_a_tracking_number(
    live_server,
    browser_page,
    complaint_reference_data,  # noqa: F811
):
    from playwright.sync_api import expect

    clerk = UserFactory(
        username="search-clerk",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_STAFF],
    )
    complaint = ComplaintFactory(
        actor=clerk,
        category=Category.objects.get(code="entry_blocked"),
        description="物业公司收取入场费，电信无法进场施工。",
    )
    page = browser_page
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("search-clerk")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_test_id("login-submit").click()

    box = page.get_by_test_id("header-search").get_by_role("searchbox")
    box.fill("入场费")
    box.press("Enter")
    hit = page.get_by_test_id("search-hit").first
    expect(hit).to_be_visible()
    expect(hit.locator("mark").first).to_have_text("入场费")
    _shot(page, "search-results")
    hit.get_by_test_id("search-hit-link").click()
    expect(page).to_have_url(f"{live_server.url}/complaints/{complaint.pk}/")

    box = page.get_by_test_id("header-search").get_by_role("searchbox")
    box.fill("费")
    box.press("Enter")
    expect(page.get_by_test_id("search-error")).to_have_text("搜索内容至少需要两个字。")

    box = page.get_by_test_id("header-search").get_by_role("searchbox")
    box.fill(complaint.tracking_code)
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/complaints/{complaint.pk}/")
