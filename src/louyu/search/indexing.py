"""Writes to the search index. Domain services call ``index_later`` / ``remove_later``
after their writes (bulk writers too: they pass the ids they wrote); ``louyu
search_reindex`` calls ``reindex``. Each call replaces an object's rows whole, so a row
never outlives what it was built from: an object its kind no longer lists (``objects()``)
leaves the index."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from louyu.search.models import Document
from louyu.search.registry import Kind, kind, kinds
from louyu.search.segment import index_tokens

BATCH_SIZE = 1000
TITLE_LENGTH = Document._meta.get_field("title").max_length


def _rows(found: Kind, objects: Iterable) -> list[Document]:
    return [
        Document(
            kind=found.key,
            object_id=entry.object_id,
            audience=entry.audience,
            jurisdiction_id=entry.jurisdiction_id,
            organization_id=entry.organization_id,
            title=entry.title[:TITLE_LENGTH],
            body=entry.body,
            tokens=index_tokens(entry.title, entry.extra, entry.body),
            date=entry.date,
        )
        for entry in found.documents(objects)
    ]


@transaction.atomic
def index_objects(key: str, ids: Iterable[int]) -> int:
    """Rebuild the rows of these objects of kind ``key`` from the database, all or nothing;
    ids its kind does not list (deleted, anonymised, ...) lose their rows. Returns how many
    rows were written."""
    found = kind(key)
    ids = sorted({int(i) for i in ids})
    written = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        Document.objects.filter(kind=key, object_id__in=chunk).delete()
        rows = _rows(found, found.objects().filter(pk__in=chunk))
        Document.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        written += len(rows)
    return written


def remove_objects(key: str, ids: Iterable[int]) -> int:
    """Drop the rows of these objects of kind ``key``. Returns how many."""
    deleted, _ = Document.objects.filter(kind=key, object_id__in=list(ids)).delete()
    return deleted


def index_later(key: str, ids: Iterable[int]) -> None:
    """Reindex these objects once the current transaction commits, on the task queue."""
    from louyu.search.tasks import index_documents

    ids = [int(i) for i in ids]
    kind(key)  # an unknown kind fails at the caller, not in the worker
    if ids:
        transaction.on_commit(lambda: index_documents.enqueue(kind=key, ids=ids))


def remove_later(key: str, ids: Iterable[int]) -> None:
    """Drop these objects' rows once the current transaction commits."""
    ids = [int(i) for i in ids]
    kind(key)
    if ids:
        transaction.on_commit(lambda: remove_objects(key, ids))


def reindex(*, keys: Iterable[str] | None = None, batch_size: int = BATCH_SIZE, progress=None):
    """Rebuild the index of these kinds (default all) in batches of ``batch_size`` objects,
    each batch in its own transaction, so a long rebuild neither holds one huge transaction
    nor leaves a kind half-empty for long. Returns {kind: rows written}."""
    chosen = [kind(k) for k in keys] if keys else kinds()
    counts = {}
    for found in chosen:
        written = 0
        last = None
        while True:
            with transaction.atomic():
                qs = found.objects().order_by("pk")
                if last is not None:
                    qs = qs.filter(pk__gt=last)
                batch = list(qs[:batch_size])
                low = last
                if not batch:
                    stale = Document.objects.filter(kind=found.key)
                    if low is not None:
                        stale = stale.filter(object_id__gt=low)
                    stale.delete()
                    break
                last = batch[-1].pk
                stale = Document.objects.filter(kind=found.key, object_id__lte=last)
                if low is not None:
                    stale = stale.filter(object_id__gt=low)
                stale.delete()
                rows = _rows(found, batch)
                Document.objects.bulk_create(rows, batch_size=batch_size)
                written += len(rows)
            if progress is not None:
                progress(found.key, written)
        counts[found.key] = written
    return counts
