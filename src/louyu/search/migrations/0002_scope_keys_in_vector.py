"""The PostgreSQL vector also carries the row's reach keys (ADR 0018, addendum): lexemes
``~k:<kind>``, ``~k:<kind>:j:<jurisdiction id>`` and ``~k:<kind>:o:<organisation id>``,
added with ``array_to_tsvector`` (taken as they are, never parsed), so that the GIN index
narrows a search to the caller's reach in the same bitmap as the words. Text tokens are
letters and digits only, so no text can give a lexeme with ``~`` or ``:``. The column is
generated, so re-adding it rebuilds every row's vector; SQLite's FTS5 table is unchanged
(its search scopes by the SQL filter alone)."""

from django.db import migrations

VECTOR = (
    "to_tsvector('simple', tokens) || array_to_tsvector(array_remove(ARRAY["
    "'~k:' || kind, "
    "'~k:' || kind || ':j:' || jurisdiction_id::text, "
    "'~k:' || kind || ':o:' || organization_id::text"
    "], NULL))"
)
WORDS_ONLY = "to_tsvector('simple', tokens)"


def _vector(expression):
    return [
        "DROP INDEX IF EXISTS search_document_vector",
        "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
        f"ALTER TABLE search_document ADD COLUMN vector tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED",
        "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
    ]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(_vector(VECTOR)), _run(_vector(WORDS_ONLY)))]
