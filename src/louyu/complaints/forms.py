"""Forms of the complaint pages: queue filters (query string → ``ComplaintFilters``), bulk
assignment, the details of each workflow action, referral, verification and staff intake.
They validate input; writes go through ``services``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from louyu.complaints.evidence import EVIDENCE_MAX_FILES
from louyu.complaints.models import Channel, Referral, Verification
from louyu.complaints.public_forms import MultipleFileField, MultipleFileInput
from louyu.complaints.selectors import ComplaintFilters
from louyu.complaints.workflow import RefusalReason, ReplyResult, State
from louyu.core import uploads
from louyu.core.forms import PICKER_HELP, BuildingPickerInput, DateField, DateTimeField

REQUIRED_MESSAGE = _("此项必填。")
# Intake and the later link may name any building of the registry (a complaint may concern
# any), so their picker asks intake's lookup, not the caller's building list.
INTAKE_SUGGEST_URL = reverse_lazy("complaints:building_suggest")
STAFF_CHANNELS = [
    (value, label)
    for value, label in Channel.choices
    if value in (Channel.PHONE, Channel.LETTER, Channel.WALK_IN, Channel.OPERATOR)
]


def _required_messages(form: forms.Form) -> None:
    for field in form.fields.values():
        field.error_messages["required"] = REQUIRED_MESSAGE
        field.error_messages["invalid_choice"] = _("请从列表中选择。")


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100, strip=True)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *State.choices]
    )
    category = forms.ChoiceField(label=_("问题类别"), required=False, choices=())
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部")), *Channel.choices]
    )
    jurisdiction = forms.ChoiceField(label=_("管辖范围"), required=False, choices=())
    due_within = forms.IntegerField(
        label=_("几日内到期"),
        required=False,
        min_value=0,
        max_value=365,
        error_messages={
            "invalid": _("请输入整数。"),
            "min_value": _("数值不能小于 %(limit_value)s。"),
            "max_value": _("数值不能大于 %(limit_value)s。"),
        },
    )
    overdue = forms.BooleanField(label=_("仅看已超期"), required=False)
    open_only = forms.BooleanField(label=_("仅看未办结"), required=False)
    mine = forms.BooleanField(label=_("分派给我的"), required=False)

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
        for name in ("state", "category", "channel", "jurisdiction"):
            if name in self.fields:
                self.fields[name].error_messages["invalid_choice"] = _("未知的选项：%(value)s。")

    def filters(self) -> ComplaintFilters:
        """The valid filters; a field with an error is ignored."""
        if not self.is_bound:
            return ComplaintFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ComplaintFilters(
            state=data.get("state") or "",
            category=data.get("category") or "",
            channel=data.get("channel") or "",
            jurisdiction=data.get("jurisdiction") or "",
            due_within_days=data.get("due_within"),
            overdue=bool(data.get("overdue")),
            open_only=bool(data.get("open_only")),
            mine=bool(data.get("mine")),
            q=data.get("q") or "",
        )


class BulkAssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("分派给"), choices=())
    complaints = forms.TypedMultipleChoiceField(
        label=_("申诉"), coerce=int, choices=(), error_messages={"required": _("请勾选申诉。")}
    )

    def __init__(self, *args, users=(), complaint_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in users}
        self.fields["assignee"].choices = [
            ("", _("选择人员")),
            *((str(u.pk), u.display_name) for u in users),
        ]
        self.fields["assignee"].error_messages["required"] = _("请选择分派给谁。")
        self.fields["assignee"].error_messages["invalid_choice"] = _("只能分派给本机构的在岗人员。")
        self.fields["complaints"].choices = [(pk, pk) for pk in complaint_ids]
        self.fields["complaints"].error_messages["invalid_choice"] = _("所选申诉不存在或无权办理。")

    def clean_assignee(self):
        return self.users[self.cleaned_data["assignee"]]


# --- Workflow actions ---------------------------------------------------------------------


class TransitionForm(forms.Form):
    """The common part of every action: the target, the version the clerk saw, a note."""

    to = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("备注（内部）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)
        self.order_fields([name for name in self.fields if name != "note"])

    def details(self) -> dict:
        """The details to pass to ``complaint_transition``."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("to", "expected_version") and v not in (None, "")
        }


class RejectForm(TransitionForm):
    refusal_reason = forms.ChoiceField(
        label=_("不予受理理由"), choices=[("", _("请选择法定理由")), *RefusalReason.choices]
    )


