"""Running totals: for each (jurisdiction, city, measure) and each month with a month row, the
sum of every month row up to and including it (``Grain.RUNNING``), valid until the month
before the next one (``Figure.until``; ``FOREVER`` for the latest). A cumulative figure, and
every level, then reads one row per measure instead of summing every month since the first.

They are kept exact from the month rows alone: when the month rows of some months change,
``update`` recomputes the running totals of the (jurisdiction, city, measure) whose month
rows changed, from the first changed month forward, starting from the total that held the
month before (untouched, as nothing before that month changed). A back-dated change shifts
every later total of the measures it touches and nothing else."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from louyu.core.bulk import bulk_insert
from louyu.reporting.models import FOREVER, Figure, Grain

WRITE_BATCH = 5000
DELETE_BATCH = 5000
# (jurisdiction id, city, measure)
Key = tuple[int, str, str]


def previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def holding(day: datetime.date) -> Q:
    """The running totals that hold at the end of the month of ``day``."""
    month = day.replace(day=1)
    return Q(grain=Grain.RUNNING, date__lte=month, until__gte=month)


def rebuild() -> int:
    """Replace every running total by the running sums of the month rows; returns how many
    were written."""
    Figure.objects.filter(grain=Grain.RUNNING).delete()
    rows = (
        Figure.objects.filter(grain=Grain.MONTH)
        .order_by("jurisdiction_id", "city", "measure", "date")
        .values_list("jurisdiction_id", "city", "measure", "date", "value")
    )
    written, batch = 0, []
    key, chain = None, []
    for jurisdiction_id, city, measure, month, value in rows.iterator(chunk_size=WRITE_BATCH):
        if (jurisdiction_id, city, measure) != key:
            batch.extend(_chain(key, 0, chain))
            key, chain = (jurisdiction_id, city, measure), []
        chain.append((month, value))
        if len(batch) >= WRITE_BATCH:
            bulk_insert(Figure, batch, batch_size=WRITE_BATCH)
            written += len(batch)
            batch = []
    batch.extend(_chain(key, 0, chain))
    bulk_insert(Figure, batch, batch_size=WRITE_BATCH)
    return written + len(batch)


def update(changed: dict[Key, datetime.date]) -> int:
    """Recompute the running totals of each key from the month given for it (the first month
    whose month row of that key changed) forward; returns how many were written."""
    if not changed:
        return 0
    first = min(changed.values())
    jurisdictions = {key[0] for key in changed}
    measures = {key[2] for key in changed}
    scope = Q(jurisdiction_id__in=jurisdictions, measure__in=measures)

    months: dict[Key, list[tuple[datetime.date, int]]] = defaultdict(list)
    month_rows = (
        Figure.objects.filter(scope, grain=Grain.MONTH, date__gte=first)
        .order_by("date")
        .values_list("jurisdiction_id", "city", "measure", "date", "value")
    )
    for jurisdiction_id, city, measure, month, value in month_rows.iterator(chunk_size=5000):
        key = (jurisdiction_id, city, measure)
        since = changed.get(key)
        if since is not None and month >= since:
            months[key].append((month, value))

    # The totals holding from the month before the earliest change on: for each key, the
    # one holding before its first changed month (kept), and those after (replaced).
    base: dict[Key, tuple[int, int, datetime.date]] = {}
    stale: list[int] = []
    existing = Figure.objects.filter(
        scope, grain=Grain.RUNNING, until__gte=previous_month(first)
    ).values_list("pk", "jurisdiction_id", "city", "measure", "date", "until", "value")
    for pk, jurisdiction_id, city, measure, month, until, value in existing.iterator(
        chunk_size=5000
    ):
        key = (jurisdiction_id, city, measure)
        since = changed.get(key)
        if since is None:
            continue
        if month >= since:
            stale.append(pk)
        elif until >= previous_month(since):
            base[key] = (pk, value, until)

    fresh: list[Figure] = []
    new_until: dict[datetime.date, list[int]] = defaultdict(list)
    for key in changed:
        chain = months.get(key, [])
        pk, start, until = base.get(key, (None, 0, None))
        fresh.extend(_chain(key, start, chain))
        if pk is not None:
            wanted = previous_month(chain[0][0]) if chain else FOREVER
            if wanted != until:
                new_until[wanted].append(pk)
    for start in range(0, len(stale), DELETE_BATCH):
        Figure.objects.filter(pk__in=stale[start : start + DELETE_BATCH]).delete()
    for until, pks in new_until.items():
        for start in range(0, len(pks), DELETE_BATCH):
            Figure.objects.filter(pk__in=pks[start : start + DELETE_BATCH]).update(until=until)
    bulk_insert(Figure, fresh, batch_size=WRITE_BATCH)
    return len(fresh)


def _chain(
    key: Key | None, start: int, months: Iterable[tuple[datetime.date, int]]
) -> list[Figure]:
    """The running totals of one key over its month rows (in order), from ``start``."""
    if key is None:
        return []
    months = list(months)
    rows, total = [], start
    for index, (month, value) in enumerate(months):
        total += value
        following = months[index + 1][0] if index + 1 < len(months) else None
        rows.append(
            Figure(
                grain=Grain.RUNNING,
                date=month,
                until=previous_month(following) if following else FOREVER,
                jurisdiction_id=key[0],
                city=key[1],
                measure=key[2],
                value=total,
            )
        )
    return rows
