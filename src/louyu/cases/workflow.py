"""The rectification case workflow (问题楼宇整治): states, allowed transitions and the
details each target state requires. Data, not code paths: the transition service reads it.
Supervision (挂牌督办) is a flag with a supervisor on the case, not a state."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    IDENTIFIED = "identified", _("已立案")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("待验收")
    RECTIFIED = "rectified", _("已整改")
    CLOSED_UNRESOLVED = "closed_unresolved", pgettext_lazy("case state", "未解决结案")


TRANSITIONS: dict[str, set[str]] = {
    State.IDENTIFIED: {State.RECTIFYING, State.CLOSED_UNRESOLVED},
    State.RECTIFYING: {State.AWAITING_ACCEPTANCE, State.CLOSED_UNRESOLVED},
    # Acceptance decides: passed → rectified, failed → back to rectifying (new deadline).
    State.AWAITING_ACCEPTANCE: {State.RECTIFIED, State.RECTIFYING, State.CLOSED_UNRESOLVED},
    State.RECTIFIED: set(),
    State.CLOSED_UNRESOLVED: set(),
}

# Details a transition into the key state must carry (validated by the service).
REQUIRED: dict[str, tuple[str, ...]] = {
    State.RECTIFIED: ("acceptance",),
    State.CLOSED_UNRESOLVED: ("reason",),
}

FINAL_STATES = frozenset({State.RECTIFIED, State.CLOSED_UNRESOLVED})
OPEN_STATES = frozenset(set(State.values) - FINAL_STATES)
# States in which the rectification deadline runs.
DEADLINE_STATES = frozenset({State.RECTIFYING})


class Severity(models.TextChoices):
    GENERAL = "general", pgettext_lazy("severity", "一般")
    SERIOUS = "serious", _("较重")
    MAJOR = "major", _("严重")


class Source(models.TextChoices):
    MANUAL = "manual", _("人工立案")
    COMPLAINT = "complaint", _("申诉转立案")
    OPERATOR_REPORT = "operator_report", _("运营商报告进场受阻")
    INSPECTION = "inspection", _("检查发现")


class ResponsibleParty(models.TextChoices):
    PROPERTY_COMPANY = "property_company", _("物业公司")
    OWNER = "owner", _("业主")
    ACCESS_AGENT = "access_agent", _("接入代理商")
    OPERATOR = "operator", _("基础电信企业")


class SupervisionLevel(models.TextChoices):
    NONE = "", _("无")
    ADMINISTRATION = "administration", _("管理局挂牌督办")
    MINISTRY = "ministry", _("工信部挂牌督办")


class MeasureStatus(models.TextChoices):
    OPEN = "open", _("待完成")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ActionKind(models.TextChoices):
    ORDER_TO_RECTIFY = "order_to_rectify", _("责令整改")
    SUMMONS = "summons", _("约谈")
    PUBLIC_CRITICISM = "public_criticism", _("通报批评")
    PENALTY = "penalty", _("行政处罚")
    REFERRAL = "referral", _("移送")


def allowed_targets(state: str) -> set[str]:
    return set(TRANSITIONS.get(state, set()))
