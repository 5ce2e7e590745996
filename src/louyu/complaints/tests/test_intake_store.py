"""Storing a new complaint: every row intake writes, written together or not at all, in
one round trip on PostgreSQL, with a taken tracking code retried and the repeat rule."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from louyu.complaints import codes, intake_store, services
from louyu.complaints.models import Category, Complaint, StatusChange
from louyu.core.models import AuditEvent, WorkItem

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "WITH"))]


def test_intake_writes_every_row_and_audits_both_events_in_order(cenv):
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        complaint, secret = cenv["file"]()
    # PostgreSQL: complaint, status row, work item and both audit events in one statement.
    assert len(_writes(queries)) == (1 if connection.vendor == "postgresql" else 5)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.tracking_code == complaint.tracking_code and codes.check_secret(stored, secret)
    assert stored.state == "submitted" and stored.is_repeat is False
    assert list(StatusChange.objects.filter(complaint=complaint).values_list("to_state")) == [
        ("submitted",)
    ]
    item = WorkItem.objects.get(object_id=str(complaint.pk))
    assert item.title == f"受理审查：{complaint.tracking_code}"
    assert item.link == f"/complaints/{complaint.pk}/" and item.due_at == complaint.accept_due_at
    assert item.assignee_organization == complaint.handler
    new = list(AuditEvent.objects.order_by("pk").values_list("action", "object_id"))[events:]
    assert new == [("complaint.create", str(complaint.pk)), ("work_item.create", str(item.pk))]


def test_a_refused_complaint_writes_nothing(cenv):
    counts = (Complaint.objects.count(), WorkItem.objects.count(), AuditEvent.objects.count())
    with pytest.raises(services.ValidationError):
        cenv["file"](complainant_phone="x")
    assert (
        Complaint.objects.count(),
        WorkItem.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_own_transaction_without_savepoints_and_a_taken_code_is_retried(cenv, monkeypatch):
    """Outside a transaction intake uses no savepoints (each is a round trip); a taken
    tracking code fails the write with nothing written, and it is retried with a new code."""
    taken, _ = cenv["file"]()
    offered = iter([taken.tracking_code, "TS20990101000001"])
    monkeypatch.setattr(intake_store, "new_tracking_code", lambda received: next(offered))
    events = AuditEvent.objects.count()
    assert not transaction.get_connection().in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        complaint, secret = cenv["file"](
            complainant_phone="13900139000", received_at=timezone.now()
        )
    assert complaint.tracking_code == "TS20990101000001"
    assert codes.check_secret(Complaint.objects.get(pk=complaint.pk), secret)
    assert not any("SAVEPOINT" in q["sql"] for q in queries)
    assert Complaint.objects.count() == 2
    assert AuditEvent.objects.count() == events + 2  # complaint.create + work_item.create
    assert WorkItem.objects.filter(object_id=str(complaint.pk)).count() == 1


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
    assert Complaint.objects.get(pk=complaint.pk).is_repeat is repeat
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


@pytest.mark.parametrize("who", ["bj", "bj2"])
def test_the_intake_answer_is_what_the_serializer_renders(cenv, who):
    """The 201 comes from ``ComplaintCreatedSerializer`` (reused per thread): the same keys
    in the same order as a fresh serializer gives for the stored complaint."""
    from rest_framework.test import APIClient

    from louyu.complaints import serializers as s

    client = APIClient()
    client.force_authenticate(cenv[who])
    body = client.post(
        "/api/v1/complaints/",
        {
            "channel": "phone",
            "category": "entry_blocked",
            "address": "北京市朝阳区建国路88号",
            "description": "物业不让电信进场施工，只能用指定代理商的宽带。",
            "complainant_name": "张三",
            "complainant_phone": "13912345678",
        },
        format="json",
    ).json()
    stored = Complaint.objects.select_related("category", "jurisdiction", "handler").get(
        pk=body["id"]
    )
    stored.secret = body["secret"]
    request = APIClient().request().wsgi_request
    request.user = cenv[who]
    expected = s.ComplaintCreatedSerializer(stored, context={"request": request}).data
    assert list(body) == list(expected) and body == expected
    assert body["allowed_transitions"] and body["complainant_name"] == "张*"
