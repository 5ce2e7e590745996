"""Forms of the article pages: the list filter (also read by the API) and the import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from louyu.articles.selectors import ArticleFilters
from louyu.core.forms import DateField, MultipleFileField, MultipleFileInput

ACCEPT = ".md,.markdown,.html,.htm,.txt"


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("标题"), required=False, max_length=100, strip=True)
    jurisdiction = forms.ChoiceField(label=_("涉及管辖范围"), required=False, choices=())
    date_from = DateField(label=_("发布日期自"), required=False)
    date_to = DateField(label=_("发布日期至"), required=False)

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [
            ("", _("全部")),
            *((j.code, j.name) for j in jurisdictions),
        ]

    def filters(self) -> ArticleFilters:
        """The valid filters; an invalid one is left out (and shown as the field's error)."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return ArticleFilters(
            q=data.get("q") or "",
            jurisdiction=data.get("jurisdiction") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class ArticleImportForm(forms.Form):
    files = MultipleFileField(
        label=_("文章文件"),
        help_text=_(
            "可一次选择多个文件：带 YAML 头信息（title、date 等）的 Markdown 或 HTML 文件，"
            "或完整的 HTML 网页。"
        ),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("请选择要导入的文章文件。")},
        allow_empty_file=True,  # an empty file is refused by the import, with its name
    )
