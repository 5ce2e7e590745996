"""The intake's per-process cache of reference rows (categories, routing rules, the
jurisdictions' administrations, deadline policies): intake reads no reference row from the
database while it is fresh, routes and times complaints exactly as the database says, and
a change to those rows applies at once."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from louyu.complaints import intake_cache, services, signals
from louyu.complaints.models import Category, DeadlinePolicy, RoutingRule
from louyu.core import calendar
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
REFERENCE_TABLES = ("complaints_routingrule", "complaints_deadlinepolicy", "core_organization")


@pytest.fixture(autouse=True)
def _fresh_cache():
    intake_cache.clear_intake_cache()
    yield
    intake_cache.clear_intake_cache()


@pytest.fixture
def caching(monkeypatch):
    """Let the cache load inside the test's transaction (normally it loads only outside
    any transaction, so that it never holds rows of a transaction that may roll back)."""
    monkeypatch.setattr(intake_cache, "_outside_transaction", lambda: True)


def post(user, **overrides):
    data = {
        "channel": "phone",
        "category": "entry_blocked",
        "address": "北京市朝阳区建国路88号",
        "description": "物业不让电信进场施工，只能用指定代理商的宽带。",
        "complainant_name": "张三",
        "complainant_phone": "13800138000",
        **overrides,
    }
    client = APIClient()
    client.force_authenticate(user)
    return client.post(URL, data, format="json")


def _reference_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if any(t in q["sql"] for t in REFERENCE_TABLES)]


def test_inside_a_transaction_intake_reads_the_database(cenv):
    assert transaction.get_connection().in_atomic_block
    cenv["file"]()
    with CaptureQueriesContext(connection) as queries:
        complaint, _ = cenv["file"](complainant_phone="13900139000")
    assert complaint.handler.code == "ca-110000"
    assert _reference_reads(queries)  # nothing was cached


def test_a_fresh_cache_routes_and_times_like_the_database(cenv, caching):
    first, _ = cenv["file"]()
    with CaptureQueriesContext(connection) as queries:
        second, _ = cenv["file"](complainant_phone="13900139000")
    assert _reference_reads(queries) == []
    assert second.handler == first.handler and second.handler.code == "ca-110000"
    policy = DeadlinePolicy.objects.get(category__isnull=True)
    expected = calendar.deadline_from(second.received_at, working_days=policy.accept_working_days)
    assert second.accept_due_at == expected.due_at


def test_what_intake_gets_is_its_own(cenv, caching):
    """Changing what the cache handed out changes nothing the next intake gets."""
    category = intake_cache.active_category("entry_blocked")
    name = category.name
    category.name = "改过的名称"
    category._state.adding = True
    assert intake_cache.active_category("entry_blocked").name == name
    complaint, _ = cenv["file"]()
    complaint.handler.name = "改过的机构"
    again, _ = cenv["file"](complainant_phone="13900139000")
    assert again.handler.name != "改过的机构"


def test_a_new_routing_rule_applies_at_once(cenv, caching):
    cenv["file"]()
    RoutingRule.objects.create(order=1, category=cenv["category"], handler=cenv["samr_org"])
    complaint, _ = cenv["file"](complainant_phone="13900139000")
    assert complaint.handler == cenv["samr_org"]


def test_a_deactivated_handler_is_no_longer_routed_to(cenv, caching):
    RoutingRule.objects.create(order=1, category=cenv["category"], handler=cenv["samr_org"])
    assert cenv["file"]()[0].handler == cenv["samr_org"]
    samr = cenv["samr_org"]
    samr.is_active = False
    samr.save()
    assert cenv["file"](complainant_phone="13900139000")[0].handler.code == "ca-110000"


def test_a_changed_deadline_policy_applies_at_once(cenv, caching):
    received = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=calendar.SHANGHAI)
    before, _ = cenv["file"](received_at=received)
    policy = services.policy_for(cenv["category"])
    policy.accept_working_days = 10
    policy.save()
    after, _ = cenv["file"](received_at=received, complainant_phone="13900139000")
    assert after.accept_due_at > before.accept_due_at


def test_a_deactivated_category_is_refused_by_the_api(cenv, caching):
    assert post(cenv["bj"]).status_code == 201
    category = Category.objects.get(code="entry_blocked")
    category.is_active = False
    category.save()
    with assert_unchanged():
        response = post(cenv["bj"], complainant_phone="13900139000")
    assert response.status_code == 400 and "category" in response.json()


def test_unknown_category_names_the_code(cenv, caching):
    with assert_unchanged():
        response = post(cenv["bj"], category="no_such_category")
    assert response.status_code == 400
    assert "no_such_category" in str(response.json()["category"])


def test_a_write_without_signals_shows_once_the_cache_expires(cenv, caching, settings):
    cenv["file"]()
    RoutingRule.objects.bulk_create(  # bulk_create sends no post_save
        [RoutingRule(order=1, category=cenv["category"], handler=cenv["samr_org"])]
    )
    assert cenv["file"](complainant_phone="13900139000")[0].handler.code == "ca-110000"
    settings.LOUYU_INTAKE_CACHE_SECONDS = 0
    assert cenv["file"](complainant_phone="13700137000")[0].handler == cenv["samr_org"]


def test_a_migration_or_flush_drops_the_cache(cenv, caching):
    cenv["file"]()
    RoutingRule.objects.bulk_create(
        [RoutingRule(order=1, category=cenv["category"], handler=cenv["samr_org"])]
    )
    signals.intake_reference_changed(sender=None, using="default")  # as post_migrate does
    assert cenv["file"](complainant_phone="13900139000")[0].handler == cenv["samr_org"]


def test_allowed_transitions_for_the_handler_need_no_scope_query(cenv):
    complaint, _ = cenv["file"]()
    user = type(cenv["bj"]).objects.get(pk=cenv["bj"].pk)  # organization not loaded
    user.has_perm("complaints.change_complaint")  # warm the permission cache
    with CaptureQueriesContext(connection) as queries:
        assert services.can_handle(user, complaint)
    assert len(queries) == 0
