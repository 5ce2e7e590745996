"""REST representations of figures, monthly reports and bulletins, and the parsers of API
input. Serializers only parse and render; reads go through the selectors and ``figures``,
writes through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from louyu.reporting.metrics import BY_CODE, METRICS
from louyu.reporting.models import Bulletin, MonthlyReport
from louyu.reporting.workflow import BulletinState, ReportState

GROUPS = ("jurisdiction", "city", "month")
BULLETIN_ACTIONS = [*BulletinState.choices, ("recompile", _("重新汇总数据"))]
VALID = "、".join(m.code for m in METRICS)


class MetricQuerySerializer(serializers.Serializer):
    metric = serializers.CharField(
        required=False, allow_blank=True, help_text=_("指标代码，多个用逗号分隔；缺省为全部")
    )
    jurisdiction = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    city = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    # ``from`` is a Python keyword: declared below under its query name.
    to = serializers.DateField(required=False, allow_null=True, help_text=_("截止日期（含）"))
    as_of = serializers.DateField(
        required=False, allow_null=True, help_text=_("时点：截至该日 24:00，等同于 to")
    )
    group_by = serializers.ChoiceField(choices=GROUPS, required=False, allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, allow_null=True, help_text=_("起始日期（含）；缺省为累计")
        )
        return fields

    def validate_metric(self, value: str) -> list[str]:
        codes = [c.strip() for c in (value or "").split(",") if c.strip()]
        unknown = [c for c in codes if c not in BY_CODE]
        if unknown:
            raise serializers.ValidationError(
                f"未知的指标：{'、'.join(unknown)}。可用的指标：{VALID}。"
            )
        return codes or [m.code for m in METRICS]

    def validate(self, data):
        today = timezone.localdate()
        end, as_of, start = data.get("to"), data.get("as_of"), data.get("from")
        if end and as_of and end != as_of:
            raise serializers.ValidationError({"as_of": "as_of 与 to 不一致，请只填一个。"})
        end = end or as_of or today
        if end > today:
            raise serializers.ValidationError({"to": "截止日期不能晚于今天。"})
        if start is not None and start > end:
            raise serializers.ValidationError({"from": "起始日期不能晚于截止日期。"})
        data["end"] = end
        # validate_metric runs only when the parameter is given: absent means every metric.
        data.setdefault("metric", [m.code for m in METRICS])
        return data


class FigureSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text=_("分母为零或无数据时为 null"))
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    breakdown = serializers.DictField(child=serializers.IntegerField(), required=False)
    group = serializers.CharField(required=False, help_text=_("分组：管辖范围代码、地市代码或月份"))


class MetricResultSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(allow_null=True, help_text=_("统计数据截至的时间"))
    start = serializers.DateField(allow_null=True, help_text=_("起始日期；null 为累计"))
    end = serializers.DateField()
    jurisdiction = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    results = FigureSerializer(many=True)


class ReportFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class ReportFilesSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), help_text=_("PDF 或图片，可多个（multipart）")
    )


class ReportSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    files = ReportFileSerializer(many=True, read_only=True)
    period = serializers.DateField(format="%Y-%m", read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    figures = serializers.JSONField(read_only=True, help_text=_("报送时冻结的数据"))

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "jurisdiction",
            "period",
            "state",
            "progress",
            "practices",
            "difficulties",
            "next_steps",
            "figures",
            "figures_as_of",
            "due_at",
            "due_provisional",
            "is_late",
            "submitted_at",
            "decided_at",
            "return_comment",
            "files",
            "version",
        ]
        read_only_fields = fields


class ReportFilterSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, allow_blank=True)
    jurisdiction = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=ReportState.choices, required=False, allow_blank=True)

    def validate_period(self, value: str) -> str:
        if value:
            try:
                datetime.date.fromisoformat(f"{value}-01")
            except ValueError:
                raise serializers.ValidationError(f"月份“{value}”无效，应为 YYYY-MM。") from None
        return value


class ReportUpdateSerializer(serializers.Serializer):
    progress = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    practices = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    difficulties = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ReportTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=ReportState.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=20000, help_text=_("退回时必填")
    )
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class BulletinSerializer(serializers.ModelSerializer):
    period = serializers.DateField(format="%Y-%m", read_only=True)

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "period",
            "number",
            "title",
            "state",
            "summary",
            "highlights",
            "problems",
            "requirements",
            "compiled_at",
            "published_at",
            "version",
        ]
        read_only_fields = fields


class BulletinDetailSerializer(BulletinSerializer):
    snapshot = serializers.JSONField(read_only=True)

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields


class BulletinCreateSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text=_("通报月份，如 2026-11"))


class BulletinUpdateSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, allow_blank=True, max_length=64)
    title = serializers.CharField(required=False, max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    highlights = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    requirements = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class BulletinTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[*BulletinState.choices, ("recompile", _("重新汇总数据"))])
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)
