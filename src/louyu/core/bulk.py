"""Fast bulk inserts. On PostgreSQL rows go in with ``COPY`` (primary keys reserved from
the table's sequence first, so callers get them back like ``bulk_create``); elsewhere with
``bulk_create``. Either way the values are exactly what ``bulk_create`` would write."""

from __future__ import annotations

import datetime
import importlib
import uuid
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.models import signals


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys from the table's identity sequence (PostgreSQL)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, objs: list) -> None:
    """Insert ``objs`` with PostgreSQL ``COPY`` (``pre_save`` then ``get_db_prep_save`` of
    every concrete field). Primary keys must already be set."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def bulk_insert(model, objs: list, *, batch_size: int = 2000) -> list:
    """Insert ``objs`` and set their primary keys; returns ``objs``."""
    if not objs:
        return objs
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
        copy_rows(model, objs)
        return objs
    return model.objects.bulk_create(objs, batch_size=batch_size)


# --- psycopg's cache of parsed queries ----------------------------------------------------------

# psycopg splits a query's SQL at its placeholders with a regular expression, and keeps the
# result in an LRU cache of 128 queries, but only for queries of at most 50 parameters and
# 4 KiB of SQL. The intake's one write (``insert_linked``) has 98 parameters and about
# 3 KiB, so it was split again on every call: about a tenth of an intake's CPU in the web
# process (docs/performance.md, round 4; ADR 0010).
QUERY_CACHE_MAX_PARAMS = 128
QUERY_CACHE_MAX_LENGTH = 8192


def widen_psycopg_query_cache() -> None:
    """Let psycopg cache the parsed form of queries of up to ``QUERY_CACHE_MAX_PARAMS``
    parameters and ``QUERY_CACHE_MAX_LENGTH`` bytes. The limits are module constants of
    psycopg's private ``_queries`` module (3.1 to 3.3): if a release renames them this
    changes nothing, and ``test_bulk`` says so by failing. The cache stays bounded at 128
    queries, so at most about 1 MiB per process."""
    try:
        queries = importlib.import_module("psycopg._queries")
    except ImportError:  # psycopg 2 or none: nothing to widen
        return
    for name, value in (
        ("MAX_CACHED_STATEMENT_PARAMS", QUERY_CACHE_MAX_PARAMS),
        ("MAX_CACHED_STATEMENT_LENGTH", QUERY_CACHE_MAX_LENGTH),
    ):
        if isinstance(getattr(queries, name, None), int):
            setattr(queries, name, max(getattr(queries, name), value))


# --- Cached single-statement inserts --------------------------------------------------------

# Field types whose value Django passes to the driver unchanged on PostgreSQL when the value
# is of exactly these types (anything else goes through ``get_db_prep_save``).
_PASSTHROUGH_ON_POSTGRES: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(("CharField", "TextField", "EmailField", "SlugField", "URLField"), (str,)),
    "BooleanField": (bool,),
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
        ),
        (int,),
    ),
    "DateField": (datetime.date,),
    "UUIDField": (uuid.UUID,),
}


def _converter(field, connection) -> Callable[[Any], Any]:
    def slow(value):
        return field.get_db_prep_save(value, connection)

    if connection.vendor != "postgresql":
        return slow
    target = field.target_field if field.is_relation else field
    internal = target.get_internal_type()
    if internal == "DateTimeField":

        def convert_datetime(value):
            # Aware datetimes go to psycopg as they are; naive ones get Django's warning.
            if value is None or (type(value) is datetime.datetime and value.tzinfo is not None):
                return value
            return slow(value)

        return convert_datetime
    types = _PASSTHROUGH_ON_POSTGRES.get(internal)
    if types is None:
        return slow
    if types == (str,):  # CharField.to_python keeps any str (TextChoices members included)

        def convert_str(value):
            return value if value is None or isinstance(value, str) else slow(value)

        return convert_str

    def convert(value):
        return value if value is None or type(value) in types else slow(value)

    return convert


def _needs_pre_save(field) -> bool:
    if isinstance(field, models.DateField):
        return bool(field.auto_now or field.auto_now_add)
    return type(field).pre_save is not models.Field.pre_save


class _InsertPlan:
    """The column lists, value converters and SQL of one model's INSERT, built once: without
    the primary key (the database assigns it, ``RETURNING`` gives it back) and with it (for
    keys reserved beforehand, see ``insert_linked``)."""

    def __init__(self, model, connection) -> None:
        meta = model._meta
        self.pk = meta.pk
        self.fields = [f for f in meta.local_concrete_fields if f is not meta.pk]
        self.supported = (
            isinstance(meta.pk, models.AutoField)
            and not meta.parents
            and connection.features.can_return_rows_from_bulk_insert
            and not any(
                getattr(f, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED
                or getattr(f, "generated", False)
                for f in self.fields
            )
        )
        self.attnames = [f.attname for f in self.fields]
        self.converters = [_converter(f, connection) for f in self.fields]
        self.pre_save = [f for f in self.fields if _needs_pre_save(f)]
        quote = connection.ops.quote_name
        # Quoted table and column names from the model, never request data.
        table = quote(meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        self.head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
        pk_column = quote(self.pk.column)
        self.head_with_pk = f"INSERT INTO {table} ({pk_column}, {columns}) VALUES "  # noqa: S608
        self.row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self.row_with_pk = "(" + ", ".join(["%s"] * (len(self.fields) + 1)) + ")"
        self.tail = f" RETURNING {quote(meta.pk.column)}"
        self.sql: dict[int, str] = {}
        column = self.pk.get_col(meta.db_table)
        self.pk_column = column
        self.pk_from_db = connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        )

    def sql_for(self, rows: int) -> str:
        sql = self.sql.get(rows)
        if sql is None:
            sql = self.sql[rows] = self.head + ", ".join([self.row] * rows) + self.tail
        return sql

    def values(self, obj) -> list[Any]:
        for field in self.pre_save:
            field.pre_save(obj, True)
        return [
            convert(getattr(obj, attname))
            for convert, attname in zip(self.converters, self.attnames, strict=True)
        ]


_plans: dict[tuple[type, str, int], _InsertPlan] = {}


def _plan(model, connection) -> _InsertPlan:
    key = (model, connection.vendor, id(connection.ops))
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _InsertPlan(model, connection)
    return plan


def _fast_path(plan: _InsertPlan, model, objs: list) -> bool:
    return (
        plan.supported
        and all(obj.pk is None and type(obj) is model for obj in objs)
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
    )


def _saved(obj, using: str) -> None:
    obj._state.adding = False
    obj._state.db = using


def create_rows(objs: list, *, using: str = DEFAULT_DB_ALIAS) -> list:
    """Insert new unsaved instances of one model in one ``INSERT … RETURNING`` statement
    whose SQL is built once per process, and set their primary keys; returns ``objs``.

    Writes exactly the values ``Model.save()`` would (``pre_save`` for auto-now and file
    fields, ``get_db_prep_save`` for every value a plain driver type cannot carry), with
    none of the per-call SQL compilation that costs the ORM more than the database does
    on the complaint intake path (ADR 0009).

    Saves each object with ``save(force_insert=True)`` instead when the model has
    ``pre_save``/``post_save`` receivers (which this path would not send), a non-auto
    primary key, multi-table inheritance or database defaults, or an object already has a
    primary key. Otherwise the model's own ``save()`` is not called: use it for
    append-only rows and plain inserts whose ``save()`` adds nothing to a new row."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[using]
    plan = _plan(model, connection)
    if not _fast_path(plan, model, objs):
        for obj in objs:
            obj.save(force_insert=True, using=using)
        return objs
    params: list[Any] = []
    for obj in objs:
        params.extend(plan.values(obj))
    with connection.cursor() as cursor:
        cursor.execute(plan.sql_for(len(objs)), params)
        rows = cursor.fetchall()
    for obj, (pk,) in zip(objs, rows, strict=True):
        for converter in plan.pk_from_db:
            pk = converter(pk, plan.pk_column, connection)
        setattr(obj, plan.pk.attname, pk)
        _saved(obj, using)
    return objs


