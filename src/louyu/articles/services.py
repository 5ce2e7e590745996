"""Writes of reference articles: the import of article files (web page, API and
``louyu import-articles``). Each file is read, parsed and checked on its own: a refused file
changes nothing, and the other files of the same import go on. The files that pass are
written by ``store.store_articles`` with their tags and audit events, never half."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from louyu.articles.models import Article
from louyu.articles.parsing import SHANGHAI, ParsedArticle, parse_article
from louyu.articles.recognition import Gazetteer
from louyu.articles.store import Prepared, Stored, article_keys, store_articles
from louyu.core.uploads import original_name

logger = logging.getLogger(__name__)

IMPORT_PERMISSION = "articles.add_article"
UNREADABLE = "文件内容无法解析（格式异常），未导入。请确认它是完整的 Markdown 或 HTML 文件。"
# Files written per transaction by a many-file import (docs/performance.md).
STORE_BATCH = 50


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


def size_text(size: int) -> str:
    """A size limit as people read it: 5 MB, 512 KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"


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
        f"文件超过 {size_text(limit)}，不像一篇文章；请只导入文章正文所在的网页或 Markdown 文件。"
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


def _prepare(*, filename: str, data: bytes, gazetteer: Gazetteer) -> Prepared:
    try:
        parsed = parse_article(data, filename=filename)
    except ValidationError:
        raise
    except Exception:  # a parser's failure on a hostile file refuses that file only
        logger.exception("article file %r could not be parsed", filename)
        raise ValidationError(UNREADABLE) from None
    mentions = gazetteer.mentions(f"{parsed.title}\n{parsed.body_text}")
    return Prepared(filename=filename, values=_values(parsed), mentions=mentions)


def _result(stored: Stored, filename: str) -> FileResult:
    outcome = Outcome.CREATED if stored.created else Outcome.UPDATED
    return FileResult(filename=filename, outcome=outcome, article=stored.article)


def article_import(
    *, actor, filename: str, data: bytes, gazetteer: Gazetteer | None = None
) -> FileResult:
    """Import one article file: create the article, or update the one with the same source
    address or the same title and date. The file is read before the transaction; the row,
    its tags and its audit event are written together. Raises ValidationError (in Chinese)
    for a file that cannot be taken, and PermissionDenied for a user who may not import."""
    _check_importer(actor)
    name = original_name(filename)
    item = _prepare(filename=name, data=data, gazetteer=gazetteer or Gazetteer())
    [stored] = store_articles(actor=actor, items=[item])
    return _result(stored, name)


def article_import_files(*, actor, uploads, limit_files: bool = True) -> list[FileResult]:
    """Import several files, one result per file, in order: created, updated, or refused
    with the reason. A refused file writes nothing and does not stop the others; the files
    that pass are written in batches of STORE_BATCH files per transaction, no file ever
    half-written. Refuses the whole request (ValidationError) when it has no file or, with
    ``limit_files`` (web and API; the command has no limit), more than
    LOUYU_ARTICLE_MAX_FILES; raises PermissionDenied for a user who may not import."""
    _check_importer(actor)
    uploads = [u for u in uploads or [] if u]
    limit = max_article_files() if limit_files else None
    if not uploads:
        raise ValidationError({"files": "请选择要导入的文章文件。"})
    if limit is not None and len(uploads) > limit:
        raise ValidationError(
            {"files": f"一次最多导入 {limit} 个文件，您选择了 {len(uploads)} 个。"}
        )
    gazetteer = Gazetteer()
    results: list[FileResult | None] = [None] * len(uploads)
    batch: list[tuple[int, Prepared]] = []
    keys: set[tuple] = set()

    def flush() -> None:
        stored = store_articles(actor=actor, items=[item for _i, item in batch])
        for (index, item), one in zip(batch, stored, strict=True):
            results[index] = _result(one, item.filename)
        batch.clear()
        keys.clear()

    for index, upload in enumerate(uploads):
        name = original_name(str(getattr(upload, "name", "") or "file"))
        try:
            item = _prepare(filename=name, data=read_article_upload(upload), gazetteer=gazetteer)
        except ValidationError as exc:
            results[index] = FileResult(filename=name, outcome=Outcome.REFUSED, reason=_text(exc))
            continue
        item_keys = article_keys(item.values)
        if keys & item_keys or len(batch) >= STORE_BATCH:
            flush()  # the same article twice: the second file updates what the first wrote
        batch.append((index, item))
        keys.update(item_keys)
    if batch:
        flush()
    return [r for r in results if r is not None]


def _text(exc: ValidationError) -> str:
    return "；".join(exc.messages) or "文件无法导入。"
