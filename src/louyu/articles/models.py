"""Reference articles: news and policy articles about the campaign, kept as sanitised
paragraphs and plain text, tagged with the jurisdictions and organisations they name."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    title = models.CharField(_("标题"), max_length=300)
    original_title = models.CharField(_("原标题"), max_length=300, blank=True)
    source_name = models.CharField(_("来源"), max_length=200, blank=True)
    source_url = models.CharField(_("原文地址"), max_length=1000, blank=True)
    author = models.CharField(_("作者"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("发布时间"))
    published_on = models.DateField(_("发布日期"), help_text=_("北京时间的发布日期"))
    categories = models.JSONField(_("分类"), default=list, blank=True)
    header_image = models.CharField(_("题图地址"), max_length=1000, blank=True)
    image_urls = models.JSONField(_("图片地址"), default=list, blank=True)
    body_html = models.TextField(_("正文（HTML 段落）"))
    body_text = models.TextField(_("正文（纯文本）"))
    jurisdictions = models.ManyToManyField(
        "core.Jurisdiction", verbose_name=_("涉及管辖范围"), blank=True, related_name="+"
    )
    organizations = models.ManyToManyField(
        "core.Organization", verbose_name=_("涉及机构"), blank=True, related_name="+"
    )
    original_filename = models.CharField(_("导入文件名"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("参考文章")
        verbose_name_plural = _("参考文章")
        indexes = [
            models.Index(fields=["source_url"], name="article_source_url"),
            models.Index(fields=["title", "published_on"], name="article_title_date"),
            models.Index(fields=["published_on"], name="article_published_on"),
        ]

    def __str__(self) -> str:
        return self.title
