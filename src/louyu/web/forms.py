"""Filter forms of the staff pages. They only validate query strings; every read goes
through a selector."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from louyu.core.models import WorkItemState

DATE_ERRORS = {"invalid": _("请输入有效日期，格式为 YYYY-MM-DD，例如 2026-11-28。")}


class InboxFilterForm(forms.Form):
    STATE_ALL = "all"

    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[*WorkItemState.choices, (STATE_ALL, _("全部"))],
    )
    overdue = forms.BooleanField(label=_("仅看已超期"), required=False)
    due_within = forms.IntegerField(
        label=_("几天内到期"),
        required=False,
        min_value=1,
        max_value=365,
        error_messages={
            "invalid": _("天数必须是 1 到 365 之间的整数。"),
            "min_value": _("天数必须是 1 到 365 之间的整数。"),
            "max_value": _("天数必须是 1 到 365 之间的整数。"),
        },
    )
    q = forms.CharField(label=_("标题关键词"), required=False, max_length=100, strip=True)

    def filters(self) -> dict:
        """The valid filters, with defaults for fields left empty or entered wrongly."""
        data = self.cleaned_data if self.is_bound else {}
        return {
            "state": data.get("state") or WorkItemState.OPEN,
            "overdue": bool(data.get("overdue")),
            "due_within": data.get("due_within"),
            "q": data.get("q") or "",
        }


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(
        label=_("动作前缀"),
        required=False,
        max_length=64,
        help_text=_("如 work_item 或 work_item.complete"),
    )
    object_type = forms.CharField(
        label=_("对象类型"), required=False, max_length=100, help_text=_("如 workitem")
    )
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), required=False, choices=())
    date_from = forms.DateField(
        label=_("开始日期"), required=False, error_messages=DATE_ERRORS, input_formats=["%Y-%m-%d"]
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, error_messages=DATE_ERRORS, input_formats=["%Y-%m-%d"]
    )

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [
            ("", _("全部")),
            *((j.code, f"{j.name}（{j.code}）") for j in jurisdictions),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def filters(self) -> dict:
        """Keyword arguments for ``audit_event_filter`` (only valid, non-empty fields)."""
        data = self.cleaned_data if self.is_bound else {}
        return {
            key: data[key]
            for key in self.fields
            if key in data and data[key] not in (None, "") and key not in self.errors
        }
