import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from louyu.core.models import (
    AuditEvent,
    Jurisdiction,
    Notification,
    Organization,
    User,
    WorkItem,
)


class JurisdictionSerializer(serializers.ModelSerializer):
    region_codes = serializers.SerializerMethodField()

    class Meta:
        model = Jurisdiction
        fields = ["code", "name", "short_name", "region_codes"]

    def get_region_codes(self, obj) -> list[str]:
        return sorted(r.code for r in obj.regions.all())


class OrganizationSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "type",
            "parent",
            "jurisdiction",
            "operator_key",
            "is_basic_operator",
        ]


class MeSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)
    roles = serializers.SerializerMethodField()
    scope = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "organization", "roles", "scope"]

    def get_roles(self, obj) -> list[str]:
        return sorted(g.name for g in obj.groups.all())

    def get_scope(self, obj) -> str:
        from louyu.core.scope import scope_for

        return scope_for(obj).kind


class WorkItemSerializer(serializers.ModelSerializer):
    assignee_organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assignee_user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "title",
            "kind",
            "step",
            "object_type",
            "object_id",
            "link",
            "jurisdiction",
            "assignee_organization",
            "assignee_user",
            "due_at",
            "due_provisional",
            "is_overdue",
            "state",
            "created_at",
            "completed_at",
        ]

    def get_object_type(self, obj) -> str | None:
        return (
            f"{obj.content_type.app_label}.{obj.content_type.model}"
            if obj.content_type_id
            else None
        )


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]


class AuditEventSerializer(serializers.ModelSerializer):
    object_type = serializers.SerializerMethodField()
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor_repr",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "jurisdiction",
            "changes",
            "ip_address",
        ]

    def get_object_type(self, obj) -> str | None:
        return (
            f"{obj.object_type.app_label}.{obj.object_type.model}" if obj.object_type_id else None
        )


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=1000
    )


class AuditFilterSerializer(serializers.Serializer):
    actor = serializers.CharField(required=False, allow_blank=True, max_length=150)
    action = serializers.CharField(required=False, allow_blank=True, max_length=64)
    object_type = serializers.CharField(required=False, allow_blank=True, max_length=100)
    object_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    jurisdiction = serializers.CharField(required=False, allow_blank=True, max_length=6)
    date_from = serializers.DateField(required=False, label=_("起始日期"))
    date_to = serializers.DateField(required=False, label=_("截止日期"))


class ResolveQuerySerializer(serializers.Serializer):
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    code = serializers.RegexField(r"^\d{6}$", required=False)

    def validate(self, attrs):
        if not attrs.get("address") and not attrs.get("code"):
            raise serializers.ValidationError("请提供 address（地址）或 code（六位区划代码）。")
        return attrs


class DeadlineQuerySerializer(serializers.Serializer):
    # Before 1901 Asia/Shanghai has local mean time (+08:05:43), which ISO 8601 offsets cannot
    # carry; the campaign's dates are all in this century anyway.
    start = serializers.DateField(help_text=_("起算日（1950-01-01 至 2099-12-31）"))
    working_days = serializers.IntegerField(required=False, min_value=0, max_value=3650)
    days = serializers.IntegerField(required=False, min_value=0, max_value=3650)

    def validate_start(self, value):
        if not datetime.date(1950, 1, 1) <= value <= datetime.date(2099, 12, 31):
            raise serializers.ValidationError("起算日应在 1950-01-01 至 2099-12-31 之间。")
        return value

    def validate(self, attrs):
        if ("working_days" in attrs) == ("days" in attrs):
            raise serializers.ValidationError("请且只能提供 working_days 或 days 之一。")
        return attrs
