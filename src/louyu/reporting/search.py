"""Progress bulletins in the platform search (``louyu.search``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from louyu.reporting.models import Bulletin
from louyu.reporting.selectors import bulletin_search_reach
from louyu.search.registry import Entry, register_kind

KIND = "bulletin"


def searchable_bulletins() -> QuerySet[Bulletin]:
    return Bulletin.objects.all()


def bulletin_entries(bulletins: Iterable[Bulletin]) -> Iterable[Entry]:
    for bulletin in bulletins:
        parts = (bulletin.summary, bulletin.highlights, bulletin.problems, bulletin.requirements)
        yield Entry(
            object_id=bulletin.pk,
            title=bulletin.title,
            body="\n".join(part for part in parts if part),
            extra=bulletin.number,
            date=bulletin.period,
            jurisdiction_id=None,
        )


def bulletin_url(pk: int) -> str:
    return reverse("reporting:bulletin", args=[pk])


def register() -> None:
    register_kind(
        KIND,
        label=_("进展通报"),
        objects=searchable_bulletins,
        documents=bulletin_entries,
        reach=bulletin_search_reach,
        url=bulletin_url,
        order=40,
    )
