"""Storing a new complaint, the hot path of intake (ADR 0009).

``store_new_complaint`` takes the unsaved complaint the intake rules have filled in and
writes, all or nothing: the complaint with a fresh tracking code and the digest of a fresh
query code, its first status row (``submitted``), the acceptance work item of its handler,
and the audit events of both. It also sets the complaint's repeat flag (a closed complaint
of the same building — or normalised address — and category in the window before it was
received). On PostgreSQL that is one statement (``core.bulk.insert_linked``): keys,
repeat check and rows together, atomic by itself; elsewhere one transaction. A taken
tracking code writes nothing and is retried with a new one.

Nothing else in the complaints app knows how the rows are written: the rules in
``services`` hand over a model instance and get it back stored."""

from __future__ import annotations

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from louyu.complaints.codes import new_secret, new_tracking_code, secret_digest
from louyu.complaints.models import Complaint, StatusChange
from louyu.complaints.workflow import State
from louyu.core import calendar
from louyu.core.audit import audit_event
from louyu.core.bulk import Exists, Key, insert_linked
from louyu.core.models import User
from louyu.core.services import work_item_new

ATTEMPTS = 10
ACCEPTANCE_TITLE = "受理审查"


def store_new_complaint(
    complaint: Complaint, *, actor: User | None, repeat_window: datetime.timedelta
) -> str:
    """Write ``complaint`` (unsaved; every field but its codes and repeat flag set) and
    what comes with it; returns the secret query code, which is stored only as a digest.
    Inside the caller's transaction the write joins it under a savepoint."""
    savepoint = transaction.get_connection().in_atomic_block
    secret = new_secret()
    status = StatusChange(
        complaint=complaint,
        from_state="",
        to_state=State.SUBMITTED,
        actor=complaint.created_by,
        actor_organization_id=getattr(actor, "organization_id", None),
        note="",
        details={"channel": complaint.channel},
    )
    created = audit_event(
        actor=actor,
        action="complaint.create",
        obj=complaint,
        changes={
            "channel": complaint.channel,
            "category": complaint.category.code,
            "handler": complaint.handler.code,
        },
    )
    item, item_created = work_item_new(
        actor=actor,
        title=ACCEPTANCE_TITLE,
        assignee_organization=complaint.handler,
        due_at=complaint.accept_due_at,
        due_provisional=complaint.deadline_provisional,
        target=complaint,
        kind="complaint",
        step=True,
        jurisdiction=complaint.jurisdiction,
    )  # no notification: the queue shows new complaints; reminders warn of deadlines
    rows = [complaint, status, item, created, item_created]
    probe = _repeat_probe(complaint, repeat_window)
    links = {
        0: {"is_repeat": Exists(*probe)} if probe is not None else {},
        1: {"complaint_id": Key(complaint)},
        2: {"object_id": Key(complaint), "link": Key(complaint, "/complaints/{}/")},
        3: {"object_id": Key(complaint)},
        4: {"object_id": Key(item)},
    }
    if probe is None:
        complaint.is_repeat = False
    received = calendar.local_date(complaint.received_at)
    for _attempt in range(ATTEMPTS):
        complaint.tracking_code = new_tracking_code(received)
        complaint.secret_hash = secret_digest(complaint.tracking_code, secret)
        created.object_repr = complaint.tracking_code
        item.title = item_created.changes["title"] = (
            f"{ACCEPTANCE_TITLE}：{complaint.tracking_code}"
        )
        item_created.object_repr = item.title
        try:
            with transaction.atomic() if savepoint else contextlib.nullcontext():
                insert_linked(rows, links=links)
            return secret
        except IntegrityError:  # the tracking code was taken meanwhile: nothing was written
            continue
    raise ValidationError(  # pragma: no cover - 10 collisions in a million codes per day
        {"tracking_code": "受理编号生成失败，请重试。"}
    )


def _repeat_probe(complaint: Complaint, window: datetime.timedelta) -> tuple[str, list] | None:
    """The query of the repeat check (a row when the complaint repeats one), or None when
    the complaint names neither a building nor an address.

    Hand-written SQL (the ORM spent more time building this query than the database
    running it), answered by the partial indexes on closed complaints
    (``complaint_repeat_building``, ``complaint_repeat_address``)."""
    if complaint.building_id:
        column, value = "building_id", complaint.building_id
    elif complaint.normalized_address:
        column, value = "normalized_address", complaint.normalized_address
    else:
        return None
    ops = connection.ops
    sql = _REPEAT_SQL.format(
        table=ops.quote_name(Complaint._meta.db_table), column=ops.quote_name(column)
    )
    return sql, [
        complaint.category_id,
        value,
        ops.adapt_datetimefield_value(complaint.received_at - window),
        ops.adapt_datetimefield_value(complaint.received_at),
    ]


# Identifiers come from model metadata and values are parameters; ``state`` is written into
# the SQL (a constant, not input) so that PostgreSQL matches the partial indexes' ``WHERE
# state = 'closed'`` also for a prepared statement.
_REPEAT_SQL = (
    "SELECT 1 FROM {table} WHERE state = '"  # noqa: S608
    + State.CLOSED.value
    + "' AND category_id = %s AND {column} = %s AND closed_at >= %s AND closed_at <= %s LIMIT 1"
)
