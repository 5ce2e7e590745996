"""Building suggestions as the user types (ADR 0019): the fast path behind the building
picker.

Chinese building names are short, so two typed characters must already suggest. Trigram
indexes cannot serve a fragment under three characters, so every building's normalised name
and aliases are also split into their distinct two-character substrings
(``BuildingBigram``, indexed by bigram, jurisdiction and building): a two-character
fragment is one index range, cut short by the suggestion limit, nationally or within the
caller's jurisdictions. Longer text uses the list's own search (served by the trigram
indexes on PostgreSQL), and an exact building code always matches.

``index_buildings`` keeps the bigrams in step; the registry's services and the import
writer call it wherever names or aliases are written."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from louyu.buildings.models import Building, BuildingBigram
from louyu.core.bulk import bulk_insert
from louyu.core.regions import normalize_address

SUGGEST_MIN = 2
SUGGEST_MAX_TEXT = 100
BATCH = 2000


def normalize_name(name: str) -> str:
    """The matching key of a building name: address normalisation without spaces/brackets."""
    text = normalize_address(name or "")
    for ch in "()（）[]【】《》\"'“”‘’·.,，、-—_":
        text = text.replace(ch, "")
    return text.lower()


def bigrams_of(building: Building) -> set[str]:
    """The distinct two-character substrings of the building's name and of each alias."""
    parts = [building.normalized_name or "", *(building.alias_text or "").split("|")]
    return {part[i : i + 2] for part in parts for i in range(len(part) - 1)}


def index_buildings(buildings: Iterable[Building]) -> None:
    """Replace the bigram rows of ``buildings`` (saved, with their normalised name, aliases
    and jurisdiction set) in bulk statements."""
    batch: list[Building] = []
    for building in buildings:
        batch.append(building)
        if len(batch) >= BATCH:
            _index_batch(batch)
            batch = []
    _index_batch(batch)


def _index_batch(buildings: list[Building]) -> None:
    if not buildings:
        return
    BuildingBigram.objects.filter(building_id__in=[b.pk for b in buildings]).delete()
    rows = [
        BuildingBigram(building_id=b.pk, jurisdiction_id=b.jurisdiction_id, bigram=bigram)
        for b in buildings
        for bigram in sorted(bigrams_of(b))
    ]
    bulk_insert(BuildingBigram, rows, batch_size=BATCH)


def text_match(q: str) -> Q:
    """The list's search: name, alias or address containing the text, or the exact code."""
    text = normalize_address(q or "")[:SUGGEST_MAX_TEXT]
    if not text:
        return Q()
    return (
        Q(normalized_name__contains=text.lower())
        | Q(normalized_address__contains=text)
        | Q(code__in={q.strip(), q.strip().upper()})
        | Q(alias_text__contains=text.lower())
    )


def suggest(
    qs: QuerySet[Building],
    q: str,
    *,
    jurisdiction_ids: frozenset[int] | None,
    limit: int,
) -> list[Building]:
    """At most ``limit`` buildings of ``qs`` matching ``q`` (two characters at least),
    those whose name starts with it first. ``jurisdiction_ids`` narrows the index range
    to the caller's jurisdictions (None: national)."""
    q = (q or "").strip()[:SUGGEST_MAX_TEXT]
    key = normalize_name(q)
    if len(key) < SUGGEST_MIN:
        return []
    if len(key) == SUGGEST_MIN:
        hits = Q(bigrams__bigram=key)
        if jurisdiction_ids is not None:
            hits &= Q(bigrams__jurisdiction_id__in=jurisdiction_ids)
        found = qs.filter(hits)
    else:
        found = qs.filter(text_match(q))
    rows = list(found.order_by()[:limit])
    rows.sort(key=lambda b: (not b.normalized_name.startswith(key), len(b.name), b.name))
    return rows
