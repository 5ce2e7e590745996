"""English mode is complete: with the demo data seeded, several roles switch to English and
walk the main pages; the page title, headings, table headers, labels, buttons, badges and
the state and category cells carry no Chinese.

What may stay Chinese, by one rule (``allowed_names``): names and text that people entered
or that identify a real thing — organisations, jurisdictions, regions, buildings and their
addresses, people, and the titles users gave to cases, plans, measures, practices, tags,
meetings, articles, bulletins, reports and inspection teams — and the language switch,
which names Chinese in Chinese (an element with a ``lang`` attribute other than English).
Everything else in the checked elements is interface text and must be English."""

import os
import re

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Interface elements whose text must be English, and the cells that show a reference label
# (category, measure kind, checklist item) or a stored work-item or notification title,
# which templates mark ``data-i18n``.
CHECKED = (
    "h1, h2, h3, h4, h5, th, label, button, legend, dt, option, .badge, .ly-tag, .ly-sub, "
    ".nav-link, .ly-sidebar a, [data-testid$='-state'], [data-label], [data-i18n]"
)
# The text of an element without what templates mark as names or user-entered text
# (``data-name``, ``data-user-text``: document numbers, a practice's own body), without the
# switch to Chinese (``lang``) and without the options of a select inside it (checked on
# their own).
TEXT_OF = """elements => elements.map(element => {
  const copy = element.cloneNode(true);
  copy.querySelectorAll(
    '[lang]:not([lang^="en"]), [data-name], [data-user-text], select, textarea, script'
  ).forEach(node => node.remove());
  if (element.closest('[lang]:not([lang^="en"]):not(html), [data-name], [data-user-text]')) {
    return '';
  }
  return (copy.textContent || '').replace(/\\s+/g, ' ').trim();
})"""

ROLES = {
    "ca-110000": [
        "/",
        "/inbox/",
        "/notifications/",
        "/complaints/",
        "/cases/",
        "/work-plans/",
        "/work-plans/zero-operator/",
        "/buildings/",
        "/reporting/",
        "/reporting/reports/",
        "/inspections/plans/",
        "/library/",
        "/library/meetings/",
        "/articles/",
        "/search/?q=%E5%A4%A7%E5%8E%A6",
        "/audit/",
    ],
    "ministry": ["/", "/reporting/", "/reporting/bulletins/", "/cases/", "/audit/"],
    "op-telecom-110000": ["/", "/inbox/", "/notifications/", "/buildings/", "/work-plans/"],
    "pm-110000": ["/", "/inbox/", "/cases/"],
    "samr-110000": ["/", "/inbox/", "/complaints/", "/cases/"],
}
# The first detail page linked from a list page is walked too.
DETAILS = {
    "/complaints/": r"/complaints/\d+/$",
    "/cases/": r"/cases/\d+/$",
    "/work-plans/": r"/work-plans/\d+/$",
    "/buildings/": r"/buildings/\d+/$",
    "/reporting/reports/": r"/reporting/reports/\d+/$",
    "/reporting/bulletins/": r"/reporting/bulletins/\d+/$",
    "/inspections/plans/": r"/inspections/plans/\d+/$",
    "/library/": r"/library/practices/\d+/$",
    "/library/meetings/": r"/library/meetings/\d+/$",
    "/articles/": r"/articles/\d+/$",
}


def allowed_names() -> list[str]:
    """Names and user-entered titles that stay as they are, longest first."""
    from louyu.articles.models import Article
    from louyu.buildings.models import Building
    from louyu.cases.models import Case, Measure
    from louyu.core.models import Jurisdiction, Organization, Region, User
    from louyu.inspections.models import InspectionPlan, Team
    from louyu.library.models import ActionItem, Adoption, AgendaItem, Meeting, Practice, Tag
    from louyu.reporting.models import Bulletin
    from louyu.workplans.models import PlanMeasure

    names: set[str] = set()
    for model, fields in [
        (Organization, ["name", "short_name"]),
        (Jurisdiction, ["name", "short_name"]),
        (Region, ["name", "full_name"]),
        (Building, ["name", "address"]),
        (User, ["first_name", "last_name"]),
        (Case, ["title"]),
        (Measure, ["title"]),
        (PlanMeasure, ["title"]),
        (InspectionPlan, ["name"]),
        (Team, ["name"]),
        (Practice, ["title"]),
        (Tag, ["name"]),
        (Meeting, ["title"]),
        (ActionItem, ["requirement"]),
        (Adoption, ["what"]),
        (AgendaItem, ["title"]),
        (Article, ["title", "original_title", "source_name"]),
        (Bulletin, ["title"]),
    ]:
        for row in model.objects.values_list(*fields):
            names.update(value for value in row if value and HAN.search(value))
    names.update(f"{u.last_name}{u.first_name}" for u in User.objects.all())
    return sorted(names, key=len, reverse=True)


def chinese_left(text: str, names: list[str]) -> str:
    """The Chinese of ``text`` once the allowed names are taken out; empty when none."""
    if not HAN.search(text):
        return ""
    for name in names:
        if name in text:
            text = text.replace(name, " ")
            if not HAN.search(text):
                return ""
    return text if HAN.search(text) else ""


def chinese_on(page, names: list[str]) -> list[str]:
    texts = [page.title(), *page.eval_on_selector_all(CHECKED, TEXT_OF)]
    return sorted({left for left in (chinese_left(t, names) for t in texts) if left})


@pytest.fixture
def demo_data(transactional_db, browser_reference_data):
    from django.core.management import call_command

    call_command("seed_demo", buildings=120, complaints=40, cases=8, stdout=open(os.devnull, "w"))


def test_every_main_page_reads_in_english_for_every_role(live_server, browser_page, demo_data):
    from playwright.sync_api import expect

    page = browser_page
    names = allowed_names()
    found: dict[str, list[str]] = {}
    visited = 0
    for username, paths in ROLES.items():
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("demo12345")
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("home-heading")).to_be_visible()
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        for path in paths:
            targets = [path]
            page.goto(f"{live_server.url}{path}")
            pattern = DETAILS.get(path)
            if pattern:
                hrefs = page.eval_on_selector_all("main a[href]", "a => a.map(x => x.href)")
                targets += [h for h in hrefs if re.search(pattern, h)][:1]
            for target in targets:
                url = target if target.startswith("http") else f"{live_server.url}{target}"
                response = page.goto(url)
                where = f"{username} {url.removeprefix(live_server.url)}"
                if response.status != 200:
                    found[where] = [f"HTTP {response.status}"]
                    continue
                expect(page.locator("html")).to_have_attribute("lang", "en")
                visited += 1
                left = chinese_on(page, names)
                if left:
                    found[where] = left
    assert found == {}
    assert visited >= 40
