"""Helpers the shell's pages share."""

from __future__ import annotations

from django.db.models import F
from django.utils.http import url_has_allowed_host_and_scheme

from louyu.core.pagination import CappedPaginator


def page_of(request, queryset, per_page: int):
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))


def safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def urgent_first(queryset):
    """Open items by due time, items without a deadline last (same order on every DB)."""
    return queryset.order_by(F("due_at").asc(nulls_last=True), "id")
