"""The intake's per-process cache of reference data (categories, routing rules, the
jurisdictions' administrations, deadline policies) and its invalidation, and the intake
without savepoints when it runs in its own transaction (see docs/performance.md)."""

import copy
import datetime
import importlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from louyu.complaints import serializers as s
from louyu.complaints import services
from louyu.complaints.models import (
    Category,
    Complaint,
    DeadlinePolicy,
    RoutingRule,
    StatusChange,
)
from louyu.core.models import AuditEvent, WorkItem

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    services.clear_intake_cache()
    yield
    services.clear_intake_cache()


@pytest.fixture
def caching(monkeypatch):
    """Let the cache load inside the test's transaction (normally it only loads outside
    any transaction, so that it never holds rows of a transaction that may roll back)."""
    monkeypatch.setattr(services, "_may_cache", lambda: True)


def payload(**overrides):
    data = {
        "channel": "phone",
        "category": "entry_blocked",
        "address": "北京市朝阳区建国路88号",
        "description": "物业不让电信进场施工，只能用指定代理商的宽带。",
        "complainant_name": "张三",
        "complainant_phone": "13800138000",
    }
    data.update(overrides)
    return data


def post(user, **overrides):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(URL, payload(**overrides), format="json")


def test_no_cache_is_loaded_inside_a_transaction(cenv):
    assert transaction.get_connection().in_atomic_block
    assert services._intake_refs() is None
    complaint, _ = cenv["file"]()
    assert complaint.handler.code == "ca-110000"
    assert services._refs is None


def test_cached_intake_routes_like_the_database(cenv, caching):
    first, _ = cenv["file"]()
    assert services._refs is not None
    with CaptureQueriesContext(connection) as queries:
        second, _ = cenv["file"](complainant_phone="13900139000")
    sql = " ".join(q["sql"] for q in queries)
    assert "complaints_routingrule" not in sql and "complaints_deadlinepolicy" not in sql
    assert "core_organization" not in sql
    assert second.handler == first.handler and second.handler.code == "ca-110000"
    assert (
        second.accept_due_at
        == services._accept_deadline(
            second, DeadlinePolicy.objects.get(category__isnull=True)
        ).due_at
        or DeadlinePolicy.objects.filter(category=second.category).exists()
    )


def test_handed_out_instances_are_copies(cenv, caching):
    complaint, _ = cenv["file"]()
    cached = services._refs.comm_admins[complaint.jurisdiction_id]
    assert complaint.handler == cached and complaint.handler is not cached
    category = services.active_category("entry_blocked")
    assert (
        category == cenv["category"] and category is not services._refs.categories["entry_blocked"]
    )
    # Changing a copy (a field, its state, its cache of related objects) leaves the cached
    # instance alone.
    cached_category = services._refs.categories["entry_blocked"]
    name = cached_category.name
    category.name = "改过的名称"
    category._state.adding = True
    category._state.fields_cache["probe"] = object()
    assert cached_category.name == name and cached_category._state.adding is False
    assert "probe" not in cached_category._state.fields_cache
    assert services.active_category("entry_blocked").name == name
    handler = complaint.handler
    handler.name = "改过的机构"
    assert cached.name != "改过的机构"


def test_a_new_routing_rule_clears_the_cache(cenv, caching):
    cenv["file"]()
    assert services._refs is not None
    RoutingRule.objects.create(order=1, category=cenv["category"], handler=cenv["samr_org"])
    assert services._refs is None
    complaint, _ = cenv["file"](complainant_phone="13900139000")
    assert complaint.handler == cenv["samr_org"]


def test_a_deactivated_handler_is_no_longer_routed_to(cenv, caching):
    RoutingRule.objects.create(order=1, category=cenv["category"], handler=cenv["samr_org"])
    assert cenv["file"]()[0].handler == cenv["samr_org"]
    samr = cenv["samr_org"]
    samr.is_active = False
    samr.save()
    assert services._refs is None
    assert cenv["file"](complainant_phone="13900139000")[0].handler.code == "ca-110000"


