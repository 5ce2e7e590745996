"""Forms of the case pages: queue filters (query string → ``CaseFilters``), opening a case,
the workflow actions, violations, measures and their answers, enforcement actions,
acceptance checks and supervision. They validate input; writes go through ``services``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from louyu.cases.selectors import SORTS, CaseFilters
from louyu.cases.services.files import FILES_MAX
from louyu.cases.workflow import (
    ActionKind,
    ResponsibleParty,
    Severity,
    State,
    SupervisionLevel,
)
from louyu.complaints.public_forms import MultipleFileField, MultipleFileInput
from louyu.core import uploads
from louyu.core.forms import DATE_INVALID, PICKER_HELP, BuildingPickerInput, DateField

REQUIRED_MESSAGE = _("此项必填。")
FILE_HELP = _("最多 5 个图片或 PDF 文件；图片会去除拍摄位置等信息。")


def _required_messages(form: forms.Form) -> None:
    for field in form.fields.values():
        field.error_messages["required"] = REQUIRED_MESSAGE
        field.error_messages["invalid_choice"] = _("请从列表中选择。")
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = DATE_INVALID


def _date_field(label, **kwargs) -> DateField:
    return DateField(label=label, **kwargs)


def _files_field(label, *, required: bool) -> MultipleFileField:
    return MultipleFileField(
        label=label,
        required=required,
        help_text=FILE_HELP,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


def _checked_files(form: forms.Form, name: str = "files") -> list[uploads.CheckedFile]:
    """The uploaded files checked by content (images re-encoded); all problems reported."""
    files = form.cleaned_data.get(name) or []
    if len(files) > FILES_MAX:
        raise ValidationError(
            _("最多上传 %(max)d 个文件，您选择了 %(count)d 个。")
            % {"max": FILES_MAX, "count": len(files)}
        )
    try:
        return uploads.check_uploads(files)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


def _org_choices(organizations) -> list[tuple[str, str]]:
    return [("", _("请选择")), *((str(o.pk), o.name) for o in organizations)]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100, strip=True)
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), required=False, choices=())
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *State.choices]
    )
    category = forms.ChoiceField(label=_("问题类别"), required=False, choices=())
    responsible_party = forms.ChoiceField(
        label=_("责任主体"), required=False, choices=[("", _("全部")), *ResponsibleParty.choices]
    )
    severity = forms.ChoiceField(
        label=_("严重程度"), required=False, choices=[("", _("全部")), *Severity.choices]
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("-created", _("立案时间（新→旧）")),
            ("created", _("立案时间（旧→新）")),
            ("due", _("整改期限（近→远）")),
            ("-due", _("整改期限（远→近）")),
            ("code", _("案件编号")),
        ],
    )
    key_case = forms.BooleanField(label=_("仅看重点案件"), required=False)
    overdue = forms.BooleanField(label=_("仅看整改超期"), required=False)
    open_only = forms.BooleanField(label=_("仅看未结案"), required=False)

    def __init__(self, *args, categories=(), jurisdictions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("全部")),
            *((c.code, c.label) for c in categories),
        ]
        self.show_jurisdiction = jurisdictions is not None
        if self.show_jurisdiction:
            self.fields["jurisdiction"].choices = [
                ("", _("全部")),
                *((j.code, j.name) for j in jurisdictions),
            ]
        else:
            del self.fields["jurisdiction"]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("未知的选项：%(value)s。")

    def filters(self) -> CaseFilters:
        """The valid filters; a field with an error is ignored."""
        if not self.is_bound:
            return CaseFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        sort = data.get("sort") or "-created"
        return CaseFilters(
            q=data.get("q") or "",
            jurisdiction=data.get("jurisdiction") or "",
            state=data.get("state") or "",
            category=data.get("category") or "",
            responsible_party=data.get("responsible_party") or "",
            severity=data.get("severity") or "",
            key_case=bool(data.get("key_case")),
            overdue=bool(data.get("overdue")),
            open_only=bool(data.get("open_only")),
            sort=sort if sort in SORTS else "-created",
        )


class ViolationFieldsMixin:
    def _violation_fields(self, categories, organizations) -> None:
        self.fields["category"].choices = [
            ("", _("请选择")),
            *((str(c.pk), c.label) for c in categories),
        ]
        self.categories = {str(c.pk): c for c in categories}
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["responsible_organization"].choices = [
            ("", _("（未指定）")),
            *((str(o.pk), o.name) for o in organizations),
        ]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean_responsible_organization(self):
        value = self.cleaned_data.get("responsible_organization")
        return self.organizations.get(value) if value else None


class CaseOpenForm(ViolationFieldsMixin, forms.Form):
    building_code = forms.CharField(label=_("楼宇"), max_length=32, widget=forms.HiddenInput)
    title = forms.CharField(label=_("案件名称"), max_length=200, required=False)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    category = forms.ChoiceField(label=_("违规问题类别"), choices=())
    responsible_party = forms.ChoiceField(
        label=_("责任主体"), choices=[("", _("请选择")), *ResponsibleParty.choices]
    )
    responsible_organization = forms.ChoiceField(label=_("责任单位"), required=False, choices=())
    summary = forms.CharField(
        label=_("案情摘要"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, categories=(), organizations=(), building_lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._violation_fields(categories, organizations)
        self.building_lookup = building_lookup
        _required_messages(self)

    def clean_building_code(self):
        building = self.building_lookup(self.cleaned_data["building_code"])
        if building is None:
            raise ValidationError(_("找不到该编码的楼宇，或该楼宇不在您的管辖范围内。"))
        return building


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)

    def details(self) -> dict:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("to", "expected_version") and v not in (None, "")
        }


class CloseUnresolvedForm(TransitionForm):
    reason = forms.CharField(
        label=_("未解决结案理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = None


ACTION_FORMS: dict[str, type[TransitionForm]] = {State.CLOSED_UNRESOLVED: CloseUnresolvedForm}
ACTION_LABELS = {
    State.RECTIFYING: _("开始整改"),
    State.AWAITING_ACCEPTANCE: _("提请验收"),
    State.CLOSED_UNRESOLVED: _("未解决结案"),
}


def action_form_class(to: str) -> type[TransitionForm]:
    return ACTION_FORMS.get(to, TransitionForm)


class VersionedForm(forms.Form):
    expected_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ViolationForm(ViolationFieldsMixin, VersionedForm):
    category = forms.ChoiceField(label=_("问题类别"), choices=())
    responsible_party = forms.ChoiceField(
        label=_("责任主体"), choices=[("", _("请选择")), *ResponsibleParty.choices]
    )
    responsible_organization = forms.ChoiceField(label=_("责任单位"), required=False, choices=())
    description = forms.CharField(
        label=_("违规情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, categories=(), organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._violation_fields(categories, organizations)
        _required_messages(self)


class SeverityForm(VersionedForm):
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class CaseInfoForm(VersionedForm):
    title = forms.CharField(label=_("案件名称"), max_length=200)
    summary = forms.CharField(
        label=_("案情摘要"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)
        self.fields["title"].error_messages["max_length"] = _("案件名称不能超过 200 个字。")
        self.fields["summary"].error_messages["max_length"] = _("案情摘要不能超过 5000 字。")


class SupervisionForm(VersionedForm):
    level = forms.ChoiceField(label=_("督办级别"), required=False, choices=())

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            ("", _("不督办")),
            *((v, SupervisionLevel(v).label) for v in levels),
        ]
        _required_messages(self)


class MeasureForm(VersionedForm):
    title = forms.CharField(label=_("整改措施"), max_length=200)
    owner = forms.ChoiceField(label=_("责任单位"), choices=())
    due_date = _date_field(_("完成期限"))
    description = forms.CharField(
        label=_("要求"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["owner"].choices = _org_choices(organizations)
        _required_messages(self)

    def clean_owner(self):
        return self.organizations[self.cleaned_data["owner"]]


class MeasureAnswerForm(forms.Form):
    response = forms.CharField(
        label=_("落实情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = _files_field(_("整改材料"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)

    def clean_files(self):
        return _checked_files(self)


class EvidenceForm(forms.Form):
    files = _files_field(_("证据文件"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)
        self.fields["files"].error_messages["required"] = _("请选择文件。")

    def clean_files(self):
        return _checked_files(self)


class ViolationWithdrawForm(VersionedForm):
    reason = forms.CharField(label=_("撤销理由"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class MeasureCancelForm(forms.Form):
    reason = forms.CharField(label=_("取消理由"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class EnforcementActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施类型"), choices=[("", _("请选择")), *ActionKind.choices])
    action_date = _date_field(_("日期"))
    amount = forms.DecimalField(
        label=_("罚款金额（元）"),
        required=False,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("请输入金额数字。")},
    )
    decision_number = forms.CharField(label=_("决定书文号"), max_length=100, required=False)
    target_organization = forms.ChoiceField(label=_("移送至"), required=False, choices=())
    notes = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = _files_field(_("文书"), required=False)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["target_organization"].choices = _org_choices(organizations)
        _required_messages(self)

    def clean_target_organization(self):
        value = self.cleaned_data.get("target_organization")
        return self.organizations.get(value) if value else None

    def clean_files(self):
        return _checked_files(self)


class AcceptanceForm(VersionedForm):
    passed = forms.TypedChoiceField(
        label=_("验收结论"),
        coerce=lambda v: v == "yes",
        choices=[("", _("请选择")), ("yes", _("验收合格")), ("no", _("验收不合格，退回整改"))],
    )
    checked_on = _date_field(_("验收日期"))
    notes = forms.CharField(
        label=_("验收意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = _files_field(_("验收证据"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)
        self.fields["files"].error_messages["required"] = _(
            "验收必须上传至少一个证据文件（现场照片或验收材料）。"
        )

    def clean_files(self):
        return _checked_files(self)


class RefusedEntryForm(forms.Form):
    building_code = forms.CharField(
        label=_("楼宇"), max_length=32, widget=BuildingPickerInput(), help_text=PICKER_HELP
    )
    description = forms.CharField(
        label=_("受阻情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = _files_field(_("证据文件"), required=False)

    def __init__(self, *args, building_lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.building_lookup = building_lookup
        _required_messages(self)

    def clean_files(self):
        return _checked_files(self)

    def clean_building_code(self):
        building = self.building_lookup(self.cleaned_data["building_code"])
        if building is None:
            raise ValidationError(_("找不到该编码的楼宇，或该楼宇不在贵单位的服务区域内。"))
        return building
