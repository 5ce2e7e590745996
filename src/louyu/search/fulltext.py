"""The vendor-specific half of the search, behind two functions: ``matches(terms)`` (a
filter on index rows) and ``rank(terms)`` (higher is better). PostgreSQL: the generated
``vector`` column, its GIN index, ``to_tsquery('simple', …)`` and ``ts_rank``; SQLite: the
FTS5 table ``search_document_fts`` and ``bm25``. Migration 0001 creates both.

The query text handed to the database is written here from the terms of
``segment.query_terms``, whose tokens are letters and digits only, each quoted; it always
travels as a bound parameter. User text never reaches the database as full-text syntax."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Expression, F, FloatField, Q

Terms = list[tuple[str, ...]]


def tsquery(terms: Terms) -> str:
    """A tsquery: every term as its word, or all the shorter words inside it."""

    def term(word: str, *parts: str) -> str:
        if not parts:
            return f"'{word}'"
        return f"('{word}' | " + " & ".join(f"'{p}'" for p in parts) + ")"

    return " & ".join(term(*t) for t in terms)


def fts5_query(terms: Terms) -> str:
    """The same query in FTS5 syntax, every token a quoted string."""

    def quoted(token: str) -> str:
        return '"' + token.replace('"', '""') + '"'

    def term(word: str, *parts: str) -> str:
        if not parts:
            return quoted(word)
        return f"({quoted(word)} OR (" + " AND ".join(quoted(p) for p in parts) + "))"

    return " AND ".join(term(*t) for t in terms)


class _OnRow(Expression):
    """SQL about the current index row, whatever alias its table has in the query (the
    search runs as a subquery): ``{id}`` and ``{vector}`` in the template stand for the
    row's columns."""

    def __init__(self, template: str, param: str, output_field):
        super().__init__(output_field=output_field)
        self.template, self.param = template, param
        self.row_id = F("pk")

    def get_source_expressions(self):
        return [self.row_id]

    def set_source_expressions(self, exprs):
        (self.row_id,) = exprs

    def resolve_expression(self, *args, **kwargs):
        resolved = self.copy()
        resolved.row_id = self.row_id.resolve_expression(*args, **kwargs)
        return resolved

    def as_sql(self, compiler, connection):
        row_id, params = compiler.compile(self.row_id)
        table = row_id.rsplit(".", 1)[0]
        sql = self.template.format(id=row_id, vector=f'{table}."vector"')
        return sql, [*params, self.param]


def matches(terms: Terms) -> Q | Expression:
    if connection.vendor == "postgresql":
        return _OnRow(
            "{vector} @@ to_tsquery('simple', %s)", tsquery(terms), output_field=BooleanField()
        )
    return _OnRow(
        "{id} IN (SELECT rowid FROM search_document_fts WHERE search_document_fts MATCH %s)",
        fts5_query(terms),
        output_field=BooleanField(),
    )


def rank(terms: Terms) -> Expression:
    if connection.vendor == "postgresql":
        return _OnRow(
            "ts_rank({vector}, to_tsquery('simple', %s))", tsquery(terms), output_field=FloatField()
        )
    # bm25() is lower for better matches: negated, so both vendors sort by rank descending.
    return _OnRow(
        "(SELECT -bm25(search_document_fts) FROM search_document_fts"
        " WHERE search_document_fts MATCH %s AND search_document_fts.rowid = {id})",
        fts5_query(terms),
        output_field=FloatField(),
    )
