"""REST endpoints of the reporting app: figures (``metrics``), monthly reports and bulletins.
Thin views over selectors, ``figures`` and the services; areas and objects outside the
caller's scope answer 404, domain conflicts 409 (the exception handler maps them)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from louyu.core import uploads
from louyu.core.rest.pagination import CappedPagination
from louyu.reporting import figures, selectors
from louyu.reporting import serializers as s
from louyu.reporting.figures import Period
from louyu.reporting.metrics import BY_CODE
from louyu.reporting.rollup.query import Area
from louyu.reporting.rollup.refresh import rollup_state
from louyu.reporting.services import bulletins as bulletin_services
from louyu.reporting.services import reports as report_services
from louyu.reporting.views.bulletins import FORMATS, download

BAD_REQUEST = OpenApiResponse(description=_("字段错误"))
FORBIDDEN = OpenApiResponse(description=_("无权办理"))
NOT_FOUND = OpenApiResponse(description=_("不存在或不在管辖范围内"))
CONFLICT = OpenApiResponse(description=_("当前状态不允许此操作，或已被他人更新"))
RESPONSES = {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


def _row(value, group: str | None = None) -> dict:
    metric = value.metric
    row = {
        "metric": metric.code,
        "label": str(metric.label),
        "unit": str(metric.unit),
        "kind": str(metric.kind),
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
    }
    if value.breakdown:
        row["breakdown"] = value.breakdown
    if group is not None:
        row["group"] = group
    return row


class MetricView(APIView):
    """The campaign's figures for an area and a period (see ``/reporting/metrics/``)."""

    @extend_schema(
        summary=_("统计指标"),
        description=_(
            "时点指标按 to（或 as_of）当日 24:00 的状态统计，期间指标统计 from 至 to；"
            "缺省 from 为累计。group_by=jurisdiction 按管辖范围、city 按地市、month 按月分组。"
            "分母为零时 value 为 null。"
        ),
        parameters=[s.MetricQuerySerializer],
        responses={200: s.MetricResultSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request):
        if not selectors.may_see_figures(request.user):
            raise PermissionDenied("您没有查看统计数据的权限。")
        query = s.MetricQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        where = selectors.resolve_area(
            user=request.user,
            jurisdiction=data.get("jurisdiction") or "",
            city=data.get("city") or "",
        )
        metrics = [BY_CODE[code] for code in data["metric"]]
        period = Period(data.get("from"), data["end"])
        results = self._results(request.user, where, metrics, period, data.get("group_by"))
        state = rollup_state()
        return Response(
            {
                "as_of": state.as_of if state else None,
                "start": period.start,
                "end": period.end,
                "jurisdiction": where.jurisdiction.code if where.jurisdiction else None,
                "city": where.city.code if where.city else None,
                "results": results,
            }
        )

    def _results(self, user, where, metrics, period: Period, group_by: str | None) -> list:
        if group_by == "jurisdiction":
            visible = {j.pk: j for j in selectors.jurisdiction_list(user=user)}
            ids = where.area.jurisdiction_ids or frozenset(visible)
            by_id = figures.evaluate_by_jurisdiction(Area(ids), period, metrics)
            return [
                _row(value, visible[pk].code)
                for pk in sorted(by_id, key=lambda pk: visible[pk].code)
                if pk in visible
                for value in by_id[pk].values()
            ]
        if group_by == "city":
            if where.jurisdiction is None:
                raise Http404
            by_city = figures.evaluate_by_city(frozenset({where.jurisdiction.pk}), period, metrics)
            return [_row(v, city) for city in sorted(by_city) for v in by_city[city].values()]
        if group_by == "month":
            rows = []
            for metric in metrics:
                months = max(1, _months_between(period.start or period.end, period.end))
                points = figures.trend(where.area, metric, months=months, end=period.end)
                rows.extend(_row(value, f"{day:%Y-%m}") for day, value in points)
            return rows
        return [_row(v) for v in figures.evaluate(where.area, period, metrics).values()]


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return min(120, (end.year - start.year) * 12 + end.month - start.month + 1)


def _period(text: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{text}-01")


@extend_schema_view(
    list=extend_schema(
        summary=_("月度进展报告列表"),
        parameters=[s.ReportFilterSerializer],
        responses={200: s.ReportSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("月度进展报告"), responses={200: s.ReportSerializer, 404: NOT_FOUND}
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly reports in the caller's scope."""

    serializer_class = s.ReportSerializer
    pagination_class = CappedPagination
    filter_backends = []

    def get_queryset(self):
        qs = selectors.report_list(user=self.request.user).order_by(
            "-period", "jurisdiction__sort_order"
        )
        if self.action == "list":
            filters = s.ReportFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            data = filters.validated_data
            if data.get("period"):
                qs = qs.filter(period=_period(data["period"]))
            if data.get("jurisdiction"):
                qs = qs.filter(jurisdiction__code=data["jurisdiction"])
            if data.get("state"):
                qs = qs.filter(state=data["state"])
        return qs

    @extend_schema(
        summary=_("填写月报（草稿或被退回时）"),
        request=s.ReportUpdateSerializer,
        responses={200: s.ReportSerializer, **RESPONSES},
    )
    def partial_update(self, request, pk=None):
        report = self.get_object()
        data = s.ReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("expected_version", None)
        report_services.report_update(
            actor=request.user, report=report, expected_version=expected, **values
        )
        return Response(s.ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(
        summary=_("上传月报附件（草稿或被退回时）"),
        request={"multipart/form-data": s.ReportFilesSerializer},
        responses={201: s.ReportSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def files(self, request, pk=None):
        report = self.get_object()
        try:
            checked = uploads.check_uploads(request.FILES.getlist("files"))
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc
        report_services.report_files_add(actor=request.user, report=report, files=checked)
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(s.ReportSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("报送、采用或退回月报"),
        description=_(
            "submitted：本管理局报送（冻结本月数据）；"
            "accepted、returned：工信部审核，退回须填 comment。"
        ),
        request=s.ReportTransitionSerializer,
        responses={200: s.ReportSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        report = self.get_object()
        data = s.ReportTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report_services.report_transition(
            actor=request.user,
            report=report,
            to=data.validated_data["to"],
            comment=data.validated_data.get("comment", ""),
            expected_version=data.validated_data.get("expected_version"),
        )
        return Response(s.ReportSerializer(self.get_queryset().get(pk=report.pk)).data)


@extend_schema_view(
    list=extend_schema(summary=_("进展通报列表"), responses={200: s.BulletinSerializer(many=True)}),
    retrieve=extend_schema(
        summary=_("进展通报"), responses={200: s.BulletinDetailSerializer, 404: NOT_FOUND}
    ),
)
class BulletinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bulletins: published ones for every reporting user, drafts for the ministry."""

    pagination_class = CappedPagination
    filter_backends = []

    def get_queryset(self):
        return selectors.bulletin_list(user=self.request.user).order_by("-period")

    def get_serializer_class(self):
        return s.BulletinSerializer if self.action == "list" else s.BulletinDetailSerializer

    def _render(self, bulletin, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=bulletin.pk)
        return Response(s.BulletinDetailSerializer(fresh).data, status=code)

    @extend_schema(
        summary=_("汇总编制通报"),
        request=s.BulletinCreateSerializer,
        responses={201: s.BulletinDetailSerializer, **RESPONSES},
    )
    def create(self, request):
        data = s.BulletinCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            period = _period(data.validated_data["period"])
        except ValueError:
            return Response({"period": ["月份无效。"]}, status=status.HTTP_400_BAD_REQUEST)
        bulletin = bulletin_services.bulletin_create(actor=request.user, period=period)
        return self._render(bulletin, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改通报（草稿）"),
        request=s.BulletinUpdateSerializer,
        responses={200: s.BulletinDetailSerializer, **RESPONSES},
    )
    def partial_update(self, request, pk=None):
        bulletin = self.get_object()
        data = s.BulletinUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("expected_version", None)
        bulletin_services.bulletin_update(
            actor=request.user, bulletin=bulletin, expected_version=expected, **values
        )
        return self._render(bulletin)

    @extend_schema(
        summary=_("审核、发布、退回或重新汇总通报"),
        request=s.BulletinTransitionSerializer,
        responses={200: s.BulletinDetailSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        bulletin = self.get_object()
        data = s.BulletinTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to = data.validated_data["to"]
        expected = data.validated_data.get("expected_version")
        if to == "recompile":
            bulletin_services.bulletin_recompile(
                actor=request.user, bulletin=bulletin, expected_version=expected
            )
        else:
            bulletin_services.bulletin_transition(
                actor=request.user, bulletin=bulletin, to=to, expected_version=expected
            )
        return self._render(bulletin)

    @extend_schema(
        summary=_("下载通报（pdf、docx 或 xlsx）"),
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, FORMATS["docx"][0]): OpenApiTypes.BINARY,
            (200, FORMATS["xlsx"][0]): OpenApiTypes.BINARY,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>pdf|docx|xlsx)")
    def download(self, request, pk=None, fmt=None):
        return download(self.get_object(), fmt, actor=request.user)
