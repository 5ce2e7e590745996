"""``GET /api/v1/search/``: the platform search within the caller's scope (the page's
rules: same form, same selector). An exact identifier the caller may open is also
returned as ``exact_url``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from louyu.core.rest.pagination import CappedPagination
from louyu.core.selectors import jurisdiction_list
from louyu.search.forms import SearchForm
from louyu.search.query import document_search, exact_target, hits
from louyu.search.serializers import SearchHitSerializer, SearchQuerySerializer


class SearchPagination(CappedPagination):
    page_size = 20
    max_page_size = 100


class SearchView(APIView):
    pagination_class = SearchPagination

    @extend_schema(
        summary=_("全局搜索"),
        description=_(
            "在调用者有权查看的范围内搜索楼宇、申诉、案件和通报等，按相关度排序。"
            "申诉在承办机构以外只能按受理编号、问题类别和楼宇检索；已清除个人信息的申诉不在索引中。"
        ),
        parameters=[SearchQuerySerializer],
        responses={
            200: inline_serializer(
                "SearchResultPage",
                {
                    "count": serializers.IntegerField(),
                    "count_is_estimate": serializers.BooleanField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "exact_url": serializers.CharField(
                        allow_null=True, help_text=_("与搜索内容完全一致的编号所指对象的页面")
                    ),
                    "results": SearchHitSerializer(many=True),
                },
            ),
            400: OpenApiResponse(description=_("字段错误")),
            401: OpenApiResponse(description=_("未登录")),
            403: OpenApiResponse(description=_("未登录或无权访问")),
        },
    )
    def get(self, request):
        user = request.user
        form = SearchForm(request.query_params, jurisdictions=jurisdiction_list(user=user))
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        documents, words = document_search(user=user, request=form.request())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(documents, request, view=self)
        response = paginator.get_paginated_response(
            SearchHitSerializer(hits(page, words), many=True).data
        )
        response.data["exact_url"] = exact_target(user=user, text=form.cleaned_data["q"])
        return response
