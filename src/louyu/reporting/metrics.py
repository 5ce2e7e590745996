"""Every metric of DESIGN.md, defined once: what it counts, its numerator and denominator,
its unit, and the additive measures it is computed from.

A *measure* is an additive daily count kept by the rollup (``rollup.timelines`` says how
each is read from the domain apps' append-only histories): a *flow* counts events on a day
(a complaint received, a case rectified); a *level* stores the change of a count on a day
(a building becoming zero-operator adds one, one gaining an operator takes it away), so the
level as of a day is the sum of its changes up to that day. Each metric is a level as of
the end of a period, a flow over the period, a rate of two of those, or the median of a
histogram of whole days. Everything is computable for any jurisdiction and city, any
period, cumulatively (from the first day) and as of any past date.

Effective dates: a presence change counts from its ``since`` (else the day it was
recorded); a building from the day it was registered; a complaint from the day it was
received; a status change (complaint, case, work plan) from the time it was recorded; an
enforcement action from its date. A correction recorded later with an earlier effective
date changes past figures; the figures frozen in a submitted report never change."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from louyu.cases.workflow import ActionKind

# Whole days are counted in a histogram up to this many; longer durations count here.
HISTOGRAM_CAP = 365


class Kind(StrEnum):
    LEVEL = "level"  # a count as of the end of the period
    FLOW = "flow"  # events during the period
    RATE = "rate"  # numerator / denominator, in percent
    MEDIAN = "median"  # median of whole days over the events of the period


class Measure:
    """Codes of the stored measures (``Figure.measure``)."""

    REGISTERED = "b.registered"  # level: registered active buildings
    MULTI = "b.multi"  # level: buildings served by two or more basic operators
    ZERO = "b.zero"  # level: buildings served by no basic operator
    ZERO_PLANNED = "b.zero_planned"  # level: zero-operator buildings with an active plan
    ENTRIES = "b.entries"  # flow: a basic operator begins to serve a building
    CASES_OPENED = "c.opened"  # flow
    CASES_RECTIFIED = "c.rectified"  # flow
    KEY_CASES_OPEN = "c.key_open"  # level
    RECTIFY_DAYS = "c.rectify_days"  # flow histogram: c.rectify_days.<days>
    ACTIONS = "c.action"  # flow by kind: c.action.<kind>
    RECEIVED = "q.received"
    REPEATS = "q.repeat"
    DECIDED = "q.decided"
    DECIDED_ON_TIME = "q.decided_on_time"
    REPLIED = "q.replied"
    REPLIED_ON_TIME = "q.replied_on_time"
    SUBSTANTIATED = "q.substantiated"
    CALLBACKS = "q.callbacks"
    SATISFIED = "q.satisfied"
    REPLY_DAYS = "q.reply_days"  # flow histogram: q.reply_days.<days>


LEVEL_MEASURES = frozenset(
    {Measure.REGISTERED, Measure.MULTI, Measure.ZERO, Measure.ZERO_PLANNED, Measure.KEY_CASES_OPEN}
)
HISTOGRAMS = frozenset({Measure.RECTIFY_DAYS, Measure.REPLY_DAYS})


def histogram_measure(prefix: str, days: int) -> str:
    return f"{prefix}.{min(max(days, 0), HISTOGRAM_CAP)}"


def action_measure(kind: str) -> str:
    return f"{Measure.ACTIONS}.{kind}"


class Group(StrEnum):
    BUILDINGS = "buildings"
    CASES = "cases"
    COMPLAINTS = "complaints"


GROUP_LABELS = {
    Group.BUILDINGS: _("楼宇与入驻"),
    Group.CASES: _("问题楼宇整治"),
    Group.COMPLAINTS: _("申诉处理"),
}


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    group: Group
    kind: Kind
    unit: str
    definition: str
    numerator: str
    denominator: str = ""
    # The measure(s) summed for the numerator and for the denominator; for a rate, how
    # each is summed (level as of the end, or flow over the period).
    measure: str = ""
    denominator_measure: str = ""
    rate_of: Kind = Kind.FLOW
    higher_is_better: bool = True
    breakdown: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_rate(self) -> bool:
        return self.kind == Kind.RATE


BUILDINGS, CASES, COMPLAINTS = Group.BUILDINGS, Group.CASES, Group.COMPLAINTS

METRICS: tuple[Metric, ...] = (
    Metric(
        "buildings_registered",
        # In context: elsewhere the same words are the button "register a building".
        pgettext_lazy("metric", "登记楼宇"),
        BUILDINGS,
        Kind.LEVEL,
        _("栋"),
        _("截至期末已登记的有效商务楼宇数。"),
        _("登记日期不晚于期末、仍有效的楼宇"),
        measure=Measure.REGISTERED,
    ),
    Metric(
        "multi_operator_share",
        _("两家以上基础运营商覆盖率"),
        BUILDINGS,
        Kind.RATE,
        "%",
        _("截至期末，有两家及以上基础电信企业在服务的楼宇占登记楼宇的比例。"),
        _("期末在服务的基础电信企业不少于两家的楼宇"),
        _("期末登记楼宇"),
        measure=Measure.MULTI,
        denominator_measure=Measure.REGISTERED,
        rate_of=Kind.LEVEL,
    ),
    Metric(
        "zero_operator_buildings",
        _("零运营商楼宇"),
        BUILDINGS,
        Kind.LEVEL,
        _("栋"),
        _("截至期末没有任何基础电信企业在服务的登记楼宇数。"),
        _("期末在服务的基础电信企业为零的楼宇"),
        measure=Measure.ZERO,
        higher_is_better=False,
    ),
    Metric(
        "zero_operator_plan_share",
        _("零运营商楼宇制定方案比例"),
        BUILDINGS,
        Kind.RATE,
        "%",
        _("截至期末，有推进中“一楼一策”工作方案的零运营商楼宇所占比例。"),
        _("期末有推进中工作方案的零运营商楼宇"),
        _("期末零运营商楼宇"),
        measure=Measure.ZERO_PLANNED,
        denominator_measure=Measure.ZERO,
        rate_of=Kind.LEVEL,
    ),
    Metric(
        "operator_entries",
        _("新进入楼宇"),
        BUILDINGS,
        Kind.FLOW,
        _("栋次"),
        _("期内基础电信企业开始在楼宇提供服务的次数（一栋楼宇有两家企业进入计两栋次）。"),
        _("起始日期在期内、由未服务变为在服务的入驻记录"),
        measure=Measure.ENTRIES,
    ),
    Metric(
        "problem_buildings",
        _("发现问题楼宇"),
        CASES,
        Kind.FLOW,
        _("栋次"),
        _("期内立案整治的问题楼宇数（每件整治案件计一栋次）。"),
        _("立案时间在期内的整治案件"),
        measure=Measure.CASES_OPENED,
        higher_is_better=False,
    ),
    Metric(
        "cases_rectified",
        _("完成整改"),
        CASES,
        Kind.FLOW,
        _("件"),
        _("期内验收通过、完成整改的案件数。"),
        _("转为“已整改”的时间在期内的案件"),
        measure=Measure.CASES_RECTIFIED,
    ),
    Metric(
        "rectification_rate",
        _("整改率"),
        CASES,
        Kind.RATE,
        "%",
        _("截至期末，已整改的案件占累计立案案件的比例。"),
        _("期末状态为“已整改”的案件"),
        _("期末前立案的全部案件"),
        measure=Measure.CASES_RECTIFIED,
        denominator_measure=Measure.CASES_OPENED,
        rate_of=Kind.LEVEL,
    ),
    Metric(
        "open_key_cases",
        _("在办重点案件"),
        CASES,
        Kind.LEVEL,
        _("件"),
        _("截至期末仍在办、且挂牌督办的重点案件数。"),
        _("期末未结案且处于挂牌督办的案件"),
        measure=Measure.KEY_CASES_OPEN,
        higher_is_better=False,
    ),
    Metric(
        "median_days_to_rectify",
        _("整改用时中位数"),
        CASES,
        Kind.MEDIAN,
        _("天"),
        _("期内完成整改的案件，自立案到验收通过的整天数的中位数。"),
        _("期内完成整改的案件的整改用时"),
        measure=Measure.RECTIFY_DAYS,
        higher_is_better=False,
    ),
    Metric(
        "enforcement_actions",
        _("执法措施"),
        CASES,
        Kind.FLOW,
        _("次"),
        _("期内登记的执法措施数，按责令整改、约谈、通报批评、行政处罚、移送分列。"),
        _("措施日期在期内的执法措施"),
        measure=Measure.ACTIONS,
        breakdown=tuple((kind.value, kind.label) for kind in ActionKind),
    ),
    Metric(
        "complaints_received",
        _("收到申诉"),
        COMPLAINTS,
        Kind.FLOW,
        _("件"),
        _("期内收到的申诉数（各渠道）。"),
        _("收到时间在期内的申诉"),
        measure=Measure.RECEIVED,
        higher_is_better=False,
    ),
    Metric(
        "acceptance_on_time_rate",
        _("按时受理率"),
        COMPLAINTS,
        Kind.RATE,
        "%",
        _("期内作出受理决定（受理或不予受理）的申诉中，在受理时限内决定的比例。"),
        _("期内在受理时限内作出受理决定的申诉"),
        _("期内作出受理决定的申诉"),
        measure=Measure.DECIDED_ON_TIME,
        denominator_measure=Measure.DECIDED,
    ),
    Metric(
        "reply_on_time_rate",
        _("按时答复率"),
        COMPLAINTS,
        Kind.RATE,
        "%",
        _("期内的答复中，在答复时限内作出的比例。"),
        _("期内在答复时限内作出的答复"),
        _("期内作出的答复"),
        measure=Measure.REPLIED_ON_TIME,
        denominator_measure=Measure.REPLIED,
    ),
    Metric(
        "substantiated_rate",
        _("申诉属实率"),
        COMPLAINTS,
        Kind.RATE,
        "%",
        _("期内的答复中，核查结论为属实或部分属实的比例。"),
        _("期内结论为属实或部分属实的答复"),
        _("期内作出的答复"),
        measure=Measure.SUBSTANTIATED,
        denominator_measure=Measure.REPLIED,
        higher_is_better=False,
    ),
    Metric(
        "satisfaction_rate",
        _("满意率"),
        COMPLAINTS,
        Kind.RATE,
        "%",
        _("期内回访中，申诉人评价满意（4 或 5 分）的比例。"),
        _("期内评价为满意的回访"),
        _("期内的回访"),
        measure=Measure.SATISFIED,
        denominator_measure=Measure.CALLBACKS,
    ),
    Metric(
        "repeat_rate",
        _("重复申诉率"),
        COMPLAINTS,
        Kind.RATE,
        "%",
        _("期内收到的申诉中，同一楼宇同一类别在此前 90 天内已有办结申诉的比例。"),
        _("期内收到的重复申诉"),
        _("期内收到的申诉"),
        measure=Measure.REPEATS,
        denominator_measure=Measure.RECEIVED,
        higher_is_better=False,
    ),
    Metric(
        "median_days_to_reply",
        _("答复用时中位数"),
        COMPLAINTS,
        Kind.MEDIAN,
        _("天"),
        _("期内的答复，自受理到答复的整天数的中位数。"),
        _("期内答复的申诉的答复用时"),
        measure=Measure.REPLY_DAYS,
        higher_is_better=False,
    ),
)

BY_CODE: dict[str, Metric] = {metric.code: metric for metric in METRICS}
# The metrics of the headline cards, in order.
HEADLINE = (
    "buildings_registered",
    "zero_operator_buildings",
    "multi_operator_share",
    "problem_buildings",
    "rectification_rate",
    "complaints_received",
    "reply_on_time_rate",
    "satisfaction_rate",
)


def metric(code: str) -> Metric:
    """The metric with this code; ``KeyError`` for an unknown one."""
    return BY_CODE[code]
