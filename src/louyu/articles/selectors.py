"""Reads of reference articles. Articles are public reference material: every signed-in
user whose role may view them (every role, core.roles) sees all of them; anyone else
nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from louyu.articles.models import Article
from louyu.search.registry import EVERYTHING, NOTHING, Reach

VIEW_PERMISSION = "articles.view_article"


@dataclass(frozen=True)
class ArticleFilters:
    q: str = ""
    jurisdiction: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(VIEW_PERMISSION))


def article_list(*, user, filters: ArticleFilters | None = None) -> QuerySet[Article]:
    if not can_view(user):
        return Article.objects.none()
    qs = Article.objects.defer("body_html", "body_text")
    filters = filters or ArticleFilters()
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.jurisdiction:
        qs = qs.filter(jurisdictions__code=filters.jurisdiction)
    if filters.date_from:
        qs = qs.filter(published_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(published_on__lte=filters.date_to)
    return qs.prefetch_related("jurisdictions")


def article_search_reach(user) -> Reach:
    """The article rows of the search index the user may find: as ``article_list``, all
    of them or none."""
    return EVERYTHING if can_view(user) else NOTHING


def article_get(*, user, pk: int) -> Article:
    """The article, or Article.DoesNotExist when the user may not see it."""
    if not can_view(user):
        raise Article.DoesNotExist
    return Article.objects.prefetch_related("jurisdictions", "organizations").get(pk=pk)
