"""REST endpoints of the building registry: thin views over the building selectors and
services. Objects outside the caller's scope answer 404, never 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from louyu.buildings import selectors, services
from louyu.buildings import serializers as s
from louyu.buildings.models import Building, PresenceSource
from louyu.core.models import Organization
from louyu.core.rest.pagination import CappedPagination
from louyu.core.scope import scope_for

HISTORY_LIMIT = 500


class BuildingPagination(CappedPagination):
    """Building lists count at most ``LIST_COUNT_CAP`` rows (see CappedPagination)."""


def _first_message(errors) -> str:
    """The first human-readable message of a DRF or Django error structure."""
    while isinstance(errors, dict | list) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors)


def _caller_operator(user) -> Organization | None:
    org = getattr(user, "organization", None)
    return org.operator if org is not None else None


def _presence_source(user) -> str:
    if scope_for(user).is_operator:
        return PresenceSource.OPERATOR_REPORT
    return PresenceSource.MANUAL


@extend_schema_view(
    list=extend_schema(
        summary=_("楼宇列表"),
        parameters=[s.BuildingFilterSerializer],
        responses={
            200: s.BuildingSerializer(many=True),
            400: OpenApiResponse(description=_("筛选条件有误，或运营商按其他企业筛选")),
        },
    ),
    retrieve=extend_schema(summary=_("楼宇详情"), responses=s.BuildingSerializer),
)
class BuildingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Buildings in the caller's scope, with the same filters as the web list. An operator's
    staff see only their own operator's presence rows and history, and every building's
    ``operator_count``."""

    serializer_class = s.BuildingSerializer
    filter_backends = []
    pagination_class = BuildingPagination

    def get_queryset(self):
        qs = selectors.building_list(user=self.request.user)
        if self.action == "list":
            filters = s.BuildingFilterSerializer(
                data=self.request.query_params, context={"request": self.request}
            )
            filters.is_valid(raise_exception=True)
            qs = selectors.building_filter(qs, filters.to_filters())
        return selectors.with_presence(qs, user=self.request.user).select_related(
            "property_company", "access_agent"
        )

    def _render(self, building: Building, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = (
            selectors.with_presence(Building.objects.all(), user=self.request.user)
            .select_related("property_company", "access_agent")
            .get(pk=building.pk)
        )
        return Response(s.BuildingSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary=_("登记楼宇"),
        request=s.BuildingWriteSerializer,
        responses={201: s.BuildingSerializer, 400: OpenApiResponse(description=_("字段错误"))},
    )
    def create(self, request):
        data = s.BuildingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        building = services.building_create(actor=request.user, **data.validated_data)
        return self._render(building, status_code=status.HTTP_201_CREATED)

    def _update(self, request, *, partial: bool) -> Response:
        building = self.get_object()
        data = s.BuildingWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "code"}
        building = services.building_update(actor=request.user, building=building, **fields)
        return self._render(building)

    @extend_schema(
        summary=_("修改楼宇（全部字段）"),
        request=s.BuildingWriteSerializer,
        responses=s.BuildingSerializer,
    )
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(
        summary=_("修改楼宇（部分字段）"),
        request=s.BuildingWriteSerializer,
        responses=s.BuildingSerializer,
    )
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    @extend_schema(
        methods=["GET"],
        summary=_("入驻情况及变更历史"),
        request=None,
        responses=s.PresenceHistorySerializer,
    )
    @extend_schema(
        methods=["POST"],
        summary=_("登记一家基础电信企业的入驻情况"),
        request=s.PresenceSetSerializer,
        responses={
            200: s.PresenceResultSerializer,
            400: OpenApiResponse(description=_("字段错误")),
            403: OpenApiResponse(description=_("无权报送该企业的入驻情况")),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def presence(self, request, pk=None):
        building = self.get_object()
        if request.method == "GET":
            history = selectors.presence_history(user=request.user, building=building)[
                :HISTORY_LIMIT
            ]
            return Response(
                {
                    "presence": s.PresenceSerializer(building.presences.all(), many=True).data,
                    "history": s.PresenceEventSerializer(history, many=True).data,
                }
            )
        data = s.PresenceSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        operator = selectors.basic_operators().filter(operator_key=values["operator"]).first()
        if operator is None:
            raise ValidationError({"operator": "未知的基础电信企业标识。"})
        result = services.presence_set(
            actor=request.user,
            building=building,
            operator=operator,
            status=values["status"],
            source=_presence_source(request.user),
            since=values.get("since"),
            note=values.get("note", ""),
        )
        fresh = selectors.with_presence(Building.objects.all(), user=request.user).get(
            pk=building.pk
        )
        return Response(
            {
                "changed": result is not None,
                "operator_count": fresh.operator_count,
                "presence": s.PresenceSerializer(fresh.presences.all(), many=True).data,
            }
        )

    @extend_schema(
        summary=_("楼宇联想"),
        description=_(
            "楼宇选择器的轻量查询：按名称、别名、地址片段或编码联想本人可见的楼宇，"
            "两个字即可，最多返回 limit 条（默认 10）。"
        ),
        parameters=[s.BuildingSuggestQuerySerializer],
        responses={
            200: s.BuildingSuggestionListSerializer,
            400: OpenApiResponse(description=_("查询条件有误")),
        },
    )
    @action(detail=False, methods=["get"])
    def suggest(self, request):
        query = s.BuildingSuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.building_suggest(
            user=request.user, q=query.validated_data["q"], limit=query.validated_data["limit"]
        )
        return Response({"results": s.BuildingSuggestionSerializer(rows, many=True).data})

    @extend_schema(
        summary=_("批量报送入驻情况"),
        description=_(
            "运营商报送其入驻楼宇清单（最多 5000 条）。全部成功才写入；任一行有误则不写入，"
            "并逐行返回错误。"
        ),
        request=s.PresenceBatchRequestSerializer,
        responses={
            200: s.PresenceBatchResultSerializer,
            400: s.PresenceBatchErrorSerializer,
        },
    )
    @action(detail=False, methods=["post"], url_path="presence-batch")
    def presence_batch(self, request):
        envelope = s.PresenceBatchSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        items = envelope.validated_data["items"]
        errors: list[dict] = []

        def fail(index: int, raw: dict, field: str, message: str) -> None:
            errors.append(
                {
                    "index": index,
                    "building": str(raw.get("building", ""))[:32],
                    "field": field,
                    "message": f"第 {index + 1} 条：{message}",
                }
            )

        rows = []
        for index, raw in enumerate(items):
            row = s.PresenceBatchItemSerializer(data=raw)
            if row.is_valid():
                rows.append((index, raw, row.validated_data))
            else:
                for field, messages in row.errors.items():
                    fail(index, raw, field, _first_message(messages))

        operators = {o.operator_key: o for o in selectors.basic_operators()}
        own_operator = _caller_operator(request.user)
        codes = {values["building"] for _i, _r, values in rows}
        buildings = {
            b.code: b for b in selectors.building_list(user=request.user).filter(code__in=codes)
        }
        planned = []
        seen: set[tuple[str, str]] = set()
        for index, raw, values in rows:
            key = values.get("operator") or (own_operator.operator_key if own_operator else "")
            operator = operators.get(key)
            building = buildings.get(values["building"])
            if operator is None:
                fail(index, raw, "operator", "请填写有效的基础电信企业标识（如 telecom）。")
            elif building is None:
                fail(index, raw, "building", "楼宇编码不存在或不在您的管辖范围内。")
            elif (building.pk, key) in seen:
                fail(index, raw, "building", "同一楼宇同一企业在本批次中重复出现。")
            else:
                seen.add((building.pk, key))
                planned.append((index, raw, values, building, operator))
        # Rows that passed the checks above still go through the service (in a transaction
        # rolled back on any error), so one answer lists every row's error.
        source = (
            PresenceSource.OPERATOR_REPORT
            if scope_for(request.user).is_operator
            else PresenceSource.IMPORT
        )
        changed = unchanged = 0
        with transaction.atomic():
            for index, raw, values, building, operator in planned:
                try:
                    result = services.presence_set(
                        actor=request.user,
                        building=building,
                        operator=operator,
                        status=values["status"],
                        source=source,
                        since=values.get("since"),
                        note=values.get("note", ""),
                    )
                except ValidationError as exc:
                    detail = exc.message_dict if hasattr(exc, "error_dict") else {}
                    field = next(iter(detail), "detail")
                    fail(index, raw, field, _first_message(detail or exc.messages))
                    continue
                except PermissionDenied as exc:
                    fail(index, raw, "operator", str(exc))
                    continue
                if result is None:
                    unchanged += 1
                else:
                    changed += 1
            if errors:
                transaction.set_rollback(True)
        if errors:
            return self._batch_failed(errors)
        return Response({"changed": changed, "unchanged": unchanged})

    @staticmethod
    def _batch_failed(errors: list[dict]) -> Response:
        errors.sort(key=lambda e: e["index"])
        return Response(
            {
                "detail": f"共 {len(errors)} 处错误，本批次未写入任何数据。",
                "errors": errors,
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
