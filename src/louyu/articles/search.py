"""Reference articles in the platform search (``louyu.search``): every user who may read
articles finds them by title, text and source."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from louyu.articles.models import Article
from louyu.articles.selectors import article_search_reach
from louyu.search.registry import Entry, register_kind

KIND = "article"


def searchable_articles() -> QuerySet[Article]:
    return Article.objects.defer("body_html")


def article_entries(articles: Iterable[Article]) -> Iterable[Entry]:
    for article in articles:
        yield Entry(
            object_id=article.pk,
            title=article.title,
            body=article.body_text,
            extra=" ".join(
                part
                for part in (article.source_name, article.author, article.original_title)
                if part
            ),
            date=article.published_on,
            # An article may name several jurisdictions; a row has room for one owner, and
            # articles belong to none (every reader finds them).
            jurisdiction_id=None,
        )


def article_url(pk: int) -> str:
    return reverse("articles:detail", args=[pk])


def register() -> None:
    register_kind(
        KIND,
        label=_("参考文章"),
        objects=searchable_articles,
        documents=article_entries,
        reach=article_search_reach,
        url=article_url,
        order=70,
    )
