"""Labels in the reader's language, the one way every app shows them.

Reference data (problem categories, measure kinds, checklist items, …) carries its Chinese
label in a field of its own and an English label in ``name_en``: models inherit
``EnglishLabel`` and name their Chinese field in ``label_field``; ``str(row)`` and
``row.label`` give the label of the active language, falling back to the Chinese one when
no English label was entered. Names of organisations, buildings and people are not
reference labels and stay as they are.

Titles of work items and notifications are stored as the Chinese text they were made with
(``受理审查：TS…``, ``新待办：…``). ``localized_text`` translates them when they are shown:
the phrase before the first full-width colon (or before a closing ``（…）``) is looked up in
the catalogue, and the rest, an object's code or name, is kept; nested phrases
(``新待办：受理审查：TS…``) are translated one after the other. Rows stored before English
existed therefore read in English without being rewritten.
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

ENGLISH_LABEL_MAX_LENGTH = 300


def english_active() -> bool:
    return (get_language() or "").startswith("en")


class EnglishLabel(models.Model):
    """Mixin for reference data with a Chinese label and an English one."""

    name_en = models.CharField(
        _("英文名称"),
        max_length=ENGLISH_LABEL_MAX_LENGTH,
        blank=True,
        help_text=_("界面切换为英文时显示；为空时显示中文名称。"),
    )

    label_field = "name"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return label_in_language(getattr(self, self.label_field), self.name_en)


def label_in_language(chinese: str, english: str) -> str:
    """The label of the active language for values read without their row
    (``.values("category__name", "category__name_en")``)."""
    return english if english_active() and english else chinese


STORED = "stored title"

# Phrases stored at the head of work-item and notification titles, written in Chinese by
# the services of every app whatever the actor's language. Listed here (lazily, never shown
# from this list) so that the catalogue carries their English in the context
# ``stored title`` and ``localized_text`` finds it.
STORED_PHRASES = [
    pgettext_lazy("stored title", "新待办"),
    pgettext_lazy("stored title", "已超期"),
    pgettext_lazy("stored title", "即将到期"),
    pgettext_lazy("stored title", "受理审查"),
    pgettext_lazy("stored title", "核查处理"),
    pgettext_lazy("stored title", "答复申诉人"),
    pgettext_lazy("stored title", "重新处理"),
    pgettext_lazy("stored title", "回访"),
    pgettext_lazy("stored title", "分派给您的申诉"),
    pgettext_lazy("stored title", "转办申诉"),
    pgettext_lazy("stored title", "协办申诉"),
    pgettext_lazy("stored title", "转办已答复"),
    pgettext_lazy("stored title", "申诉即将到受理时限"),
    pgettext_lazy("stored title", "申诉即将到答复时限"),
    pgettext_lazy("stored title", "申诉已超过受理时限"),
    pgettext_lazy("stored title", "申诉已超过答复时限"),
    pgettext_lazy("stored title", "超期上报（受理）"),
    pgettext_lazy("stored title", "超期上报（答复）"),
    pgettext_lazy("stored title", "超期上报工信部（受理）"),
    pgettext_lazy("stored title", "超期上报工信部（答复）"),
    pgettext_lazy("stored title", "整改措施"),
    pgettext_lazy("stored title", "移送办理"),
    pgettext_lazy("stored title", "新立整治案件"),
    pgettext_lazy("stored title", "随工作方案关闭而取消"),
    pgettext_lazy("stored title", "组织验收"),
    pgettext_lazy("stored title", "整治案件即将到整改期限"),
    pgettext_lazy("stored title", "整治案件已超过整改期限"),
    pgettext_lazy("stored title", "一楼一策"),
    pgettext_lazy("stored title", "联合检查"),
    pgettext_lazy("stored title", "会议要求落实"),
    pgettext_lazy("stored title", "进展通报已发布"),
    pgettext_lazy("stored title", "月报被退回"),
    pgettext_lazy("stored title", "月报已采用"),
    pgettext_lazy("stored title", "核对辖区商务楼宇名录"),
    pgettext_lazy("stored title", "组织基础电信企业座谈"),
    pgettext_lazy("stored title", "复核零运营商楼宇清单"),
]

# Whole stored texts with values in them, as msgids with placeholders. A value, like the
# text after a phrase's colon, that is itself a known phrase or an interface label (a
# state, an outcome) is translated too; names and user text stay.
STORED_SENTENCES = [
    pgettext_lazy("stored title", "办理时限 %(due)s。"),
    pgettext_lazy("stored title", "办理时限 %(due)s 已过。"),
    pgettext_lazy("stored title", "办理时限 %(due)s 已过，尚未办理，请督办。"),
    pgettext_lazy("stored title", "办理时限 %(due)s 已过，尚未办理。"),
    pgettext_lazy("stored title", "整改期限 %(due)s。"),
    pgettext_lazy("stored title", "整改期限 %(due)s 已过。"),
    pgettext_lazy("stored title", "可关闭工作方案：%(building)s（%(operator)s已提供服务）"),
    pgettext_lazy("stored title", "报送%(year)s年%(month)s月专项整治进展"),
    pgettext_lazy("stored title", "%(jurisdiction)s已报送%(year)s年%(month)s月进展"),
    pgettext_lazy("stored title", "经验做法“%(title)s”%(state)s"),
    pgettext_lazy("stored title", "%(organization)s借鉴了经验做法“%(title)s”"),
]
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _sentence_pattern(msgid: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(msgid)
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+)" for index, part in enumerate(parts)
    )
    return re.compile(f"^{pattern}$")


@functools.cache
def _sentences() -> list[tuple[str, re.Pattern]]:
    with translation.override(None):
        msgids = [str(sentence) for sentence in STORED_SENTENCES]
    longest_first = sorted(msgids, key=len, reverse=True)
    return [(msgid, _sentence_pattern(msgid)) for msgid in longest_first]


_SUFFIX = re.compile(r"^(?P<head>.+?)（(?P<tail>[^（）]*)）$")


def _phrase(text: str) -> str | None:
    translated = pgettext(STORED, text)
    return translated if translated != text else None


def in_stored_language(label) -> str:
    """An interface label (a choice's label) as stored texts carry it: in the platform's
    language, whatever the language of the request that writes it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def _value(text: str) -> str:
    return _phrase(text) or gettext(text)


def localized_text(text: str) -> str:
    """A stored Chinese title in the active language, as far as its phrases are known;
    unchanged in Chinese and for text nobody wrote a phrase for."""
    if not text or not english_active():
        return text
    whole = _phrase(text)
    if whole is not None:
        return whole
    for msgid, pattern in _sentences():
        found = pattern.match(text)
        if found:
            values = {key: _value(value) for key, value in found.groupdict().items()}
            return pgettext(STORED, msgid) % values
    head, colon, rest = text.partition("：")
    if colon:
        translated = _phrase(head)
        if translated is not None:
            return f"{translated}: {_value(localized_text(rest))}"
    suffix = _SUFFIX.match(text)
    if suffix:
        translated = _phrase(suffix["head"])
        if translated is not None:
            tail = suffix["tail"].replace("，", ", ")
            return f"{translated} ({tail})"
    return text


def english_label_loader(model: str, rows: list[tuple[dict, str]]):
    """A data migration's ``load(apps, schema_editor)`` that gives the reference rows
    matching each lookup their English label, leaving labels someone already entered."""

    def load(apps, schema_editor) -> None:
        manager = apps.get_model(model)._default_manager
        for lookup, english in rows:
            manager.filter(name_en="", **lookup).update(name_en=english)

    return load
