"""Helpers every app's forms share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

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