# --- Linked rows in one statement -------------------------------------------------------------

_sequences: dict[tuple[type, int], str] = {}
_linked_sql: dict[tuple, str] = {}


def _sequence(model, connection) -> str:
    """The (schema-qualified) name of the sequence behind the model's primary key."""
    key = (model, id(connection.ops))
    name = _sequences.get(key)
    if name is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)",
                [model._meta.db_table, model._meta.pk.column],
            )
            (name,) = cursor.fetchone()
        _sequences[key] = name
    return name


def insert_linked(
    objs: list,
    link: Callable[[Any], None],
    *,
    probe: tuple[str, list] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list:
    """Insert new unsaved objects of one or several models, all or none, where an object's
    values may depend on the primary keys of the objects before it in ``objs``: ``link()``
    sets those values from the keys known so far (it may run more than once, and must leave
    values of keys not known yet alone or harmless). Returns ``objs``.

    ``probe`` is an optional query (SQL and parameters) read before the writes, whose first
    column of its first row (``None`` without a row, or without a probe) is passed to
    every ``link()`` call: a check whose answer goes into the rows, such as whether a
    complaint repeats an earlier one, at no extra round trip on PostgreSQL.

    On PostgreSQL that takes two round trips whatever the number of rows: one query reserves
    every primary key from the tables' sequences (and reads the probe), ``link()`` runs,
    and one statement of data-modifying CTEs inserts every row. A single statement is
    atomic by itself, so outside a transaction it needs no BEGIN/COMMIT of its own; foreign
    keys are checked at its end. Elsewhere (and for models ``create_rows`` would save
    through the ORM) the objects are written one by one in a transaction, ``link()``
    running before each.

    Values are written as ``create_rows`` writes them; no model ``save()`` or signal runs.
    A failed insert (say a unique violation) raises ``IntegrityError`` with nothing written
    and the objects' primary keys cleared, so the caller may change a value and retry;
    inside a transaction, only if it wrapped the call in a savepoint (``atomic()``), as a
    failed statement aborts the transaction around it."""
    if not objs:
        return objs
    connection = connections[using]
    groups: dict[type, list] = {}
    for obj in objs:
        groups.setdefault(type(obj), []).append(obj)
    plans = {model: _plan(model, connection) for model in groups}
    if connection.vendor != "postgresql" or not all(
        _fast_path(plans[model], model, group) for model, group in groups.items()
    ):
        probed = None
        if probe is not None:
            with connection.cursor() as cursor:
                cursor.execute(*probe)
                row = cursor.fetchone()
            probed = None if row is None else row[0]
        try:
            with transaction.atomic(using=using, savepoint=False):
                for obj in objs:
                    link(probed)
                    create_rows([obj], using=using)
        except IntegrityError:
            for obj in objs:
                obj.pk = None
                obj._state.adding = True
            raise
        return objs
    models_in_order = list(groups)
    reserve = ", ".join(
        "nextval(%s::regclass)" for model in models_in_order for _obj in groups[model]
    )
    params = [_sequence(model, connection) for model in models_in_order for _ in groups[model]]
    if probe is not None:
        reserve += f", ({probe[0]})"
        params.extend(probe[1])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {reserve}", params)  # noqa: S608 - placeholders and the probe
        row = cursor.fetchone()
    keys, probed = (row, None) if probe is None else (row[:-1], row[-1])
    for obj, pk in zip((o for m in models_in_order for o in groups[m]), keys, strict=True):
        setattr(obj, plans[type(obj)].pk.attname, pk)
    link(probed)
    shape = tuple((model, len(groups[model])) for model in models_in_order)
    sql = _linked_sql.get(shape)
    if sql is None:
        parts = [
            plans[model].head_with_pk + ", ".join([plans[model].row_with_pk] * count)
            for model, count in shape
        ]
        ctes = ", ".join(f"louyu_insert_{n} AS ({part})" for n, part in enumerate(parts[:-1]))
        sql = _linked_sql[shape] = (f"WITH {ctes} " if ctes else "") + parts[-1]
    params: list[Any] = []
    for model in models_in_order:
        plan = plans[model]
        for obj in groups[model]:
            params.append(obj.pk)
            params.extend(plan.values(obj))
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        for obj in objs:
            obj.pk = None
        raise
    for obj in objs:
        _saved(obj, using)
    return objs
