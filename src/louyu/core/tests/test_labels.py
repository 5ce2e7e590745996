"""Stored Chinese titles read in the reader's language; labels fall back to Chinese."""

import pytest
from django.utils import translation

from louyu.core.labels import in_stored_language, label_in_language, localized_text
from louyu.core.models import WorkItemState

CASES = [
    ("受理审查：TS20261125332496", "Acceptance review: TS20261125332496"),
    ("新待办：受理审查：TS1", "New work item: Acceptance review: TS1"),
    ("已超期：答复申诉人：TS1", "Overdue: Reply to the complainant: TS1"),
    ("联合检查：某大厦（一组，2026-12-05）", "Joint inspection: 某大厦（一组，2026-12-05）"),
    ("一楼一策：某大厦 · 约谈物业", "Work plan: 某大厦 · 约谈物业"),
    ("组织基础电信企业座谈（北京）", "Hold a meeting with the basic telecom operators (北京)"),
    ("办理时限 2026-12-05 24:00 已过。", "The deadline 2026-12-05 24:00 has passed."),
    ("办理时限 2026-12-05 24:00。", "Due 2026-12-05 24:00."),
    ("报送2026年11月专项整治进展", "Submit the campaign progress report for 2026-11"),
    (
        "可关闭工作方案：某大厦（中国电信已提供服务）",
        "Work plan can be closed: 某大厦 (中国电信 now serves it)",
    ),
    ("经验做法““一楼一档”做法”已发布", "Good practice ““一楼一档”做法”: Published"),
    (
        "随工作方案关闭而取消：已实现入驻",
        "Cancelled when the work plan was closed: Achieved (operator entered)",
    ),
    ("某人手写的待办", "某人手写的待办"),
    ("", ""),
]


@pytest.mark.parametrize(("stored", "english"), CASES)
def test_stored_titles_read_in_english(stored, english):
    with translation.override("en"):
        assert localized_text(stored) == english


@pytest.mark.parametrize(("stored", "english"), CASES)
def test_stored_titles_stay_as_stored_in_chinese(stored, english):
    with translation.override("zh-hans"):
        assert localized_text(stored) == stored


def test_a_label_falls_back_to_chinese_without_an_english_one():
    with translation.override("en"):
        assert label_in_language("排他协议", "Exclusive deal") == "Exclusive deal"
        assert label_in_language("排他协议", "") == "排他协议"
    with translation.override("zh-hans"):
        assert label_in_language("排他协议", "Exclusive deal") == "排他协议"


def test_labels_written_into_stored_texts_are_chinese_whatever_the_request():
    with translation.override("en"):
        assert in_stored_language(WorkItemState.DONE.label) == "已完成"
