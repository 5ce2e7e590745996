"""Forms of the reporting pages: which area, period and metric a page shows, and the
monthly report's narrative."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.core.forms import DateField
from louyu.reporting.figures import Period
from louyu.reporting.metrics import BY_CODE, METRICS
from louyu.reporting.models import MonthlyReport

PRESETS = [
    ("month", _("本月")),
    ("last_month", _("上月")),
    ("quarter", _("本季度")),
    ("year", _("本年")),
    ("all", _("累计")),
    ("custom", _("自定义")),
]
FIRST_DAY = datetime.date(2000, 1, 1)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def preset_period(preset: str, today: datetime.date) -> Period:
    if preset == "last_month":
        end = month_start(today) - datetime.timedelta(days=1)
        return Period(month_start(end), end)
    if preset == "quarter":
        return Period(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today)
    if preset == "year":
        return Period(today.replace(month=1, day=1), today)
    if preset == "all":
        return Period(None, today)
    return Period(month_start(today), today)


class FigureQueryForm(forms.Form):
    """Area, period and the metric a map or trend shows; every field optional. A bad value
    is an error in Chinese, and the page falls back to its default for it."""

    jurisdiction = forms.RegexField(r"^\d{6}$", required=False, label=_("管辖范围"))
    city = forms.RegexField(r"^\d{6}$", required=False, label=_("地市"))
    preset = forms.ChoiceField(choices=PRESETS, required=False, label=_("时段"))
    start = DateField(required=False, label=_("起始日期"))
    end = DateField(required=False, label=_("截止日期"))
    metric = forms.ChoiceField(
        choices=[(m.code, m.label) for m in METRICS], required=False, label=_("地图与趋势指标")
    )
    sort = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("invalid", _("格式不正确。"))
        self.fields["start"].error_messages["invalid"] = _("请填写正确的日期，如 2026-12-03。")
        self.fields["end"].error_messages["invalid"] = _("请填写正确的日期，如 2026-12-03。")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        start, end = data.get("start"), data.get("end")
        if end is not None and end > today:
            self.add_error("end", _("截止日期不能晚于今天。"))
        if start is not None and end is not None and start > end:
            self.add_error("start", _("起始日期不能晚于截止日期。"))
        if start is not None and start < FIRST_DAY:
            self.add_error("start", _("起始日期过早。"))
        sort = (data.get("sort") or "").lstrip("-")
        if sort and sort not in BY_CODE and sort != "name":
            data["sort"] = ""
        return data

    def period(self) -> Period:
        """The chosen period (this month to date by default)."""
        today = timezone.localdate()
        if not self.is_valid() and any(f in self.errors for f in ("start", "end", "preset")):
            return preset_period("month", today)
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start or end:
            return Period(start, end or today)
        return preset_period(data.get("preset") or "month", today)

    def value(self, name: str) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data.get(name) or ""


class ReportForm(forms.ModelForm):
    class Meta:
        model = MonthlyReport
        fields = ["progress", "practices", "difficulties", "next_steps"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        for name in self.Meta.fields:
            if len(data.get(name) or "") > 20000:
                raise ValidationError({name: _("内容过长（不超过 20000 字）。")})
        return data
