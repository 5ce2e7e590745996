"""Demo work plans (一楼一策) over the demo buildings, made through the real services so
their history, work items and audit trail are what the application would produce.

Among the zero-operator buildings of 北京 (110000), 大连 (210200) and a few other
jurisdictions about half get a plan with several measures owned by the administration, an
operator branch, the joint department and a demo property company; some have progress,
some are overdue (their due dates are moved into the past afterwards, which no service
allows), one building is now served (the plan is active with the "now served" banner), and
a few plans are closed. Idempotent: nothing is created when any plan exists."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from louyu.buildings import services as building_services
from louyu.buildings.models import Building, PresenceSource, PresenceStatus
from louyu.core import calendar
from louyu.core.demo import demo_property_company
from louyu.core.models import Organization, User, WorkItem
from louyu.workplans import services
from louyu.workplans.models import MeasureKind, PlanMeasure, WorkPlan

MAIN_JURISDICTIONS = {
    # jurisdiction: (operator branch that commits, demo address for extra buildings)
    "110000": ("op-telecom-110000", "北京市海淀区中关村大街{n}号"),
    "210200": ("op-mobile-210200", "辽宁省大连市中山区人民路{n}号"),
}
OTHER_JURISDICTIONS = ("310000", "440000", "320000")
PER_MAIN = 6
PER_OTHER = 2
GOAL = "推动至少一家基础电信企业在{date}前入驻并提供服务，消除零运营商楼宇。"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _zero_buildings(code: str, count: int, address: str | None) -> list[Building]:
    found = list(
        Building.objects.filter(jurisdiction__code=code, operator_count=0, is_active=True)
        .select_related("jurisdiction")
        .order_by("pk")[:count]
    )
    n = 100
    while address and len(found) < count:
        n += 1
        found.append(
            building_services.building_create(
                actor=None, name=f"演示零运营商楼宇{n}号楼", address=address.format(n=n)
            )
        )
    return found


def _backdate(measure: PlanMeasure, days: int) -> None:
    """Make a demo measure overdue (no service accepts a due date in the past)."""
    due = timezone.localdate() - datetime.timedelta(days=days)
    PlanMeasure.objects.filter(pk=measure.pk).update(due_date=due)
    WorkItem.objects.filter(object_id=str(measure.pk), kind="work_plan_measure").update(
        due_at=calendar.Deadline.ending_on(due).due_at
    )


@transaction.atomic
def create_demo_work_plans() -> int:
    """Create the demo plans; returns how many were created (0 when plans exist)."""
    if WorkPlan.objects.exists():
        return 0
    kinds = {k.code: k for k in MeasureKind.objects.all()}
    today = timezone.localdate()
    ministry = _user("ministry")
    created = 0
    for code, (branch_code, address) in MAIN_JURISDICTIONS.items():
        admin = _user(f"ca-{code}")
        branch = Organization.objects.filter(code=branch_code).first()
        admin_org = Organization.objects.filter(code=f"ca-{code}").first()
        samr = Organization.objects.filter(code=f"samr-{code}").first()
        if admin is None or branch is None or admin_org is None:
            continue
        buildings = _zero_buildings(code, PER_MAIN, address)
        if not buildings:
            continue
        property_org, _pm = demo_property_company(code)
        operator_user = _user(branch_code)
        for index, building in enumerate(buildings[: PER_MAIN // 2]):
            plan = services.work_plan_create(
                actor=admin,
                building=building,
                goal=GOAL.format(date=f"{today.year + 1}-06-30"),
                target_date=today + datetime.timedelta(days=180 + 30 * index),
            )
            created += 1

            def add(kind, title, owner, days, entry=None, plan=plan, admin=admin):
                return services.measure_add(
                    actor=admin,
                    plan=plan,
                    kind=kinds[kind],
                    title=title,
                    owner=owner,
                    due_date=today + datetime.timedelta(days=days),
                    committed_entry_date=entry,
                )

            talk = add("talk_property", "约谈物业公司，要求开放弱电井和进场条件", admin_org, 7)
            services.progress_report(
                actor=admin,
                measure=talk,
                text="已约谈物业公司负责人，物业同意提供竖井使用方案。",
                new_status="done",
            )
            if samr is not None:
                visit = add("joint_site_visit", "会同市场监管部门现场查看", samr, 20)
                _backdate(visit, 3 + index)  # overdue
            riser = add("shared_riser", "物业配合共建共享竖井管道", property_org, 45)
            commitment = add(
                "operator_commitment",
                f"{branch.short_name or branch.name}承诺入驻",
                branch,
                60,
                entry=today + datetime.timedelta(days=60),
            )
            if operator_user is not None:
                services.progress_report(
                    actor=operator_user,
                    measure=commitment,
                    text="已完成现场勘察，正在编制进场施工方案。",
                    new_status="in_progress",
                )
            if index == 1:
                _backdate(riser, 10)
            if index == 2:
                # Now served: the plan stays active and shows the banner.
                building_services.presence_set(
                    actor=None,
                    building=building,
                    operator=branch.operator,
                    status=PresenceStatus.SERVING,
                    source=PresenceSource.OPERATOR_REPORT,
                    note="演示：运营商已开通服务",
                )
        # One closed plan per main jurisdiction: abandoned with a reason.
        spare = buildings[PER_MAIN // 2 :]
        if spare:
            plan = services.work_plan_create(
                actor=admin,
                building=spare[0],
                goal=GOAL.format(date=f"{today.year + 1}-03-31"),
                target_date=today + datetime.timedelta(days=90),
            )
            services.measure_add(
                actor=admin,
                plan=plan,
                kind=kinds["talk_property"],
                title="约谈业主单位",
                owner=admin_org,
                due_date=today + datetime.timedelta(days=10),
            )
            services.work_plan_transition(
                actor=admin,
                plan=plan,
                to="closed",
                outcome="abandoned",
                reason="楼宇已列入拆迁计划，暂不具备入驻条件。",
            )
            created += 1
    for code in OTHER_JURISDICTIONS:
        admin = _user(f"ca-{code}") or ministry
        admin_org = Organization.objects.filter(code=f"ca-{code}").first()
        if admin is None or admin_org is None:
            continue
        for index, building in enumerate(_zero_buildings(code, PER_OTHER, None)):
            plan = services.work_plan_create(
                actor=admin,
                building=building,
                goal=GOAL.format(date=f"{today.year + 1}-12-31"),
                target_date=today + datetime.timedelta(days=240),
            )
            services.measure_add(
                actor=admin,
                plan=plan,
                kind=kinds["talk_property"],
                title="约谈物业公司",
                owner=admin_org,
                due_date=today + datetime.timedelta(days=14),
            )
            created += 1
            if index == 1:
                # Closed as achieved once an operator has entered.
                operator = Organization.objects.get(code="op-unicom")
                building_services.presence_set(
                    actor=None,
                    building=building,
                    operator=operator,
                    status=PresenceStatus.SERVING,
                    source=PresenceSource.OPERATOR_REPORT,
                )
                services.work_plan_transition(
                    actor=admin, plan=plan, to="closed", outcome="achieved"
                )
    return created
