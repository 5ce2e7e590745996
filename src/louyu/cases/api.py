"""REST endpoints of rectification cases: thin views over the case selectors and services.

Cases outside the caller's scope answer 404, never 403; 403 only when the caller sees the
case but may not act on it (a measure owner trying to change the case); 409 when the
workflow does not allow the step now or the case changed since ``expected_version``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from louyu.buildings.selectors import building_list
from louyu.cases import selectors
from louyu.cases import serializers as s
from louyu.cases.models import Case
from louyu.cases.services import measures, transitions, violations
from louyu.cases.services.acceptance import acceptance_check_record
from louyu.cases.services.details import case_set_supervision, case_update
from louyu.cases.services.enforcement import enforcement_action_add
from louyu.cases.services.files import case_files_add
from louyu.cases.services.opening import case_open, case_report_refused_entry
from louyu.cases.services.permissions import can_report_refused_entry
from louyu.complaints.models import Category
from louyu.complaints.selectors import complaint_list
from louyu.core import uploads
from louyu.core.models import Organization
from louyu.core.rest.pagination import CappedPagination
from louyu.core.rest.parsers import JSONParser

CONFLICT = OpenApiResponse(description=_("当前状态不允许此操作，或已被他人更新"))
BAD_REQUEST = OpenApiResponse(description=_("字段错误"))
FORBIDDEN = OpenApiResponse(description=_("可以查看但无权办理"))
NOT_FOUND = OpenApiResponse(description=_("不存在或不在管辖范围内"))
RESPONSES = {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


def _detail(status_code: int, message) -> Response:
    return Response({"detail": message}, status=status_code)


def _organization(code: str | None, field: str) -> Organization | None:
    code = (code or "").strip()
    if not code:
        return None
    found = Organization.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise ValidationError({field: "机构代码不存在。"})
    return found


def _category(code: str) -> Category:
    found = Category.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise ValidationError({"category": "未知的问题类别代码。"})
    return found


def _files(request) -> list[uploads.CheckedFile]:
    files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
    try:
        return uploads.check_uploads(files)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from exc


@extend_schema_view(
    list=extend_schema(
        summary=_("整治案件列表"),
        parameters=[s.CaseFilterSerializer],
        responses={200: s.CaseSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(summary=_("整治案件详情"), responses=s.CaseDetailSerializer),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases in the caller's scope, with the same filters as the web queue."""

    pagination_class = CappedPagination
    serializer_class = s.CaseSerializer
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.case_list(user=self.request.user)
        if self.action == "list":
            filters = s.CaseFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            qs = selectors.case_filter(qs, filters.to_filters())
        return qs

    def get_serializer_class(self):
        return s.CaseSerializer if self.action == "list" else s.CaseDetailSerializer

    def _render(self, case: Case, status_code=status.HTTP_200_OK) -> Response:
        fresh = selectors.case_list(user=self.request.user).filter(pk=case.pk).first() or case
        data = s.CaseDetailSerializer(fresh, context={"request": self.request}).data
        return Response(data, status=status_code)

    def _run(self, call, *, status_code=status.HTTP_200_OK, render=None):
        result = call()
        return render(result) if render else self._render(self.get_object(), status_code)

    # --- Opening --------------------------------------------------------------------------

    def _building(self, ref: str):
        ref = (ref or "").strip()
        visible = building_list(user=self.request.user)
        found = visible.filter(code=ref).first()
        if found is None and ref.isdigit():
            found = visible.filter(pk=int(ref)).first()
        if found is None:
            raise ValidationError({"building": "楼宇不存在或不在您的管辖范围内。"})
        return found

    @extend_schema(
        summary=_("立案"),
        description=_("楼宇已有在办案件时，违规问题和申诉并入该案件（200）。"),
        request=s.CaseCreateSerializer,
        responses={201: s.CaseDetailSerializer, 200: s.CaseDetailSerializer, **RESPONSES},
    )
    def create(self, request):
        user = request.user
        if not (user.has_perm("cases.add_case") and user.has_perm("cases.change_case")):
            return _detail(status.HTTP_403_FORBIDDEN, "您没有立案的权限。")
        data = s.CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        building = self._building(values["building"])
        violations = [
            {
                "category": _category(v["category"]),
                "responsible_party": v["responsible_party"],
                "responsible_organization": _organization(
                    v.get("responsible_organization"), "violations"
                ),
                "description": v.get("description", ""),
            }
            for v in values.get("violations", [])
        ]
        codes = values.get("complaints", [])
        complaints = list(complaint_list(user=user).filter(tracking_code__in=codes))
        if len(complaints) != len(set(codes)):
            raise ValidationError({"complaints": "申诉受理编号不存在或不在您的管辖范围内。"})
        case, created = case_open(
            actor=user,
            building=building,
            title=values.get("title", ""),
            summary=values.get("summary", ""),
            severity=values["severity"],
            violations=violations,
            complaints=complaints,
        )
        return self._render(case, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary=_("运营商报告进场受阻"),
        description=_(
            "立案（或并入在办案件），并把该企业在该楼宇的入驻状态记为被拒绝进场"
            "（已提供服务的不变）；可用 multipart/form-data 附证据文件。"
        ),
        request={
            "application/json": s.CaseRefusedEntrySerializer,
            "multipart/form-data": s.CaseRefusedEntrySerializer,
        },
        responses={201: s.CaseDetailSerializer, 200: s.CaseDetailSerializer, **RESPONSES},
    )
    @action(detail=False, methods=["post"], url_path="refused-entry")
    def refused_entry(self, request):
        data = s.CaseRefusedEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not can_report_refused_entry(request.user):
            return _detail(status.HTTP_403_FORBIDDEN, "只有基础电信企业可以报告进场受阻。")
        building = self._building(data.validated_data["building"])
        case, created = case_report_refused_entry(
            actor=request.user,
            building=building,
            description=data.validated_data["description"],
            files=_files(request),
        )
        return self._render(case, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    # --- Workflow and case details --------------------------------------------------------

    @extend_schema(
        summary=_("办理状态变更"),
        request=s.CaseTransitionSerializer,
        responses={200: s.CaseDetailSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        case = self.get_object()
        data = s.CaseTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        to, version = values.pop("to"), values.pop("expected_version", None)
        return self._run(
            lambda: transitions.case_transition(
                actor=request.user, case=case, to=to, expected_version=version, **values
            )
        )

    @extend_schema(
        summary=_("调整严重程度"),
        request=s.CaseSeveritySerializer,
        responses={200: s.CaseDetailSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def severity(self, request, pk=None):
        case = self.get_object()
        data = s.CaseSeveritySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda: case_update(actor=request.user, case=case, **data.validated_data))

    @extend_schema(
        summary=_("修改案件名称和案情摘要"),
        request=s.CaseInfoSerializer,
        responses={200: s.CaseDetailSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def info(self, request, pk=None):
        case = self.get_object()
        data = s.CaseInfoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda: case_update(actor=request.user, case=case, **data.validated_data))

    @extend_schema(
        summary=_("挂牌督办"),
        request=s.CaseSupervisionSerializer,
        responses={200: s.CaseDetailSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def supervision(self, request, pk=None):
        case = self.get_object()
        data = s.CaseSupervisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            lambda: case_set_supervision(actor=request.user, case=case, **data.validated_data)
        )

    @extend_schema(
        summary=_("登记违规问题"),
        request=s.CaseViolationCreateSerializer,
        responses={201: s.CaseViolationSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def violations(self, request, pk=None):
        case = self.get_object()
        data = s.CaseViolationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return self._run(
            lambda: violations.violation_add(
                actor=request.user,
                case=case,
                category=_category(v["category"]),
                responsible_party=v["responsible_party"],
                responsible_organization=_organization(
                    v.get("responsible_organization"), "responsible_organization"
                ),
                description=v.get("description", ""),
                expected_version=v.get("expected_version"),
            ),
            render=lambda obj: Response(
                s.CaseViolationSerializer(obj).data, status=status.HTTP_201_CREATED
            ),
        )

    @extend_schema(
        summary=_("撤销误登记的违规问题"),
        request=s.CaseViolationWithdrawSerializer,
        responses={200: s.CaseViolationSerializer, **RESPONSES},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"violations/(?P<violation_pk>[0-9]+)/withdraw",
    )
    def violation_withdraw(self, request, pk=None, violation_pk=None):
        case = self.get_object()
        violation = case.violations.filter(pk=violation_pk).first()
        if violation is None:
            return _detail(status.HTTP_404_NOT_FOUND, "该违规问题不属于此案件。")
        data = s.CaseViolationWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            lambda: violations.violation_withdraw(
                actor=request.user, case=case, violation=violation, **data.validated_data
            ),
            render=lambda obj: Response(s.CaseViolationSerializer(obj).data),
        )

    # --- Measures -------------------------------------------------------------------------

    @extend_schema(
        summary=_("布置整改措施"),
        request=s.CaseMeasureCreateSerializer,
        responses={201: s.CaseMeasureSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        case = self.get_object()
        data = s.CaseMeasureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        owner = _organization(v.pop("owner"), "owner")
        return self._run(
            lambda: measures.measure_create(actor=request.user, case=case, owner=owner, **v),
            render=lambda obj: Response(s.CaseMeasureSerializer(obj).data, status=201),
        )

    def _measure(self, case: Case, measure_pk):
        """The case's measure with this id if the caller sees it (a measure owner sees only
        its own), else None."""
        visible = selectors.visible_measures(user=self.request.user, case=case)
        return visible.filter(pk=measure_pk).first()

    @extend_schema(
        summary=_("责任单位答复整改措施"),
        request={
            "multipart/form-data": s.CaseMeasureAnswerSerializer,
            "application/json": s.CaseMeasureAnswerSerializer,
        },
        responses={200: s.CaseMeasureSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path=r"measures/(?P<measure_pk>[0-9]+)/answer")
    def measure_answer(self, request, pk=None, measure_pk=None):
        case = self.get_object()
        measure = self._measure(case, measure_pk)
        if measure is None:
            return _detail(status.HTTP_404_NOT_FOUND, "未找到该对象，或不在您的管辖范围内。")
        data = s.CaseMeasureAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = _files(request)
        return self._run(
            lambda: measures.measure_answer(
                actor=request.user,
                measure=measure,
                response=data.validated_data["response"],
                files=files,
            ),
            render=lambda obj: Response(s.CaseMeasureSerializer(obj).data),
        )

    @extend_schema(
        summary=_("取消整改措施"),
        request=s.CaseMeasureCancelSerializer,
        responses={200: s.CaseMeasureSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path=r"measures/(?P<measure_pk>[0-9]+)/cancel")
    def measure_cancel(self, request, pk=None, measure_pk=None):
        case = self.get_object()
        measure = self._measure(case, measure_pk)
        if measure is None:
            return _detail(status.HTTP_404_NOT_FOUND, "未找到该对象，或不在您的管辖范围内。")
        data = s.CaseMeasureCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            lambda: measures.measure_cancel(
                actor=request.user, measure=measure, reason=data.validated_data["reason"]
            ),
            render=lambda obj: Response(s.CaseMeasureSerializer(obj).data),
        )

    # --- Enforcement actions and acceptance ----------------------------------------------

    @extend_schema(
        summary=_("登记执法措施"),
        request={
            "multipart/form-data": s.CaseEnforcementActionCreateSerializer,
            "application/json": s.CaseEnforcementActionCreateSerializer,
        },
        responses={201: s.CaseEnforcementActionSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        case = self.get_object()
        data = s.CaseEnforcementActionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v.pop("files", None)
        target = _organization(v.pop("target_organization", ""), "target_organization")
        files = _files(request)
        return self._run(
            lambda: enforcement_action_add(
                actor=request.user, case=case, target_organization=target, files=files, **v
            ),
            render=lambda obj: Response(s.CaseEnforcementActionSerializer(obj).data, status=201),
        )

    @extend_schema(
        summary=_("上传案件证据"),
        request={"multipart/form-data": s.CaseEvidenceSerializer},
        responses={201: s.CaseDetailSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="evidence")
    def evidence(self, request, pk=None):
        case = self.get_object()
        files = _files(request)
        return self._run(
            lambda: case_files_add(actor=request.user, case=case, files=files),
            status_code=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("登记验收"),
        description=_("至少一个证据文件；合格则案件转为已整改，不合格则退回整改。"),
        request={"multipart/form-data": s.CaseAcceptanceCheckCreateSerializer},
        responses={201: s.CaseDetailSerializer, **RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="acceptance-checks")
    def acceptance_checks(self, request, pk=None):
        case = self.get_object()
        data = s.CaseAcceptanceCheckCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v.pop("files", None)
        files = _files(request)
        return self._run(
            lambda: acceptance_check_record(actor=request.user, case=case, files=files, **v),
            status_code=status.HTTP_201_CREATED,
        )
