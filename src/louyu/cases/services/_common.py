"""What every write of a case repeats: lock the row, refuse a stale version, append a
timeline row, bump the version. Internal to ``louyu.cases.services``.

The version is the optimistic check of the web and API forms: a write given the version the
user saw refuses with ConcurrentEdit when the case changed since, and every write that
changes the case's record raises it by one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from louyu.cases.models import Case, CaseStatusChange
from louyu.core.errors import ConcurrentEdit
from louyu.core.models import Organization, OrganizationType
from louyu.core.scope import check_organization_reference


def lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def check_version(locked: Case, expected_version: int | None) -> None:
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEdit("该案件已被他人更新，请刷新页面后再操作。")


def actor_or_none(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def append_event(
    locked: Case, actor, *, from_state: str, note: str = "", **details: Any
) -> CaseStatusChange:
    """Append a timeline row (a transition, or an event with the same from and to state)."""
    return CaseStatusChange.objects.create(
        case=locked,
        from_state=from_state,
        to_state=locked.state,
        actor=actor_or_none(actor),
        actor_organization_id=getattr(actor, "organization_id", None),
        note=note[:2000],
        details=details,
    )


def bump_version(locked: Case, *fields: str) -> None:
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])


def organization_errors(actor, **organizations) -> dict[str, str]:
    """The field errors for organisations ``actor`` may not name (``core.scope``)."""
    errors = {}
    for field, organization in organizations.items():
        try:
            check_organization_reference(actor=actor, field=field, organization=organization)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    return errors


def administration_of(case: Case) -> Organization | None:
    """The communications administration of the case's jurisdiction."""
    return Organization.objects.filter(
        type=OrganizationType.COMM_ADMIN, jurisdiction_id=case.jurisdiction_id, is_active=True
    ).first()
