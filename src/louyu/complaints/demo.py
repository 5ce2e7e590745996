"""Demo complaints over the demo buildings, filed and moved through the real services so
their history, deadlines, work items and audit trail are what the application would
produce. Deterministic for a seed (apart from the random tracking and query codes) and
idempotent: nothing is created when demo complaints already exist."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.complaints import services
from louyu.complaints.models import Category, Channel, Complaint, PublicRating
from louyu.complaints.services import Intake
from louyu.complaints.workflow import RefusalReason, ReplyResult, State
from louyu.core.models import User

DEMO_MARK = "（演示）"
FAVOURED_JURISDICTIONS = ("110000", "210200")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平"]
COMPANIES = ["星辰科技", "远航贸易", "青禾设计", "汇通咨询", "云帆网络", "百川律师", "博雅教育"]
DESCRIPTIONS = {
    "exclusive_deal": "物业与一家代理商签了独家协议，其他运营商都进不来，我们只能用这一家的宽带。",
    "forced_service": "入驻时物业要求必须办理指定宽带，否则不给办理入驻手续。",
    "entry_blocked": "我们申请了联通宽带，联通师傅到楼下被物业拦住，不让进场施工。",
    "facility_restricted": "竖井和弱电间被物业锁住，运营商无法布线，已经拖了一个多月。",
    "unreasonable_fee": "物业向运营商收取每年数万元的进场费，最后转嫁到租户的宽带资费上。",
    "forced_contractor": "只能通过物业指定的施工单位布线，报价是市场价的三倍。",
    "resale_markup": "代理商转售的宽带比运营商官方资费贵一倍，而且不开发票。",
    "no_public_notice": "楼内没有公示宽带服务项目、资费和投诉电话。",
    "new_building_standard": "新建写字楼没有光纤到户，每层只有一根网线。",
    "service_quality": "网速远低于签约带宽，每天下午经常断网，报修一周无人处理。",
    "other": "楼内宽带接入问题，物业和代理商互相推诿，希望主管部门协调。",
}
REPLIES = {
    ReplyResult.SUBSTANTIATED: "经现场核查，情况属实。已责令物业限期开放进场，运营商已完成布线。",
    ReplyResult.PARTLY: "经核查，部分属实。已约谈物业公司并要求整改公示内容，其余诉求不属实。",
    ReplyResult.NOT_SUBSTANTIATED: "经现场核查，楼内已有多家运营商提供服务，未发现阻碍进场情况。",
}
PATHS: dict[str, list[str]] = {
    State.SUBMITTED: [],
    State.ACCEPTED: [State.ACCEPTED],
    State.REJECTED: [State.REJECTED],
    State.VERIFYING: [State.ACCEPTED, State.VERIFYING],
    State.HANDLING: [State.ACCEPTED, State.VERIFYING, State.HANDLING],
    State.SUSPENDED: [State.ACCEPTED, State.SUSPENDED],
    State.REPLIED: [State.ACCEPTED, State.VERIFYING, State.HANDLING, State.REPLIED],
    State.REOPENED: [State.ACCEPTED, State.HANDLING, State.REPLIED, State.REOPENED],
    State.CLOSED: [State.ACCEPTED, State.VERIFYING, State.HANDLING, State.REPLIED, State.CLOSED],
}
# The mix of final states (merged duplicates are made apart, against earlier complaints).
TARGETS = [
    State.SUBMITTED,
    State.SUBMITTED,
    State.ACCEPTED,
    State.VERIFYING,
    State.HANDLING,
    State.HANDLING,
    State.SUSPENDED,
    State.REPLIED,
    State.CLOSED,
    State.CLOSED,
    State.CLOSED,
    State.REJECTED,
]
MERGE_EVERY = 20


def demo_complaints_exist() -> bool:
    return Complaint.objects.filter(complainant_company__endswith=DEMO_MARK).exists()


def _details(to: str, rng: random.Random, master: Complaint | None = None) -> dict:
    if to == State.REJECTED:
        return {"refusal_reason": rng.choice(RefusalReason.values)}
    if to == State.SUSPENDED:
        return {"reason": "请申诉人补充租赁合同和物业收费凭证。"}
    if to == State.REPLIED:
        result = rng.choice(ReplyResult.values)
        return {"result": result, "reply_text": REPLIES[ReplyResult(result)]}
    if to == State.REOPENED:
        return {"reason": "回访时申诉人表示问题仍未解决。"}
    if to == State.CLOSED:
        satisfaction = rng.choice([5, 5, 4, 4, 3, 2])
        return {"satisfaction": satisfaction, "resolved": satisfaction >= 4}
    if to == State.MERGED:
        return {"master": master}
    return {}


class _Actors:
    """One handling user per organisation (None, i.e. the system, when it has none)."""

    def __init__(self) -> None:
        self._cache: dict[int, User | None] = {}

    def for_org(self, org_id: int) -> User | None:
        if org_id not in self._cache:
            users = User.objects.filter(organization_id=org_id, is_active=True).order_by("pk")
            self._cache[org_id] = next(
                (u for u in users if u.has_perm("complaints.change_complaint")), None
            )
        return self._cache[org_id]


def _pick_buildings(rng: random.Random) -> list[Building]:
    qs = Building.objects.filter(is_active=True).select_related("jurisdiction").order_by("pk")
    favoured = list(qs.filter(jurisdiction__code__in=FAVOURED_JURISDICTIONS)[:400])
    others = list(qs.exclude(jurisdiction__code__in=FAVOURED_JURISDICTIONS)[:400])
    return favoured * 2 + others if favoured else others


@transaction.atomic
def create_demo_complaints(*, count: int = 200, seed: int = 1) -> int:
    """File ``count`` demo complaints (every channel, category and state; some due soon or
    overdue; some merged duplicates and one reopened). Returns how many were created; 0
    when demo complaints exist already or there are no buildings."""
    if count < 1 or demo_complaints_exist():
        return 0
    rng = random.Random(seed)
    buildings = _pick_buildings(rng)
    if not buildings:
        return 0
    categories = list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))
    channels = list(Channel.values)
    actors = _Actors()
    now = timezone.now()
    created: list[Complaint] = []
    reopened = False
    for i in range(count):
        category = categories[i % len(categories)]
        channel = channels[i % len(channels)]
        merge_master = None
        if i and i % MERGE_EVERY == 0:
            # A duplicate of an earlier, unmerged complaint: same building and category.
            merge_master = rng.choice([c for c in created if c.state != State.MERGED])
            building, category = merge_master.building, merge_master.category
            received = merge_master.received_at + datetime.timedelta(days=rng.randint(0, 3))
            received = min(received, now - datetime.timedelta(hours=1))
            target = State.MERGED
        else:
            building = rng.choice(buildings)
            target = TARGETS[i % len(TARGETS)]
            if not reopened and target == State.REPLIED:
                target, reopened = State.REOPENED, True
            # Waiting for acceptance: a spread that puts some due soon, some overdue.
            days = rng.randint(0, 14) if target == State.SUBMITTED else rng.randint(8, 110)
            received = now - datetime.timedelta(days=days, minutes=rng.randint(10, 600))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else "")
        complaint, _secret = services.complaint_create(
            actor=None,
            intake=Intake(
                channel=channel,
                category=category,
                description=DESCRIPTIONS.get(category.code, DESCRIPTIONS["other"]),
                complainant_name=name,
                complainant_phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                complainant_company=f"{rng.choice(COMPANIES)}有限公司{DEMO_MARK}",
                building=building,
                received_at=received,
            ),
        )
        actor = actors.for_org(complaint.handler_id)
        path = [State.MERGED] if target == State.MERGED else PATHS[target]
        for to in path:
            services.complaint_transition(
                actor=actor, complaint=complaint, to=to, **_details(to, rng, merge_master)
            )
        if complaint.state in (State.REPLIED, State.CLOSED) and i % 4 == 0:
            PublicRating.objects.create(
                complaint=complaint, satisfaction=rng.randint(2, 5), resolved=bool(i % 8)
            )
        created.append(complaint)
    return len(created)
