"""REST representations of reference articles and the parsers of API input."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from louyu.articles.models import Article
from louyu.articles.selectors import ArticleFilters
from louyu.articles.services import Outcome


class ArticleSerializer(serializers.ModelSerializer):
    jurisdictions = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("涉及的管辖范围代码")
    )
    categories = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "original_title",
            "source_name",
            "source_url",
            "author",
            "published_at",
            "published_on",
            "categories",
            "jurisdictions",
            "updated_at",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleSerializer):
    organizations = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("涉及的机构代码")
    )
    image_urls = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("图片地址（仅记录，不下载）")
    )

    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields,
            "organizations",
            "header_image",
            "image_urls",
            "body_html",
            "body_text",
            "original_filename",
            "created_at",
        ]
        read_only_fields = fields


class ArticleFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    jurisdiction = serializers.CharField(required=False, allow_blank=True, max_length=6)
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)

    def to_filters(self) -> ArticleFilters:
        data = self.validated_data
        return ArticleFilters(
            q=(data.get("q") or "").strip(),
            jurisdiction=data.get("jurisdiction") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class ArticleImportSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        help_text=_("一个或多个文章文件（multipart 字段 files，可重复）"),
    )


class ArticleImportResultSerializer(serializers.Serializer):
    filename = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[o.value for o in Outcome])
    article = serializers.IntegerField(allow_null=True, source="article.pk", default=None)
    reason = serializers.CharField(allow_blank=True)


class ArticleImportResponseSerializer(serializers.Serializer):
    results = ArticleImportResultSerializer(many=True)
