"""Permission sets cached per process, invalidated across processes by a version row.

Django's ``ModelBackend`` loads a user's permissions with two queries on every request.
``CachedPermissionBackend`` keeps each user's permission set in process memory, keyed by
the user and the current value of ``AuthorizationVersion``. That value is read from the
database on every request (in the same query that loads the user or the API token) and is
replaced, in the same transaction, by every ORM change to permissions, groups, memberships,
content types or users (receivers in ``louyu.core.signals``). So a committed revocation is
seen by every process on its next request; ``LOUYU_PERMISSION_CACHE_SECONDS`` (default 60)
bounds how long a change made outside the ORM (raw SQL) can go unnoticed. Whether a user is
active or a superuser, and whether a token exists, is never cached. See docs/adr/0006.
"""

from __future__ import annotations

import secrets
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Subquery

from louyu.core.models import AuthorizationVersion

VERSION_PK = 1
MAX_ENTRIES = 4096
_UNREAD = object()

_cache: dict[tuple[int, int], tuple[frozenset[str], float]] = {}
_lock = threading.Lock()


def version_subquery() -> Subquery:
    """The current version as a subquery, to annotate the query that loads a user or token."""
    return Subquery(AuthorizationVersion.objects.filter(pk=VERSION_PK).values("value")[:1])


def current_version() -> int | None:
    """The current version, or None when the row is missing (nothing is cached then)."""
    return (
        AuthorizationVersion.objects.filter(pk=VERSION_PK).values_list("value", flat=True).first()
    )


def clear_permission_cache() -> None:
    """Forget every cached permission set of this process."""
    with _lock:
        _cache.clear()


def authorization_changed(using: str | None = None) -> None:
    """Record that who may do what changed: give the version a new random value in the
    caller's transaction (creating the row if missing) and clear this process's cache now
    and on commit. Other processes miss their cache from the commit on. A random value, not
    a counter, so a rolled-back change (or a restored backup) never brings back a value
    that keyed other permissions."""
    value = secrets.randbits(62)
    manager = AuthorizationVersion.objects.db_manager(using)
    if not manager.filter(pk=VERSION_PK).update(value=value):
        manager.update_or_create(pk=VERSION_PK, defaults={"value": value})
    clear_permission_cache()
    transaction.on_commit(clear_permission_cache, using=using)


def _ttl() -> float:
    return float(getattr(settings, "LOUYU_PERMISSION_CACHE_SECONDS", 60))


def remember_version(user, version: int | None) -> None:
    """Attach the version read together with ``user`` (by the token or session lookup)."""
    user._authz_version = version


class CachedPermissionBackend(ModelBackend):
    """``ModelBackend`` with each active user's permission set cached per process under
    (user id, version). Same answers as ``ModelBackend``: inactive users have no
    permissions, superusers all (decided by ``User.has_perm`` before any backend), and
    per-object checks are not supported."""

    def get_user(self, user_id):
        """The session's user, with the version read in the same query."""
        user = (
            get_user_model()
            ._default_manager.annotate(_authz_version_value=version_subquery())
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_version(user, user._authz_version_value)
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if hasattr(user_obj, "_perm_cache"):
            return user_obj._perm_cache
        version = getattr(user_obj, "_authz_version", _UNREAD)
        if version is _UNREAD:
            version = current_version()
            user_obj._authz_version = version
        if version is None:
            user_obj._perm_cache = super().get_all_permissions(user_obj)
            return user_obj._perm_cache
        key = (user_obj.pk, version)
        now = time.monotonic()
        cached = _cache.get(key)
        if cached is not None and now - cached[1] < _ttl():
            user_obj._perm_cache = set(cached[0])
            return user_obj._perm_cache
        perms = super().get_all_permissions(user_obj)
        with _lock:
            if len(_cache) >= MAX_ENTRIES:
                _cache.clear()
            _cache[key] = (frozenset(perms), now)
        return perms
