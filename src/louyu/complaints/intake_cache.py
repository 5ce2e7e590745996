"""The reference rows complaint intake reads on every request, cached per process: the
active categories, the active routing rules with their handlers, each jurisdiction's
communications administration and the deadline policies.

Each function answers from the cache when it may and from the database otherwise, so the
rules in ``services`` read the same either way. The cache loads only outside a
transaction (so it never holds rows of a transaction that may roll back), expires after
``LOUYU_INTAKE_CACHE_SECONDS`` (default 60: how long another process may use a stale copy)
and is dropped when one of those rows is saved or deleted (``complaints.signals``).
Instances handed out are new ones, built by the ORM's own ``Model.from_db`` from the cached
values, so a caller may change what it gets; routing rules are handed out read-only."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models, transaction

from louyu.complaints.models import Category, DeadlinePolicy, RoutingRule
from louyu.core.models import Organization, OrganizationType


def fresh(instance: models.Model | None):
    """A new instance with the same field values, made as the ORM makes a loaded row (no
    shared state with ``instance``; related objects are not carried over)."""
    if instance is None:
        return None
    names = [f.attname for f in instance._meta.concrete_fields]
    values = [getattr(instance, name) for name in names]
    return type(instance).from_db(DEFAULT_DB_ALIAS, names, values)


@dataclass(frozen=True)
class _References:
    categories: dict[str, Category]
    rules: tuple[RoutingRule, ...]
    comm_admins: dict[int, Organization]
    policies: dict[int, DeadlinePolicy]
    default_policy: DeadlinePolicy | None
    loaded_at: float


_cached: _References | None = None
_generation = 0
_lock = threading.Lock()


def clear_intake_cache() -> None:
    """Forget the cached rows; the next use outside a transaction reloads them. Call it
    after writes that send no model signals (``bulk_create``, ``QuerySet.update``)."""
    global _cached, _generation
    with _lock:
        _cached = None
        _generation += 1


def _comm_admins() -> models.QuerySet[Organization]:
    return Organization.objects.filter(
        type=OrganizationType.COMM_ADMIN, is_active=True, jurisdiction__isnull=False
    )  # default ordering: the first of a jurisdiction is its administration


def _active_rules() -> models.QuerySet[RoutingRule]:
    return RoutingRule.objects.filter(is_active=True).select_related("handler")


def _load() -> _References:
    comm_admins: dict[int, Organization] = {}
    for org in _comm_admins():
        comm_admins.setdefault(org.jurisdiction_id, org)
    policies: dict[int, DeadlinePolicy] = {}
    default_policy = None
    for policy in DeadlinePolicy.objects.order_by("pk"):
        if policy.category_id is None:
            default_policy = default_policy or policy
        else:
            policies.setdefault(policy.category_id, policy)
    return _References(
        categories={c.code: c for c in Category.objects.filter(is_active=True)},
        rules=tuple(_active_rules()),
        comm_admins=comm_admins,
        policies=policies,
        default_policy=default_policy,
        loaded_at=time.monotonic(),
    )


def _outside_transaction() -> bool:
    return not transaction.get_connection().in_atomic_block


def _references() -> _References | None:
    """The cached rows, loaded when missing or expired if outside a transaction; None
    inside a transaction without a fresh copy (callers then read the database)."""
    global _cached
    cached = _cached
    max_age = float(getattr(settings, "LOUYU_INTAKE_CACHE_SECONDS", 60))
    if cached is not None and time.monotonic() - cached.loaded_at < max_age:
        return cached
    if not _outside_transaction():
        return None
    with _lock:
        generation = _generation
    loaded = _load()
    with _lock:
        if generation == _generation:
            _cached = loaded
    return loaded


def warm_intake_cache() -> None:
    """Load the cache now if it is missing (outside a transaction only), before a caller
    opens the transaction intake will run in."""
    _references()


def active_category(code: str) -> Category | None:
    refs = _references()
    if refs is None:
        return Category.objects.filter(is_active=True, code=code).first()
    return fresh(refs.categories.get(code))


def deadline_policy(category: Category) -> DeadlinePolicy | None:
    """The category's deadline policy, else the default one (None if both are missing)."""
    refs = _references()
    if refs is None:
        return (
            DeadlinePolicy.objects.filter(category=category).first()
            or DeadlinePolicy.objects.filter(category__isnull=True).first()
        )
    return fresh(refs.policies.get(category.pk) or refs.default_policy)


def routing_rules() -> Sequence[RoutingRule]:
    """The active routing rules in order, with their handlers; read them, never change
    them (they may be the cached instances)."""
    refs = _references()
    return refs.rules if refs is not None else list(_active_rules())


def organization(org: Organization) -> Organization:
    """An organisation read from the rules to hand on: a new instance of it."""
    return fresh(org)


def communications_administration(jurisdiction_id: int) -> Organization | None:
    refs = _references()
    if refs is None:
        return _comm_admins().filter(jurisdiction_id=jurisdiction_id).first()
    return fresh(refs.comm_admins.get(jurisdiction_id))
