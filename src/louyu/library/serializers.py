"""REST representations of the library and the parsers of API input. Serializers only
parse and render; writes go through ``louyu.library.services``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from louyu.library.markdown import render_markdown
from louyu.library.models import (
    ActionItem,
    Adoption,
    AgendaItem,
    Meeting,
    Practice,
    PracticeAttachment,
    PracticeComment,
)
from louyu.library.services import meetings as meeting_services
from louyu.library.services import practices as practice_services
from louyu.library.workflow import (
    ActionState,
    AgendaKind,
    MeetingKind,
    PracticeState,
    action_targets,
    practice_targets,
)


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PracticeAttachment
        fields = ["id", "name", "content_type", "size", "created_at"]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(
        source="organization.code", read_only=True, allow_null=True
    )

    class Meta:
        model = PracticeComment
        fields = ["id", "text", "organization", "created_at"]
        read_only_fields = fields


class AdoptionSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)

    class Meta:
        model = Adoption
        fields = ["id", "organization", "jurisdiction", "what", "created_at"]
        read_only_fields = fields


class PracticeSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    tags = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField(help_text=_("当前用户可转入的状态"))

    class Meta:
        model = Practice
        fields = [
            "id",
            "title",
            "jurisdiction",
            "summary",
            "tags",
            "metrics",
            "started_on",
            "state",
            "published_at",
            "created_at",
            "version",
            "allowed_transitions",
        ]
        read_only_fields = fields

    def get_tags(self, obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    def get_allowed_transitions(self, obj) -> list[str]:
        user = self.context["request"].user
        return sorted(
            to
            for to in practice_targets(obj.state)
            if practice_services.can_transition(user, obj, to)
        )


class PracticeDetailSerializer(PracticeSerializer):
    body_html = serializers.SerializerMethodField(help_text=_("正文的安全 HTML"))
    attachments = AttachmentSerializer(many=True, read_only=True)
    comments = CommentSerializer(many=True, read_only=True)
    adoptions = AdoptionSerializer(many=True, read_only=True)

    class Meta(PracticeSerializer.Meta):
        fields = [
            *PracticeSerializer.Meta.fields,
            "body",
            "body_html",
            "attachments",
            "comments",
            "adoptions",
        ]
        read_only_fields = fields

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body))


class PracticeFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    state = serializers.ChoiceField(choices=PracticeState.choices, required=False, allow_blank=True)
    tag = serializers.CharField(required=False, allow_blank=True, max_length=32)


class PracticeCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    jurisdiction = serializers.CharField(
        required=False, allow_blank=True, max_length=6, help_text=_("管辖范围代码（部级用户必填）")
    )
    summary = serializers.CharField(max_length=5000)
    body = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=20
    )
    metrics = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=20
    )
    started_on = serializers.DateField(required=False, allow_null=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=10
    )


class PracticeTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=PracticeState.choices)
    expected_version = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class AdoptionCreateSerializer(serializers.Serializer):
    what = serializers.CharField(max_length=2000, help_text=_("借鉴了哪些做法"))


class AgendaItemSerializer(serializers.ModelSerializer):
    presenter = serializers.CharField(source="presenter.code", read_only=True, allow_null=True)
    practice = serializers.IntegerField(source="practice_id", read_only=True, allow_null=True)
    bulletin = serializers.IntegerField(source="bulletin_id", read_only=True, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "kind", "title", "presenter", "practice", "bulletin"]
        read_only_fields = fields


class ActionItemSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    assignee = serializers.CharField(source="assignee.code", read_only=True)
    has_evidence = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField(help_text=_("当前用户可转入的状态"))

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "requirement",
            "assignee",
            "due_date",
            "state",
            "response",
            "evidence_name",
            "has_evidence",
            "responded_at",
            "version",
            "allowed_transitions",
        ]
        read_only_fields = fields

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)

    def get_allowed_transitions(self, obj) -> list[str]:
        if not meeting_services.can_respond(self.context["request"].user, obj):
            return []
        return sorted(action_targets(obj.state))


class MeetingSerializer(serializers.ModelSerializer):
    organizer = serializers.CharField(source="organizer.code", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "title", "date", "kind", "organizer", "created_at"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    participants = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    agenda = AgendaItemSerializer(many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "participants",
            "minutes",
            "agenda",
            "action_items",
        ]
        read_only_fields = fields


class PracticeUpdateSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(required=False, min_value=1)
    title = serializers.CharField(required=False, max_length=200)
    summary = serializers.CharField(required=False, max_length=5000)
    body = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=20
    )
    metrics = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=20
    )
    started_on = serializers.DateField(required=False, allow_null=True)


class MeetingCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    participants = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=200, help_text=_("参会单位机构代码")
    )
    minutes = serializers.CharField(required=False, allow_blank=True, max_length=50000)


class AgendaItemCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AgendaKind.choices)
    title = serializers.CharField(max_length=200)
    presenter = serializers.CharField(required=False, allow_blank=True, max_length=64)
    practice = serializers.IntegerField(required=False, allow_null=True)
    bulletin = serializers.IntegerField(required=False, allow_null=True)


class ActionItemCreateSerializer(serializers.Serializer):
    requirement = serializers.CharField(max_length=5000)
    assignee = serializers.CharField(max_length=64, help_text=_("落实单位机构代码（须为参会单位）"))
    due_date = serializers.DateField()


class ActionItemTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=ActionState.choices)
    expected_version = serializers.IntegerField(required=False, min_value=1)
    response = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    evidence = serializers.FileField(required=False)
