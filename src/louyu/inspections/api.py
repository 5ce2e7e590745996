"""REST endpoints of joint inspection plans: thin views over the plan selectors and
services. Plans outside the caller's scope answer 404, never 403; 403 only when the caller
sees the plan but may not act on it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from louyu.core.rest.pagination import CappedPagination
from louyu.core.rest.parsers import JSONParser
from louyu.inspections import documents, selectors, services
from louyu.inspections import serializers as s
from louyu.inspections.models import Assignment

CONFLICT = OpenApiResponse(description=_("当前状态不允许此操作，或已被他人更新"))
BAD_REQUEST = OpenApiResponse(description=_("字段错误"))
FORBIDDEN = OpenApiResponse(description=_("可以查看但无权办理"))
NOT_FOUND = OpenApiResponse(description=_("不存在或不在管辖范围内"))
ACTION_RESPONSES = {
    200: s.InspectionPlanDetailSerializer,
    400: BAD_REQUEST,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


def _by_code(qs, codes, field: str, message: str):
    codes = list(dict.fromkeys(codes))
    found = list(qs.filter(code__in=codes))
    if len(found) != len(codes):
        raise ValidationError({field: message})
    return found


@extend_schema_view(
    list=extend_schema(
        summary=_("联合检查方案列表"),
        responses={200: s.InspectionPlanSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("检查方案详情（含抽样规格与样本）"),
        responses={200: s.InspectionPlanDetailSerializer, 404: NOT_FOUND},
    ),
)
class InspectionPlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Inspection plans in the caller's scope (drafts only for their planner and national
    users), with their sampling specification and the sample the caller may see."""

    pagination_class = CappedPagination
    filter_backends = []

    def get_serializer_class(self):
        if self.action == "list":
            return s.InspectionPlanSerializer
        return s.InspectionPlanDetailSerializer

    def get_queryset(self):
        qs = selectors.plan_list(user=self.request.user)
        params = self.request.query_params
        return selectors.plan_filter(qs, {"state": params.get("state"), "q": params.get("q")})

    def retrieve(self, request, pk=None):
        return self._render(self.get_object())

    def _render(self, plan, *, status_code=status.HTTP_200_OK) -> Response:
        fresh = selectors.plan_get(user=self.request.user, pk=plan.pk)
        context = {
            **self.get_serializer_context(),
            "sample": selectors.plan_sample(user=self.request.user, plan=fresh),
            "assignments": selectors.plan_assignments(user=self.request.user, plan=fresh),
            "team_progress": selectors.team_progress(user=self.request.user, plan=fresh),
        }
        data = s.InspectionPlanDetailSerializer(fresh, context=context).data
        return Response(data, status=status_code)

    @extend_schema(
        summary=_("制定检查方案"),
        request=s.InspectionPlanCreateSerializer,
        responses={201: s.InspectionPlanDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request):
        if not services.can_plan(request.user):
            raise PermissionDenied("只有部、研究院或通信管理局可以制定联合检查方案。")
        data = s.InspectionPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.spec()
        values.pop("expected_version", None)
        values["jurisdictions"] = _by_code(
            selectors.planning_jurisdictions(user=request.user),
            values["jurisdictions"],
            "jurisdictions",
            "只能为本局管辖范围制定检查方案。",
        )
        values["organizations"] = _by_code(
            selectors.participant_choices(user=request.user),
            values["organizations"],
            "organizations",
            "机构不存在或不属于您的管辖范围。",
        )
        values["checklist"] = (
            selectors.checklist_versions().filter(code=values["checklist"]).first()
        )
        plan = services.inspection_plan_create(actor=request.user, **values)
        return self._render(plan, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("批准、开始实施或结束检查方案"),
        description=_("批准须先抽取样本；部批准所有方案，通信管理局批准本局自行组织的方案。"),
        request=s.InspectionPlanTransitionSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        plan = self.get_object()
        data = s.InspectionPlanTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan = services.inspection_plan_transition(
            actor=request.user,
            plan=plan,
            to=values["to"],
            note=values.get("note", ""),
            expected_version=values.get("expected_version"),
        )
        return self._render(plan)

    @extend_schema(summary=_("抽取（或重新抽取）样本"), request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        plan = services.inspection_plan_draw(actor=request.user, plan=self.get_object())
        return self._render(plan)

    @extend_schema(
        summary=_("修改草稿的抽样规格"),
        description=_("批准后抽样规格不能修改（409），请创建新版本。"),
        request=s.SpecInputSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def spec(self, request, pk=None):
        plan = self.get_object()
        data = s.SpecInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.inspection_plan_update_spec(actor=request.user, plan=plan, **data.spec())
        return self._render(plan)

    @extend_schema(
        summary=_("创建新版本（草稿）"),
        request=None,
        responses={**ACTION_RESPONSES, 201: s.InspectionPlanDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        plan = services.inspection_plan_revise(actor=request.user, plan=self.get_object())
        return self._render(plan, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("组建检查组"),
        request=s.TeamInputSerializer,
        responses={**ACTION_RESPONSES, 201: s.InspectionPlanDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def teams(self, request, pk=None):
        plan = self.get_object()
        data = s.TeamInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        usernames = list(dict.fromkeys(data.validated_data["members"]))
        members = list(services.team_member_choices(plan).filter(username__in=usernames))
        if len(members) != len(usernames):
            raise ValidationError({"members": "成员须为参加本次检查的单位的人员。"})
        services.team_create(
            actor=request.user, plan=plan, name=data.validated_data["name"], members=members
        )
        return self._render(plan, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("安排检查（楼宇、检查组、日期）"),
        request=s.AssignmentInputSerializer,
        responses={**ACTION_RESPONSES, 201: s.InspectionPlanDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def assignments(self, request, pk=None):
        plan = self.get_object()
        data = s.AssignmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        team = plan.teams.filter(pk=values["team"]).first()
        sampled = plan.sample.select_related("building").filter(building_id=values["building"])
        if team is None:
            raise ValidationError({"team": "检查组不存在。"})
        if not sampled.exists():
            raise ValidationError({"building": "该楼宇不在本方案的样本中。"})
        services.assignment_create(
            actor=request.user,
            team=team,
            sampled=sampled.get(),
            scheduled_on=values["scheduled_on"],
        )
        return self._render(plan, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("安排复查（不合格或未能检查的楼宇、检查组、日期）"),
        description=_(
            "方案实施中才能安排（409）。每栋楼宇复查其在本方案中最近一次检查记录；"
            "合格、已有未完成复查、其他辖区的楼宇，其他方案的检查组或早于今天的日期返回 400，"
            "且不安排任何复查。"
        ),
        request=s.ReinspectionInputSerializer,
        responses={**ACTION_RESPONSES, 201: s.InspectionPlanDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def reinspections(self, request, pk=None):
        plan = self.get_object()
        data = s.ReinspectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        visible = selectors.plan_inspections(user=request.user, plan=plan).order_by(
            "-submitted_at", "-id"
        )
        records, unknown = [], []
        for building in dict.fromkeys(values["buildings"]):
            latest = visible.filter(building_id=building).first()
            if latest is None:
                unknown.append(str(building))
            else:
                records.append(latest)
        if unknown:
            raise ValidationError(
                {"buildings": f"楼宇 {'、'.join(unknown)} 在本方案中没有您可见的检查记录。"}
            )
        services.reinspection_schedule(
            actor=request.user,
            plan=plan,
            inspections=records,
            team=plan.teams.filter(pk=values["team"]).first(),
            scheduled_on=values["scheduled_on"],
        )
        return self._render(plan, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=_("现场检查记录列表"),
        responses={200: s.InspectionSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("现场检查记录详情"),
        responses={200: s.InspectionSerializer, 404: NOT_FOUND},
    ),
)
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """On-site inspection records of the assignments the caller may open (team members,
    those running the plan, the administrations of the buildings' jurisdictions, national
    users). A record is submitted once and never edited."""

    pagination_class = CappedPagination
    filter_backends = []
    serializer_class = s.InspectionSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.inspection_list(user=self.request.user)
        plan = self.request.query_params.get("plan")
        return qs.filter(assignment__team__plan_id=plan) if str(plan or "").isdigit() else qs

    @extend_schema(
        summary=_("提交现场检查记录"),
        description=_(
            "multipart 表单（含照片）或 JSON。同一提交标识重复提交返回已保存的记录（200）；"
            "该检查安排已有其他记录时返回 409。"
        ),
        request={"multipart/form-data": s.InspectionSubmitSerializer},
        responses={
            201: s.InspectionSerializer,
            200: s.InspectionSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def create(self, request):
        data = s.InspectionSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            assignment = selectors.assignment_get(user=request.user, pk=values.pop("assignment"))
        except Assignment.DoesNotExist:
            raise NotFound("检查安排不存在或不在您的范围内。") from None
        photos = [("", f) for f in request.FILES.getlist("photos")]
        for name in request.FILES:
            if name.startswith("photo_"):
                photos.extend((name[6:], f) for f in request.FILES.getlist(name))
        values.pop("photos", None)
        inspection, created = services.inspection_submit(
            actor=request.user, assignment=assignment, photos=photos, **values
        )
        fresh = selectors.inspection_get(user=request.user, pk=inspection.pk)
        return Response(
            s.InspectionSerializer(fresh).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary=_("楼宇检查报告（PDF）"),
        description=_(
            "检查项、回答、不合格项及问题类别、照片及拍摄时间、检查组成员、提交人、日期和关联案件。"
        ),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        record = self.get_object()
        response = HttpResponse(
            documents.render_inspection_report_pdf(inspection=record),
            content_type="application/pdf",
        )
        name = f"inspection-{record.pk}-{record.building.code}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
