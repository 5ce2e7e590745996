"""REST representations of cases and the parsers of API input. Serializers only parse and
render; writes go through ``louyu.cases.services``. No complainant personal data appears
here: linked complaints are given by tracking code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from louyu.cases import selectors
from louyu.cases.models import (
    AcceptanceCheck,
    Case,
    CaseFile,
    EnforcementAction,
    Measure,
    Violation,
)
from louyu.cases.selectors import SORTS, CaseFilters
from louyu.cases.services.permissions import can_manage
from louyu.cases.workflow import (
    ActionKind,
    ResponsibleParty,
    Severity,
    State,
    SupervisionLevel,
    allowed_targets,
)


class CaseFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseFile
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class CaseViolationSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    responsible_organization = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "category",
            "responsible_party",
            "responsible_organization",
            "description",
            "withdrawn_at",
            "withdraw_reason",
        ]
        read_only_fields = fields


class CaseMeasureSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.code", read_only=True)
    files = CaseFileSerializer(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "is_overdue",
            "response",
            "answered_at",
            "cancel_reason",
            "files",
        ]
        read_only_fields = fields


class CaseEnforcementActionSerializer(serializers.ModelSerializer):
    issuing_organization = serializers.CharField(source="issuing_organization.code", read_only=True)
    target_organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    files = CaseFileSerializer(many=True, read_only=True)

    class Meta:
        model = EnforcementAction
        fields = [
            "id",
            "kind",
            "action_date",
            "issuing_organization",
            "target_organization",
            "amount",
            "decision_number",
            "notes",
            "files",
        ]
        read_only_fields = fields


class CaseAcceptanceCheckSerializer(serializers.ModelSerializer):
    files = CaseFileSerializer(many=True, read_only=True)

    class Meta:
        model = AcceptanceCheck
        fields = ["id", "passed", "notes", "checked_on", "created_at", "files"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    """A case as listed. Expects ``building`` and ``jurisdiction`` select-related."""

    building = serializers.CharField(source="building.code", read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    allowed_transitions = serializers.SerializerMethodField(help_text=_("当前用户可转入的状态"))

    class Meta:
        model = Case
        fields = [
            "id",
            "code",
            "title",
            "building",
            "building_name",
            "jurisdiction",
            "state",
            "severity",
            "source",
            "key_case",
            "supervision_level",
            "rectify_due_at",
            "deadline_provisional",
            "is_overdue",
            "created_at",
            "closed_at",
            "version",
            "allowed_transitions",
        ]
        read_only_fields = fields

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_allowed_transitions(self, obj) -> list[str]:
        user = self._user()
        if user is None or not can_manage(user, obj):
            return []
        return sorted(allowed_targets(obj.state))


class CaseDetailSerializer(CaseSerializer):
    """A case with its parts. A measure owner sees only its own measures; violations,
    actions, complaints and acceptance checks only those who see the whole case."""

    summary = serializers.CharField(read_only=True)
    evidence = serializers.SerializerMethodField()
    closed_reason = serializers.CharField(read_only=True)
    supervisor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    violations = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    acceptance_checks = serializers.SerializerMethodField()
    complaints = serializers.SerializerMethodField(help_text=_("关联申诉的受理编号"))

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "summary",
            "evidence",
            "closed_reason",
            "supervisor",
            "violations",
            "measures",
            "actions",
            "acceptance_checks",
            "complaints",
        ]
        read_only_fields = fields

    def _whole(self) -> bool:
        user = self._user()
        return user is not None and selectors.sees_whole_case(user)

    @extend_schema_field(CaseFileSerializer(many=True))
    def get_evidence(self, obj):
        if not self._whole():
            return []
        return CaseFileSerializer(obj.files.filter(kind=CaseFile.Kind.EVIDENCE), many=True).data

    @extend_schema_field(CaseViolationSerializer(many=True))
    def get_violations(self, obj):
        if not self._whole():
            return []
        qs = obj.violations.select_related("category", "responsible_organization")
        return CaseViolationSerializer(qs, many=True).data

    @extend_schema_field(CaseMeasureSerializer(many=True))
    def get_measures(self, obj):
        return CaseMeasureSerializer(
            selectors.visible_measures(user=self._user(), case=obj), many=True
        ).data

    @extend_schema_field(CaseEnforcementActionSerializer(many=True))
    def get_actions(self, obj):
        if not self._whole():
            return []
        qs = obj.actions.select_related("issuing_organization", "target_organization")
        return CaseEnforcementActionSerializer(qs.prefetch_related("files"), many=True).data

    @extend_schema_field(CaseAcceptanceCheckSerializer(many=True))
    def get_acceptance_checks(self, obj):
        if not self._whole():
            return []
        return CaseAcceptanceCheckSerializer(
            obj.acceptance_checks.prefetch_related("files"), many=True
        ).data

    def get_complaints(self, obj) -> list[str]:
        if not self._whole():
            return []
        return list(obj.complaints.order_by("received_at").values_list("tracking_code", flat=True))


class CaseFilterSerializer(serializers.Serializer):
    """The queue filters of the web list, parsed from query parameters."""

    q = serializers.CharField(max_length=100, required=False, allow_blank=True)
    jurisdiction = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=State.choices, required=False, allow_blank=True)
    category = serializers.SlugField(max_length=32, required=False, allow_blank=True)
    responsible_party = serializers.ChoiceField(
        choices=ResponsibleParty.choices, required=False, allow_blank=True
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True)
    key_case = serializers.BooleanField(required=False, default=False)
    overdue = serializers.BooleanField(required=False, default=False)
    open_only = serializers.BooleanField(required=False, default=False)
    building = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    sort = serializers.ChoiceField(choices=sorted(SORTS), required=False, default="-created")

    def to_filters(self) -> CaseFilters:
        return CaseFilters(**self.validated_data)


class CaseViolationInputSerializer(serializers.Serializer):
    category = serializers.SlugField(max_length=32, help_text=_("问题类别代码"))
    responsible_party = serializers.ChoiceField(choices=ResponsibleParty.choices)
    responsible_organization = serializers.SlugField(
        max_length=64, required=False, allow_blank=True, help_text=_("机构代码")
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CaseViolationCreateSerializer(CaseViolationInputSerializer):
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CaseCreateSerializer(serializers.Serializer):
    building = serializers.CharField(max_length=32, help_text=_("楼宇 id 或楼宇编码"))
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    violations = CaseViolationInputSerializer(many=True, required=False)
    complaints = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text=_("关联申诉的受理编号"),
    )


class CaseTransitionSerializer(serializers.Serializer):
    """``to`` and ``expected_version``; the details the target state requires travel in
    the same object. ``rectified`` (and back to ``rectifying`` from acceptance) follow only
    from an acceptance check: POST ``acceptance-checks/``."""

    to = serializers.ChoiceField(choices=State.choices)
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    reason = serializers.CharField(required=False, help_text=_("转为 closed_unresolved 时必填"))
    note = serializers.CharField(required=False, allow_blank=True)


class CaseSeveritySerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CaseInfoSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)

    def validate(self, attrs):
        if "title" not in attrs and "summary" not in attrs:
            raise serializers.ValidationError(_("请至少提供案件名称或案情摘要之一。"))
        return attrs


class CaseMeasureCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class CaseViolationWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CaseSupervisionSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=SupervisionLevel.choices, allow_blank=True)
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CaseMeasureCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.SlugField(max_length=64, help_text=_("责任单位的机构代码"))
    due_date = serializers.DateField()
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CaseFilesMixin(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("图片或 PDF，最多 5 个")
    )


class CaseEvidenceSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), help_text=_("图片或 PDF，最多 5 个")
    )


class CaseMeasureAnswerSerializer(CaseFilesMixin):
    response = serializers.CharField(max_length=5000)


class CaseEnforcementActionCreateSerializer(CaseFilesMixin):
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    action_date = serializers.DateField()
    target_organization = serializers.SlugField(
        max_length=64, required=False, allow_blank=True, help_text=_("移送时必填：机构代码")
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CaseAcceptanceCheckCreateSerializer(CaseFilesMixin):
    passed = serializers.BooleanField()
    notes = serializers.CharField(max_length=5000)
    checked_on = serializers.DateField()
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CaseRefusedEntrySerializer(CaseFilesMixin):
    building = serializers.CharField(max_length=32, help_text=_("楼宇 id 或楼宇编码"))
    description = serializers.CharField(max_length=4000)
