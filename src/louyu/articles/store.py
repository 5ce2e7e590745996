"""Writing prepared articles: a batch of files in one transaction, in a few statements (look
up and lock the articles they already are, insert the new ones in one statement, update
each of the others, replace their tags, insert the audit events in one statement).

A file is never half-written: its row, its tags and its audit event are in the same
transaction. The caller puts no two files that are the same article in one batch
(:func:`article_keys` says which keys collide)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from louyu.articles.models import Article
from louyu.articles.recognition import Mentions
from louyu.core.audit import audit_batch, audit_record, model_changes
from louyu.search.indexing import index_later

STORED_FIELDS = (
    "title",
    "original_title",
    "source_name",
    "source_url",
    "author",
    "published_at",
    "published_on",
    "categories",
    "header_image",
    "image_urls",
    "body_html",
    "body_text",
)
BODY_FIELDS = ("body_html", "body_text")
UPDATED_FIELDS = [*STORED_FIELDS, "original_filename", "imported_by", "updated_at"]


@dataclass(frozen=True)
class Prepared:
    """One parsed file, ready to store: its name, the article's field values and the
    jurisdictions and organisations its text names."""

    filename: str
    values: dict
    mentions: Mentions


@dataclass(frozen=True)
class Stored:
    article: Article
    created: bool


def article_keys(values: dict) -> set[tuple]:
    """The keys under which an article is the same article: its source address, and its
    title with its date."""
    keys: set[tuple] = {("title", values["title"], values["published_on"])}
    if values["source_url"]:
        keys.add(("url", values["source_url"]))
    return keys


def _existing(items: list[Prepared]) -> dict[tuple, Article]:
    urls = {i.values["source_url"] for i in items if i.values["source_url"]}
    titles = {i.values["title"] for i in items}
    dates: set[datetime.date] = {i.values["published_on"] for i in items}
    same = Q(title__in=titles, published_on__in=dates)
    if urls:
        same |= Q(source_url__in=urls)
    found: dict[tuple, Article] = {}
    for article in Article.objects.select_for_update().filter(same).order_by("-pk"):
        values = {f: getattr(article, f) for f in ("title", "published_on", "source_url")}
        for key in article_keys(values):
            found[key] = article  # the oldest article wins a key that several share
    return found


def _changes(before: dict, after: dict) -> dict:
    """The changed fields for the audit trail; a changed body is recorded as such, not in
    full."""
    changes = model_changes(
        {k: v for k, v in before.items() if k not in BODY_FIELDS},
        {k: v for k, v in after.items() if k not in BODY_FIELDS},
    )
    if before["body_html"] != after["body_html"]:
        changes["body"] = ["…", "…"]
    return changes


def _tags(stored: list[tuple[Prepared, Article]], *, replace: list[int]) -> None:
    """Replace the tags of the updated articles and tag the new ones; an article two files
    of the batch turned out to be (through an older article) takes the last file's tags."""
    last = {article.pk: item.mentions for item, article in stored}
    jurisdictions = Article.jurisdictions.through
    organizations = Article.organizations.through
    if replace:
        jurisdictions.objects.filter(article_id__in=replace).delete()
        organizations.objects.filter(article_id__in=replace).delete()
    jurisdictions.objects.bulk_create(
        jurisdictions(article_id=pk, jurisdiction_id=j)
        for pk, mentions in last.items()
        for j in sorted(mentions.jurisdiction_ids)
    )
    organizations.objects.bulk_create(
        organizations(article_id=pk, organization_id=o)
        for pk, mentions in last.items()
        for o in sorted(mentions.organization_ids)
    )


def store_articles(*, actor, items: list[Prepared]) -> list[Stored]:
    """Create or update the articles of ``items`` (one result each, in order) in one
    transaction, with one audit event each (``article.import`` or ``article.reimport``);
    once it commits, their search rows are rebuilt."""
    user = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    with transaction.atomic(), audit_batch():
        existing = _existing(items)
        results: list[Stored] = []
        new: list[Article] = []
        updated: dict[int, Article] = {}
        changes: list[dict] = []
        for item in items:
            article = next((existing[k] for k in article_keys(item.values) if k in existing), None)
            created = article is None
            if created:
                article = Article(**item.values, original_filename=item.filename, imported_by=user)
                new.append(article)
                changes.append({"file": item.filename})
            else:
                before = {f: getattr(article, f) for f in STORED_FIELDS}
                values = dict(item.values)
                # A file without a source address keeps the address an earlier one gave.
                values["source_url"] = values["source_url"] or article.source_url
                for key, value in values.items():
                    setattr(article, key, value)
                article.original_filename = item.filename
                article.imported_by = user
                article.updated_at = now
                updated[article.pk] = article
                changes.append({"file": item.filename, **_changes(before, values)})
            results.append(Stored(article=article, created=created))
        Article.objects.bulk_create(new)
        # One plain UPDATE each: bulk_update's CASE per field and row costs more to build.
        for article in updated.values():
            article.save(update_fields=UPDATED_FIELDS)
        _tags(
            [(item, r.article) for item, r in zip(items, results, strict=True)],
            replace=list(updated),
        )
        for result, change in zip(results, changes, strict=True):
            audit_record(
                actor=actor,
                action="article.import" if result.created else "article.reimport",
                obj=result.article,
                changes=change,
            )
        index_later("article", [result.article.pk for result in results])
    return results
