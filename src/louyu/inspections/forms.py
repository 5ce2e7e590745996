"""Forms of the inspection plan pages. Fields parse input; the rules live in the services."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from louyu.core.forms import DateField
from louyu.inspections.sampling import StratumSpec
from louyu.inspections.services import SPEC_FIELDS
from louyu.inspections.workflow import State, StratumKind

STRATUM_KINDS = list(StratumKind)


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100, strip=True)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *State.choices]
    )

    def filters(self) -> dict:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}


def _number(label, *, required=False, maximum=100_000, minimum=0):
    return forms.IntegerField(label=label, required=required, min_value=minimum, max_value=maximum)


class PlanForm(forms.Form):
    """A plan and its sampling specification. Each stratum is a row: its priority (blank:
    not used), a count per jurisdiction or a share of the quota."""

    name = forms.CharField(label=_("方案名称"), max_length=200)
    period_start = DateField(label=_("开始日期"))
    period_end = DateField(label=_("结束日期"))
    checklist = forms.ModelChoiceField(label=_("检查表版本"), queryset=None, empty_label=None)
    sample_size = _number(_("样本量"), required=True, minimum=1)
    minimum_per_jurisdiction = _number(_("每个辖区最少抽取"))
    seed = forms.IntegerField(label=_("随机种子"), min_value=0, max_value=2**62)
    exclude_inspected_months = _number(_("排除近几个月已抽检的楼宇"), maximum=120)
    exclude_case_closed_months = _number(_("排除近几个月已结案的楼宇"), maximum=120)
    jurisdictions = forms.ModelMultipleChoiceField(
        label=_("检查范围"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("参加单位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    min_complaints = _number(_("投诉数不少于"), maximum=10_000)
    complaint_days = _number(_("统计天数"), maximum=3660)

    SCALARS = (
        "name",
        "period_start",
        "period_end",
        "checklist",
        "sample_size",
        "minimum_per_jurisdiction",
        "seed",
        "exclude_inspected_months",
        "exclude_case_closed_months",
    )

    def __init__(self, *args, jurisdictions=None, organizations=None, checklists=None, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "seed": secrets.randbelow(10**9),
                "minimum_per_jurisdiction": 0,
                "exclude_inspected_months": 0,
                "exclude_case_closed_months": 0,
                "position_zero_operator": 1,
                "position_random_rest": 2,
            },
        )
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("jurisdictions", jurisdictions),
            ("organizations", organizations),
            ("checklist", checklists),
        ):
            if name in self.fields:
                self.fields[name].queryset = queryset
        for kind in STRATUM_KINDS:
            self.fields[f"position_{kind}"] = _number(_("优先顺序"), maximum=len(STRATUM_KINDS))
            self.fields[f"size_{kind}"] = _number(_("每辖区数量"), minimum=1)
            self.fields[f"share_{kind}"] = _number(_("占比（%）"), minimum=1, maximum=100)

    def stratum_rows(self):
        return [
            {
                "kind": kind,
                "fields": [self[f"{part}_{kind}"] for part in ("position", "size", "share")],
            }
            for kind in STRATUM_KINDS
        ]

    def scalar_fields(self):
        return [self[name] for name in self.SCALARS if name in self.fields]

    def strata(self) -> list[StratumSpec]:
        data = self.cleaned_data
        chosen = sorted(
            (data[f"position_{kind}"], index, kind)
            for index, kind in enumerate(STRATUM_KINDS)
            if data.get(f"position_{kind}") is not None
        )
        return [
            StratumSpec(
                kind=kind,
                size=data.get(f"size_{kind}"),
                share=data.get(f"share_{kind}"),
                min_complaints=data.get("min_complaints"),
                complaint_days=data.get("complaint_days"),
            )
            for _position, _index, kind in chosen
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.SCALARS},
            "minimum_per_jurisdiction": data.get("minimum_per_jurisdiction") or 0,
            "exclude_inspected_months": data.get("exclude_inspected_months") or 0,
            "exclude_case_closed_months": data.get("exclude_case_closed_months") or 0,
            "jurisdictions": list(data["jurisdictions"]),
            "organizations": list(data["organizations"]),
            "strata": self.strata(),
        }


class SpecForm(PlanForm):
    """Only the sampling specification of a draft plan."""

    PLAN_ONLY = (
        "name",
        "period_start",
        "period_end",
        "checklist",
        "jurisdictions",
        "organizations",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.PLAN_ONLY:
            del self.fields[name]

    @staticmethod
    def initial_for(plan) -> dict:
        initial = {name: getattr(plan, name) for name in SPEC_FIELDS}
        for stratum in plan.strata.all():
            initial[f"position_{stratum.kind}"] = stratum.position
            initial[f"size_{stratum.kind}"] = stratum.size
            initial[f"share_{stratum.kind}"] = stratum.share
            if stratum.min_complaints:
                initial["min_complaints"] = stratum.min_complaints
                initial["complaint_days"] = stratum.complaint_days
        return initial

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data.get(name) or 0 for name in SPEC_FIELDS},
            "strata": self.strata(),
        }


class TeamForm(forms.Form):
    name = forms.CharField(label=_("检查组名称"), max_length=100)
    members = forms.ModelMultipleChoiceField(
        label=_("成员"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username}（{user.organization.name}）"
        )


class AssignmentForm(forms.Form):
    sampled = forms.ModelChoiceField(label=_("抽样楼宇"), queryset=None)
    team = forms.ModelChoiceField(label=_("检查组"), queryset=None)
    scheduled_on = DateField(label=_("检查日期"))

    def __init__(self, *args, sample, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sampled"].queryset = sample
        self.fields["sampled"].label_from_instance = lambda row: (
            f"{row.position}. {row.building.name}（{row.jurisdiction.short_name}）"
        )
        self.fields["team"].queryset = teams


class ReinspectionForm(forms.Form):
    """Failed buildings of the board to re-inspect, with a team and a day. The records are
    those of the plan the user sees; whether each failed and has no open re-inspection is
    the service's rule."""

    inspections = forms.ModelMultipleChoiceField(
        label=_("需复查的楼宇"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请选择需要复查的楼宇。"),
            "invalid_choice": _("所选楼宇不在您可见的本方案检查记录中。"),
            "invalid_pk_value": _("所选楼宇不在您可见的本方案检查记录中。"),
        },
    )
    team = forms.ModelChoiceField(
        label=_("复查检查组"),
        queryset=None,
        error_messages={"invalid_choice": _("请选择本方案的检查组。")},
    )
    scheduled_on = DateField(label=_("复查日期"))

    def __init__(self, *args, inspections, teams, **kwargs):
        # Its own ids: the board's assignment form has fields of the same names.
        kwargs.setdefault("auto_id", "reinspect_%s")
        super().__init__(*args, **kwargs)
        self.fields["inspections"].queryset = inspections
        self.fields["team"].queryset = teams