def test_a_changed_deadline_policy_applies_at_once(cenv, caching):
    received = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=services.calendar.SHANGHAI)
    before, _ = cenv["file"](received_at=received)
    policy = services.policy_for(cenv["category"])
    DeadlinePolicy.objects.filter(pk=policy.pk).update(accept_working_days=1)
    services.clear_intake_cache()  # QuerySet.update sends no signal
    policy = DeadlinePolicy.objects.get(pk=policy.pk)
    policy.accept_working_days = 10
    policy.save()
    assert services._refs is None
    after, _ = cenv["file"](received_at=received, complainant_phone="13900139000")
    assert after.accept_due_at > before.accept_due_at


def test_a_deactivated_category_is_refused_by_the_api(cenv, caching):
    assert post(cenv["bj"]).status_code == 201
    category = Category.objects.get(code="entry_blocked")
    category.is_active = False
    category.save()
    assert services._refs is None
    response = post(cenv["bj"], complainant_phone="13900139000")
    assert response.status_code == 400 and "category" in response.json()


def test_unknown_category_gives_the_same_error_as_before(cenv, caching):
    response = post(cenv["bj"], category="no_such_category")
    assert response.status_code == 400
    assert "no_such_category" in str(response.json()["category"])


def test_the_cache_expires(cenv, caching, settings):
    settings.LOUYU_INTAKE_CACHE_SECONDS = 0
    cenv["file"]()
    loaded = services._refs
    cenv["file"](complainant_phone="13900139000")
    assert services._refs is not loaded


def test_a_flush_clears_the_cache(cenv, caching):
    from louyu.core import signals

    cenv["file"]()
    assert services._refs is not None
    signals._intake_reference_changed(sender=None, using="default")  # as post_migrate does
    assert services._refs is None


def test_allowed_transitions_for_the_handler_need_no_scope_query(cenv):
    complaint, _ = cenv["file"]()
    user = type(cenv["bj"]).objects.get(pk=cenv["bj"].pk)  # organization not loaded
    user.has_perm("complaints.change_complaint")  # warm the permission cache
    with CaptureQueriesContext(connection) as queries:
        assert services.can_handle(user, complaint)
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_own_transaction_without_savepoints_and_a_taken_code_is_retried(cenv, monkeypatch):
    """Outside a transaction the intake uses no savepoints (each is a round trip); a taken
    tracking code fails the write with nothing written, and it is retried with a new code."""
    taken, _ = cenv["file"]()
    codes = iter([taken.tracking_code, "TS20990101000001"])
    monkeypatch.setattr(services, "_new_tracking_code", lambda received: next(codes))
    events = AuditEvent.objects.count()
    assert not transaction.get_connection().in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        complaint, secret = cenv["file"](
            complainant_phone="13900139000", received_at=timezone.now()
        )
    assert complaint.tracking_code == "TS20990101000001"
    assert services.check_secret(Complaint.objects.get(pk=complaint.pk), secret)
    assert not any("SAVEPOINT" in q["sql"] for q in queries)
    assert Complaint.objects.count() == 2
    assert AuditEvent.objects.count() == events + 2  # complaint.create + work_item.create
    assert WorkItem.objects.filter(object_id=str(complaint.pk)).count() == 1


def test_intake_writes_its_rows_together_and_audits_both_events_in_order(cenv):
    """PostgreSQL: one statement reserves the keys, reads the repeat check and writes the
    complaint, its status row, the work item and both audit events. Elsewhere one INSERT
    per row."""
    with CaptureQueriesContext(connection) as queries:
        complaint, _ = cenv["file"]()
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "WITH"))]
    tables = ("complaints_complaint", "complaints_statuschange", "core_workitem")
    if connection.vendor == "postgresql":
        assert len(writes) == 1
        assert writes[0].startswith("WITH")
        assert all(f'INSERT INTO "{table}"' in writes[0] for table in tables)
        assert writes[0].count('INSERT INTO "core_auditevent"') == 1
        assert sum("nextval(" in q["sql"] for q in queries) == 1
        assert not any(q["sql"].startswith("SELECT nextval(") for q in queries)
    else:
        expected = [*tables, "core_auditevent", "core_auditevent"]
        assert [w.split('"')[1] for w in writes] == expected
    assert StatusChange.objects.get(complaint=complaint).to_state == "submitted"
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "object_id"))
    item = WorkItem.objects.get(object_id=str(complaint.pk))
    assert events[-2:] == [
        ("complaint.create", str(complaint.pk)),
        ("work_item.create", str(item.pk)),
    ]


