"""Helpers every app's forms share."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import from_current_timezone
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from louyu.core.clean import parse_date_text, parse_datetime_text

STAFF_BUILDING_SUGGEST_URL = reverse_lazy("building-suggest")
PICKER_HELP = _("输入名称、别名、地址片段或编码，两个字即可，从联想中选择。")


class BuildingPickerInput(forms.TextInput):
    """A building code input that suggests buildings as the user types a name, alias,
    address fragment or code, and fills in the code of the one picked (``web/_field.html``
    renders it, ``louyu/building_picker.js`` drives it). ``url`` answers ``?q=`` with
    ``{"results": [{code, name, address, operator_count?}]}``: by default the building
    list's light variant, which offers only the caller's buildings."""

    def __init__(self, url=STAFF_BUILDING_SUGGEST_URL, attrs=None):
        super().__init__(attrs={**(attrs or {}), "building_picker": url})


class DateInput(forms.DateInput):
    """A date picked from a calendar (``louyu/datepicker.js`` puts flatpickr on every
    input with ``data-louyu-date``) that can also be typed."""

    input_type = "text"
    louyu_date = "date"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={**(attrs or {}), "data-louyu-date": self.louyu_date}, format="%Y-%m-%d"
        )


class DateTimeInput(forms.DateTimeInput):
    """A date and a 24-hour time picked from a calendar; see ``DateInput``."""

    input_type = "text"
    louyu_date = "datetime"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={**(attrs or {}), "data-louyu-date": self.louyu_date}, format="%Y-%m-%d %H:%M"
        )


DATE_INVALID = _("请输入有效日期，例如 2026-12-03、2026/12/03 或 2026年12月3日。")
DATETIME_INVALID = _("请输入有效的日期和时间，例如 2026-12-03 14:30 或 2026年12月3日 14:30。")


class DateField(forms.DateField):
    """A date picked or typed as 2026-12-03, 2026/12/03, 2026.12.03 or 2026年12月3日."""

    widget = DateInput
    default_error_messages = {"invalid": DATE_INVALID}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        parsed = parse_date_text(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class DateTimeField(forms.DateTimeField):
    """A moment picked or typed as a ``DateField`` date and HH:MM, in Asia/Shanghai."""

    widget = DateTimeInput
    default_error_messages = {"invalid": DATETIME_INVALID}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return from_current_timezone(value)
        if isinstance(value, datetime.date):
            return from_current_timezone(datetime.datetime.combine(value, datetime.time()))
        parsed = parse_datetime_text(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def add_service_errors(form: forms.Form, exc: ValidationError, **renames: str) -> None:
    """A service's ValidationError shown on ``form``: errors of a field the form has go to
    that field (``renames`` maps a service's field name to the form's, e.g.
    ``building="building_code"``), anything else becomes a form-wide error."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = renames.get(field, field)
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list (empty when none was sent)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def files_to_rechoose(form: forms.BaseForm) -> list[str]:
    """Names of the files the user chose on ``form`` when it comes back with errors: a
    browser never refills a file input, so the page must say which to choose again."""
    if not form.is_bound or not form.errors:
        return []
    names: list[str] = []
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            key = form.add_prefix(name)
            names += [f.name for f in form.files.getlist(key) if getattr(f, "name", "")]
    return names
