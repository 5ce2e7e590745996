"""Pagination whose count stops at a cap, so lists over millions of rows stay fast: the
page itself is an index scan, and counting stops after ``LIST_COUNT_CAP`` + 1 rows."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet

LIST_COUNT_CAP = 10_000


def count_capped(qs: QuerySet, *, cap: int = LIST_COUNT_CAP) -> tuple[int, bool]:
    """How many rows ``qs`` has, counting no further than ``cap``: ``(n, False)`` when it
    has ``n <= cap`` rows, ``(cap, True)`` when it has more. One query that reads at most
    ``cap + 1`` rows, so the cost does not grow with the registry."""
    counted = qs.order_by()[: cap + 1].count()
    return (cap, True) if counted > cap else (counted, False)


class CappedPage(Page):
    def has_next(self) -> bool:
        more = getattr(self, "more", None)
        return super().has_next() if more is None else more


class CappedPaginator(Paginator):
    """A paginator whose count stops at ``cap`` (see ``count_capped``). When more rows
    match, ``count`` is ``cap`` and ``count_is_estimate`` is True (show "10,000+").

    With ``beyond_cap=False`` (the web list) the pages stop at the cap; with
    ``beyond_cap=True`` (the API) any page can be asked for: it reads one row more than a
    page to know whether a next page exists, and a page past the last row is empty
    (``EmptyPage``)."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, beyond_cap=False):
        super().__init__(object_list, per_page)
        self.cap = LIST_COUNT_CAP if cap is None else cap
        self.beyond_cap = beyond_cap

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        if isinstance(self.object_list, QuerySet):
            return count_capped(self.object_list, cap=self.cap)
        total = len(self.object_list)
        return (self.cap, True) if total > self.cap else (total, False)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_estimate(self) -> bool:
        return self._counted[1]

    def _paging_past_the_cap(self) -> bool:
        return self.beyond_cap and self.count_is_estimate

    def validate_number(self, number):
        if not self._paging_past_the_cap():
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if not self._paging_past_the_cap():
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        page = CappedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page


def query_without_page(request) -> str:
    """The request's query string without ``page``: what a list's page links append their
    page number to, so every other filter is kept."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