def test_an_audit_batch_interrupted_by_an_error_writes_nothing(cenv):
    from louyu.core.audit import audit_batch, audit_record

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
        audit_record(actor=None, action="test.one")
        raise RuntimeError
    assert AuditEvent.objects.count() == before
    with transaction.atomic(), audit_batch():
        with audit_batch():  # nested: joins the outer batch
            event = audit_record(actor=None, action="test.two")
        assert event.pk is None
    assert AuditEvent.objects.filter(action="test.two").count() == 1


# --- Repeat check (hand-written SQL over the partial indexes) -----------------------------


def _orm_is_repeat(complaint):
    """The repeat rule as an ORM query, the reference for the hand-written SQL."""
    qs = Complaint.objects.filter(
        category=complaint.category,
        state="closed",
        closed_at__gte=complaint.received_at - services.REPEAT_WINDOW,
        closed_at__lte=complaint.received_at,
    ).exclude(pk=complaint.pk)
    if complaint.building_id:
        return qs.filter(building_id=complaint.building_id).exists()
    return qs.filter(normalized_address=complaint.normalized_address).exists()


@pytest.mark.parametrize(
    ("earlier_state", "closed_days_before", "same_category", "same_address", "repeat"),
    [
        ("closed", 10, True, True, True),
        ("closed", 89, True, True, True),
        ("closed", 91, True, True, False),
        ("closed", -1, True, True, False),  # closed after this one was received
        ("closed", 10, False, True, False),
        ("closed", 10, True, False, False),
        ("replied", 10, True, True, False),
        ("merged", 10, True, True, False),
    ],
)
def test_repeat_flag_follows_the_rule(
    cenv, earlier_state, closed_days_before, same_category, same_address, repeat
):
    received = timezone.now() - datetime.timedelta(days=2)
    earlier, _ = cenv["file"](
        received_at=received - datetime.timedelta(days=200),
        **({} if same_address else {"address": "北京市海淀区中关村大街1号"}),
        **({} if same_category else {"category": Category.objects.get(code="forced_service")}),
    )
    Complaint.objects.filter(pk=earlier.pk).update(
        state=earlier_state, closed_at=received - datetime.timedelta(days=closed_days_before)
    )
    complaint, _ = cenv["file"](received_at=received, complainant_phone="13900139000")
    assert complaint.is_repeat is repeat
    assert _orm_is_repeat(complaint) is repeat


def test_repeat_flag_by_building(cenv):
    from louyu.buildings import services as building_services

    building = building_services.building_create(
        actor=cenv["bj"], name="国贸大厦", address="北京市朝阳区建国门外大街1号"
    )
    received = timezone.now() - datetime.timedelta(days=2)
    earlier, _ = cenv["file"](building=building, address="", received_at=received)
    assert earlier.is_repeat is False
    Complaint.objects.filter(pk=earlier.pk).update(state="closed", closed_at=received)
    again, _ = cenv["file"](building=building, address="别的写法", complainant_phone="13900139000")
    assert again.is_repeat is True and _orm_is_repeat(again) is True


# --- Serializer field copies -----------------------------------------------------------------


class _DeepCopyingCreate(s.ComplaintCreateSerializer):
    def get_fields(self):
        return copy.deepcopy(self._declared_fields)


class _DeepCopyingComplaint(s.ComplaintSerializer):
    def get_fields(self):
        return copy.deepcopy(serializers.ModelSerializer.get_fields(self))


@pytest.mark.parametrize(
    "data",
    [
        payload(),
        {},
        payload(channel="fax", category="nope", received_at="yesterday"),
        payload(description="x" * 5001, complainant_name="", matter_date="2026-02-30"),
        payload(building="B" * 40, operator="not a slug!", first_raised_with_operator_on=1),
    ],
)
def test_input_parses_like_drf_deep_copies(cenv, data):
    ours, drf = s.ComplaintCreateSerializer(data=data), _DeepCopyingCreate(data=data)
    assert ours.is_valid() == drf.is_valid()
    assert ours.errors == drf.errors
    if drf.is_valid():
        assert dict(ours.validated_data) == dict(drf.validated_data)


