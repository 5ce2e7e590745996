"""Fast bulk inserts. On PostgreSQL rows go in with ``COPY`` (primary keys reserved from
the table's sequence first, so callers get them back like ``bulk_create``); elsewhere with
``bulk_create``. Either way the values are exactly what ``bulk_create`` would write."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


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
