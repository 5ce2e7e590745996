"""The search's input, shared by the page and the API: the words, the kinds, the
jurisdiction and the date range."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from louyu.core.forms import DateField
from louyu.search.query import MAX_QUERY_LENGTH, SearchRequest, query_words
from louyu.search.registry import kinds


class SearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), max_length=MAX_QUERY_LENGTH, strip=True)
    kind = forms.MultipleChoiceField(
        label=_("类型"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), required=False, choices=())
    date_from = DateField(label=_("开始日期"), required=False)
    date_to = DateField(label=_("结束日期"), required=False)

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in kinds()]
        self.fields["jurisdiction"].choices = [
            ("", _("全部")),
            *((j.code, j.name) for j in jurisdictions),
        ]
        self.fields["q"].error_messages.update(
            required=_("请输入要搜索的文字。"),
            max_length=_("搜索内容不能超过%(limit_value)d个字符。"),
        )
        for name in ("kind", "jurisdiction"):
            self.fields[name].error_messages["invalid_choice"] = _("未知的选项：%(value)s。")
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = _("日期格式应为 YYYY-MM-DD。")

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        try:
            query_words(text)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["q"]) from exc
        return text

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned

    def request(self) -> SearchRequest:
        """The search asked for (call only when the form is valid)."""
        data = self.cleaned_data
        return SearchRequest(
            text=data["q"],
            kinds=tuple(data.get("kind") or ()),
            jurisdiction=data.get("jurisdiction") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
