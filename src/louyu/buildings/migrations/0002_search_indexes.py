"""Trigram indexes for substring search over names, aliases and addresses on PostgreSQL
(``LIKE '%…%'`` uses them); SQLite scans, which is fine at a single office's size."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS buildings_name_trgm ON buildings_building "
    "USING gin (normalized_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS buildings_address_trgm ON buildings_building "
    "USING gin (normalized_address gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS buildings_alias_trgm ON buildings_building "
    "USING gin (alias_text gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS buildings_name_trgm",
    "DROP INDEX IF EXISTS buildings_address_trgm",
    "DROP INDEX IF EXISTS buildings_alias_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("buildings", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
