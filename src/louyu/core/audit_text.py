"""Audit events in words, for the people who read the log (issue 15, item 8): who did what
to which object ("北京市通信管理局 张三 受理了申诉 TS…"), each change with its field's label
and display values instead of raw codes and ids, and the object's page when the reader may
open it (``core.visibility``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from louyu.core.labels import localized_text
from louyu.core.models import AuditEvent
from louyu.core.visibility import detail_url

# What the last part of an action (``complaint.create``, ``work_item.complete``) did.
VERBS = {
    "create": gettext_lazy("创建了"),
    "open": gettext_lazy("建立了"),
    "update": gettext_lazy("修改了"),
    "export": gettext_lazy("导出了"),
    "download": gettext_lazy("下载了"),
    "complete": gettext_lazy("办结了"),
    "done": gettext_lazy("办结了"),
    "cancelled": gettext_lazy("取消了"),
    "reopen": gettext_lazy("重新打开了"),
    "assign": gettext_lazy("分派了"),
    "accepted": gettext_lazy("受理了"),
    "rejected": gettext_lazy("不予受理"),
    "replied": gettext_lazy("答复了"),
    "closed": gettext_lazy("办结了"),
    "merged": gettext_lazy("合并了"),
    "import": gettext_lazy("导入了"),
    "confirm": gettext_lazy("确认了"),
    "rename": gettext_lazy("更名了"),
    "set": gettext_lazy("设置了"),
    "link": gettext_lazy("关联了"),
}
STATE_FIELDS = ("state", "status")


@dataclass
class EventText:
    """``who`` ``before`` <object ``label``, linked to ``url``> ``after``."""

    who: str
    before: str
    label: str
    after: str = ""
    url: str = ""
    changes: list[tuple[str, str]] = field(default_factory=list)


def _state_label(model, value: str) -> str:
    for name in STATE_FIELDS:
        try:
            choices = dict(model._meta.get_field(name).flatchoices)
        except FieldDoesNotExist:
            continue
        if value in choices:
            return str(choices[value])
    return ""


def _phrase(action: str, model) -> tuple[str, str]:
    """The words before and after the object: a verb (“受理了申诉”), a change of state
    (“将申诉 … 改为“已受理””), or the raw action for one nobody named yet."""
    kind = str(model._meta.verbose_name) if model is not None else ""
    suffix = action.rsplit(".", 1)[-1]
    if suffix in VERBS:
        return _("%(verb)s%(kind)s") % {"verb": VERBS[suffix], "kind": kind}, ""
    state = _state_label(model, suffix) if model is not None else ""
    if state:
        return _("将%(kind)s") % {"kind": kind}, _("改为“%(state)s”") % {"state": state}
    return _("执行了“%(action)s”：%(kind)s") % {"action": action, "kind": kind}, ""


class _Values:
    """Display values of one page's changes; each related row is looked up once."""

    def __init__(self) -> None:
        self.related: dict[tuple[str, Any], str] = {}

    def one(self, model_field, value) -> str:
        if value in (None, "", [], {}):
            return "—"
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if getattr(model_field, "choices", None):
            return str(dict(model_field.flatchoices).get(value, value))
        if model_field is not None and model_field.many_to_one and not isinstance(value, dict):
            return self._related(model_field.related_model, value)
        if isinstance(value, list):
            return "、".join(self.one(model_field, v) for v in value)
        if isinstance(value, dict):
            return "；".join(f"{k}：{self.one(None, v)}" for k, v in value.items())
        return str(value)

    def _related(self, model, value) -> str:
        key = (model._meta.label, value)
        if key not in self.related:
            lookup = {"pk": value} if str(value).isdigit() else {"code": value}
            try:
                row = model._default_manager.filter(**lookup).first()
            except (ValueError, FieldDoesNotExist, TypeError):
                row = None
            self.related[key] = str(row) if row is not None else str(value)
        return self.related[key]

    def change(self, model, key: str, value) -> tuple[str, str]:
        model_field = None
        if model is not None:
            try:
                model_field = model._meta.get_field(key)
            except FieldDoesNotExist:
                model_field = None
        label = str(getattr(model_field, "verbose_name", "") or key)
        if isinstance(value, list) and len(value) == 2 and model_field is not None:
            return label, f"{self.one(model_field, value[0])} → {self.one(model_field, value[1])}"
        return label, self.one(model_field, value)


def events_in_words(events: list[AuditEvent], *, user) -> list[EventText]:
    """One ``EventText`` per event, in order."""
    values = _Values()
    texts = []
    for event in events:
        model = event.object_type.model_class() if event.object_type_id else None
        actor = event.actor.display_name if event.actor_id and event.actor else ""
        who = " ".join(
            part
            for part in (
                event.actor_organization.name if event.actor_organization_id else "",
                actor or (_("系统") if event.actor_repr in ("", "system") else event.actor_repr),
            )
            if part
        )
        url = ""
        if model is not None and event.object_id:
            url = detail_url(user, model(pk=event.object_id))
        changes = event.changes if isinstance(event.changes, dict) else {"": event.changes}
        before, after = _phrase(event.action, model)
        texts.append(
            EventText(
                who=who,
                before=before,
                label=localized_text(event.object_repr) or event.object_id,
                after=after,
                url=url,
                changes=[values.change(model, key, value) for key, value in changes.items()],
            )
        )
    return texts
