"""Forms of the library pages. Fields parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from louyu.complaints.public_forms import MultipleFileField, MultipleFileInput
from louyu.core import uploads
from louyu.core.forms import DateField
from louyu.library.workflow import AgendaKind, MeetingKind, PracticeState

DOCUMENT_ACCEPT = (
    "image/*,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


class PracticeFilterForm(forms.Form):
    q = forms.CharField(label=_("标题"), required=False, max_length=100, strip=True)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *PracticeState.choices]
    )
    tag = forms.CharField(label=_("标签"), required=False, max_length=32, strip=True)

    def filters(self) -> dict[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data.get(k) or "" for k in ("q", "state", "tag") if k not in self.errors}


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), choices=())
    summary = forms.CharField(label=_("摘要"), widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(
        label=_("正文（Markdown）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("支持 Markdown 格式；HTML 代码不会生效。"),
    )
    tags = forms.CharField(
        label=_("标签"), required=False, max_length=400, help_text=_("多个标签用逗号分隔")
    )
    started_on = DateField(label=_("开始实施日期"), required=False)
    metrics = forms.MultipleChoiceField(label=_("涉及指标"), required=False, choices=())
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("PDF、Word（DOCX）或图片"),
        widget=MultipleFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )

    def __init__(self, *args, jurisdictions=(), metric_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(str(j.pk), j.name) for j in jurisdictions]
        self.fields["metrics"].choices = list(metric_choices)
        self.text_fields = [self[name] for name in ("title", "summary", "body", "tags")]
        if len(self.fields["jurisdiction"].choices) < 2:
            self.fields["jurisdiction"].required = False
            self.fields["jurisdiction"].widget = forms.HiddenInput()

    def clean_attachments(self):
        try:
            return uploads.check_uploads(self.cleaned_data.get("attachments"), documents=True)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=PracticeState.choices)
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput())


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("评论"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdoptForm(forms.Form):
    what = forms.CharField(
        label=_("借鉴内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    date = DateField(label=_("会议日期"))
    kind = forms.ChoiceField(label=_("会议形式"), choices=MeetingKind.choices)
    minutes = forms.CharField(
        label=_("会议纪要"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    participants = forms.MultipleChoiceField(label=_("参会单位"), choices=())

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(str(o.pk), o.name) for o in organizations]
        self.text_fields = [self[name] for name in ("title", "date", "kind", "minutes")]


class AgendaForm(forms.Form):
    kind = forms.ChoiceField(label=_("议程类型"), choices=AgendaKind.choices)
    title = forms.CharField(label=_("议题"), max_length=200)
    presenter = forms.ChoiceField(label=_("发言单位"), required=False, choices=())
    practice = forms.ChoiceField(label=_("交流的经验做法"), required=False, choices=())
    bulletin = forms.ChoiceField(label=_("进展通报"), required=False, choices=())

    def __init__(self, *args, presenters=(), practices=(), bulletins=(), **kwargs):
        super().__init__(*args, **kwargs)
        empty = [("", _("（无）"))]
        self.fields["presenter"].choices = empty + [(str(o.pk), o.name) for o in presenters]
        self.fields["practice"].choices = empty + [(str(p.pk), p.title) for p in practices]
        self.fields["bulletin"].choices = empty + [(str(b.pk), b.title) for b in bulletins]


class ActionItemForm(forms.Form):
    requirement = forms.CharField(
        label=_("工作要求"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee = forms.ChoiceField(label=_("落实单位"), choices=())
    due_date = DateField(label=_("完成时限"))

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("请选择"))] + [
            (str(o.pk), o.name) for o in assignees
        ]


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("落实情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        return uploads.check_upload(upload, documents=True)
