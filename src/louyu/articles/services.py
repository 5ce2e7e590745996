"""Writes of reference articles: the import of article files (web page, API and
``louyu import-articles``). Each file is imported in its own transaction with its audit
event: a refused file changes nothing, and the other files of the same import go on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from louyu.articles.models import Article
from louyu.articles.parsing import SHANGHAI, ParsedArticle, parse_article
from louyu.articles.recognition import Gazetteer
from louyu.core.audit import audit_record, model_changes
from louyu.core.uploads import original_name

IMPORT_PERMISSION = "articles.add_article"
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


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    REFUSED = "refused"


@dataclass(frozen=True)
class FileResult:
    """What became of one file: the article created or updated, or the reason it was refused."""

    filename: str
    outcome: Outcome
    article: Article | None = None
    reason: str = ""


def max_article_bytes() -> int:
    return int(getattr(settings, "LOUYU_ARTICLE_MAX_BYTES", 5 * 1024 * 1024))


def max_article_files() -> int:
    return int(getattr(settings, "LOUYU_ARTICLE_MAX_FILES", 100))


def can_import(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(IMPORT_PERMISSION))


def _check_importer(actor) -> None:
    """``None`` is a system import (the command without --user); a user needs the right."""
    if actor is not None and not can_import(actor):
        raise PermissionDenied


def read_article_upload(upload) -> bytes:
    """The bytes of one uploaded file (anything with ``name``, ``size`` and ``read``),
    refused unread when it is larger than LOUYU_ARTICLE_MAX_BYTES."""
    limit = max_article_bytes()
    too_big = ValidationError(
        f"文件超过 {limit // (1024 * 1024)} MB，不像一篇文章；请只导入文章正文所在的网页或 "
        "Markdown 文件。"
    )
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise too_big
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ValidationError("文件是空的。")
    return data


def _values(parsed: ParsedArticle) -> dict:
    return {
        "title": parsed.title,
        "original_title": parsed.original_title,
        "source_name": parsed.source_name,
        "source_url": parsed.source_url,
        "author": parsed.author,
        "published_at": parsed.published_at,
        "published_on": parsed.published_at.astimezone(SHANGHAI).date(),
        "categories": parsed.categories,
        "header_image": parsed.header_image,
        "image_urls": parsed.image_urls,
        "body_html": parsed.body_html,
        "body_text": parsed.body_text,
    }


def _existing(values: dict) -> Article | None:
    """The stored article this one is: same source address, or same title and date."""
    same = Q(title=values["title"], published_on=values["published_on"])
    if values["source_url"]:
        same |= Q(source_url=values["source_url"])
    return Article.objects.select_for_update().filter(same).order_by("pk").first()


def article_import(
    *, actor, filename: str, data: bytes, gazetteer: Gazetteer | None = None
) -> FileResult:
    """Import one article file: create the article, or update the one with the same source
    address or the same title and date. Parsing happens before the transaction; the row,
    its tags and the audit event are written together. Raises ValidationError (in Chinese)
    for a file that cannot be taken, and PermissionDenied for a user who may not import."""
    _check_importer(actor)
    name = original_name(filename)
    parsed = parse_article(data, filename=name)
    values = _values(parsed)
    mentions = (gazetteer or Gazetteer()).mentions(f"{parsed.title}\n{parsed.body_text}")
    with transaction.atomic():
        article = _existing(values)
        if article is None:
            article = Article.objects.create(
                **values, original_filename=name, imported_by=_user(actor)
            )
            outcome, changes = Outcome.CREATED, {}
        else:
            before = {f: getattr(article, f) for f in STORED_FIELDS}
            for key, value in values.items():
                setattr(article, key, value)
            article.original_filename = name
            article.imported_by = _user(actor)
            article.updated_at = timezone.now()
            article.save()
            outcome, changes = Outcome.UPDATED, _changes(before, values)
        article.jurisdictions.set(sorted(mentions.jurisdiction_ids))
        article.organizations.set(sorted(mentions.organization_ids))
        audit_record(
            actor=actor,
            action=f"article.{'import' if outcome == Outcome.CREATED else 'reimport'}",
            obj=article,
            changes={"file": name, **changes} if changes else {"file": name},
        )
    return FileResult(filename=name, outcome=outcome, article=article)


def _changes(before: dict, after: dict) -> dict:
    """The changed fields for the audit trail; a changed body is recorded as such, not in
    full."""
    body = ("body_html", "body_text")
    changes = model_changes(
        {k: v for k, v in before.items() if k not in body},
        {k: v for k, v in after.items() if k not in body},
    )
    if before["body_html"] != after["body_html"]:
        changes["body"] = ["…", "…"]
    return changes


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def article_import_files(*, actor, uploads) -> list[FileResult]:
    """Import several files, each on its own (atomic per file): one result per file, in
    order. Refuses the whole request (ValidationError) when it has no file or too many, and
    PermissionDenied for a user who may not import."""
    _check_importer(actor)
    uploads = [u for u in uploads or [] if u]
    if not uploads:
        raise ValidationError({"files": "请选择要导入的文章文件。"})
    if len(uploads) > max_article_files():
        raise ValidationError(
            {"files": f"一次最多导入 {max_article_files()} 个文件，您选择了 {len(uploads)} 个。"}
        )
    gazetteer = Gazetteer()
    results = []
    for upload in uploads:
        name = original_name(str(getattr(upload, "name", "") or "file"))
        try:
            data = read_article_upload(upload)
            results.append(
                article_import(actor=actor, filename=name, data=data, gazetteer=gazetteer)
            )
        except ValidationError as exc:
            results.append(FileResult(filename=name, outcome=Outcome.REFUSED, reason=_text(exc)))
    return results


def _text(exc: ValidationError) -> str:
    return "；".join(exc.messages) or "文件无法导入。"
