"""REST representations of work plans and the parsers of API input. Serializers only parse
and render; writes go through ``louyu.workplans.services``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from louyu.buildings.models import Building, BuildingType
from louyu.workplans import services
from louyu.workplans.models import PlanMeasure, PlanProgress, WorkPlan
from louyu.workplans.selectors import PlanFilters, ZeroOperatorFilters
from louyu.workplans.workflow import MeasureStatus, Outcome, State, allowed_targets


class ZeroOperatorBuildingSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    plan = serializers.IntegerField(
        source="plan_id", read_only=True, allow_null=True, help_text=_("推进中（否则最近）的方案")
    )
    plan_state = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Building
        fields = [
            "id",
            "code",
            "name",
            "address",
            "region",
            "jurisdiction",
            "building_type",
            "plan",
            "plan_state",
        ]
        read_only_fields = fields


class ZeroOperatorFilterSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(required=False, allow_blank=True, max_length=6)
    city = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    district = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    building_type = serializers.ChoiceField(
        choices=BuildingType.choices, required=False, allow_blank=True
    )
    has_plan = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def to_filters(self) -> ZeroOperatorFilters:
        data = self.validated_data
        return ZeroOperatorFilters(
            jurisdiction=data.get("jurisdiction", ""),
            city=data.get("city", ""),
            district=data.get("district", ""),
            building_type=data.get("building_type", ""),
            has_plan=data.get("has_plan"),
            q=data.get("q", ""),
        )


class PlanProgressSerializer(serializers.ModelSerializer):
    reported_by_organization = serializers.CharField(
        source="reported_by_organization.code", read_only=True, allow_null=True
    )
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = PlanProgress
        fields = [
            "id",
            "text",
            "new_status",
            "reported_by_organization",
            "evidence_name",
            "has_evidence",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)


class PlanMeasureSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.code", read_only=True)
    owner = serializers.CharField(source="owner.code", read_only=True)
    operator = serializers.CharField(source="operator.code", read_only=True, allow_null=True)
    progress = PlanProgressSerializer(many=True, read_only=True)

    class Meta:
        model = PlanMeasure
        fields = [
            "id",
            "plan",
            "kind",
            "title",
            "owner",
            "operator",
            "committed_entry_date",
            "due_date",
            "status",
            "completed_at",
            "version",
            "progress",
        ]
        read_only_fields = fields


class WorkPlanSerializer(serializers.ModelSerializer):
    building = serializers.IntegerField(source="building_id", read_only=True)
    building_code = serializers.CharField(source="building.code", read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    now_served = serializers.SerializerMethodField(
        help_text=_("推进中且楼宇已有基础电信企业提供服务（可关闭）")
    )
    allowed_transitions = serializers.SerializerMethodField(help_text=_("当前用户可转入的状态"))

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "building",
            "building_code",
            "building_name",
            "jurisdiction",
            "state",
            "goal",
            "target_date",
            "outcome",
            "close_reason",
            "closed_at",
            "created_at",
            "version",
            "now_served",
            "allowed_transitions",
        ]
        read_only_fields = fields

    def get_now_served(self, obj) -> bool:
        return obj.state == State.ACTIVE and obj.building.operator_count > 0

    def get_allowed_transitions(self, obj) -> list[str]:
        request = self.context.get("request")
        if not services.can_edit_plans(getattr(request, "user", None), obj.jurisdiction_id):
            return []
        return sorted(allowed_targets(obj.state))


class WorkPlanDetailSerializer(WorkPlanSerializer):
    measures = PlanMeasureSerializer(many=True, read_only=True)

    class Meta(WorkPlanSerializer.Meta):
        fields = [*WorkPlanSerializer.Meta.fields, "measures"]
        read_only_fields = fields


class PlanFilterSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(required=False, allow_blank=True, max_length=6)
    state = serializers.ChoiceField(choices=State.choices, required=False, allow_blank=True)
    now_served = serializers.BooleanField(required=False, default=False)
    overdue = serializers.BooleanField(required=False, default=False)
    operator = serializers.CharField(required=False, allow_blank=True, max_length=16)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def to_filters(self) -> PlanFilters:
        data = self.validated_data
        return PlanFilters(
            jurisdiction=data.get("jurisdiction", ""),
            state=data.get("state", ""),
            now_served=data.get("now_served", False),
            overdue=data.get("overdue", False),
            operator=data.get("operator", ""),
            q=data.get("q", ""),
        )


class WorkPlanCreateSerializer(serializers.Serializer):
    building = serializers.CharField(max_length=32, help_text=_("楼宇编号或楼宇编码"))
    goal = serializers.CharField(max_length=2000)
    target_date = serializers.DateField()


class WorkPlanTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=State.choices)
    expected_version = serializers.IntegerField(required=False, min_value=1)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MeasureCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=32, help_text=_("措施类型代码，如 talk_property"))
    title = serializers.CharField(max_length=200)
    owner = serializers.CharField(max_length=64, help_text=_("责任单位机构代码"))
    due_date = serializers.DateField()
    committed_entry_date = serializers.DateField(required=False, allow_null=True)


class MeasureUpdateSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.CharField(max_length=32, required=False)
    title = serializers.CharField(max_length=200, required=False)
    owner = serializers.CharField(max_length=64, required=False)
    due_date = serializers.DateField(required=False)
    committed_entry_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=MeasureStatus.choices, required=False)


class ProgressCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    new_status = serializers.ChoiceField(
        choices=MeasureStatus.choices,
        required=False,
        allow_blank=True,
        help_text=_("可报告为 in_progress 或 done"),
    )
    evidence = serializers.FileField(required=False, help_text=_("图片或 PDF，按内容检查"))
