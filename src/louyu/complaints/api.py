"""REST endpoints of complaints: thin views over the complaint selectors and services.

Objects outside the caller's scope answer 404, never 403; 403 only when the caller sees the
complaint but may not act on it (e.g. a department it was referred to trying to accept it).
Intake takes an ``Idempotency-Key`` header so a system may retry safely."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from louyu.buildings import selectors as building_selectors
from louyu.complaints import intake_cache, selectors, services
from louyu.complaints import serializers as s
from louyu.complaints.models import Complaint, IdempotencyKey
from louyu.complaints.personal_data import complaint_personal_data
from louyu.complaints.services import Intake
from louyu.core import selectors as core_selectors
from louyu.core.rest.pagination import CappedPagination
from louyu.core.rest.reuse import ReusedSerializer

IDEMPOTENCY_HEADER = "Idempotency-Key"
TRANSITION_FIELDS = {"to", "expected_version"}
RESERVED_DETAILS = {"actor", "complaint"}

CONFLICT = OpenApiResponse(description=_("当前状态不允许此操作，或已被他人更新"))
BAD_REQUEST = OpenApiResponse(description=_("字段错误"))
FORBIDDEN = OpenApiResponse(description=_("可以查看但无权办理"))


def _detail(status_code: int, message) -> Response:
    return Response({"detail": message}, status=status_code)


def request_digest(data) -> str:
    """SHA-256 of the request body in canonical form (sorted keys, no whitespace), so the
    same content in another key order counts as the same request."""
    if hasattr(data, "lists"):  # QueryDict from a form post
        data = {key: values if len(values) != 1 else values[0] for key, values in data.lists()}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# Intake is the busiest endpoint: its serializers are built once per thread (see
# ``louyu.core.rest.reuse``) and stay the one definition of its input and answer.
INTAKE_INPUT = ReusedSerializer(s.ComplaintCreateSerializer)
INTAKE_ANSWER = ReusedSerializer(s.ComplaintCreatedSerializer)


class _KeyTaken(Exception):
    """Another request registered the same idempotency key first (rolls back ours)."""


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        "重试安全：同一用户同一键、同一请求体，返回首次登记的申诉（200，响应头 "
        "Idempotent-Replayed: true，不再返回查询码）；请求体不同则 409。"
        "答复写出前发生数据库临时故障（503）或连接中断时，请用同一 Idempotency-Key 重试。"
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary=_("申诉列表"),
        parameters=[s.ComplaintFilterSerializer],
        responses={200: s.ComplaintSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(summary=_("申诉详情"), responses=s.ComplaintSerializer),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Complaints in the caller's scope, with the same filters as the web queue."""

    pagination_class = CappedPagination

    serializer_class = s.ComplaintSerializer
    filter_backends = []

    def get_queryset(self):
        qs = selectors.complaint_list(user=self.request.user)
        if self.action == "list":
            filters = s.ComplaintFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            qs = selectors.complaint_filter(qs, filters.to_filters(), user=self.request.user)
        return qs

    def _render(self, complaint: Complaint) -> Response:
        return Response(self.get_serializer(complaint).data)

    # --- Intake ---------------------------------------------------------------------------

    @extend_schema(
        summary=_("登记申诉"),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=s.ComplaintCreateSerializer,
        responses={
            201: s.ComplaintCreatedSerializer,
            200: OpenApiResponse(s.ComplaintSerializer, description=_("幂等重放")),
            400: BAD_REQUEST,
            403: OpenApiResponse(description=_("无登记申诉权限")),
            409: OpenApiResponse(description=_("同一幂等键对应不同的请求内容")),
            503: OpenApiResponse(
                description=_(
                    "数据库临时故障，登记未生效：请按 Retry-After 稍后用同一 Idempotency-Key 重试"
                )
            ),
        },
    )
    def create(self, request):
        user = request.user
        if not user.has_perm("complaints.add_complaint"):
            return _detail(status.HTTP_403_FORBIDDEN, "您没有登记申诉的权限。")
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if len(key) > 128:
            raise ValidationError({IDEMPOTENCY_HEADER: "幂等键不能超过 128 个字符。"})
        digest = request_digest(request.data) if key else ""
        if key:
            earlier = self._earlier(key)
            if earlier is not None:
                return self._replay(earlier, digest)
        values = dict(INTAKE_INPUT.parse(request.data))
        values["building"] = self._building(values.get("building"))
        values["operator"] = self._operator(values.get("operator"))
        if not key:  # complaint_create opens (and commits) its own transaction
            complaint, secret = services.complaint_create(actor=user, intake=Intake(**values))
            return self._created(complaint, secret)
        intake_cache.warm_intake_cache()
        try:
            with transaction.atomic():
                complaint, secret = services.complaint_create(actor=user, intake=Intake(**values))
                if key:
                    try:
                        with transaction.atomic():
                            IdempotencyKey.objects.create(
                                user=user, key=key, request_hash=digest, complaint=complaint
                            )
                    except IntegrityError as exc:
                        raise _KeyTaken from exc
        except _KeyTaken:
            return self._replay(self._earlier(key), digest)
        return self._created(complaint, secret)

    def _created(self, complaint: Complaint, secret: str) -> Response:
        complaint.secret = secret  # rendered once, in this answer only
        data = INTAKE_ANSWER.render(complaint, context={"request": self.request})
        return Response(data, status=status.HTTP_201_CREATED)

    def _earlier(self, key: str) -> IdempotencyKey | None:
        return (
            IdempotencyKey.objects.filter(user=self.request.user, key=key)
            .select_related("complaint__category", "complaint__jurisdiction", "complaint__handler")
            .first()
        )

    def _replay(self, earlier: IdempotencyKey, digest: str) -> Response:
        if earlier.request_hash != digest:
            return _detail(
                status.HTTP_409_CONFLICT,
                "该幂等键（Idempotency-Key）已用于内容不同的另一次登记，请换用新的键。",
            )
        response = self._render(earlier.complaint)
        response["Idempotent-Replayed"] = "true"
        return response

    def _building(self, ref: str | None):
        if not (ref or "").strip():
            return None
        found = building_selectors.building_by_ref(user=self.request.user, ref=ref)
        if found is None:
            raise ValidationError({"building": "楼宇不存在或不在您的管辖范围内。"})
        return found

    @staticmethod
    def _operator(key: str | None):
        if not key:
            return None
        found = building_selectors.basic_operators().filter(operator_key=key).first()
        if found is None:
            raise ValidationError({"operator": "未知的基础电信企业标识（如 telecom）。"})
        return found

    # --- Actions --------------------------------------------------------------------------

    @extend_schema(
        summary=_("办理状态变更"),
        request=s.TransitionSerializer,
        responses={
            200: s.ComplaintSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: OpenApiResponse(description=_("不存在或不在管辖范围内")),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        complaint = self.get_object()
        data = s.TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        details = {
            key: value
            for key, value in request.data.items()
            if key not in TRANSITION_FIELDS | RESERVED_DETAILS
        }
        complaint = services.complaint_transition(
            actor=request.user,
            complaint=complaint,
            to=data.validated_data["to"],
            expected_version=data.validated_data.get("expected_version"),
            **details,
        )
        return self._render(self.get_queryset().get(pk=complaint.pk))

    @extend_schema(
        summary=_("转办或协办"),
        request=s.ReferralCreateSerializer,
        responses={201: s.ReferralSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def referrals(self, request, pk=None):
        complaint = self.get_object()
        data = s.ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        target = (
            core_selectors.organization_list(user=request.user)
            .filter(code=values["to_organization"])
            .first()
        )
        if target is None:
            raise ValidationError({"to_organization": "机构代码不存在。"})
        referral = services.complaint_refer(
            actor=request.user,
            complaint=complaint,
            to_organization=target,
            kind=values["kind"],
            note=values.get("note", ""),
        )
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("登记核查记录"),
        request=s.VerificationCreateSerializer,
        responses={
            201: s.VerificationSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def verifications(self, request, pk=None):
        complaint = self.get_object()
        data = s.VerificationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.verification_add(
            actor=request.user, complaint=complaint, **data.validated_data
        )
        return Response(s.VerificationSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("申诉人个人信息"),
        description=_("承办人员可见全文（记入审计日志）；其他人员只见脱敏信息。"),
        request=None,
        responses=s.PersonalDataSerializer,
    )
    @action(detail=True, methods=["get"], url_path="personal-data")
    def personal_data(self, request, pk=None):
        complaint = self.get_object()
        return Response(complaint_personal_data(user=request.user, complaint=complaint))
