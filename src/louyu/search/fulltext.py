"""The vendor-specific half of the search, behind three functions: ``reach_keys(reaches)``
(the lexemes of a user's reach), ``matches(terms, reach=…)`` (a filter on index rows) and
``rank(terms)`` (higher is better). PostgreSQL: the generated ``vector`` column, its GIN
index, ``to_tsquery('simple', …)`` and ``ts_rank``; SQLite: the FTS5 table
``search_document_fts`` and ``bm25``. Migration 0001 creates both.

On PostgreSQL the vector also holds each row's reach keys (migration 0002): ``~k:<kind>``,
``~k:<kind>:j:<jurisdiction id>``, ``~k:<kind>:o:<organisation id>``. ``matches`` ANDs the
words with the user's keys OR'ed, so the GIN bitmap holds only matches within reach instead
of every match in the country. The keys are a superset of the reach (a reach by object ids
gives its whole kind) and only speed the search up: the exact reach stays the SQL test
(``query.visible_q``). No text can give a key: text lexemes are letters and digits
only, keys have ``~`` and ``:``, and keys reach the query as a ``tsquery`` literal written
here from kind keys and integers, never through ``to_tsquery``'s parser.

The query text handed to the database is written here from the terms of
``segment.query_terms``, whose tokens are letters and digits only, each quoted; it always
travels as a bound parameter. User text never reaches the database as full-text syntax."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Expression, F, FloatField

from louyu.search.registry import Reach

Terms = list[tuple[str, ...]]
KEY_PREFIX = "~k:"


def reach_keys(reaches: Iterable[tuple[str, Reach]]) -> list[str]:
    """The lexemes of rows within these reaches (kind key, reach), a superset of them: a
    kind found whole, or by a subquery of object ids, gives its kind key; jurisdictions
    and organisations give one key each."""
    keys: list[str] = []
    for key, reach in reaches:
        if reach.everything or reach.object_ids is not None:
            keys.append(f"{KEY_PREFIX}{key}")
            continue
        keys += [f"{KEY_PREFIX}{key}:j:{int(j)}" for j in sorted(reach.jurisdiction_ids)]
        keys += [f"{KEY_PREFIX}{key}:o:{int(o)}" for o in sorted(reach.organization_ids)]
    return keys


def _reach_tsquery(keys: list[str]) -> str:
    for key in keys:
        if (
            not key.startswith(KEY_PREFIX)
            or not key[len(KEY_PREFIX) :].replace(":", "").replace("_", "").isalnum()
        ):
            raise ValueError(f"not a reach key: {key!r}")
    return " | ".join(f"'{key}'" for key in keys)


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

    def __init__(self, template: str, param: str, output_field, extra: str | None = None):
        super().__init__(output_field=output_field)
        self.template, self.param, self.extra = template, param, extra
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
        extra = [] if self.extra is None else [self.extra]
        return sql, [*params, self.param, *extra]


def matches(terms: Terms, *, reach: list[str] | None = None, indexed: bool = True) -> Expression:
    """Rows with every term; on PostgreSQL, when ``reach`` (from ``reach_keys``) is given,
    only rows with one of those keys as well (SQLite ignores it). ``indexed=False`` gives
    the same test in a form the GIN index cannot answer, for rows read another way (its
    bitmap of two common words costs more than testing a few thousand rows)."""
    if connection.vendor == "postgresql":
        test = "{vector} @@ to_tsquery('simple', %s)"
        extra = None
        if reach is not None:
            test = "{vector} @@ (to_tsquery('simple', %s) && %s::tsquery)"
            extra = _reach_tsquery(reach) if reach else "'~'"
        if not indexed:
            test = f"COALESCE({test}, false)"
        return _OnRow(test, tsquery(terms), output_field=BooleanField(), extra=extra)
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
