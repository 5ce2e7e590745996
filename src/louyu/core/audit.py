"""The audit trail. ``audit_record`` must run inside the transaction of the change it
records, so that a change and its audit event are committed or rolled back together."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from louyu.core import context
from louyu.core.bulk import create_rows
from louyu.core.models import AuditEvent, Jurisdiction


class AuditOutsideTransaction(RuntimeError):
    """audit_record was called outside the transaction of the change it records."""


_batch = threading.local()


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """Insert the audit events recorded inside the block together, in one statement, when
    the block ends without error (still in the caller's transaction, which must be open for
    the whole block; an error discards them with the rolled-back change). Nested blocks
    join the outermost one. Events recorded inside get their primary key only at the end."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction("audit_batch must be used inside a transaction")
    if getattr(_batch, "events", None) is not None:
        yield
        return
    _batch.events = []
    try:
        yield
        events = _batch.events
    finally:
        _batch.events = None
    if events:
        create_rows(events)


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    jurisdiction: Jurisdiction | int | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """The unsaved audit event of a change. Callers that write it themselves must write it
    in the same statement or transaction as the change (``audit_record`` does that for
    them; complaint intake writes both in one statement, see ``core.bulk.insert_linked``)."""
    ctx = context.current()
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    if jurisdiction is None and obj is not None:
        jurisdiction = getattr(obj, "jurisdiction_id", None)
    jurisdiction_id = jurisdiction.pk if isinstance(jurisdiction, Jurisdiction) else jurisdiction
    return AuditEvent(
        actor=actor_obj,
        actor_repr=(actor_obj.username if actor_obj else "system")[:150],
        actor_organization_id=getattr(actor_obj, "organization_id", None),
        action=action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr if object_repr is not None else str(obj or ""))[:200],
        jurisdiction_id=jurisdiction_id,
        changes=_jsonable(changes or {}),
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
    )


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    jurisdiction: Jurisdiction | int | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's transaction (raises if there is none)."""
    event = audit_event(
        actor=actor,
        action=action,
        obj=obj,
        changes=changes,
        jurisdiction=jurisdiction,
        object_repr=object_repr,
    )
    return audit_write(event)


def audit_write(event: AuditEvent) -> AuditEvent:
    """Write an event built by ``audit_event`` in the caller's transaction (raises if there
    is none); inside ``audit_batch`` it joins the batch's one INSERT."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(
            "audit events must be written inside the transaction of the audited change"
        )
    pending = getattr(_batch, "events", None)
    if pending is not None:
        pending.append(event)
    else:
        create_rows([event])
    return event
