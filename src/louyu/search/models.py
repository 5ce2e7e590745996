"""The search index: one row per searchable document (an object, or one audience's view
of it). Rows are derived data, rebuilt by ``louyu search_reindex``; the full-text part is
vendor-specific and lives in migration 0001 (a generated ``tsvector`` with a GIN index on
PostgreSQL, an FTS5 table kept in step by triggers on SQLite)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.IntegerChoices):
    """Who among the users that may see an object may find it by this row's text."""

    ALL = 0, _("可见该对象的所有用户")
    ORGANIZATION = 1, _("仅限该机构")
    OTHERS = 2, _("该机构以外的用户")


class Document(models.Model):
    kind = models.CharField(_("类型"), max_length=32)
    object_id = models.BigIntegerField(_("对象编号"))
    audience = models.PositiveSmallIntegerField(
        _("可检索范围"), choices=Audience.choices, default=Audience.ALL
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    # The title and body segmented into words (jieba), space-joined: what is matched.
    tokens = models.TextField(_("分词"), blank=True)
    date = models.DateField(_("日期"), null=True, blank=True)
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("搜索索引")
        verbose_name_plural = _("搜索索引")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "audience"], name="search_document_unique"
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "kind"]),
            models.Index(fields=["organization", "kind"]),
            models.Index(fields=["date", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
