"""``check --deploy`` warns when rate limits would be counted per process, and when the
application's database role owns the audit table."""

import uuid
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from louyu.core.audit import audit_record
from louyu.core.checks import check_audit_table_owner, check_shared_cache
from louyu.core.models import AuditEvent

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}


def test_per_process_cache_in_production_is_warned(settings):
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    assert [m.id for m in check_shared_cache(None)] == ["louyu.W001"]


def test_shared_cache_or_debug_is_fine(settings):
    settings.DEBUG = False
    settings.CACHES = REDIS
    assert check_shared_cache(None) == []
    settings.DEBUG = True
    settings.CACHES = LOCMEM
    assert check_shared_cache(None) == []


def test_the_check_runs_with_deploy():
    from django.core import checks

    assert check_shared_cache in checks.registry.registry.get_checks(include_deployment_checks=True)


RUNTIME_GRANTS = Path(__file__).resolve().parents[4] / "docs" / "runtime-role.sql"


@pytest.mark.django_db
def test_owning_the_audit_table_is_warned_and_the_runtime_role_is_not():
    """The test suite runs as the owner (warned); a role with only the README's grants is
    not warned and can insert and read audit events but not change, empty or alter them."""
    if connection.vendor != "postgresql":
        assert check_audit_table_owner(None) == []
        pytest.skip("database roles exist on PostgreSQL only")
    assert [m.id for m in check_audit_table_owner(None)] == ["louyu.W002"]

    role = f"louyu_test_runtime_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:  # inside the test's transaction: rolled back after
        cursor.execute(f"CREATE ROLE {role}")
        cursor.execute(RUNTIME_GRANTS.read_text().replace("louyu_app", role))
        cursor.execute(f"SET LOCAL ROLE {role}")
    assert check_audit_table_owner(None) == []
    with transaction.atomic():
        audit_record(actor=None, action="x.runtime_role")
    assert AuditEvent.objects.filter(action="x.runtime_role").count() == 1
    for statement in [
        "UPDATE core_auditevent SET action = 'tampered'",
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
        "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.filter(action="x.runtime_role").count() == 1
