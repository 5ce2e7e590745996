"""System checks of deployment settings (``louyu check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Login throttling, API throttling, the public rate limits and the single-use form
    tokens count in the default cache: per-process memory lets every web process (and every
    restart) grant a guesser its own allowance."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"The default cache is {backend.rsplit('.', 1)[-1]}, which each process keeps "
            "for itself: rate limits and single-use form tokens are not shared between web "
            "processes.",
            hint="Set LOUYU_CACHE_URL (or LOUYU_REDIS_CACHE=true with LOUYU_REDIS_URL) to a "
            "Redis shared by all web processes.",
            id="louyu.W001",
        )
    ]


AUDIT_TABLE = "core_auditevent"


@checks.register(checks.Tags.security, deploy=True)
def check_audit_table_owner(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The role that owns the audit table (or a superuser) can alter it, drop its triggers
    and so edit the trail: the web and worker processes should run as a role that may only
    insert and read audit events (README, "Production")."""
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_has_role(current_user, c.relowner, 'USAGE'), current_user "
                "FROM pg_class c WHERE c.oid = to_regclass(%s)",
                [AUDIT_TABLE],
            )
            row = cursor.fetchone()
    except DatabaseError:
        return []  # no database yet: nothing to say about its roles
    if row is None or not row[0]:
        return []
    return [
        checks.Warning(
            f"The database role {row[1]!r} owns the audit table {AUDIT_TABLE} (or is a "
            "superuser): it can alter the table and disable the triggers that keep the audit "
            "trail append-only.",
            hint="Run migrations as an owner role and the application as a runtime role with "
            'the privileges of docs/runtime-role.sql (README, "Production").',
            id="louyu.W002",
        )
    ]
