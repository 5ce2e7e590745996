"""Filter forms of the staff pages. They only validate query strings; every read goes
through a selector."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from louyu.core.forms import DateField
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
    """Filters chosen from lists: person, organisation, object kind and action (a whole
    noun such as ``complaint`` or one action such as ``complaint.accepted``)."""

    actor = forms.TypedChoiceField(
        label=_("操作人"), required=False, coerce=int, empty_value=None, choices=()
    )
    organization = forms.ChoiceField(label=_("操作人机构"), required=False, choices=())
    object_type = forms.ChoiceField(label=_("对象类型"), required=False, choices=())
    action = forms.ChoiceField(label=_("动作"), required=False, choices=())
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), required=False, choices=())
    date_from = DateField(label=_("开始日期"), required=False, error_messages=DATE_ERRORS)
    date_to = DateField(label=_("结束日期"), required=False, error_messages=DATE_ERRORS)

    def __init__(
        self, *args, jurisdictions=(), people=(), organizations=(), kinds=(), actions=(), **kw
    ):
        super().__init__(*args, **kw)
        everything = [("", _("全部"))]
        self.fields["jurisdiction"].choices = [
            *everything,
            *((j.code, f"{j.name}（{j.code}）") for j in jurisdictions),
        ]
        self.fields["actor"].choices = [
            *everything,
            *((u.pk, f"{u.display_name}（{u.username}）") for u in people),
        ]
        self.fields["organization"].choices = [
            *everything,
            *((o.code, o.name) for o in organizations),
        ]
        self.fields["object_type"].choices = [*everything, *kinds]
        self.fields["action"].choices = [*everything, *actions]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def filters(self) -> dict:
        """Keyword arguments for ``audit_event_filter`` (only valid, non-empty fields)."""
        data = self.cleaned_data if self.is_bound else {}
        filters = {
            key: data[key]
            for key in self.fields
            if key in data and data[key] not in (None, "") and key not in self.errors
        }
        if "actor" in filters:
            filters["actor_id"] = filters.pop("actor")
        return filters
