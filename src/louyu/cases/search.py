"""Rectification cases in the platform search (``louyu.search``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from louyu.cases.models import Case
from louyu.cases.selectors import case_list, case_search_reach
from louyu.core.calendar import local_date
from louyu.search.registry import Entry, register_kind

KIND = "case"


def searchable_cases() -> QuerySet[Case]:
    return Case.objects.select_related("building")


def case_entries(cases: Iterable[Case]) -> Iterable[Entry]:
    for case in cases:
        yield Entry(
            object_id=case.pk,
            title=f"{case.code} {case.title}",
            body=case.summary,
            extra=f"{case.building.name} {case.building.code}",
            date=local_date(case.created_at),
            jurisdiction_id=case.jurisdiction_id,
        )


def case_by_code(user, text: str) -> int | None:
    return case_list(user=user).filter(code=text.upper()).values_list("pk", flat=True).first()


def case_url(pk: int) -> str:
    return reverse("cases:detail", args=[pk])


def register() -> None:
    register_kind(
        KIND,
        label=_("整治案件"),
        objects=searchable_cases,
        documents=case_entries,
        reach=case_search_reach,
        url=case_url,
        exact=case_by_code,
        order=30,
    )
