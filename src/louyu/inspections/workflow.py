"""The inspection plan workflow (联合调研检查方案): states and allowed transitions. Data, not
code paths: the transition service reads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    RUNNING = "running", _("实施中")
    CLOSED = "closed", _("已结束")


TRANSITIONS: dict[str, set[str]] = {
    State.DRAFT: {State.APPROVED},
    State.APPROVED: {State.RUNNING},
    State.RUNNING: {State.CLOSED},
    State.CLOSED: set(),
}

# Plans in these states are visible to the administrations and departments taking part
# (a draft is seen only by its planner and the ministry/institute).
PUBLISHED_STATES = frozenset({State.APPROVED, State.RUNNING, State.CLOSED})


class StratumKind(models.TextChoices):
    """The strata a sampling specification may use. Which buildings each one claims is the
    rule in ``sampling.stratum_candidates``."""

    ZERO_OPERATOR = "zero_operator", _("零运营商楼宇")
    OPEN_CASE = "open_case", _("有未结整治案件的楼宇")
    COMPLAINT_HOTSPOT = "complaint_hotspot", _("投诉热点楼宇")
    SINGLE_OPERATOR = "single_operator", _("仅一家运营商服务的楼宇")
    RANDOM_REST = "random_rest", _("其余楼宇随机抽取")


class SamplingMethod(models.TextChoices):
    """How a plan's sample is drawn from its specification and seed (``sampling``). A plan
    keeps the method it was created with, so drawing it again draws the same sample."""

    IDS = "ids", _("读取全部候选楼宇后抽取")
    POSITIONS = "positions", _("按位置抽取")


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("是/否")
    CHOICE = "choice", _("单选")
    NUMBER = "number", _("数值")
    OPERATORS = "operators", _("运营商")
    TEXT = "text", _("文字")


class Evidence(models.TextChoices):
    NONE = "none", _("无需佐证")
    PHOTO = "photo", _("现场照片")
    PHOTO_ON_FAIL = "photo_on_fail", _("不合格时需现场照片")
    DOCUMENT = "document", _("书面材料照片")


def allowed_targets(state: str) -> set[str]:
    return set(TRANSITIONS.get(state, set()))


class Outcome(models.TextChoices):
    INSPECTED = "inspected", _("已检查")
    COULD_NOT_INSPECT = "could_not_inspect", _("未能检查")


class NotInspectedReason(models.TextChoices):
    ENTRY_REFUSED = "entry_refused", _("拒绝进入")
    CLOSED = "closed", _("楼宇关闭")
    OTHER = "other", _("其他原因")


class CaptureSource(models.TextChoices):
    EXIF = "exif", _("照片拍摄时间")
    UPLOAD = "upload", _("上传时间（照片无拍摄时间）")
