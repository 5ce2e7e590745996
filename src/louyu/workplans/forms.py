"""Forms of the work plan pages. Fields parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from louyu.buildings.forms import REGION_CODE
from louyu.buildings.models import BuildingType
from louyu.core.forms import DateField
from louyu.workplans.selectors import PlanFilters, ZeroOperatorFilters
from louyu.workplans.workflow import MeasureStatus, Outcome, State

YES_NO = [("", _("全部")), ("yes", _("是")), ("no", _("否"))]


def _jurisdiction_choices(jurisdictions):
    return [("", _("全部")), *((j.code, j.name) for j in jurisdictions)]


class ZeroOperatorFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100, strip=True)
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), required=False, choices=())
    city = forms.RegexField(
        label=_("地市代码"), required=False, regex=REGION_CODE, max_length=6, strip=True
    )
    district = forms.RegexField(
        label=_("区县代码"), required=False, regex=REGION_CODE, max_length=6, strip=True
    )
    building_type = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *BuildingType.choices]
    )
    has_plan = forms.ChoiceField(label=_("已有工作方案"), required=False, choices=YES_NO)

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = _jurisdiction_choices(jurisdictions)
        self.show_jurisdiction = len(self.fields["jurisdiction"].choices) > 2

    def filters(self) -> ZeroOperatorFilters:
        """The valid filters; a field with an error is ignored (and shown)."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return ZeroOperatorFilters(
            jurisdiction=data.get("jurisdiction") or "",
            city=data.get("city") or "",
            district=data.get("district") or "",
            building_type=data.get("building_type") or "",
            has_plan={"yes": True, "no": False}.get(data.get("has_plan") or ""),
            q=data.get("q") or "",
        )


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100, strip=True)
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), required=False, choices=())
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *State.choices]
    )
    operator = forms.ChoiceField(label=_("涉及企业"), required=False, choices=())
    now_served = forms.BooleanField(label=_("楼宇已有企业入驻（可关闭）"), required=False)
    overdue = forms.BooleanField(label=_("有超期措施"), required=False)

    def __init__(self, *args, jurisdictions=(), operators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = _jurisdiction_choices(jurisdictions)
        self.show_jurisdiction = len(self.fields["jurisdiction"].choices) > 2
        self.fields["operator"].choices = [
            ("", _("不限")),
            *((o.operator_key, o.short_name or o.name) for o in operators if o.operator_key),
        ]

    def filters(self) -> PlanFilters:
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return PlanFilters(
            jurisdiction=data.get("jurisdiction") or "",
            state=data.get("state") or "",
            now_served=bool(data.get("now_served")),
            overdue=bool(data.get("overdue")),
            operator=data.get("operator") or "",
            q=data.get("q") or "",
        )


class PlanCreateForm(forms.Form):
    goal = forms.CharField(
        label=_("工作目标"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：年底前推动至少一家基础电信企业入驻并提供服务。"),
    )
    target_date = DateField(label=_("目标日期"))


class MeasureForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("措施类型"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("措施内容"), max_length=200)
    owner = forms.ModelChoiceField(label=_("责任单位"), queryset=None)
    due_date = DateField(label=_("完成时限"))
    committed_entry_date = DateField(
        label=_("承诺入驻日期"),
        required=False,
        help_text=_("仅“运营商入驻承诺”填写；责任单位须为基础电信企业或其分公司。"),
    )

    def __init__(self, *args, kinds, owners, with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda org: (
            f"{org.name}（{org.get_type_display()}）"
        )
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label=_("状态"), choices=MeasureStatus.choices
            )


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("进展情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_status = forms.ChoiceField(label=_("措施状态"), required=False, choices=())
    evidence = forms.FileField(
        label=_("佐证材料（图片或 PDF，可选）"),
        required=False,
        widget=forms.FileInput(),
    )

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_status"].choices = [
            ("", _("不变")),
            *((s, MeasureStatus(s).label) for s in statuses),
        ]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("关闭结果"), choices=Outcome.choices)
    reason = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("以“无法推进”关闭时必填。"),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput())


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("重新启用理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput())
