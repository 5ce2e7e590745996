import pytest
from django.db import connection, transaction

from louyu.core import context
from louyu.core.audit import AuditOutsideTransaction, audit_record, model_changes
from louyu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_audit_requires_the_callers_transaction(two_jurisdictions):
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=two_jurisdictions["user_a"], action="x.y")


def test_audit_is_rolled_back_with_the_change(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint inside the test
        audit_record(actor=user, action="x.rolled_back", obj=user.organization)
        raise RuntimeError("the change fails")
    assert not AuditEvent.objects.filter(action="x.rolled_back").exists()


def test_audit_records_actor_object_jurisdiction_and_request_ip(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    token = context.set_current(context.RequestContext(ip_address="10.1.2.3", request_id="abc"))
    try:
        with transaction.atomic():
            event = audit_record(
                actor=user, action="org.rename", obj=user.organization, changes={"name": ["a", "b"]}
            )
    finally:
        context.reset(token)
    event.refresh_from_db()
    assert event.actor == user
    assert event.actor_organization == user.organization
    assert event.object_id == str(user.organization.pk)
    assert event.jurisdiction == two_jurisdictions["ja"]
    assert event.ip_address == "10.1.2.3"
    assert event.changes == {"name": ["a", "b"]}


def test_audit_events_cannot_be_edited_or_deleted(two_jurisdictions):
    with transaction.atomic():
        event = audit_record(actor=two_jurisdictions["user_a"], action="x.append_only")
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_postgres_trigger_refuses_updates_even_through_querysets(two_jurisdictions):
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    from django.db import DatabaseError

    with transaction.atomic():
        event = audit_record(actor=two_jurisdictions["user_a"], action="x.trigger")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x.trigger"


def test_model_changes_lists_only_differences():
    assert model_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}


def test_postgres_refuses_truncating_the_audit_trail(two_jurisdictions):
    """Without the owner's deliberate session setting (used by the test suite's flush),
    TRUNCATE of the audit table fails and the events stay."""
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    from django.db import DatabaseError

    with transaction.atomic():
        event = audit_record(actor=two_jurisdictions["user_a"], action="x.truncate")
    with pytest.raises(DatabaseError, match="cannot be truncated"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
            cursor.execute("SET LOCAL louyu.allow_audit_truncate = off")
            cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
