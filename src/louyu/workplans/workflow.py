"""The work plan workflow (一楼一策): states, allowed transitions and the details each target
state requires. Data, not code paths: the transition service reads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    ACTIVE = "active", _("推进中")
    CLOSED = "closed", _("已关闭")


TRANSITIONS: dict[str, set[str]] = {
    State.ACTIVE: {State.CLOSED},
    # Reopening an abandoned plan when the building is still without a basic operator.
    State.CLOSED: {State.ACTIVE},
}

# Details a transition into the key state must carry (validated by the service); closing as
# abandoned also needs ``reason`` (checked in the service, it depends on the outcome).
REQUIRED: dict[str, tuple[str, ...]] = {
    State.CLOSED: ("outcome",),
    State.ACTIVE: ("reason",),
}


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("已实现入驻")
    ABANDONED = "abandoned", _("无法推进")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


OPEN_MEASURE_STATUSES = frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS})
FINAL_MEASURE_STATUSES = frozenset({MeasureStatus.DONE, MeasureStatus.CANCELLED})

# Which measure statuses an owner may report through progress (cancelling is the
# administration's decision, made by editing the measure).
REPORTABLE_STATUSES = {
    MeasureStatus.PLANNED: {MeasureStatus.IN_PROGRESS, MeasureStatus.DONE},
    MeasureStatus.IN_PROGRESS: {MeasureStatus.DONE},
}


def allowed_targets(state: str) -> set[str]:
    return set(TRANSITIONS.get(state, set()))
