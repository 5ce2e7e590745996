"""REST endpoints of the reference articles: the list (same filters as the web list), an
article, and the import of one or more files (``POST /api/v1/articles/import/``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from louyu.articles import selectors, services
from louyu.articles import serializers as s
from louyu.core.rest.pagination import CappedPagination


@extend_schema_view(
    list=extend_schema(
        summary=_("参考文章列表"),
        parameters=[s.ArticleFilterSerializer],
        responses={
            200: s.ArticleSerializer(many=True),
            400: OpenApiResponse(description=_("筛选条件有误")),
        },
    ),
    retrieve=extend_schema(
        summary=_("参考文章详情"),
        responses={
            200: s.ArticleDetailSerializer,
            404: OpenApiResponse(description=_("文章不存在")),
        },
    ),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reference articles: every user whose role may view them sees all of them."""

    pagination_class = CappedPagination
    filter_backends = []

    def get_serializer_class(self):
        return s.ArticleDetailSerializer if self.action == "retrieve" else s.ArticleSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action == "retrieve":
            return selectors.article_list(user=user).defer(None).prefetch_related("organizations")
        filters = s.ArticleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.article_list(user=user, filters=filters.to_filters())

    @extend_schema(
        summary=_("导入文章"),
        description=_(
            "上传一个或多个文章文件（multipart 字段 files，可重复）。每个文件单独导入："
            "新增、更新（原文地址相同，或标题和日期相同）或拒绝（附原因）。"
            "全部文件都被拒绝时返回 400，结果格式相同。"
        ),
        request={"multipart/form-data": s.ArticleImportSerializer},
        responses={
            200: s.ArticleImportResponseSerializer,
            # Refused files answer with the 200 shape; a request without files with field errors.
            400: OpenApiResponse(description=_("全部文件被拒绝（结果格式同 200），或字段错误")),
            403: OpenApiResponse(description=_("无权导入文章")),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_files(self, request):
        results = services.article_import_files(
            actor=request.user, uploads=request.FILES.getlist("files")
        )
        body = s.ArticleImportResponseSerializer({"results": results}).data
        refused = all(r.outcome == services.Outcome.REFUSED for r in results)
        return Response(body, status=status.HTTP_400_BAD_REQUEST if refused else status.HTTP_200_OK)
