"""``assert_unchanged``: a refused request changes nothing.

A test of a refusal that only checks the status code passes even when the view wrote a row
before refusing; wrapping the request in ``assert_unchanged()`` also checks the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models

# The apps whose tables a refusal must leave alone (everything Louyu owns that holds data).
LOUYU_APPS = (
    "core",
    "buildings",
    "complaints",
    "cases",
    "workplans",
    "reporting",
    "articles",
    "library",
)

# Rows that legitimately change on any request, refused or not. Sessions and tokens belong
# to Django and DRF, not to these apps, so they are not snapshotted at all. Refusals are not
# audited by design (an audit event records a change, or a view of personal data; DESIGN.md
# "Audit event"), so AuditEvent stays in the snapshot: a refusal that audits is a bug.
EXCLUDED = ("core.AuthorizationVersion",)

Target = type[models.Model] | models.QuerySet


def louyu_models() -> list[type[models.Model]]:
    """Every concrete model of Louyu's apps, many-to-many tables included, minus EXCLUDED."""
    found = []
    for label in LOUYU_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label in EXCLUDED or not model._meta.managed:
                continue
            found.append(model)
    return found


def _queryset(target: Target) -> models.QuerySet:
    if isinstance(target, models.QuerySet):
        return target.all()
    return target._default_manager.all()


def _name(target: Target, position: int) -> str:
    if isinstance(target, models.QuerySet):
        return f"{target.model._meta.label} (queryset {position + 1})"
    return target._meta.label


def snapshot(targets: tuple[Target, ...]) -> dict[str, dict[Any, dict[str, Any]]]:
    """``{table name: {pk: {field: value}}}`` of the given models or querysets."""
    rows: dict[str, dict[Any, dict[str, Any]]] = {}
    for position, target in enumerate(targets or louyu_models()):
        qs = _queryset(target)
        pk = qs.model._meta.pk.attname
        rows[_name(target, position)] = {row[pk]: row for row in qs.order_by("pk").values()}
    return rows


def describe_changes(before: dict, after: dict) -> list[str]:
    """One line per inserted, deleted or changed row (and, for a change, per field)."""
    lines = []
    for table in before:
        old, new = before[table], after[table]
        for pk in sorted(old.keys() - new.keys(), key=str):
            lines.append(f"{table} pk={pk}: deleted {old[pk]!r}")
        for pk in sorted(new.keys() - old.keys(), key=str):
            lines.append(f"{table} pk={pk}: inserted {new[pk]!r}")
        for pk in sorted(old.keys() & new.keys(), key=str):
            for field in old[pk]:
                if old[pk][field] != new[pk][field]:
                    lines.append(
                        f"{table} pk={pk}: {field} {old[pk][field]!r} -> {new[pk][field]!r}"
                    )
    return lines


@contextlib.contextmanager
def assert_unchanged(*targets: Target) -> Iterator[None]:
    """Fail if the block inserts, deletes or changes a row of the given models or querysets
    (all of Louyu's tables when none is given, except those in EXCLUDED). Meant for the small
    databases of tests: every row is read before and after."""
    before = snapshot(targets)
    yield
    changes = describe_changes(before, snapshot(targets))
    if changes:
        raise AssertionError("The database changed:\n" + "\n".join(changes))