class ReasonForm(TransitionForm):
    """Suspend or reopen: the reason is the note of the step (the service records one)."""

    reason = forms.CharField(
        label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = None


class ReplyForm(TransitionForm):
    result = forms.ChoiceField(
        label=_("核查结论"), choices=[("", _("请选择")), *ReplyResult.choices]
    )
    reply_text = forms.CharField(
        label=_("答复内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CloseForm(TransitionForm):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            ("", _("请选择")),
            (5, _("5 非常满意")),
            (4, _("4 满意")),
            (3, _("3 一般")),
            (2, _("2 不满意")),
            (1, _("1 非常不满意")),
        ],
    )
    resolved = forms.TypedChoiceField(
        label=_("问题是否已解决"),
        coerce=lambda v: v == "yes",
        choices=[("", _("请选择")), ("yes", _("是")), ("no", _("否"))],
    )


class MergeForm(TransitionForm):
    master = forms.CharField(
        label=_("并入的申诉受理编号"),
        max_length=20,
        help_text=_("同一管辖范围内、未被合并的另一件申诉。"),
    )


ACTION_FORMS: dict[str, type[TransitionForm]] = {
    State.REJECTED: RejectForm,
    State.SUSPENDED: ReasonForm,
    State.REOPENED: ReasonForm,
    State.REPLIED: ReplyForm,
    State.CLOSED: CloseForm,
    State.MERGED: MergeForm,
}

ACTION_LABELS = {
    State.ACCEPTED: _("受理"),
    State.REJECTED: _("不予受理"),
    State.VERIFYING: _("开始核查"),
    State.HANDLING: _("转入处理"),
    State.SUSPENDED: _("中止（待补充材料）"),
    State.REPLIED: _("答复"),
    State.CLOSED: _("回访办结"),
    State.REOPENED: _("重新处理"),
    State.MERGED: _("合并为重复申诉"),
}


def action_form_class(to: str) -> type[TransitionForm]:
    return ACTION_FORMS.get(to, TransitionForm)


# --- Referral, verification ---------------------------------------------------------------


class ReferralForm(forms.Form):
    to_organization = forms.ChoiceField(label=_("转至机构"), choices=())
    kind = forms.ChoiceField(label=_("方式"), choices=Referral.Kind.choices)
    note = forms.CharField(
        label=_("转办说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["to_organization"].choices = [
            ("", _("请选择")),
            *((str(o.pk), o.name) for o in organizations),
        ]
        _required_messages(self)

    def clean_to_organization(self):
        return self.organizations[self.cleaned_data["to_organization"]]


class ReferralAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("办理意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class VerificationForm(forms.Form):
    method = forms.ChoiceField(label=_("核查方式"), choices=Verification.Method.choices)
    performed_on = DateField(
        label=_("核查日期"),
    )
    findings = forms.CharField(
        label=_("核查情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = MultipleFileField(
        label=_("证据文件"),
        required=False,
        help_text=_("可选，最多 5 个图片或 PDF 文件；图片会去除拍摄位置等信息。"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)

    def clean_evidence(self) -> list[uploads.CheckedFile]:
        """The files checked by content (images re-encoded); all problems reported."""
        files = self.cleaned_data.get("evidence") or []
        if len(files) > EVIDENCE_MAX_FILES:
            raise ValidationError(
                _("最多上传 %(max)d 个证据文件，您选择了 %(count)d 个。")
                % {"max": EVIDENCE_MAX_FILES, "count": len(files)}
            )
        try:
            return uploads.check_uploads(files)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


# --- Staff intake -------------------------------------------------------------------------


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), choices=STAFF_CHANNELS)
    received_at = DateTimeField(
        label=_("收到时间"),
        help_text=_("北京时间；可以是过去的时间，不能晚于现在。"),
    )
    category = forms.ChoiceField(label=_("问题类别"), choices=())
    building_code = forms.CharField(
        label=_("楼宇"),
        required=False,
        max_length=32,
        widget=BuildingPickerInput(url=INTAKE_SUGGEST_URL),
        help_text=_(
            "已登记的楼宇输入名称、地址片段或编码后从联想中选择；未登记的留空，填写楼宇地址。"
        ),
    )
    address = forms.CharField(label=_("楼宇地址"), required=False, max_length=300)
    description = forms.CharField(
        label=_("问题描述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    complainant_name = forms.CharField(label=_("申诉人姓名"), max_length=64)
    complainant_phone = forms.CharField(label=_("联系电话"), max_length=32)
    complainant_company = forms.CharField(label=_("单位名称"), required=False, max_length=128)
    complainant_address = forms.CharField(label=_("联系地址"), required=False, max_length=300)
    operator = forms.ChoiceField(label=_("被申诉企业"), required=False, choices=())
    first_raised_with_operator_on = DateField(
        label=_("首次向企业投诉日期"),
        required=False,
    )
    matter_date = DateField(
        label=_("争议事项发生日期"),
        required=False,
    )

    def __init__(self, *args, categories=(), operators=(), building_lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.code: c for c in categories}
        self.operators = {str(o.pk): o for o in operators}
        self.building_lookup = building_lookup
        self.fields["category"].choices = [
            ("", _("请选择")),
            *((c.code, c.label) for c in categories),
        ]
        self.fields["operator"].choices = [
            ("", _("无（不涉及基础电信企业）")),
            *((str(o.pk), o.name) for o in operators),
        ]
        _required_messages(self)

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean_operator(self):
        value = self.cleaned_data.get("operator") or ""
        return self.operators.get(value) if value else None

    def clean_building_code(self):
        code = self.cleaned_data.get("building_code") or ""
        if not code:
            return None
        building = self.building_lookup(code) if self.building_lookup else None
        if building is None:
            raise ValidationError(
                _("找不到编码为 %(code)s 的楼宇；未登记的楼宇请留空并填写地址。"),
                params={"code": code},
            )
        return building

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["building"] = data.pop("building_code")
        return data


class BuildingLinkForm(forms.Form):
    """The building a complaint received with only an address concerns; ``transfer`` confirms
    moving the complaint to the building's jurisdiction when the building lies elsewhere."""

    building_code = forms.CharField(
        label=_("楼宇"),
        max_length=32,
        widget=BuildingPickerInput(url=INTAKE_SUGGEST_URL),
        help_text=PICKER_HELP,
    )
    transfer = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, building_lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.building_lookup = building_lookup
        _required_messages(self)
        self.fields["building_code"].error_messages["required"] = _("请选择楼宇。")

    def clean_building_code(self):
        building = self.building_lookup(self.cleaned_data["building_code"])
        if building is None:
            raise ValidationError(_("找不到该编码的楼宇，请从联想中选择已登记的楼宇。"))
        return building
