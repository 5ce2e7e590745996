"""Forms of the public complaint pages: filing a complaint, tracking it, rating the reply."""

from __future__ import annotations

import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from louyu.buildings import selectors as building_selectors
from louyu.buildings.models import Building
from louyu.complaints import selectors
from louyu.core import uploads
from louyu.core.forms import MultipleFileField, MultipleFileInput

STARTED_SALT = "louyu.public.complaint-form"
STARTED_MAX_AGE = 24 * 3600


USED_KEY = "louyu:public-form-used:"


def started_token() -> str:
    """A signed timestamp (and a nonce, so no two are alike) put into the form when it is
    shown. It is good for one complaint: ``PublicComplaintForm.claim_started``."""
    return signing.dumps([time.time(), secrets.token_urlsafe(9)], salt=STARTED_SALT)


USED_MESSAGE = _("该表单已经提交过，不能重复提交。如需再次申诉，请刷新页面后重新填写。")


class PublicComplaintForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("问题类别"), queryset=selectors.categories(), empty_label=_("请选择")
    )
    building_query = forms.CharField(
        label=_("所在楼宇"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": _("输入楼宇名称或地址查找")}
        ),
    )
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("楼宇地址"),
        required=False,
        max_length=300,
        help_text=_("找不到楼宇时，请填写完整地址（省、市、区县、街道门牌）。"),
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=5000,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("例如：物业不允许某运营商进场施工，只能使用指定的宽带。"),
    )
    complainant_company = forms.CharField(label=_("单位名称"), required=False, max_length=128)
    complainant_name = forms.CharField(label=_("联系人姓名"), max_length=64)
    complainant_phone = forms.CharField(
        label=_("联系电话"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    complainant_address = forms.CharField(
        label=_("联系地址（选填）"), required=False, max_length=300
    )
    attachments = MultipleFileField(
        label=_("附件（选填）"),
        required=False,
        help_text=_("最多 5 个，每个不超过 10 MB；支持图片（JPEG、PNG）和 PDF。"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意上述个人信息处理说明"),
        error_messages={"required": _("请勾选同意个人信息处理说明后再提交。")},
    )
    # Spam protection: a field people never see, and the time the form was shown.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput) or name == "consent":
                continue
            css = (
                "form-select form-select-lg" if isinstance(widget, forms.Select) else "form-control"
            )
            if isinstance(widget, forms.TextInput):
                css += " form-control-lg"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = css

    def is_honeypot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def clean_started(self) -> float:
        token = self.cleaned_data["started"]
        try:
            value = signing.loads(token, salt=STARTED_SALT, max_age=STARTED_MAX_AGE)
            started = float(value[0] if isinstance(value, list) else value)
        except (signing.BadSignature, TypeError, ValueError, IndexError) as exc:
            raise forms.ValidationError(_("表单已过期，请刷新页面后重新填写。")) from exc
        if time.time() - started < settings.LOUYU_PUBLIC_FORM_MIN_SECONDS:
            raise forms.ValidationError(_("提交过快，请核对填写内容后再提交。"))
        if cache.get(self._used_key(token)) is not None:
            raise forms.ValidationError(USED_MESSAGE)
        return started

    @staticmethod
    def _used_key(token: str) -> str:
        return USED_KEY + hashlib.sha256(token.encode()).hexdigest()

    def claim_started(self) -> bool:
        """Mark this form's timing token used (in the shared cache, until it would expire
        anyway); False if another submission claimed it first, so one form shown files at
        most one complaint."""
        claimed = cache.add(self._used_key(self.data["started"]), 1, timeout=STARTED_MAX_AGE)
        if not claimed:
            self.add_error(None, USED_MESSAGE)
        return claimed

    def clean_building(self) -> Building | None:
        pk = self.cleaned_data.get("building")
        if pk is None:
            return None
        building = building_selectors.intake_building(pk=pk)
        if building is None:
            raise forms.ValidationError(_("所选楼宇不存在，请重新选择或填写地址。"))
        return building

    def clean_attachments(self):
        try:
            return uploads.check_uploads(self.cleaned_data.get("attachments") or [])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("building") and not (cleaned.get("address") or "").strip():
            if "building" not in self.errors and "address" not in self.errors:
                self.add_error("address", _("请选择所在楼宇，或填写楼宇地址。"))
        return cleaned


class TrackForm(forms.Form):
    tracking_code = forms.CharField(
        label=_("受理编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "TS2026…"}),
    )
    secret = forms.CharField(
        label=_("查询码"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def clean_tracking_code(self) -> str:
        return self.cleaned_data["tracking_code"].strip().upper()


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, _("非常满意")),
            (4, _("满意")),
            (3, _("一般")),
            (2, _("不满意")),
            (1, _("非常不满意")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    resolved = forms.TypedChoiceField(
        label=_("问题是否已解决"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("已解决")), ("no", _("未解决"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("意见（选填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
