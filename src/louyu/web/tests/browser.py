"""Browser fixtures for Playwright tests (``@pytest.mark.browser``), reusable by every app:
the web tests import them in their conftest; another app's tests can do the same, or the
project conftest can list this module in ``pytest_plugins``.

Playwright's own browser builds cannot be downloaded here, so the tests drive Debian's
Chromium (``apt-get install chromium``; path overridable with ``LOUYU_CHROMIUM``). When it is
missing the browser tests are skipped, unless ``LOUYU_REQUIRE_BROWSER=1`` (CI), which turns
the skip into a failure so a missing install step cannot pass unnoticed.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise
# refuse to run in the test body and in live_server fixtures.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LOUYU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1366, "height": 900}
MOBILE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the whole session."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("LOUYU_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Data migrations whose rows tests rely on: (module, loader, model whose emptiness says the
# data is gone). A new data migration that tests need belongs here.
DATA_MIGRATIONS = [
    ("louyu.core.migrations.0002_reference_regions", "load", "core.Region"),
    ("louyu.complaints.migrations.0002_reference_categories", "load", "complaints.Category"),
    ("louyu.cases.migrations.0002_rectification_policies", "load", "cases.RectificationPolicy"),
    ("louyu.workplans.migrations.0002_measure_kinds", "load", "workplans.MeasureKind"),
    ("louyu.reporting.migrations.0002_report_policy", "load", "reporting.ReportPolicy"),
    ("louyu.inspections.migrations.0002_checklist_v1", "seed", "inspections.ChecklistVersion"),
]
ENGLISH_LABEL_MISSING = {"name_en": ""}
# Data migrations that fill in the English labels of rows the ones above made: (module,
# loader, model, filter finding a row whose English is still missing).
DATA_FILL_MIGRATIONS = [
    (
        "louyu.complaints.migrations.0011_english_labels",
        "load",
        "complaints.Category",
        ENGLISH_LABEL_MISSING,
    ),
    (
        "louyu.workplans.migrations.0004_english_labels",
        "load",
        "workplans.MeasureKind",
        ENGLISH_LABEL_MISSING,
    ),
    (
        "louyu.reporting.migrations.0006_english_labels",
        "load",
        "reporting.ReportPolicy",
        ENGLISH_LABEL_MISSING,
    ),
    (
        "louyu.inspections.migrations.0007_english_labels",
        "load",
        "inspections.ChecklistItem",
        ENGLISH_LABEL_MISSING,
    ),
    (
        "louyu.inspections.migrations.0008_choice_labels_en",
        "load",
        "inspections.ChecklistItem",
        {"answer_type": "choice", "choices_en": []},
    ),
]


@pytest.fixture
def browser_reference_data(transactional_db):
    """Browser tests run as transactional tests, whose teardown flushes the database, and
    Playwright's greenlets give them a fresh connection object, so Django's serialized
    rollback cannot restore migration data for them. Recreate it here instead: content
    types, permissions and roles (post_migrate) and the rows of DATA_MIGRATIONS."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection

    if not Group.objects.exists():
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    for module, loader, sentinel in DATA_MIGRATIONS:
        if not apps.get_model(sentinel).objects.exists():
            migration = importlib.import_module(module)
            with connection.schema_editor() as editor:
                getattr(migration, loader)(apps, editor)
    for module, loader, model, missing in DATA_FILL_MIGRATIONS:
        if apps.get_model(model).objects.filter(**missing).exists():
            migration = importlib.import_module(module)
            with connection.schema_editor() as editor:
                getattr(migration, loader)(apps, editor)


@pytest.fixture
def browser_page(chromium_browser, browser_reference_data):
    """A fresh browser context (no cookies) with a desktop viewport, Chinese locale and
    Asia/Shanghai time zone; closed after the test."""
    context = chromium_browser.new_context(
        viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def staff_login(live_server, browser_page):
    """``staff_login(username)``: log in on the browser page (password ``demo12345``, the
    factories' default), from a context without cookies."""

    def login(username: str, password: str = "demo12345") -> None:
        browser_page.context.clear_cookies()
        browser_page.goto(f"{live_server.url}/accounts/login/")
        browser_page.get_by_label("用户名").fill(username)
        browser_page.get_by_label("密码").fill(password)
        browser_page.get_by_test_id("login-submit").click()

    return login
