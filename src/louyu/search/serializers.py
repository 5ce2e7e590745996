from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("类型代码（building、complaint、case、bulletin 等）"))
    kind_label = serializers.CharField(help_text=_("类型名称"))
    object_id = serializers.IntegerField()
    url = serializers.CharField(help_text=_("对象页面地址"))
    title_html = serializers.CharField(
        source="title", help_text=_("标题（已转义的 HTML，命中词用 <mark> 标出）")
    )
    snippet_html = serializers.CharField(
        source="snippet", help_text=_("摘要（已转义的 HTML，命中词用 <mark> 标出）")
    )
    date = serializers.DateField(allow_null=True)


class SearchQuerySerializer(serializers.Serializer):
    """Only for the schema: the page's form parses the query."""

    q = serializers.CharField(help_text=_("搜索内容：至少两个字，最多 100 个字符"))
    kind = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("类型，可重复")
    )
    jurisdiction = serializers.CharField(required=False, help_text=_("管辖范围代码"))
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
