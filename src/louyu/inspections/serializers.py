"""Serializers of the inspection plan API. Input serializers parse; the rules live in the
services."""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from louyu.inspections.models import (
    Assignment,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionPlan,
    SampledBuilding,
    Stratum,
    Team,
)
from louyu.inspections.sampling import StratumSpec
from louyu.inspections.workflow import NotInspectedReason, Outcome, State, StratumKind


class StratumSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stratum
        fields = ["position", "kind", "size", "share", "min_complaints", "complaint_days"]
        read_only_fields = fields  # answers only; input has its own serializers


class StratumInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StratumKind.choices)
    size = serializers.IntegerField(required=False, allow_null=True)
    share = serializers.IntegerField(required=False, allow_null=True)
    min_complaints = serializers.IntegerField(required=False, allow_null=True)
    complaint_days = serializers.IntegerField(required=False, allow_null=True)


class SampledBuildingSerializer(serializers.ModelSerializer):
    building_code = serializers.CharField(source="building.code", read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)

    class Meta:
        model = SampledBuilding
        fields = [
            "position",
            "building",
            "building_code",
            "building_name",
            "jurisdiction",
            "stratum",
            "reason",
        ]
        read_only_fields = fields  # answers only; input has its own serializers


class InspectionPlanSerializer(serializers.ModelSerializer):
    planner = serializers.CharField(source="planner.code", read_only=True)
    checklist = serializers.CharField(source="checklist.code", read_only=True)
    jurisdictions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    organizations = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "name",
            "state",
            "period_start",
            "period_end",
            "planner",
            "jurisdictions",
            "organizations",
            "checklist",
            "sample_size",
            "minimum_per_jurisdiction",
            "exclude_inspected_months",
            "exclude_case_closed_months",
            "seed",
            "sampling_method",
            "spec_version",
            "supersedes",
            "drawn_at",
            "created_at",
            "version",
        ]
        read_only_fields = fields  # answers only; input has its own serializers


class AssignmentSerializer(serializers.ModelSerializer):
    building = serializers.IntegerField(source="sampled.building_id", read_only=True)
    building_name = serializers.CharField(source="sampled.building.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "team", "building", "building_name", "scheduled_on", "reinspection_of"]
        read_only_fields = fields  # answers only; input has its own serializers


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "members"]
        read_only_fields = fields  # answers only; input has its own serializers


class TeamProgressSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="team.pk", read_only=True)
    name = serializers.CharField(source="team.name", read_only=True)
    assigned = serializers.IntegerField(read_only=True)
    inspected = serializers.IntegerField(read_only=True)
    could_not = serializers.IntegerField(read_only=True, help_text=_("未能检查"))
    remaining = serializers.IntegerField(read_only=True, help_text=_("尚无检查记录"))
    overdue = serializers.IntegerField(read_only=True, help_text=_("尚无检查记录且已过检查日期"))
    failed = serializers.IntegerField(read_only=True, help_text=_("不合格或未能检查的记录"))


class InspectionPlanDetailSerializer(InspectionPlanSerializer):
    strata = StratumSerializer(many=True, read_only=True)
    draw_notes = serializers.ListField(child=serializers.CharField(), read_only=True)
    sample = serializers.SerializerMethodField(help_text=_("调用者可见范围内的抽样楼宇"))
    teams = TeamSerializer(many=True, read_only=True)
    assignments = serializers.SerializerMethodField(help_text=_("调用者可见的检查安排"))
    team_progress = serializers.SerializerMethodField(
        help_text=_("各检查组进度（调用者可见的检查安排）")
    )

    class Meta(InspectionPlanSerializer.Meta):
        fields = [
            *InspectionPlanSerializer.Meta.fields,
            "strata",
            "draw_notes",
            "sample",
            "teams",
            "assignments",
            "team_progress",
        ]
        read_only_fields = fields  # answers only; input has its own serializers

    @extend_schema_field(TeamProgressSerializer(many=True))
    def get_team_progress(self, plan) -> list[dict]:
        return TeamProgressSerializer(self.context["team_progress"], many=True).data

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, plan) -> list[dict]:
        return AssignmentSerializer(self.context["assignments"], many=True).data

    def get_sample(self, plan) -> list[dict]:
        rows = self.context["sample"]
        return SampledBuildingSerializer(rows, many=True).data


