import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from louyu.core.clean import FieldErrors, clean_date, clean_text


@pytest.mark.parametrize(
    ("value", "future", "message"),
    [
        ("2026-13-01", False, "格式应为 2026-12-03、2026/12/03 或 2026年12月3日"),
        (None, False, "请填写日期"),
        ("2020-01-01", True, "不能早于今天"),
    ],
)
def test_clean_date_refusals(value, future, message):
    with pytest.raises(ValidationError, match=message):
        clean_date(value, "day", label="日期", future=future)


def test_clean_date_and_text_accept():
    today = timezone.localdate()
    assert clean_date(today.isoformat(), "day", label="日期", future=True) == today
    assert clean_date(datetime.date(2020, 1, 1), "day", label="日期") == datetime.date(2020, 1, 1)
    assert clean_text("  好的\x00 ", "t", "空") == "好的"
    with pytest.raises(ValidationError, match="最多 3 个字"):
        clean_text("太长的文字", "t", "空", limit=3)


def test_field_errors_reports_every_field_at_once():
    errors = FieldErrors()
    assert errors.check(clean_text, "", "a", "请填写 a") is None
    assert errors.check(clean_text, "可以", "b", "请填写 b") == "可以"
    errors.add("c", "c 有误")
    errors.add("c", "不覆盖第一条")
    with pytest.raises(ValidationError) as exc:
        errors.raise_any()
    assert exc.value.message_dict == {"a": ["请填写 a"], "c": ["c 有误"]}
    FieldErrors().raise_any()
