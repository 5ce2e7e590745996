"""The library's workflows: a practice goes draft → reviewed → published, and an action
item agreed at a meeting goes open → done by its assignee's response. Data, not code
paths: the transition services read these tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")


PRACTICE_TRANSITIONS: dict[str, set[str]] = {
    PracticeState.DRAFT: {PracticeState.REVIEWED},
    # A reviewer may send a practice back for rework; a published one may be withdrawn.
    PracticeState.REVIEWED: {PracticeState.PUBLISHED, PracticeState.DRAFT},
    PracticeState.PUBLISHED: {PracticeState.DRAFT},
}

# Details a transition must carry, by (from, to); sending back or withdrawing says why.
PRACTICE_REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    (PracticeState.REVIEWED, PracticeState.DRAFT): ("reason",),
    (PracticeState.PUBLISHED, PracticeState.DRAFT): ("reason",),
}

# The permission each target state needs (besides seeing the practice's jurisdiction).
PRACTICE_PERMISSION: dict[str, str] = {
    PracticeState.REVIEWED: "library.review_practice",
    PracticeState.PUBLISHED: "library.publish_practice",
    PracticeState.DRAFT: "library.review_practice",
}


class ActionState(models.TextChoices):
    OPEN = "open", _("待落实")
    DONE = "done", _("已落实")


ACTION_TRANSITIONS: dict[str, set[str]] = {
    ActionState.OPEN: {ActionState.DONE},
    ActionState.DONE: set(),
}

ACTION_REQUIRED: dict[str, tuple[str, ...]] = {ActionState.DONE: ("response",)}


class MeetingKind(models.TextChoices):
    VIDEO = "video", _("视频会议")
    ON_SITE = "on_site", _("现场会议")


class AgendaKind(models.TextChoices):
    BULLETIN = "bulletin", _("通报工作进展")
    PRACTICE = "practice", _("典型经验交流")
    PLAN = "plan", _("联合检查工作方案")
    OTHER = "other", _("其他")


def practice_targets(state: str) -> set[str]:
    return set(PRACTICE_TRANSITIONS.get(state, set()))


def action_targets(state: str) -> set[str]:
    return set(ACTION_TRANSITIONS.get(state, set()))
