"""The complaint workflow (after 电信用户申诉处理办法): states, allowed transitions and the
details each target state requires. Data, not code paths: the transition service reads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    VERIFYING = "verifying", _("核查中")
    HANDLING = "handling", _("处理中")
    SUSPENDED = "suspended", _("已中止（待补充材料）")
    REPLIED = "replied", _("已答复")
    REOPENED = "reopened", _("重新处理")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


TRANSITIONS: dict[str, set[str]] = {
    State.SUBMITTED: {State.ACCEPTED, State.REJECTED, State.MERGED},
    State.ACCEPTED: {State.VERIFYING, State.HANDLING, State.SUSPENDED, State.MERGED},
    State.VERIFYING: {State.HANDLING, State.SUSPENDED},
    State.HANDLING: {State.REPLIED, State.SUSPENDED},
    # Resuming returns to the state the complaint was suspended from (checked in the service).
    State.SUSPENDED: {State.ACCEPTED, State.VERIFYING, State.HANDLING},
    State.REPLIED: {State.CLOSED, State.REOPENED},
    State.REOPENED: {State.HANDLING},
    State.REJECTED: set(),
    State.CLOSED: set(),
    State.MERGED: set(),
}

# Details a transition into the key state must carry (validated by the service).
REQUIRED: dict[str, tuple[str, ...]] = {
    State.REJECTED: ("refusal_reason",),
    State.SUSPENDED: ("reason",),
    State.REPLIED: ("result", "reply_text"),
    State.CLOSED: ("satisfaction", "resolved"),
    State.REOPENED: ("reason",),
    State.MERGED: ("master",),
}

OPEN_STATES = frozenset(
    {
        State.SUBMITTED,
        State.ACCEPTED,
        State.VERIFYING,
        State.HANDLING,
        State.SUSPENDED,
        State.REOPENED,
    }
)
FINAL_STATES = frozenset({State.REJECTED, State.CLOSED, State.MERGED})
# States in which the reply clock runs (after acceptance, not paused, not yet replied).
REPLY_CLOCK_STATES = frozenset({State.ACCEPTED, State.VERIFYING, State.HANDLING, State.REOPENED})


class RefusalReason(models.TextChoices):
    """The reasons a complaint may be refused (电信用户申诉处理办法 第十二条)."""

    OUT_OF_SCOPE = "out_of_scope", _("不属于受理范围")
    FEE_DISPUTE_TOO_OLD = "fee_dispute_too_old", _("费用争议超过五个月")
    TOO_OLD = "too_old", _("其他事项超过两年")
    ALREADY_SETTLED = "already_settled", _("已经处理完毕且无新情况、新理由")
    ALREADY_ACCEPTED = "already_accepted", _("已经受理或正在处理")
    OTHER_AUTHORITY = "other_authority", _("已由法院、仲裁机构或其他部门受理或处理")
    OPERATOR_FIRST = "operator_first", _("未先向电信企业投诉，或企业处理未满十五日")


class ReplyResult(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("属实")
    PARTLY = "partly", _("部分属实")
    NOT_SUBSTANTIATED = "not", _("不属实")


def allowed_targets(state: str) -> set[str]:
    return set(TRANSITIONS.get(state, set()))
