"""REST representations of complaints and the parsers of API input.

Serializers only parse and render; writes go through ``louyu.complaints.services``. The
complainant's name and phone are always masked here; the full values come only from the
audited ``personal-data`` endpoint."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from louyu.complaints import intake_cache, personal_data, services
from louyu.complaints.models import Category, Channel, Complaint, Referral, Verification
from louyu.complaints.selectors import ComplaintFilters
from louyu.complaints.workflow import ReplyResult, State, allowed_targets


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint as read. Expects ``category``, ``jurisdiction`` and ``handler``
    select-related (``selectors.complaint_list`` does), so a page costs a constant number
    of queries."""

    category = serializers.CharField(source="category.code", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    handler = serializers.CharField(source="handler.code", read_only=True)
    building = serializers.PrimaryKeyRelatedField(read_only=True)
    complainant_name = serializers.SerializerMethodField(help_text=_("已脱敏"))
    complainant_phone = serializers.SerializerMethodField(help_text=_("已脱敏"))
    allowed_transitions = serializers.SerializerMethodField(help_text=_("当前用户可转入的状态"))

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_code",
            "state",
            "channel",
            "category",
            "jurisdiction",
            "handler",
            "building",
            "address",
            "received_at",
            "accept_due_at",
            "reply_due_at",
            "deadline_provisional",
            "reply_result",
            "is_repeat",
            "version",
            "allowed_transitions",
            "complainant_name",
            "complainant_phone",
        ]
        read_only_fields = fields

    def get_complainant_name(self, obj) -> str:
        return _masked_name(obj)

    def get_complainant_phone(self, obj) -> str:
        return _masked_phone(obj)

    def get_allowed_transitions(self, obj) -> list[str]:
        request = self.context.get("request")
        return _allowed_transitions(getattr(request, "user", None), obj)


def _masked_name(obj: Complaint) -> str:
    return "" if obj.personal_data_erased_at else personal_data.mask_name(obj.complainant_name)


def _masked_phone(obj: Complaint) -> str:
    return "" if obj.personal_data_erased_at else personal_data.mask_phone(obj.complainant_phone)


def _allowed_transitions(user, obj: Complaint) -> list[str]:
    if user is None or not services.can_handle(user, obj):
        return []
    targets = allowed_targets(obj.state)
    if obj.state == State.SUSPENDED:
        targets &= {obj.suspended_from}
    return sorted(targets)


class ComplaintCreatedSerializer(ComplaintSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("查询码，仅在登记时返回一次"))

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class ActiveCategoryField(serializers.SlugRelatedField):
    """An active category by code, looked up in the per-process intake cache
    (``intake_cache.active_category``) instead of one query per request; same errors."""

    def __init__(self, **kwargs):
        queryset = Category.objects.filter(is_active=True)
        super().__init__(slug_field="code", queryset=queryset, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            return super().to_internal_value(data)
        found = intake_cache.active_category(data)
        if found is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return found


class ComplaintCreateSerializer(serializers.Serializer):
    """Input of intake. ``building`` is a building id or code within the caller's scope;
    without it, ``address`` is resolved to a region and jurisdiction."""

    received_at = serializers.DateTimeField(required=False, help_text=_("默认为当前时间"))
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    category = ActiveCategoryField()
    building = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text=_("楼宇 id 或楼宇编码")
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000)
    complainant_name = serializers.CharField(max_length=64)
    complainant_phone = serializers.CharField(max_length=32)
    complainant_company = serializers.CharField(max_length=128, required=False, allow_blank=True)
    complainant_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    operator = serializers.SlugField(
        max_length=16, required=False, allow_blank=True, help_text=_("运营商标识，如 telecom")
    )
    first_raised_with_operator_on = serializers.DateField(required=False, allow_null=True)
    matter_date = serializers.DateField(required=False, allow_null=True)


class ComplaintFilterSerializer(serializers.Serializer):
    """The queue filters of the web list, parsed from query parameters."""

    state = serializers.ChoiceField(choices=State.choices, required=False, allow_blank=True)
    category = serializers.SlugField(max_length=32, required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    jurisdiction = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    building = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    due_within_days = serializers.IntegerField(
        min_value=0, max_value=366, required=False, allow_null=True
    )
    overdue = serializers.BooleanField(required=False, default=False)
    open_only = serializers.BooleanField(required=False, default=False)
    mine = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def to_filters(self) -> ComplaintFilters:
        return ComplaintFilters(**self.validated_data)


class TransitionSerializer(serializers.Serializer):
    """``to`` and ``expected_version``; the details the target state requires (see
    ``workflow.REQUIRED``) travel in the same object."""

    to = serializers.ChoiceField(choices=State.choices)
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    refusal_reason = serializers.CharField(required=False, help_text=_("转为 rejected 时必填"))
    reason = serializers.CharField(required=False, help_text=_("转为 suspended/reopened 时必填"))
    result = serializers.ChoiceField(
        choices=ReplyResult.choices, required=False, help_text=_("转为 replied 时必填")
    )
    reply_text = serializers.CharField(required=False, help_text=_("转为 replied 时必填"))
    satisfaction = serializers.IntegerField(required=False, help_text=_("转为 closed 时必填"))
    resolved = serializers.BooleanField(required=False, help_text=_("转为 closed 时必填"))
    master = serializers.IntegerField(required=False, help_text=_("转为 merged 时必填"))
    note = serializers.CharField(required=False, allow_blank=True)


class ReferralCreateSerializer(serializers.Serializer):
    to_organization = serializers.SlugField(max_length=64, help_text=_("机构代码"))
    kind = serializers.ChoiceField(choices=Referral.Kind.choices, default=Referral.Kind.REFER)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReferralSerializer(serializers.ModelSerializer):
    to_organization = serializers.CharField(source="to_organization.code", read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "to_organization", "kind", "note", "created_at", "answer", "answered_at"]
        read_only_fields = fields


class VerificationCreateSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Verification.Method.choices)
    performed_on = serializers.DateField()
    findings = serializers.CharField(max_length=5000)


class VerificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Verification
        fields = ["id", "method", "performed_on", "findings", "created_at"]
        read_only_fields = fields


class PersonalDataSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    company = serializers.CharField()
    address = serializers.CharField()
    full = serializers.BooleanField(help_text=_("false 表示已脱敏或已清除"))
