"""Document numbers (文号): each organisation numbers each series of its documents from 1
every calendar year, as 〔2026〕123号, headed by the organisation's short name when it has
one (京〔2026〕123号). A number, once given, is never given again: the caller stores it with
the document in the same transaction, so a rolled-back document also gives its number back
and the series has no gaps."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from louyu.core.models import DocumentNumber, Organization


def document_number_next(*, organization: Organization, kind: str, year: int) -> int:
    """The next sequence number of `organization`'s `kind` series in `year`, counted in a
    row that stays locked (select_for_update) until the caller's transaction ends, so that
    concurrent callers wait for each other and each gets its own number. Outside a
    transaction Django refuses the lock (TransactionManagementError)."""
    counters = DocumentNumber.objects.select_for_update()
    key = {"organization": organization, "kind": kind, "year": year}
    counter = counters.filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                DocumentNumber.objects.create(**key)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs below
        counter = counters.get(**key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def document_number_text(*, organization: Organization, year: int, sequence: int) -> str:
    """The number as written on the document: 京〔2026〕123号, or 〔2026〕123号 for an
    organisation without a short name."""
    return f"{organization.short_name}〔{year}〕{sequence}号"
