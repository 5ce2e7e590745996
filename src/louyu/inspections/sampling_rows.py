"""The fast path of the ``positions`` sampling method: a jurisdiction's active buildings
counted per operator count, and the building at a given position in the order (operator
count, id) fetched without sending the others back (ADR 0015).

Both read only the partial index ``buildings_sampling_idx`` (jurisdiction, operator count,
id of active buildings).

- PostgreSQL: the counting pass also counts per block of ids (a directory of a few
  thousand rows); a position is then a block and an offset inside it, and one statement
  fetches the wanted positions of every jurisdiction and stratum with a correlated
  ``OFFSET`` that skips at most a block's entries. Work per drawn building is bounded by
  the block, not by the stratum; the counting pass stays one walk of the index.
- Elsewhere (SQLite, the single-office database): ``ROW_NUMBER()`` over the stratum,
  joined to the wanted positions.

Either way the answer is the same: which building sits at a position depends only on the
data, never on the block size.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from django.db import connection
from django.db.models import Max

from louyu.buildings.models import Building

BLOCKS_PER_ID_RANGE = 128
CHUNK = 5000  # wanted positions per statement (6 parameters each, PostgreSQL takes 65,535)


def _table() -> str:
    return connection.ops.quote_name(Building._meta.db_table)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


class DatabaseRows:
    """``sampling.Rows`` over the buildings of ``jurisdiction_ids``; ``counts`` holds the
    active buildings per jurisdiction and operator count."""

    def __init__(self, jurisdiction_ids: list[int], *, block: int | None = None):
        self.counts: dict[int, dict[int, int]] = {jid: {} for jid in jurisdiction_ids}
        # (jurisdiction, operator count) → block starts, and the position each block starts at
        self._blocks: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        self.directory = connection.vendor == "postgresql"
        if not jurisdiction_ids:
            return
        if not self.directory:
            self._count(jurisdiction_ids)
            return
        if block is None:
            top = Building.objects.aggregate(top=Max("id"))["top"] or 0
            block = max(64, top // BLOCKS_PER_ID_RANGE)
        self._directory(jurisdiction_ids, block)

    def _count(self, jids: list[int]) -> None:
        sql = (
            "SELECT jurisdiction_id, operator_count, COUNT(*) FROM "  # noqa: S608
            f"{_table()} WHERE is_active = TRUE AND jurisdiction_id IN ({_marks(jids)}) "
            "GROUP BY jurisdiction_id, operator_count"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, jids)
            for jid, operators, n in cursor.fetchall():
                self.counts[jid][operators] = n

    def _directory(self, jids: list[int], block: int) -> None:
        sql = (
            "SELECT jurisdiction_id, operator_count, id / %s AS block, COUNT(*) FROM "  # noqa: S608
            f"{_table()} WHERE is_active = TRUE AND jurisdiction_id IN ({_marks(jids)}) "
            "GROUP BY 1, 2, 3"
        )
        found: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(sql, [block, *jids])
            for jid, operators, number, n in cursor.fetchall():
                found[jid, operators].append((number, n))
        for (jid, operators), blocks in found.items():
            blocks.sort()
            starts, positions, at = [], [], 0
            for number, n in blocks:
                starts.append(number * block)
                positions.append(at)
                at += n
            self._blocks[jid, operators] = (starts, positions)
            self.counts[jid][operators] = at

    def _locate(self, jid: int, classes: tuple[int, ...], position: int):
        """(operator count, first id of the block, offset in the block) of ``position``."""
        for operators in sorted(classes):
            size = self.counts[jid].get(operators, 0)
            if position < size:
                starts, positions = self._blocks[jid, operators]
                index = bisect.bisect_right(positions, position) - 1
                return operators, starts[index], position - positions[index]
            position -= size
        return None

    def ids_at(self, requests):
        if not self.directory:
            return [self._ranked(jid, classes, positions) for jid, classes, positions in requests]
        found: list[dict[int, int]] = [{} for _ in requests]
        wanted = []
        for number, (jid, classes, positions) in enumerate(requests):
            for position in positions:
                located = self._locate(jid, classes, position)
                if located is not None:
                    wanted.append((number, position, jid, *located))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            sql = (
                "SELECT w.request, w.pos, (SELECT b.id FROM "  # noqa: S608
                f"{_table()} b WHERE b.jurisdiction_id = w.jid AND b.is_active = TRUE "
                "AND b.operator_count = w.operators AND b.id >= w.low "
                "ORDER BY b.jurisdiction_id, b.operator_count, b.id LIMIT 1 OFFSET w.skip) "
                f"FROM (VALUES {rows}) AS w (request, pos, jid, operators, low, skip)"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [value for row in chunk for value in row])
                for number, position, bid in cursor.fetchall():
                    if bid is not None:
                        found[number][position] = bid
        return found

    def _ranked(self, jurisdiction_id, classes, positions):
        wanted = ", ".join(["(%s)"] * len(positions))
        sql = (
            f"WITH wanted (pos) AS (VALUES {wanted}) "  # noqa: S608
            "SELECT ranked.pos, ranked.id FROM ("
            "SELECT id, ROW_NUMBER() OVER (ORDER BY operator_count, id) - 1 AS pos "
            f"FROM {_table()} WHERE jurisdiction_id = %s AND is_active = TRUE "
            f"AND operator_count IN ({_marks(classes)})"
            ") ranked JOIN wanted ON ranked.pos = wanted.pos"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*positions, jurisdiction_id, *classes])
            return dict(cursor.fetchall())

    def ids_in(self, jurisdiction_id, classes):
        return list(
            Building.objects.filter(
                jurisdiction_id=jurisdiction_id, is_active=True, operator_count__in=classes
            )
            .order_by("operator_count", "id")
            .values_list("id", flat=True)
        )
