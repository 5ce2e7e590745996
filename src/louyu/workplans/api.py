"""REST endpoints of 一楼一策: thin views over the work plan selectors and services.

Objects outside the caller's scope answer 404, never 403; 403 only when the caller sees the
plan but may not act on it (e.g. an operator trying to close it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from louyu.buildings import selectors as building_selectors
from louyu.core.rest.pagination import CappedPagination
from louyu.core.rest.parsers import JSONParser
from louyu.core.uploads import check_upload
from louyu.workplans import selectors, services
from louyu.workplans import serializers as s
from louyu.workplans.models import MeasureKind
from louyu.workplans.workflow import REQUIRED

CONFLICT = OpenApiResponse(description=_("当前状态不允许此操作，或已被他人更新"))
BAD_REQUEST = OpenApiResponse(description=_("字段错误"))
FORBIDDEN = OpenApiResponse(description=_("可以查看但无权办理"))
NOT_FOUND = OpenApiResponse(description=_("不存在或不在管辖范围内"))


def _detail(status_code: int, message, **extra) -> Response:
    return Response({"detail": message, **extra}, status=status_code)


@extend_schema_view(
    list=extend_schema(
        summary=_("零运营商楼宇"),
        parameters=[s.ZeroOperatorFilterSerializer],
        responses={200: s.ZeroOperatorBuildingSerializer(many=True), 400: BAD_REQUEST},
    )
)
class ZeroOperatorBuildingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Buildings in the caller's scope that no basic operator serves, with their plan."""

    pagination_class = CappedPagination
    serializer_class = s.ZeroOperatorBuildingSerializer
    filter_backends = []

    def get_queryset(self):
        filters = s.ZeroOperatorFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.zero_operator_filter(
            selectors.zero_operator_buildings(user=self.request.user), filters.to_filters()
        )


def _owner(plan, code, user, keep=None):
    """The owner organisation by code, among those that may own a measure of the plan."""
    if code in (None, ""):
        return None
    found = selectors.owner_choices(plan=plan, user=user, keep=keep).filter(code=code).first()
    if found is None:
        raise ValidationError({"owner": "机构代码不存在。"})
    return found


def _kind(code):
    if code in (None, ""):
        return None
    found = MeasureKind.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise ValidationError({"kind": "未知的措施类型代码。"})
    return found


@extend_schema_view(
    list=extend_schema(
        summary=_("一楼一策工作方案列表"),
        parameters=[s.PlanFilterSerializer],
        responses={200: s.WorkPlanSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("工作方案详情（含措施与进展）"),
        responses={200: s.WorkPlanDetailSerializer, 404: NOT_FOUND},
    ),
)
class WorkPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Work plans in the caller's scope, with the same filters as the web list."""

    pagination_class = CappedPagination
    filter_backends = []

    def get_serializer_class(self):
        return s.WorkPlanDetailSerializer if self.action == "retrieve" else s.WorkPlanSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.plan_detail_list(user=self.request.user)
        qs = selectors.plan_list(user=self.request.user)
        if self.action == "list":
            filters = s.PlanFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            qs = selectors.plan_filter(qs, filters.to_filters())
        return qs

    def _render(self, plan, *, status_code=status.HTTP_200_OK) -> Response:
        fresh = selectors.plan_detail_list(user=self.request.user).get(pk=plan.pk)
        data = s.WorkPlanDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(
        summary=_("制定工作方案"),
        request=s.WorkPlanCreateSerializer,
        responses={
            201: s.WorkPlanDetailSerializer,
            400: BAD_REQUEST,
            403: OpenApiResponse(description=_("无制定方案权限")),
            409: OpenApiResponse(description=_("该楼宇已有推进中的方案（plan 为其编号）")),
        },
    )
    def create(self, request):
        if not request.user.has_perm("workplans.add_workplan"):
            return _detail(status.HTTP_403_FORBIDDEN, "您没有制定工作方案的权限。")
        data = s.WorkPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ref = values.pop("building").strip()
        visible = building_selectors.building_list(user=request.user)
        building = visible.filter(code=ref).first()
        if building is None and ref.isdigit():
            building = visible.filter(pk=int(ref)).first()
        if building is None or not services.can_edit_plans(request.user, building.jurisdiction_id):
            raise ValidationError({"building": "楼宇不存在或不在您的管辖范围内。"})
        plan = services.work_plan_create(actor=request.user, building=building, **values)
        return self._render(plan, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("关闭或重新启用工作方案"),
        description=_(
            "关闭：outcome=achieved（楼宇须已有基础电信企业提供服务）或 abandoned（须填 "
            "reason）；未完成的措施随之取消。重新启用：须填 reason。"
        ),
        request=s.WorkPlanTransitionSerializer,
        responses={
            200: s.WorkPlanDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        plan = self.get_object()
        data = s.WorkPlanTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        to = values.pop("to")
        expected = values.pop("expected_version", None)
        details = {k: v for k, v in values.items() if k in (*REQUIRED.get(to, ()), "reason")}
        plan = services.work_plan_transition(
            actor=request.user, plan=plan, to=to, expected_version=expected, **details
        )
        return self._render(plan)

    @extend_schema(
        summary=_("添加措施"),
        request=s.MeasureCreateSerializer,
        responses={
            201: s.PlanMeasureSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        plan = self.get_object()
        data = s.MeasureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["kind"] = _kind(values["kind"])
        values["owner"] = _owner(plan, values["owner"], request.user)
        measure = services.measure_add(actor=request.user, plan=plan, **values)
        return Response(s.PlanMeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(
        summary=_("措施详情"), responses={200: s.PlanMeasureSerializer, 404: NOT_FOUND}
    ),
)
class PlanMeasureViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Measures of the plans in the caller's scope."""

    serializer_class = s.PlanMeasureSerializer
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.measure_list(user=self.request.user)

    @extend_schema(
        summary=_("修改措施（管理局）"),
        request=s.MeasureUpdateSerializer,
        responses={
            200: s.PlanMeasureSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request, pk=None):
        measure = self.get_object()
        data = s.MeasureUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("expected_version", None)
        if "kind" in values:
            values["kind"] = _kind(values["kind"])
        if "owner" in values:
            values["owner"] = _owner(
                measure.plan, values["owner"], request.user, keep=measure.owner_id
            )
        measure = services.measure_update(
            actor=request.user, measure=measure, expected_version=expected, **values
        )
        return Response(s.PlanMeasureSerializer(self.get_queryset().get(pk=measure.pk)).data)

    @extend_schema(
        summary=_("报告措施进展（责任单位）"),
        request={
            "multipart/form-data": s.ProgressCreateSerializer,
            "application/json": s.ProgressCreateSerializer,
        },
        responses={
            201: s.PlanProgressSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        measure = self.get_object()
        data = s.ProgressCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        upload = values.pop("evidence", None)
        if upload is not None:
            try:
                values["evidence"] = check_upload(upload)
            except ValidationError as exc:
                raise ValidationError({"evidence": exc.messages}) from None
        record = services.progress_report(actor=request.user, measure=measure, **values)
        return Response(s.PlanProgressSerializer(record).data, status=status.HTTP_201_CREATED)
