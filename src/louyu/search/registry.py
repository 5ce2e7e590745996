"""The kinds of document the search covers. The engine names none of them: each domain app
registers its own in its ``AppConfig.ready``::

    register_kind(
        "case",
        label=_("整治案件"),
        objects=lambda: Case.objects.select_related("building"),
        documents=case_documents,          # objects -> Document rows, in bulk
        reach=case_search_reach,           # user -> Reach (which rows the user may find)
        url=lambda pk: reverse("cases:detail", args=[pk]),
        exact=case_by_code,                # (user, text) -> pk of the case with that code
        order=30,
    )

and calls ``louyu.search.indexing.index_later(kind, ids)`` / ``remove_later`` from its
services after a write (``index_later`` waits for the commit and runs on the task queue).

``objects()`` is every object that belongs in the index (an anonymised complaint is not
one: it leaves the index on its next reindex). ``documents(objects)`` turns a batch of them
into rows; an object may give several rows for different audiences (``Audience``), e.g. a
complaint's full text for its handling organisation and its public fields for the others.
``reach(user)`` says which rows of the kind a user may find, in terms of what each row
stores; it is built from the app's own scope rules (``core.scope.scope_for``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet

from louyu.search.models import Audience


@dataclass(frozen=True)
class Entry:
    """One row a kind hands to the index."""

    object_id: int
    title: str
    body: str
    date: datetime.date | None
    jurisdiction_id: int | None
    organization_id: int | None = None
    audience: Audience = Audience.ALL
    # Searchable words that are not shown (e.g. codes, category names).
    extra: str = ""


@dataclass(frozen=True)
class Reach:
    """The rows of a kind a user may find: those of these jurisdictions, those of these
    organisations, those of these objects (a subquery of primary keys), or all."""

    everything: bool = False
    jurisdiction_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    object_ids: QuerySet | None = None

    def q(self) -> Q | None:
        """The filter on index rows, or None when the user may find none."""
        if self.everything:
            return Q()
        found = Q(pk__in=[])
        if self.jurisdiction_ids:
            found |= Q(jurisdiction_id__in=self.jurisdiction_ids)
        if self.organization_ids:
            found |= Q(organization_id__in=self.organization_ids)
        if self.object_ids is not None:
            found |= Q(object_id__in=self.object_ids)
        if not (self.jurisdiction_ids or self.organization_ids or self.object_ids is not None):
            return None
        return found


EVERYTHING = Reach(everything=True)
NOTHING = Reach()


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    objects: Callable[[], QuerySet]
    documents: Callable[[Iterable[Model]], Iterable[Entry]]
    reach: Callable[[object], Reach]
    url: Callable[[int], str]
    exact: Callable[[object, str], int | None] | None = None
    order: int = 100


_kinds: dict[str, Kind] = {}


def register_kind(
    key: str,
    *,
    label: str,
    objects: Callable[[], QuerySet],
    documents: Callable[[Iterable[Model]], Iterable[Entry]],
    reach: Callable[[object], Reach],
    url: Callable[[int], str],
    exact: Callable[[object, str], int | None] | None = None,
    order: int = 100,
) -> None:
    if len(key) > 32 or not key.replace("_", "").isalnum():
        raise ValueError(f"search kind key {key!r}: up to 32 letters, digits or _")
    _kinds[key] = Kind(key, label, objects, documents, reach, url, exact, order)


def kinds() -> list[Kind]:
    """The registered kinds in display order."""
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def kind(key: str) -> Kind:
    """The kind registered under ``key``; KeyError for an unknown one."""
    return _kinds[key]
