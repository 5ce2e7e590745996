"""Background jobs of the search index."""

from __future__ import annotations

from django_tasks import task

from louyu.search.indexing import index_objects


@task()
def index_documents(kind: str, ids: list[int]) -> int:
    return index_objects(kind, ids)
