"""Demo practice library and exchange meeting, made through the real services so their
history, work items and audit trail are what the application would produce.

Eleven administrations (北京, 天津, 河北, 内蒙古, 黑龙江, 上海, 江西, 山东, 陕西, 甘肃, 大连) each
publish a typical practice; at an exchange meeting organised by the ministry they present
them after the progress bulletin, the research institute presents the next joint
inspection plan, and each administration gets an action item (some already answered).
Two practices are marked adopted by other jurisdictions. Idempotent: nothing is created
when any meeting exists."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from louyu.core.models import Jurisdiction, Organization, User
from louyu.library.models import Meeting
from louyu.library.services import meetings, practices
from louyu.reporting.models import Bulletin
from louyu.reporting.workflow import BulletinState

PRACTICES = {
    "110000": ("“一楼一档”动态管理，按月核查楼宇接入情况", ["建档", "核查"]),
    "120000": ("联合市场监管部门开展商务楼宇收费专项检查", ["联合执法", "收费"]),
    "130000": ("新建楼宇光纤到户验收前置把关", ["新建楼宇", "验收"]),
    "150000": ("约谈物业与代理商并公开通报典型问题", ["约谈", "通报"]),
    "230000": ("“友好楼宇”承诺与挂牌公示", ["友好楼宇", "公示"]),
    "310000": ("12300 申诉与楼宇名录联动，快速定位问题楼宇", ["申诉", "名录"]),
    "360000": ("零运营商楼宇“一楼一策”清单化推进", ["一楼一策", "零运营商"]),
    "370000": ("公共区域资费与服务公示全覆盖", ["公示", "资费"]),
    "610000": ("住建、通信联合督导楼宇管线设施开放", ["管线设施", "住建"]),
    "620000": ("运营商入驻承诺纳入季度考核", ["入驻承诺", "考核"]),
    "210200": ("网格化巡查与“回头看”复核机制", ["巡查", "复核"]),
}
METRICS = ["multi_operator_share", "rectification_rate", "satisfaction_rate"]
ADOPTIONS = [("210200", "110000", "借鉴“一楼一档”做法，建立大连市商务楼宇接入档案。"),
             ("120000", "310000", "借鉴申诉与名录联动做法，在天津试点。")]  # fmt: skip
ANSWERED = {"110000", "310000", "370000"}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _body(name: str, title: str) -> str:
    return (
        f"## 背景\n\n{name}辖区商务楼宇宽带接入问题集中，群众反映较多。\n\n"
        f"## 主要做法\n\n1. {title}；\n2. 建立问题清单、责任清单和整改清单；\n"
        "3. 定期调度、通报进展。\n\n## 工作成效\n\n多运营商覆盖比例稳步提升，"
        "申诉满意率明显提高。"
    )


def create_demo_library() -> int:
    """Publish the eleven practices and record the meeting; returns the number of
    practices created (0 when the demo library exists or its organisations are missing)."""
    if Meeting.objects.exists():
        return 0
    ministry = Organization.objects.filter(code="ministry").first()
    caict = Organization.objects.filter(code="caict").first()
    admins = {
        o.jurisdiction.code: o
        for o in Organization.objects.filter(
            code__in=[f"ca-{code}" for code in PRACTICES]
        ).select_related("jurisdiction")
    }
    if ministry is None or caict is None or len(admins) < len(PRACTICES):
        return 0
    minister = _user("ministry")
    today = timezone.localdate()
    with transaction.atomic():
        made = {}
        for code, (title, tags) in PRACTICES.items():
            jurisdiction = Jurisdiction.objects.get(code=code)
            author = _user(f"ca-{code}")
            practice = practices.practice_create(
                actor=author,
                jurisdiction=jurisdiction,
                title=title,
                summary=f"{jurisdiction.name}：{title}。",
                body=_body(jurisdiction.name, title),
                tags=tags,
                metrics=METRICS[: 1 + len(made) % 3],
                started_on=today - datetime.timedelta(days=120),
            )
            practices.practice_transition(actor=None, practice=practice, to="reviewed")
            practices.practice_transition(actor=minister, practice=practice, to="published")
            made[code] = practice
        for adopter, source, what in ADOPTIONS:
            user = _user(f"ca-{adopter}")
            if user is not None:
                practices.practice_adopt(actor=user, practice=made[source], what=what)
        meeting = meetings.meeting_create(
            actor=None,
            organizer=ministry,
            title="商务楼宇宽带接入市场联合整治工作经验交流会",
            date=today - datetime.timedelta(days=7),
            kind="video",
            participants=[*admins.values(), caict],
            minutes=(
                "会议通报了联合整治工作进展，11 个通信管理局交流了典型经验做法，"
                "信通院介绍了下一阶段联合检查工作方案。会议要求各管理局对照先进做法查找差距，"
                "在 30 日内报送整改提升措施。"
            ),
        )
        bulletin = Bulletin.objects.filter(state=BulletinState.PUBLISHED).order_by("-period")
        meetings.agenda_item_add(
            actor=None, meeting=meeting, kind="bulletin", title="通报联合整治工作进展",
            presenter=ministry, bulletin=bulletin.first(),
        )  # fmt: skip
        for code, practice in made.items():
            meetings.agenda_item_add(
                actor=None, meeting=meeting, kind="practice", title=practice.title,
                presenter=admins[code], practice=practice,
            )  # fmt: skip
        meetings.agenda_item_add(
            actor=None, meeting=meeting, kind="plan", title="下一阶段联合检查工作方案",
            presenter=caict,
        )  # fmt: skip
        for code, admin in admins.items():
            item = meetings.action_item_add(
                actor=None,
                meeting=meeting,
                requirement="对照交流的典型经验做法查找差距，报送本辖区整改提升措施。",
                assignee=admin,
                due_date=today + datetime.timedelta(days=23),
            )
            responder = _user(f"ca-{code}")
            if code in ANSWERED and responder is not None:
                meetings.action_item_transition(
                    actor=responder,
                    item=item,
                    to="done",
                    response="已制定整改提升措施并印发辖区各地市执行。",
                )
    return len(made)
