"""Complaints in the platform search (``louyu.search``).

Each complaint gives two rows: for its handling organisation the full text (description,
address, the complainant's name, phone and company), for everyone else who may see it the
redacted public text (``public_description``: phones, ID numbers, e-mails and names
removed) with the tracking number, category and building. A complaint whose personal data was erased
(anonymised) is not listed, so it leaves the index."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from louyu.complaints.models import Complaint
from louyu.complaints.selectors import complaint_list, complaint_search_reach
from louyu.core.calendar import local_date
from louyu.search.models import Audience
from louyu.search.registry import Entry, register_kind

KIND = "complaint"


def searchable_complaints() -> QuerySet[Complaint]:
    return Complaint.objects.filter(personal_data_erased_at__isnull=True).select_related(
        "category", "building"
    )


def complaint_entries(complaints: Iterable[Complaint]) -> Iterable[Entry]:
    for complaint in complaints:
        category = complaint.category.name
        building = complaint.building
        building_name = building.name if building else ""
        title = f"{complaint.tracking_code} {category}"
        common = {
            "object_id": complaint.pk,
            "title": title,
            "date": local_date(complaint.received_at),
            "jurisdiction_id": complaint.jurisdiction_id,
            "organization_id": complaint.handler_id,
        }
        yield Entry(
            **common,
            body=complaint.description,
            extra=" ".join(
                [
                    building_name,
                    complaint.address,
                    complaint.complainant_name,
                    complaint.complainant_phone,
                    complaint.complainant_company,
                ]
            ),
            audience=Audience.ORGANIZATION,
        )
        yield Entry(
            **common,
            body=" · ".join(
                part for part in (category, building_name, complaint.public_description) if part
            ),
            extra=building.code if building else "",
            audience=Audience.OTHERS,
        )


def complaint_by_tracking_code(user, text: str) -> int | None:
    found = complaint_list(user=user).filter(tracking_code=text.upper())
    return found.values_list("pk", flat=True).first()


def complaint_url(pk: int) -> str:
    return reverse("complaints:detail", args=[pk])


def register() -> None:
    register_kind(
        KIND,
        label=_("申诉"),
        objects=searchable_complaints,
        documents=complaint_entries,
        reach=complaint_search_reach,
        url=complaint_url,
        exact=complaint_by_tracking_code,
        order=20,
    )
