import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from louyu.core.clean import clean_date, parse_date_text, parse_datetime_text
from louyu.core.forms import DateField, DateTimeField, MultipleFileField, files_to_rechoose

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEC_3 = datetime.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03", DEC_3),
        ("2026/12/03", DEC_3),
        ("2026.12.03", DEC_3),
        ("2026年12月3日", DEC_3),
        ("2026年12月03日", DEC_3),
        (" 2026-12-3 ", DEC_3),
        ("2026-13-01", None),
        ("2026-02-30", None),
        ("12/03/2026", None),
        ("明天", None),
        ("", None),
    ],
)
def test_parse_date_text(text, expected):
    assert parse_date_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03 14:30", (14, 30)),
        ("2026/12/03 14:30", (14, 30)),
        ("2026.12.03 14:30:00", (14, 30)),
        ("2026年12月3日 14:30", (14, 30)),
        ("2026年12月3日14:30", (14, 30)),
        ("2026-12-03T14:30", (14, 30)),
        ("2026-12-03", (0, 0)),
        ("2026-12-03 25:00", None),
        ("下午两点", None),
    ],
)
def test_parse_datetime_text_in_shanghai(text, expected):
    moment = parse_datetime_text(text)
    if expected is None:
        assert moment is None
    else:
        assert moment == datetime.datetime(2026, 12, 3, *expected, tzinfo=SHANGHAI)


def test_clean_date_takes_the_typed_forms():
    assert clean_date("2026年12月3日", "day", label="日期") == DEC_3


class DatesForm(forms.Form):
    day = DateField(required=False)
    moment = DateTimeField(required=False)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"day": "2026年12月3日", "moment": "2026/12/03 09:05"}, {}),
        (
            {"day": "2026-12-32"},
            {"day": ["请输入有效日期，例如 2026-12-03、2026/12/03 或 2026年12月3日。"]},
        ),
        (
            {"moment": "2026-12-03 9点"},
            {"moment": ["请输入有效的日期和时间，例如 2026-12-03 14:30 或 2026年12月3日 14:30。"]},
        ),
    ],
)
def test_date_fields_accept_typed_forms_and_explain_bad_input(data, errors):
    form = DatesForm(data)
    assert form.errors == errors
    if not errors:
        assert form.cleaned_data["day"] == DEC_3
        assert form.cleaned_data["moment"] == datetime.datetime(2026, 12, 3, 9, 5, tzinfo=SHANGHAI)


def test_date_widgets_render_picker_inputs_in_shanghai_time():
    moment = datetime.datetime(2026, 12, 3, 6, 30, tzinfo=datetime.UTC)
    html = str(DatesForm(initial={"day": DEC_3, "moment": moment}))
    assert 'type="text" name="day" value="2026-12-03"' in html
    assert 'data-louyu-date="date"' in html
    assert 'value="2026-12-03 14:30" data-louyu-date="datetime"' in html


class FilesForm(forms.Form):
    title = forms.CharField()
    files = MultipleFileField(required=False)


def _upload(name):
    return SimpleUploadedFile(name, b"%PDF-1.4", content_type="application/pdf")


def test_files_to_rechoose_names_the_chosen_files_only_when_the_form_fails():
    files = MultiValueDict({"files": [_upload("合同.pdf"), _upload("photo.jpg")]})
    assert files_to_rechoose(FilesForm({}, files)) == ["合同.pdf", "photo.jpg"]
    assert files_to_rechoose(FilesForm({"title": "ok"}, files)) == []
    assert files_to_rechoose(FilesForm({})) == []
    assert files_to_rechoose(FilesForm()) == []
