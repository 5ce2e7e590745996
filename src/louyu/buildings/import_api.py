"""REST endpoints of the building import: upload a file (dry run by default), follow the
job, download its rejected rows, confirm a dry run. Other users' jobs answer 404."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from louyu.buildings import import_jobs, selectors
from louyu.buildings.import_engine.preview import ACTION_LABELS, ACTIONS, describe_change
from louyu.buildings.models import BuildingImport
from louyu.core.exports import XLSX_CONTENT_TYPE

UUID_PATTERN = r"[0-9a-fA-F-]{36}"


class ImportProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class ImportCountsSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()


class RejectedSampleSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="源文件中的行号")
    reason = serializers.CharField()


class PreviewChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text=_("字段：name、address、district、floors 等，运营商入驻为 op:<运营商>")
    )
    label = serializers.CharField(help_text=_("字段名称（按请求语言）"))
    old = serializers.CharField(help_text=_("原值（无则为“—”）"))
    new = serializers.CharField(help_text=_("新值（无则为“—”）"))


class PreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("源文件中的行号"))
    action = serializers.ChoiceField(
        choices=ACTIONS, help_text=_("new 新增、updated 更新、unchanged 未变、rejected 未通过")
    )
    action_label = serializers.CharField()
    code = serializers.CharField(help_text=_("楼宇编码（文件中填写的，或匹配到的已登记楼宇的）"))
    name = serializers.CharField()
    address = serializers.CharField()
    district = serializers.CharField(help_text=_("识别出的区县（被拒绝的行为文件中填写的）"))
    jurisdiction = serializers.CharField(help_text=_("所属管辖范围（被拒绝的行为空）"))
    changes = PreviewChangeSerializer(many=True, help_text=_("更新的字段：原值 → 新值"))
    reason = serializers.CharField(help_text=_("拒绝的原因（其他行为空）"))


class BuildingImportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    filename = serializers.CharField(source="original_filename", read_only=True)
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    rejected_url = serializers.SerializerMethodField()
    unknown_columns = serializers.ListField(child=serializers.CharField(), read_only=True)
    rejected_sample = RejectedSampleSerializer(many=True, read_only=True)
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True), read_only=True)
    committed_from = serializers.UUIDField(
        source="committed_from.public_id", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = BuildingImport
        fields = [
            "id",
            "filename",
            "status",
            "dry_run",
            "progress",
            "counts",
            "rejected_url",
            "rejected_sample",
            "unknown_columns",
            "mapping",
            "error",
            "committed_from",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportProgressSerializer)
    def get_progress(self, job) -> dict:
        return {"done": job.progress_done, "total": job.progress_total}

    @extend_schema_field(ImportCountsSerializer)
    def get_counts(self, job) -> dict:
        counts = job.counts or {}
        return {key: int(counts.get(key, 0)) for key in import_jobs.COUNT_KEYS}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_rejected_url(self, job) -> str | None:
        if not job.rejected_file:
            return None
        path = reverse("building-import-rejected", args=[job.public_id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class BuildingImportDetailSerializer(BuildingImportSerializer):
    """One job with its row preview: the first rows of the file and what the import does
    (or did) to each."""

    preview = serializers.SerializerMethodField()

    class Meta(BuildingImportSerializer.Meta):
        fields = [*BuildingImportSerializer.Meta.fields, "preview"]
        read_only_fields = fields

    @extend_schema_field(PreviewRowSerializer(many=True))
    def get_preview(self, job) -> list[dict]:
        return [
            {
                "row": int(row.get("row", 0)),
                "action": row.get("action", ""),
                "action_label": str(ACTION_LABELS.get(row.get("action"), "")),
                **{
                    key: str(row.get(key) or "")
                    for key in ("code", "name", "address", "district", "jurisdiction", "reason")
                },
                "changes": [describe_change(change) for change in row.get("changes", [])],
            }
            for row in job.preview or []
        ]


class BuildingImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK）文件"),
        error_messages={"required": "请上传文件（字段 file）。", "empty": "文件为空。"},
    )
    dry_run = serializers.BooleanField(
        required=False, default=True, help_text=_("默认 true：只试导入，不写入数据")
    )
    mapping = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            'JSON 对象：列序号（从 0 起）→ 字段，例如 {"0": "name", "3": "address"}；'
            "未列出的列按表头自动识别，字段为空字符串表示忽略该列"
        ),
    )

    def validate_mapping(self, value: str) -> dict:
        if not value:
            return {}
        try:
            parsed = json.loads(value)
        except ValueError:
            raise serializers.ValidationError("列对应关系不是有效的 JSON。")
        try:
            return import_jobs.clean_mapping(parsed)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages[0])


@extend_schema_view(
    list=extend_schema(
        summary=_("楼宇导入任务列表"), responses=BuildingImportSerializer(many=True)
    ),
    retrieve=extend_schema(
        summary=_("楼宇导入任务状态"),
        description=_(
            "含逐行预览：文件前 50 行各自的处理结果（新增、更新及改动的字段、未变、未通过及原因）。"
        ),
        responses=BuildingImportDetailSerializer,
    ),
)
class BuildingImportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Building import jobs the caller may see (own; an administration's; all nationally)."""

    serializer_class = BuildingImportSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = UUID_PATTERN
    filter_backends = []

    def get_queryset(self):
        return selectors.building_import_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return BuildingImportDetailSerializer
        return BuildingImportSerializer

    def get_object(self):
        try:
            return selectors.building_import_get(
                user=self.request.user, public_id=self.kwargs["pk"]
            )
        except (BuildingImport.DoesNotExist, ValidationError, ValueError):
            raise Http404 from None

    def _accepted(self, job: BuildingImport) -> Response:
        job.refresh_from_db()
        body = BuildingImportSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary=_("上传楼宇导入文件"),
        description=_(
            "上传 XLSX/XLS/CSV 文件，创建导入任务（默认试导入）。任务在后台运行，"
            "用 GET 查询状态与计数。同一文件正在正式导入时返回 409。"
        ),
        request={"multipart/form-data": BuildingImportCreateSerializer},
        responses={
            202: BuildingImportSerializer,
            400: OpenApiResponse(description=_("文件或参数有误")),
            403: OpenApiResponse(description=_("无权导入楼宇名录")),
            409: OpenApiResponse(description=_("同一文件正在导入")),
        },
    )
    def create(self, request):
        data = BuildingImportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # Multipart forms send no value for an omitted boolean; the default is a dry run.
        dry_run = values["dry_run"] if "dry_run" in request.data else True
        job = import_jobs.building_import_create(
            actor=request.user,
            upload=values["file"],
            dry_run=dry_run,
            mapping=values.get("mapping") or None,
        )
        return self._accepted(job)

    @extend_schema(
        summary=_("下载未通过的行（XLSX）"),
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            404: OpenApiResponse(description=_("没有未通过的行，或任务不存在")),
        },
    )
    @action(detail=True, methods=["get"])
    def rejected(self, request, pk=None):
        job = self.get_object()
        if not job.rejected_file:
            raise Http404
        stem = job.original_filename.rsplit(".", 1)[0][:100] or "import"
        return FileResponse(
            job.rejected_file.open("rb"),
            as_attachment=True,
            filename=f"{stem}-rejected.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

    @extend_schema(
        summary=_("确认试导入，正式导入"),
        description=_("以试导入的文件和列对应关系创建正式导入任务。只能确认本人已完成的试导入。"),
        request=None,
        responses={
            202: BuildingImportSerializer,
            403: OpenApiResponse(description=_("不是本人发起的试导入")),
            409: OpenApiResponse(description=_("试导入未完成、已确认，或同一文件正在导入")),
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = self.get_object()
        new_job = import_jobs.building_import_confirm(actor=request.user, job=job)
        return self._accepted(new_job)
