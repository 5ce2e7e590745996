import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.forms.models import model_to_dict

from louyu.core.bulk import Exists, Key, create_rows, insert_linked
from louyu.core.models import AuditEvent, Organization, WorkItem, WorkItemState

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=datetime.UTC)
bulk_tz = datetime.timezone(datetime.timedelta(hours=8))


def _stored(obj) -> dict:
    """Every concrete column as read back from the database, primary key left out."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {
        f.attname: getattr(fresh, f.attname)
        for f in type(obj)._meta.concrete_fields
        if not f.primary_key
    }


def _audit_event(user, **extra) -> AuditEvent:
    values = {
        "created_at": WHEN,
        "actor": user,
        "actor_repr": user.username,
        "actor_organization_id": user.organization_id,
        "action": "test.create_rows",
        "object_type": ContentType.objects.get_for_model(Organization),
        "object_id": str(user.organization_id),
        "object_repr": "机构 <b>",
        "jurisdiction_id": user.organization.jurisdiction_id,
        "changes": {"名称": ["甲", "乙"], "n": [1, None], "nested": {"ok": True}},
        "ip_address": "10.9.8.7",
        "request_id": "r-1",
    }
    values.update(extra)
    return AuditEvent(**values)


def _work_item(user, **extra) -> WorkItem:
    values = {
        "title": "受理审查：TEST",
        "kind": "complaint",
        "content_type": ContentType.objects.get_for_model(Organization),
        "object_id": "42",
        "link": "/complaints/42/",
        "jurisdiction_id": user.organization.jurisdiction_id,
        "assignee_organization": user.organization,
        "due_at": WHEN,
        "due_provisional": True,
        "created_at": WHEN,
        "created_by": user,
    }
    values.update(extra)
    return WorkItem(**values)


@pytest.mark.parametrize("build", [_audit_event, _work_item])
def test_writes_the_same_row_as_the_orm(two_jurisdictions, build):
    user = two_jurisdictions["user_a"]
    by_orm = build(user)
    by_orm.save(force_insert=True)
    fast = build(user)
    assert create_rows([fast]) == [fast]
    assert fast.pk is not None and fast.pk != by_orm.pk
    assert not fast._state.adding and fast._state.db == "default"
    assert _stored(fast) == _stored(by_orm)


def test_several_rows_in_one_statement_get_their_own_keys_in_order(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    items = [_work_item(user, title=f"第 {n} 项", object_id=str(n)) for n in range(5)]
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        create_rows(items)
    assert len(statements) == 1
    assert [WorkItem.objects.get(pk=i.pk).title for i in items] == [i.title for i in items]
    assert len({i.pk for i in items}) == 5


def test_choices_members_and_defaults_are_stored_as_their_values(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    item = _work_item(user, state=WorkItemState.DONE)
    create_rows([item])
    assert WorkItem.objects.filter(pk=item.pk, state="done").exists()
    event = AuditEvent(action="test.defaults")  # created_at, changes and the rest by default
    create_rows([event])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.changes == {} and stored.ip_address is None and stored.actor_id is None
    assert stored.created_at == event.created_at


def test_naive_datetimes_take_djangos_path(two_jurisdictions, settings):
    user = two_jurisdictions["user_a"]
    naive = datetime.datetime(2026, 3, 4, 5, 6, 7)  # noqa: DTZ001 - the case under test
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        by_orm = _work_item(user, due_at=naive)
        by_orm.save()
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        fast = create_rows([_work_item(user, due_at=naive)])[0]
    assert _stored(fast)["due_at"] == _stored(by_orm)["due_at"]


def test_models_with_save_receivers_go_through_the_orm(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append(instance.title)

    post_save.connect(receiver, sender=WorkItem, dispatch_uid="test-create-rows")
    try:
        create_rows([_work_item(user, title="有人在听")])
    finally:
        post_save.disconnect(sender=WorkItem, dispatch_uid="test-create-rows")
    assert seen == ["有人在听"]
    assert WorkItem.objects.filter(title="有人在听").exists()


def test_a_failing_insert_raises_djangos_integrity_error_and_writes_nothing(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    good = _work_item(user, title="好的")
    broken = _work_item(user, title="坏的", created_by_id=None)
    broken.title = None  # NOT NULL column
    with pytest.raises(IntegrityError), transaction.atomic():
        create_rows([good, broken])
    assert not WorkItem.objects.filter(title="好的").exists()


def test_the_instances_read_like_saved_ones(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    item = create_rows([_work_item(user)])[0]
    assert model_to_dict(WorkItem.objects.get(pk=item.pk)) == model_to_dict(item)


# --- insert_linked ---------------------------------------------------------------------------


def _linked(user):
    """A work item, its audit event (whose object_id is the item's key) and a second item
    whose link names the first: three rows of two models, each depending on an earlier key.
    Returns the objects and their links."""
    first = _work_item(user, title="第一项", object_id="")
    event = _audit_event(user, object_id="")
    second = _work_item(user, title="第二项", link="")
    links = {1: {"object_id": Key(first)}, 2: {"link": Key(first, "/work-items/{}/")}}
    return [first, event, second], links


def _recording():
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    return statements, record


def test_insert_linked_writes_rows_that_refer_to_earlier_keys(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    objs, links = _linked(user)
    insert_linked(objs, links=links)  # sequence names are looked up once per process
    objs, links = _linked(user)
    statements, record = _recording()
    with connection.execute_wrapper(record):
        insert_linked(objs, links=links)
    first, event, second = objs
    assert AuditEvent.objects.get(pk=event.pk).object_id == str(first.pk) == event.object_id
    stored = WorkItem.objects.get(pk=second.pk).link
    assert stored == f"/work-items/{first.pk}/" == second.link
    assert all(not o._state.adding and o.pk for o in objs)
    # PostgreSQL: keys, checks and every row in one round trip; elsewhere one per row.
    assert len(statements) == (1 if connection.vendor == "postgresql" else 3)


def test_insert_linked_keys_follow_the_order_of_the_objects(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    objs = [_work_item(user, title=str(n)) for n in range(3)]
    objs.insert(1, _audit_event(user, object_id=""))
    insert_linked(objs, links={1: {"object_id": Key(objs[0])}})
    items = [o.pk for o in objs if isinstance(o, WorkItem)]
    assert items == sorted(items)


def test_insert_linked_refuses_a_key_of_a_later_or_unknown_object(two_jurisdictions):
    user = two_jurisdictions["user_a"]
    later = _work_item(user)
    event = _audit_event(user)
    items = WorkItem.objects.count()
    with pytest.raises(ValueError, match="before this one"):
        insert_linked([event, later], links={0: {"object_id": Key(later)}})
    with pytest.raises(ValueError, match="before this one"):
        insert_linked([event], links={0: {"object_id": Key(_work_item(user))}})
    with pytest.raises(ValueError, match="no such column"):
        insert_linked([event], links={0: {"no_such_field": Key(later)}})
    assert WorkItem.objects.count() == items
    with pytest.raises(ValueError, match="exactly one"):
        Key(later, "/no/placeholder/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_insert_linked_writes_nothing_when_one_row_fails_even_outside_a_transaction(
    two_jurisdictions,
):
    user = two_jurisdictions["user_a"]
    objs, links = _linked(user)
    objs[2].title = None  # NOT NULL: the last row fails
    items, events = WorkItem.objects.count(), AuditEvent.objects.count()
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(IntegrityError):
        insert_linked(objs, links=links)
    assert (WorkItem.objects.count(), AuditEvent.objects.count()) == (items, events)
    assert all(o.pk is None for o in objs)  # ready for a retry
    objs[2].title = "改好了"
    insert_linked(objs, links=links)
    assert WorkItem.objects.count() == items + 2
    assert AuditEvent.objects.get(pk=objs[1].pk).object_id == str(objs[0].pk)


@pytest.mark.parametrize(
    "build",
    [
        _work_item,
        _audit_event,
        lambda user: _audit_event(
            user,
            ip_address="2001:db8::1",
            created_at=datetime.datetime(2026, 3, 4, 13, 6, 7, 1, tzinfo=bulk_tz),
            changes={"when": "2026-03-04", "引号": "a'b\"c\\d", "list": [1.5, {"x": None}]},
            object_repr="",
        ),
        lambda user: _audit_event(user, ip_address=None, changes={}, actor=None),
        lambda user: _work_item(user, due_at=None, link="", created_by=None),
    ],
)
def test_insert_linked_writes_the_same_values_as_create_rows(two_jurisdictions, build):
    user = two_jurisdictions["user_a"]
    alone = create_rows([build(user)])[0]
    together = insert_linked([build(user), build(user)])
    assert _stored(together[0]) == _stored(alone) == _stored(together[1])
    assert together[0].pk != together[1].pk


@pytest.mark.parametrize("wanted", ["第一项", "没有这一项"])
def test_insert_linked_reads_a_check_before_writing(two_jurisdictions, wanted):
    """An ``Exists`` value is the answer of its query as it stood before the call wrote
    anything (the first item of this very call is titled 第一项 too); on PostgreSQL in the
    same statement as the writes."""
    user = two_jurisdictions["user_a"]
    objs, links = _linked(user)
    insert_linked(objs, links=links)
    objs, links = _linked(user)
    table = connection.ops.quote_name(WorkItem._meta.db_table)
    sql = f"SELECT 1 FROM {table} WHERE title = %s AND due_provisional = %s"  # noqa: S608
    links[0] = {"due_provisional": Exists(sql, [wanted, True])}
    expected = WorkItem.objects.filter(title=wanted, due_provisional=True).exists()
    assert expected is (wanted == "第一项")
    statements, record = _recording()
    with connection.execute_wrapper(record):
        insert_linked(objs, links=links)
    assert objs[0].due_provisional is expected
    assert WorkItem.objects.get(pk=objs[0].pk).due_provisional is expected
    # PostgreSQL: the check is read in the same round trip as the writes.
    assert len(statements) == (1 if connection.vendor == "postgresql" else 4)