class SpecInputSerializer(serializers.Serializer):
    sample_size = serializers.IntegerField()
    minimum_per_jurisdiction = serializers.IntegerField(required=False, default=0)
    seed = serializers.IntegerField()
    exclude_inspected_months = serializers.IntegerField(required=False, default=0)
    exclude_case_closed_months = serializers.IntegerField(required=False, default=0)
    strata = StratumInputSerializer(many=True)
    expected_version = serializers.IntegerField(required=False, min_value=1)

    def spec(self) -> dict:
        values = dict(self.validated_data)
        values["strata"] = [StratumSpec(**dict(item)) for item in values["strata"]]
        return values


class InspectionPlanCreateSerializer(SpecInputSerializer):
    name = serializers.CharField(max_length=200)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    jurisdictions = serializers.ListField(
        child=serializers.CharField(max_length=6), help_text=_("辖区代码")
    )
    organizations = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        help_text=_("参加单位机构代码"),
    )
    checklist = serializers.CharField(max_length=32, help_text=_("检查表版本代码"))


class InspectionPlanTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=State.choices)
    expected_version = serializers.IntegerField(required=False, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class TeamInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    members = serializers.ListField(
        child=serializers.CharField(max_length=150), help_text=_("成员用户名")
    )


class AssignmentInputSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    building = serializers.IntegerField(help_text=_("抽样楼宇的楼宇编号"))
    scheduled_on = serializers.DateField()


class ReinspectionInputSerializer(serializers.Serializer):
    buildings = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=False,
        help_text=_("需复查的楼宇编号（本方案中不合格或未能检查的楼宇）"),
    )
    team = serializers.IntegerField(help_text=_("本方案的检查组"))
    scheduled_on = serializers.DateField(help_text=_("复查日期，不早于今天"))


class InspectionAnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    value = serializers.JSONField(read_only=True, allow_null=True)

    class Meta:
        model = InspectionAnswer
        fields = ["item", "value", "passed"]
        read_only_fields = fields  # answers only; input has its own serializers


class InspectionPhotoSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True, allow_null=True)

    class Meta:
        model = InspectionPhoto
        fields = [
            "item",
            "original_name",
            "content_type",
            "size",
            "captured_at",
            "captured_at_source",
        ]
        read_only_fields = fields  # answers only; input has its own serializers


class InspectionSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="assignment.team.plan_id", read_only=True)
    building_code = serializers.CharField(source="building.code", read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True)
    case = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    submitted_by = serializers.CharField(
        source="submitted_by.username", read_only=True, allow_null=True
    )
    answers = InspectionAnswerSerializer(many=True, read_only=True)
    photos = InspectionPhotoSerializer(many=True, read_only=True)
    reinspection_of = serializers.IntegerField(
        source="assignment.reinspection_of_id",
        read_only=True,
        allow_null=True,
        help_text=_("本次为复查时，复查的检查记录编号"),
    )
    reinspection = serializers.SerializerMethodField(
        help_text=_("本记录之后安排的复查（检查安排编号）")
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "assignment",
            "plan",
            "building_code",
            "building_name",
            "submission_key",
            "outcome",
            "not_inspected_reason",
            "note",
            "case",
            "submitted_by",
            "submitted_at",
            "answers",
            "photos",
            "reinspection_of",
            "reinspection",
        ]
        read_only_fields = fields  # answers only; input has its own serializers

    def get_reinspection(self, inspection) -> int | None:
        follow_up = Assignment.objects.filter(reinspection_of=inspection).only("pk").first()
        return follow_up.pk if follow_up else None


class InspectionSubmitSerializer(serializers.Serializer):
    """A record as submitted: ``answers`` maps checklist item codes to answers (a JSON
    object, or its text in a multipart form); photos are files named ``photos`` or
    ``photo_<item code>``."""

    assignment = serializers.IntegerField()
    submission_key = serializers.UUIDField(
        help_text=_("客户端生成的提交标识；重复提交同一标识返回已保存的记录（200）。")
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, default=Outcome.INSPECTED)
    not_inspected_reason = serializers.ChoiceField(
        choices=NotInspectedReason.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    answers = serializers.JSONField(required=False, default=dict)
    photos = serializers.ListField(child=serializers.FileField(), required=False)

    def validate_answers(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value or "{}")
            except ValueError:
                raise serializers.ValidationError("回答须为有效的 JSON 对象。") from None
        if not isinstance(value, dict):
            raise serializers.ValidationError("回答须为以检查项代码为键的对象。")
        return value
