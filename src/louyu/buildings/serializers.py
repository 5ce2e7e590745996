"""REST representations of buildings and presence, and the parsers of API input.

Serializers only parse and render; writes go through ``louyu.buildings.services``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from louyu.buildings.conditions import conditions
from louyu.buildings.models import (
    Building,
    BuildingType,
    Presence,
    PresenceEvent,
    PresenceStatus,
)
from louyu.buildings.selectors import (
    SORTS,
    BuildingFilters,
    operator_filter_refusal,
    presence_operators,
)
from louyu.core.models import Organization, OrganizationType, RegionLevel

MAX_BATCH_ITEMS = 5000

OPERATOR_COUNT_CHOICES = [("0", _("零运营商")), ("1", _("单一运营商")), ("2+", _("两家及以上"))]


class PresenceSerializer(serializers.ModelSerializer):
    operator = serializers.CharField(source="operator.operator_key", read_only=True)
    operator_name = serializers.CharField(source="operator.short_name", read_only=True)

    class Meta:
        model = Presence
        fields = ["operator", "operator_name", "status", "since", "source", "updated_at"]


class PresenceEventSerializer(serializers.ModelSerializer):
    operator = serializers.CharField(source="operator.operator_key", read_only=True)
    operator_name = serializers.CharField(source="operator.short_name", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PresenceEvent
        fields = [
            "id",
            "operator",
            "operator_name",
            "old_status",
            "new_status",
            "since",
            "source",
            "note",
            "actor",
            "created_at",
        ]


class BuildingSerializer(serializers.ModelSerializer):
    """A building as read. Expects ``selectors.with_presence`` (which prefetches only the
    presence rows the user may see) plus the two organisations select-related, so a page of
    buildings costs a constant number of queries."""

    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    city = serializers.SerializerMethodField()
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    property_company = serializers.SlugRelatedField(slug_field="code", read_only=True)
    access_agent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    presence = PresenceSerializer(
        source="presences",
        many=True,
        read_only=True,
        help_text=_("调用者可见的入驻情况：运营商用户只含本企业；在服务企业数见 operator_count"),
    )

    class Meta:
        model = Building
        fields = [
            "id",
            "code",
            "name",
            "aliases",
            "address",
            "region",
            "region_name",
            "city",
            "jurisdiction",
            "building_type",
            "property_company",
            "access_agent",
            "floors",
            "floor_area",
            "tenant_count",
            "year_completed",
            "fibre_rule_applies",
            "latitude",
            "longitude",
            "facility_notes",
            "exclusive_deal_known",
            "entry_fee_charged",
            "notice_posted",
            "friendly_pledge",
            "operator_count",
            "presence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_city(self, obj) -> str | None:
        """The prefecture-level region: the county's parent, or the region itself when the
        building is placed at prefecture level; None under a municipality."""
        region = obj.region
        if region.level == RegionLevel.PREFECTURE:
            return region.code
        parent = region.parent
        if parent is not None and parent.level == RegionLevel.PREFECTURE:
            return parent.code
        return None


class BuildingWriteSerializer(serializers.Serializer):
    """Input of create (POST), update (PUT) and partial update (PATCH)."""

    code = serializers.RegexField(
        r"^[0-9A-Za-z-]{4,32}$",
        required=False,
        label=_("楼宇编码"),
        help_text=_("仅新建时可指定；留空则自动生成。"),
    )
    name = serializers.CharField(max_length=200, label=_("楼宇名称"))
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )
    address = serializers.CharField(max_length=300, label=_("地址"))
    region = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        label=_("区划代码"),
        help_text=_("六位区县代码；留空则从地址识别。"),
    )
    building_type = serializers.ChoiceField(choices=BuildingType.choices, required=False)
    property_company = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(type=OrganizationType.PROPERTY_COMPANY),
        required=False,
        allow_null=True,
    )
    access_agent = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(type=OrganizationType.ACCESS_AGENT),
        required=False,
        allow_null=True,
    )
    floors = serializers.IntegerField(min_value=0, max_value=300, required=False, allow_null=True)
    floor_area = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    tenant_count = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    year_completed = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, allow_null=True
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    facility_notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    exclusive_deal_known = serializers.BooleanField(required=False)
    entry_fee_charged = serializers.BooleanField(required=False)
    notice_posted = serializers.BooleanField(required=False)
    friendly_pledge = serializers.BooleanField(required=False)


class BuildingSuggestQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100,
        help_text=_("楼宇名称、别名、地址片段或编码，至少两个字"),
        error_messages={
            "required": _("请输入楼宇名称、别名、地址片段或编码。"),
            "blank": _("请输入楼宇名称、别名、地址片段或编码。"),
            "max_length": _("查询内容最多 100 个字。"),
        },
    )
    limit = serializers.IntegerField(min_value=1, max_value=20, default=10)


class BuildingSuggestionSerializer(serializers.ModelSerializer):
    """A suggestion of the building picker: what tells buildings apart, nothing more."""

    class Meta:
        model = Building
        fields = ["id", "code", "name", "address", "operator_count"]
        read_only_fields = fields


class BuildingSuggestionListSerializer(serializers.Serializer):
    results = BuildingSuggestionSerializer(many=True)


class BuildingFilterSerializer(serializers.Serializer):
    """The list filters of the web list, parsed from query parameters."""

    jurisdiction = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    city = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    district = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    building_type = serializers.ChoiceField(
        choices=BuildingType.choices, required=False, allow_blank=True
    )
    operators = serializers.ChoiceField(
        choices=OPERATOR_COUNT_CHOICES, required=False, allow_blank=True
    )
    operator = serializers.SlugField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text=_("运营商标识，如 telecom；运营商用户只能填本企业"),
    )
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)
    exclusive_deal_known = serializers.BooleanField(required=False, allow_null=True, default=None)
    entry_fee_charged = serializers.BooleanField(required=False, allow_null=True, default=None)
    notice_posted = serializers.BooleanField(required=False, allow_null=True, default=None)
    friendly_pledge = serializers.BooleanField(required=False, allow_null=True, default=None)
    sort = serializers.ChoiceField(choices=sorted(SORTS), required=False, allow_blank=True)

    def get_fields(self):
        """The declared filters and one yes/no filter per registered condition."""
        fields = super().get_fields()
        for condition in conditions():
            fields[condition.name] = serializers.BooleanField(
                required=False, allow_null=True, default=None, help_text=condition.label
            )
        return fields

    def validate_operator(self, value: str) -> str:
        """An operator's staff may filter only by their own operator (the request's user,
        from the context; without a request the value is taken as given)."""
        request = self.context.get("request")
        if not value or request is None:
            return value
        user = request.user
        refusal = operator_filter_refusal(user=user)
        if refusal and not presence_operators(user=user).filter(operator_key=value).exists():
            raise serializers.ValidationError(refusal)
        return value

    def to_filters(self) -> BuildingFilters:
        values = dict(self.validated_data)
        chosen = tuple(
            (c.name, wanted)
            for c in conditions()
            if (wanted := values.pop(c.name, None)) is not None
        )
        return BuildingFilters(**values, conditions=chosen)


class PresenceSetSerializer(serializers.Serializer):
    operator = serializers.SlugField(max_length=16, help_text=_("运营商标识，如 telecom"))
    status = serializers.ChoiceField(choices=PresenceStatus.choices)
    since = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PresenceResultSerializer(serializers.Serializer):
    changed = serializers.BooleanField()
    operator_count = serializers.IntegerField()
    presence = PresenceSerializer(many=True)


class PresenceHistorySerializer(serializers.Serializer):
    presence = PresenceSerializer(many=True)
    history = PresenceEventSerializer(many=True)


class PresenceBatchItemSerializer(serializers.Serializer):
    building = serializers.CharField(max_length=32, help_text=_("楼宇编码"))
    operator = serializers.SlugField(
        max_length=16,
        required=False,
        help_text=_("运营商标识；运营商用户可省略，默认为本企业"),
    )
    status = serializers.ChoiceField(choices=PresenceStatus.choices)
    since = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PresenceBatchSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.DictField(), allow_empty=False, help_text=_("最多 5000 条")
    )

    def validate_items(self, value):
        if len(value) > MAX_BATCH_ITEMS:
            raise serializers.ValidationError(f"一次最多报送 {MAX_BATCH_ITEMS} 条，请分批提交。")
        return value


class PresenceBatchRequestSerializer(serializers.Serializer):
    """Documentation of the batch request body (rows are validated one by one in the view,
    so errors can name the row)."""

    items = PresenceBatchItemSerializer(many=True, help_text=_("最多 5000 条"))


class PresenceBatchRowError(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("items 中的下标（从 0 开始）"))
    building = serializers.CharField(allow_blank=True)
    field = serializers.CharField()
    message = serializers.CharField()


class PresenceBatchErrorSerializer(serializers.Serializer):
    """A 400 of the batch: either the rows' errors (``detail`` and ``errors``) or, for a
    body of the wrong shape, the field errors (``{"items": ["..."]}``)."""

    detail = serializers.CharField(required=False)
    errors = PresenceBatchRowError(many=True, required=False)


class PresenceBatchResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
