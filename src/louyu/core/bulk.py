"""Fast bulk inserts. On PostgreSQL rows go in with ``COPY`` (primary keys reserved from
the table's sequence first, so callers get them back like ``bulk_create``); elsewhere with
``bulk_create``. Either way the values are exactly what ``bulk_create`` would write."""

from __future__ import annotations

import datetime
import importlib
import uuid
from collections.abc import Callable, Mapping
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

    def values(self, obj, skip: frozenset[int] = frozenset()) -> list[Any]:
        """The values to write, in column order, without the positions in ``skip`` (the
        linked values ``insert_linked`` writes in SQL)."""
        for field in self.pre_save:
            field.pre_save(obj, True)
        return [
            convert(getattr(obj, attname))
            for position, (convert, attname) in enumerate(
                zip(self.converters, self.attnames, strict=True)
            )
            if position not in skip
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

# Internal types whose column takes a key as it is; anything else (CharField, TextField...)
# gets the key as text.
_KEY_TYPES = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


class Key:
    """A linked value for ``insert_linked``: the primary key of ``obj``, an object written
    before this one in the same call. As the field stores it (a key for a foreign key, its
    decimal text for a text field), or ``template`` with the key in place of its one
    ``{}``."""

    __slots__ = ("obj", "template")

    def __init__(self, obj, template: str | None = None) -> None:
        if template is not None and template.count("{}") != 1:
            raise ValueError("a Key template holds exactly one {}")
        self.obj = obj
        self.template = template

    def resolve(self, field):
        if self.template is not None:
            return self.template.replace("{}", str(self.obj.pk))
        return field.to_python(self.obj.pk)


class Exists:
    """A linked value for ``insert_linked``: whether the query ``sql`` (with ``params``)
    returns a row, read before anything of the call is written (on PostgreSQL in the same
    statement, so at no extra round trip). Such as whether a complaint repeats an earlier
    one."""

    __slots__ = ("sql", "params")

    def __init__(self, sql: str, params: list) -> None:
        self.sql = sql
        self.params = list(params)

    def read(self, connection) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchone() is not None


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


def _deferred(plan: _InsertPlan, obj, links: dict[str, Key | Exists]) -> list[tuple[int, Any]]:
    """(field position, linked value) of the object's links, in column order."""
    unknown = set(links) - set(plan.attnames)
    if unknown:
        raise ValueError(f"no such column to link: {sorted(unknown)}")
    return [
        (position, links[attname])
        for position, attname in enumerate(plan.attnames)
        if attname in links
    ]


def insert_linked(
    objs: list,
    *,
    links: Mapping[int, Mapping[str, Key | Exists]] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list:
    """Insert new unsaved objects of one or several models, all or none, where a value may
    be the primary key of an object before it in ``objs`` (a ``Key``) or the answer of a
    check read before the writes (an ``Exists``). ``links`` maps an object's position in
    ``objs`` to ``{field attname: Key or Exists}``. Returns ``objs``, with their keys set and
    their linked fields set to what was written.

    On PostgreSQL that is one statement whatever the number of rows: a first CTE reserves
    every primary key from the tables' sequences (in the order of ``objs``) and reads the
    checks, then one data-modifying CTE per model inserts its rows, taking keys and answers
    from the first; the statement returns the keys and answers. A single statement is
    atomic by itself, so outside a transaction it needs no BEGIN/COMMIT of its own; foreign
    keys are checked at its end. Elsewhere (and for models ``create_rows`` would save
    through the ORM) the checks are read first, then the objects are written one by one in
    a transaction, each value resolved just before its row.

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
    links = links or {}
    deferred = {
        id(obj): _deferred(plans[type(obj)], obj, links.get(n, {})) for n, obj in enumerate(objs)
    }
    position = {id(obj): n for n, obj in enumerate(objs)}
    for obj in objs:
        for _field, value in deferred[id(obj)]:
            if (
                isinstance(value, Key)
                and position.get(id(value.obj), len(objs)) >= position[id(obj)]
            ):
                raise ValueError("a Key names an object written before this one in the call")
    if connection.vendor != "postgresql" or not all(
        _fast_path(plans[model], model, group) for model, group in groups.items()
    ):
        return _insert_one_by_one(objs, plans, deferred, using)
    return _insert_in_one_statement(objs, groups, plans, deferred, position, connection, using)


def _insert_one_by_one(objs, plans, deferred, using) -> list:
    connection = connections[using]
    answers = {
        id(value): value.read(connection)
        for obj in objs
        for _position, value in deferred[id(obj)]
        if isinstance(value, Exists)
    }
    try:
        with transaction.atomic(using=using, savepoint=False):
            for obj in objs:
                plan = plans[type(obj)]
                for n, value in deferred[id(obj)]:
                    resolved = (
                        answers[id(value)]
                        if isinstance(value, Exists)
                        else value.resolve(plan.fields[n])
                    )
                    setattr(obj, plan.attnames[n], resolved)
                create_rows([obj], using=using)
    except IntegrityError:
        for obj in objs:
            obj.pk = None
            obj._state.adding = True
        raise
    return objs


def _reserved(kind: str, n: int) -> str:
    """The SQL reading reserved key ``n`` (kind ``k``) or check answer ``n`` (``p``)."""
    return f"(SELECT {kind}{int(n)} FROM louyu_keys)"  # noqa: S608 - a letter and a number


def _key_sql(key: Key, field, n: int) -> str:
    """The SQL of a ``Key`` value (its template's two parts are parameters)."""
    column = _reserved("k", n)
    if key.template is not None:
        return f"(%s || {column}::text || %s)"
    target = field.target_field if field.is_relation else field
    return column if target.get_internal_type() in _KEY_TYPES else f"{column}::text"


def _insert_in_one_statement(objs, groups, plans, deferred, position, connection, using) -> list:
    checks = [value for obj in objs for _n, value in deferred[id(obj)] if isinstance(value, Exists)]
    check_number = {id(value): n for n, value in enumerate(checks)}
    # The SQL depends on the models, their number of rows, which fields hold deferred
    # values (and of which kind, naming which object or check) and the checks' SQL.
    shape = (
        tuple((model, len(group)) for model, group in groups.items()),
        tuple(
            tuple(
                (n, position[id(v.obj)], v.template is not None)
                if isinstance(v, Key)
                else (n, v.sql)
                for n, v in deferred[id(obj)]
            )
            for obj in objs
        ),
    )
    sql = _linked_sql.get(shape)
    if sql is None:
        sql = _linked_sql[shape] = _linked_statement(
            objs, groups, plans, deferred, position, checks, check_number, connection
        )
    params: list[Any] = [_sequence(type(obj), connection) for obj in objs]
    for check in checks:
        params.extend(check.params)
    for model, group in groups.items():
        plan = plans[model]
        for obj in group:
            linked = dict(deferred[id(obj)])
            values = iter(plan.values(obj, skip=frozenset(linked)))
            for position in range(len(plan.fields)):
                value = linked.get(position)
                if value is None:
                    params.append(next(values))
                elif isinstance(value, Key) and value.template is not None:
                    params.extend(value.template.split("{}"))
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError:
        for obj in objs:
            obj.pk = None
        raise
    for obj, pk in zip(objs, row, strict=False):
        plan = plans[type(obj)]
        for converter in plan.pk_from_db:
            pk = converter(pk, plan.pk_column, connection)
        setattr(obj, plan.pk.attname, pk)
    answers = row[len(objs) :]
    for obj in objs:
        plan = plans[type(obj)]
        for n, value in deferred[id(obj)]:
            resolved = (
                bool(answers[check_number[id(value)]])
                if isinstance(value, Exists)
                else value.resolve(plan.fields[n])
            )
            setattr(obj, plan.attnames[n], resolved)
        _saved(obj, using)
    return objs


def _linked_statement(objs, groups, plans, deferred, position, checks, check_number, connection):
    keys = [f"nextval(%s::regclass) AS k{n}" for n in range(len(objs))]
    keys += [f"EXISTS ({check.sql}) AS p{n}" for n, check in enumerate(checks)]
    # MATERIALIZED: the keys and answers are computed once, in this order, whatever the
    # number of references. Identifiers come from model metadata, values are parameters.
    parts = [f"louyu_keys AS MATERIALIZED (SELECT {', '.join(keys)})"]
    for number, (model, group) in enumerate(groups.items()):
        plan = plans[model]
        rows = []
        for obj in group:
            cells = [_reserved("k", position[id(obj)])] + ["%s"] * len(plan.fields)
            for n, value in deferred[id(obj)]:
                if isinstance(value, Exists):
                    cells[n + 1] = _reserved("p", check_number[id(value)])
                    continue
                cells[n + 1] = _key_sql(value, plan.fields[n], position[id(value.obj)])
            rows.append("(" + ", ".join(cells) + ")")
        parts.append(f"louyu_insert_{number} AS ({plan.head_with_pk}{', '.join(rows)})")
    return f"WITH {', '.join(parts)} SELECT * FROM louyu_keys"  # noqa: S608
