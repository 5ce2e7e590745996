"""Forms of the building pages: the list filters (query string → ``BuildingFilters``), the
building form and the presence form. They validate input; writes go through services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.buildings.conditions import conditions
from louyu.buildings.models import BuildingType, PresenceStatus
from louyu.buildings.selectors import FLAG_FIELDS, BuildingFilters
from louyu.core.forms import DateField
from louyu.core.models import Region, RegionLevel

REGION_CODE = re.compile(r"^\d{6}$")
YES_NO = [("", _("不限")), ("yes", _("是")), ("no", _("否"))]
YES_NO_VALUES = {"yes": True, "no": False}
FLAG_LABELS = {
    "exclusive_deal_known": _("存在排他协议"),
    "entry_fee_charged": _("收取进场费"),
    "notice_posted": _("已公示服务信息"),
    "friendly_pledge": _("已承诺友好楼宇"),
}
SORT_CHOICES = [
    ("", _("按名称")),
    ("-name", _("按名称倒序")),
    ("operators", _("在服务企业数从少到多")),
    ("-operators", _("在服务企业数从多到少")),
    ("-updated", _("最近更新")),
    ("code", _("按楼宇编码")),
]
OPERATOR_COUNT_CHOICES = [
    ("", _("不限")),
    ("0", _("零企业（无基础电信企业服务）")),
    ("1", _("仅 1 家")),
    ("2+", _("2 家及以上")),
]


def region_choices(*, jurisdiction_id: int | None, level: int, parent: str = ""):
    """Regions of one level in a jurisdiction, for the city/district dropdowns (reference
    data, no scoping needed)."""
    if not jurisdiction_id:
        return []
    qs = Region.objects.filter(jurisdiction_id=jurisdiction_id, level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return list(qs.order_by("code").values_list("code", "name"))


class BuildingFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100, strip=True)
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), required=False, choices=())
    city = forms.CharField(label=_("地市"), required=False, max_length=6, strip=True)
    district = forms.CharField(label=_("区县"), required=False, max_length=6, strip=True)
    building_type = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *BuildingType.choices]
    )
    operators = forms.ChoiceField(
        label=_("在服务企业数"), required=False, choices=OPERATOR_COUNT_CHOICES
    )
    operator = forms.ChoiceField(label=_("在服务企业"), required=False, choices=())
    exclusive_deal_known = forms.ChoiceField(
        label=FLAG_LABELS["exclusive_deal_known"], required=False, choices=YES_NO
    )
    entry_fee_charged = forms.ChoiceField(
        label=FLAG_LABELS["entry_fee_charged"], required=False, choices=YES_NO
    )
    notice_posted = forms.ChoiceField(
        label=FLAG_LABELS["notice_posted"], required=False, choices=YES_NO
    )
    friendly_pledge = forms.ChoiceField(
        label=FLAG_LABELS["friendly_pledge"], required=False, choices=YES_NO
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)

    def __init__(
        self,
        *args,
        jurisdictions=(),
        operators=(),
        default_jurisdiction=None,
        operator_refusal="",
        **kw,
    ):
        """``operators`` are the operators the user may filter by
        (``selectors.presence_operators``); ``operator_refusal`` the message for any other."""
        super().__init__(*args, **kw)
        self.jurisdictions = list(jurisdictions)
        self.fields["jurisdiction"].choices = [
            ("", _("全部")),
            *((j.code, j.name) for j in self.jurisdictions),
        ]
        self.fields["operator"].choices = [
            ("", _("不限")),
            *((o.operator_key, o.short_name or o.name) for o in operators if o.operator_key),
        ]
        if operator_refusal:
            self.fields["operator"].error_messages["invalid_choice"] = operator_refusal
        for condition in conditions():
            self.fields[condition.name] = forms.ChoiceField(
                label=condition.label, required=False, choices=YES_NO
            )
        self.default_jurisdiction = default_jurisdiction
        self.city_choices: list[tuple[str, str]] = []
        self.district_choices: list[tuple[str, str]] = []

    def _region(self, name: str, level: int) -> str:
        code = self.cleaned_data.get(name) or ""
        if not code:
            return ""
        if not REGION_CODE.match(code):
            raise ValidationError(_("请填写 6 位行政区划代码。"))
        if not Region.objects.filter(code=code, level=level).exists():
            if level == RegionLevel.PREFECTURE:
                raise ValidationError(_("未知的地市区划代码：%(code)s。"), params={"code": code})
            raise ValidationError(_("未知的区县区划代码：%(code)s。"), params={"code": code})
        return code

    @property
    def condition_fields(self) -> list:
        """The bound fields of the registered conditions (``louyu.buildings.conditions``)."""
        return [self[condition.name] for condition in conditions()]

    def clean_city(self) -> str:
        return self._region("city", RegionLevel.PREFECTURE)

    def clean_district(self) -> str:
        return self._region("district", RegionLevel.COUNTY)

    def valid_data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    def filters(self) -> BuildingFilters:
        """The valid filters; a field with an error is ignored."""
        data = self.valid_data()
        flags = {}
        for flag in FLAG_FIELDS:
            flags[flag] = YES_NO_VALUES.get(data.get(flag) or "")
        chosen = ((c.name, YES_NO_VALUES.get(data.get(c.name) or "")) for c in conditions())
        return BuildingFilters(
            jurisdiction=data.get("jurisdiction") or "",
            city=data.get("city") or "",
            district=data.get("district") or "",
            building_type=data.get("building_type") or "",
            operators=data.get("operators") or "",
            operator=data.get("operator") or "",
            q=data.get("q") or "",
            sort=data.get("sort") or "",
            conditions=tuple((name, value) for name, value in chosen if value is not None),
            **flags,
        )

    def prepare_region_choices(self) -> None:
        """City/district dropdowns for the chosen (or the user's only) jurisdiction."""
        data = self.valid_data()
        code = data.get("jurisdiction") or ""
        jurisdiction = next((j for j in self.jurisdictions if j.code == code), None)
        jurisdiction = jurisdiction or self.default_jurisdiction
        if jurisdiction is None:
            return
        self.city_choices = region_choices(
            jurisdiction_id=jurisdiction.pk, level=RegionLevel.PREFECTURE
        )
        self.district_choices = region_choices(
            jurisdiction_id=jurisdiction.pk,
            level=RegionLevel.COUNTY,
            parent=data.get("city") or "",
        )


def _optional_int(label, **kwargs):
    messages = {
        "invalid": _("请输入整数。"),
        "min_value": _("数值不能小于 %(limit_value)s。"),
        "max_value": _("数值不能大于 %(limit_value)s。"),
    }
    return forms.IntegerField(label=label, required=False, error_messages=messages, **kwargs)


def _optional_decimal(label, **kwargs):
    messages = {
        "invalid": _("请输入数字。"),
        "max_digits": _("数字位数过多。"),
        "max_decimal_places": _("小数位数过多。"),
        "max_whole_digits": _("整数位数过多。"),
        "min_value": _("数值不能小于 %(limit_value)s。"),
    }
    return forms.DecimalField(label=label, required=False, error_messages=messages, **kwargs)


class BuildingForm(forms.Form):
    """The attributes a clerk maintains; region and jurisdiction come from the address
    unless a region code is given."""

    name = forms.CharField(label=_("楼宇名称"), max_length=200)
    aliases = forms.CharField(
        label=_("别名"),
        required=False,
        max_length=500,
        help_text=_("多个别名用逗号或顿号分隔。"),
    )
    address = forms.CharField(label=_("地址"), max_length=300)
    region = forms.CharField(
        label=_("区县区划代码"),
        required=False,
        max_length=6,
        help_text=_("地址无法识别所在区县时填写，如 110105。"),
    )
    building_type = forms.ChoiceField(label=_("楼宇类型"), choices=BuildingType.choices)
    floors = _optional_int(_("楼层数"), min_value=0, max_value=300)
    floor_area = _optional_decimal(
        _("建筑面积（平方米）"), max_digits=12, decimal_places=2, min_value=0
    )
    tenant_count = _optional_int(_("入驻企业数"), min_value=0, max_value=1_000_000)
    year_completed = _optional_int(_("竣工年份"), min_value=1900, max_value=2100)
    latitude = _optional_decimal(_("纬度"), max_digits=9, decimal_places=6)
    longitude = _optional_decimal(_("经度"), max_digits=9, decimal_places=6)
    facility_notes = forms.CharField(
        label=_("设施情况"), required=False, max_length=5000, widget=forms.Textarea
    )
    exclusive_deal_known = forms.BooleanField(
        label=FLAG_LABELS["exclusive_deal_known"], required=False
    )
    entry_fee_charged = forms.BooleanField(label=FLAG_LABELS["entry_fee_charged"], required=False)
    notice_posted = forms.BooleanField(label=FLAG_LABELS["notice_posted"], required=False)
    friendly_pledge = forms.BooleanField(label=FLAG_LABELS["friendly_pledge"], required=False)

    FLAGS = FLAG_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", _("此项必填。"))
            field.error_messages["required"] = _("此项必填。")
        self.fields["building_type"].error_messages["invalid_choice"] = _("未知的楼宇类型。")

    @classmethod
    def initial_for(cls, building) -> dict:
        initial = {name: getattr(building, name) for name in cls.base_fields if name != "region"}
        initial["aliases"] = "、".join(building.aliases or [])
        initial["region"] = building.region_id
        return initial

    def clean_region(self) -> str:
        code = self.cleaned_data.get("region") or ""
        if code and not REGION_CODE.match(code):
            raise ValidationError(_("请填写 6 位行政区划代码。"))
        return code

    def clean_aliases(self) -> list[str]:
        raw = self.cleaned_data.get("aliases") or ""
        parts = [p.strip() for p in re.split(r"[,，、;；\n]", raw)]
        return [p[:200] for p in parts if p][:20]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "region"}


class PresenceForm(forms.Form):
    operator = forms.ChoiceField(label=_("基础电信企业"), choices=())
    status = forms.ChoiceField(label=_("状态"), choices=PresenceStatus.choices)
    since = DateField(
        label=_("起始日期"),
        required=False,
        error_messages={"invalid": _("请输入有效日期，格式为 YYYY-MM-DD。")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, operators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.operators = {str(o.pk): o for o in operators}
        self.fields["operator"].choices = [(str(o.pk), o.name) for o in operators]
        self.fields["operator"].error_messages["invalid_choice"] = _("不能登记该企业的入驻情况。")
        self.fields["status"].error_messages["invalid_choice"] = _("未知的入驻状态。")
        for field in self.fields.values():
            field.error_messages["required"] = _("此项必填。")

    def clean_since(self):
        since = self.cleaned_data.get("since")
        if since and since > timezone.localdate():
            raise ValidationError(_("起始日期不能晚于今天。"))
        return since

    def clean_operator(self):
        return self.operators[self.cleaned_data["operator"]]