def test_output_renders_like_drf_deep_copies(cenv, rf):
    complaint, _ = cenv["file"]()
    erased, _ = cenv["file"](complainant_phone="13900139000")
    erased.personal_data_erased_at = timezone.now()
    request = rf.get("/")
    for user in (cenv["bj"], cenv["dl"]):
        request.user = user
        for obj in (complaint, erased):
            context = {"request": request}
            ours = s.ComplaintSerializer(obj, context=context).data
            assert ours == _DeepCopyingComplaint(obj, context=context).data
    # The class-level templates are never bound (each instance binds its own copies).
    for field in [*s.ComplaintCreateSerializer._declared_fields.values()]:
        assert field.field_name is None and field.parent is None
    for field in s.ComplaintSerializer._built_fields.values():
        assert field.field_name is None and field.parent is None


def _serialized(complaint, user, secret):
    request = APIClient().request().wsgi_request
    request.user = user
    stored = Complaint.objects.select_related("category", "jurisdiction", "handler").get(
        pk=complaint.pk
    )
    stored.secret = secret
    return s.ComplaintCreatedSerializer(stored, context={"request": request}).data


@pytest.mark.parametrize("who", ["bj", "dl", "samr", "ministry"])
def test_the_intake_answer_is_what_the_serializer_renders(cenv, who):
    """``complaint_created_data`` builds the 201 without the serializer; it must say the
    same, key for key and in the same order, for callers who may and may not handle it."""
    response = post(cenv["bj"], complainant_phone="13912345678")
    assert response.status_code == 201
    complaint = Complaint.objects.get(pk=response.json()["id"])
    expected = _serialized(complaint, cenv["bj"], response.json()["secret"])
    assert list(response.json()) == list(expected)
    assert response.json() == expected
    assert response.json()["allowed_transitions"]  # the handler may act on it

    complaint, secret = cenv["file"](received_at=timezone.now())
    complaint.reply_due_at = timezone.now() + datetime.timedelta(days=30)
    complaint.personal_data_erased_at = timezone.now() if who == "samr" else None
    rendered = s.complaint_created_data(complaint, user=cenv[who], secret=secret)
    Complaint.objects.filter(pk=complaint.pk).update(
        reply_due_at=complaint.reply_due_at,
        personal_data_erased_at=complaint.personal_data_erased_at,
    )
    assert rendered == _serialized(complaint, cenv[who], secret)
    assert list(rendered) == list(_serialized(complaint, cenv[who], secret))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's query cache")
@pytest.mark.parametrize("widened", [True, False])
def test_psycopg_keeps_the_intake_write_parsed(cenv, widened, monkeypatch):
    """``core.bulk.widen_psycopg_query_cache`` (run at start-up) lets psycopg cache the
    parsed form of the intake's 98-parameter write, which its own limits (50 parameters,
    4 KiB) kept out. Fails if a psycopg release renames the limits."""
    from psycopg.adapt import Transformer

    queries = importlib.import_module("psycopg._queries")
    if not widened:  # psycopg's own limits: the write is parsed again on every call
        monkeypatch.setattr(queries, "MAX_CACHED_STATEMENT_PARAMS", 50)
        monkeypatch.setattr(queries, "MAX_CACHED_STATEMENT_LENGTH", 4096)
    writes = []

    def record(execute, sql, params, many, context):
        if sql.startswith("WITH "):
            writes.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        cenv["file"]()
    ((sql, params),) = writes
    assert len(params) > 50
    for query_class, cache in (
        (queries.PostgresQuery, queries._query2pg),  # server-side binding (the default)
        (queries.PostgresClientQuery, queries._query2pg_client),
    ):
        hits = cache.cache_info().hits
        for _ in range(2):
            query_class(Transformer.from_context(connection.connection)).convert(sql, params)
        assert (cache.cache_info().hits > hits) is widened
