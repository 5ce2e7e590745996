"""On PostgreSQL, refuse TRUNCATE of the audit events (the row triggers of 0003 do not fire
on TRUNCATE). Only the owner of the table, with the session setting
``louyu.allow_audit_truncate`` on, gets through: the test suite (whose flush empties every
table) sets it in its connection options; production's runtime role has no TRUNCATE
privilege at all (README, "Production")."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION louyu_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('louyu.allow_audit_truncate', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                       'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditevent cannot be truncated';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_refuse_truncate ON core_auditevent;
CREATE TRIGGER core_auditevent_refuse_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION louyu_audit_refuse_truncate();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_refuse_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS louyu_audit_refuse_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_drop_indexes_composites_cover")]
    operations = [migrations.RunPython(forward, backward)]
