"""Core REST endpoints: thin views over core selectors and services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from louyu.core import calendar, regions, selectors, services
from louyu.core import serializers as s
from louyu.core.rest.pagination import CappedPagination


class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    """Jurisdictions (a communications administration's area: a set of region codes)."""

    serializer_class = s.JurisdictionSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.jurisdiction_list(user=self.request.user).prefetch_related("regions")


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OrganizationSerializer
    filterset_fields = ["type", "is_basic_operator"]

    def get_queryset(self):
        qs = selectors.organization_list(user=self.request.user)
        jurisdiction = self.request.query_params.get("jurisdiction")
        if jurisdiction:
            qs = qs.filter(jurisdiction__code=jurisdiction)
        return qs


class WorkItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Work items visible to the caller; ``?inbox=1`` limits to the caller's own inbox."""

    serializer_class = s.WorkItemSerializer
    filterset_fields = ["state", "kind"]

    def get_queryset(self):
        user = self.request.user
        if self.request.query_params.get("inbox") in ("1", "true"):
            return selectors.work_item_inbox(user=user, state=None)
        return selectors.work_item_list(user=user)

    @extend_schema(
        request=None,
        responses={
            200: s.WorkItemSerializer,
            403: OpenApiResponse(description=_("不是该待办的承办人或承办机构")),
            404: OpenApiResponse(description=_("不存在或不在管辖范围内")),
            409: OpenApiResponse(
                description=_("待办已办结或已取消，或是只能通过办理该环节完成的流程环节")
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark a free-standing work item done; a workflow-step item answers 409."""
        item = self.get_object()
        item = services.work_item_complete(actor=request.user, item=item)
        return Response(self.get_serializer(item).data)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.NotificationSerializer

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true")
        return selectors.notification_list(user=self.request.user, unread_only=unread)

    @extend_schema(
        request=s.MarkReadSerializer,
        responses=inline_serializer("MarkReadResult", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        data = s.MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            user=request.user, ids=data.validated_data.get("ids")
        )
        return Response({"marked": marked})


class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Audit events in the caller's scope, with the same filters as the web page."""

    serializer_class = s.AuditEventSerializer
    pagination_class = CappedPagination

    @extend_schema(parameters=[s.AuditFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        filters = s.AuditFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.audit_event_list(user=self.request.user)
        return selectors.audit_event_filter(qs, **filters.validated_data)


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


def _region(region):
    return {"code": region.code, "name": region.name} if region else None


class RegionResolveView(APIView):
    """Resolve a Chinese address or a six-digit region code to its region and jurisdiction."""

    @extend_schema(
        parameters=[
            OpenApiParameter("address", str, description=_("中文地址")),
            OpenApiParameter("code", str, description=_("六位行政区划代码")),
        ],
        responses={
            200: inline_serializer(
                "RegionResolution",
                {
                    "region_code": serializers.CharField(),
                    "region_name": serializers.CharField(),
                    "full_name": serializers.CharField(),
                    "province": serializers.DictField(allow_null=True),
                    "prefecture": serializers.DictField(allow_null=True),
                    "county": serializers.DictField(allow_null=True),
                    "jurisdiction_code": serializers.CharField(allow_null=True),
                    "jurisdiction_name": serializers.CharField(allow_null=True),
                },
            ),
            404: OpenApiResponse(description=_("无法识别该地址或区划代码")),
        },
    )
    def get(self, request):
        query = s.ResolveQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if data.get("code"):
            found = regions.resolve_code(data["code"])
        else:
            found = regions.resolve_address(data["address"])
        if found is None:
            return Response(
                {"detail": "无法识别该地址或区划代码对应的行政区划。"},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(
            {
                "region_code": found.region.code,
                "region_name": found.region.name,
                "full_name": found.region.full_name,
                "province": _region(found.province),
                "prefecture": _region(found.prefecture),
                "county": _region(found.county),
                "jurisdiction_code": found.jurisdiction.code if found.jurisdiction else None,
                "jurisdiction_name": found.jurisdiction.name if found.jurisdiction else None,
            }
        )


class DeadlineView(APIView):
    """Compute a statutory deadline: ``start`` plus ``working_days`` or ``days``."""

    @extend_schema(
        parameters=[s.DeadlineQuerySerializer],
        responses=inline_serializer(
            "DeadlineResult",
            {
                "last_day": serializers.DateField(),
                "due_at": serializers.DateTimeField(),
                "provisional": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request):
        query = s.DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if "working_days" in data:
            deadline = calendar.add_working_days(data["start"], data["working_days"])
        else:
            deadline = calendar.add_days(data["start"], data["days"])
        return Response(
            {
                "last_day": deadline.last_day,
                "due_at": deadline.due_at,
                "provisional": deadline.provisional,
            }
        )
