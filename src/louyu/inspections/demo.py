"""Demo inspection plans over the demo buildings, made through the real services so their
samples, history, work items and audit trail are what the application would produce: a
national plan of the ministry over 北京 and 大连 that is running, with two mixed teams and
scheduled buildings; 北京's own plan closed and its new version still a draft; 大连's own
plan approved. Idempotent: nothing is created when any plan exists."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from louyu.core.models import Jurisdiction, Organization, User
from louyu.inspections import services
from louyu.inspections.models import ChecklistVersion, InspectionPlan
from louyu.inspections.sampling import StratumSpec

STRATA = (
    StratumSpec(kind="zero_operator", share=30),
    StratumSpec(kind="open_case", share=20),
    StratumSpec(kind="complaint_hotspot", share=20, min_complaints=2, complaint_days=180),
    StratumSpec(kind="single_operator", share=10),
    StratumSpec(kind="random_rest"),
)


def _users(*usernames: str) -> list[User]:
    return list(User.objects.filter(username__in=usernames, is_active=True).order_by("username"))


def _plan(actor, name, codes, *, start, days, size, seed, organizations=()):
    return services.inspection_plan_create(
        actor=actor,
        name=name,
        period_start=start,
        period_end=start + datetime.timedelta(days=days),
        jurisdictions=list(Jurisdiction.objects.filter(code__in=codes)),
        organizations=list(Organization.objects.filter(code__in=organizations)),
        checklist=ChecklistVersion.objects.get(code="2026-v1"),
        strata=STRATA,
        sample_size=size,
        minimum_per_jurisdiction=3,
        seed=seed,
        exclude_case_closed_months=6,
    )


def _advance(actor, plan, *states: str) -> None:
    services.inspection_plan_draw(actor=actor, plan=plan)
    for state in states:
        services.inspection_plan_transition(actor=actor, plan=plan, to=state)


def _staff(actor, plan, teams: dict[str, tuple[str, ...]], *, per_team: int) -> None:
    sample = iter(plan.sample.select_related("building").filter(building__is_active=True))
    day = max(plan.period_start, timezone.localdate())
    for name, usernames in teams.items():
        members = _users(*usernames)
        if not members:
            continue
        team = services.team_create(actor=actor, plan=plan, name=name, members=members)
        for offset, sampled in zip(range(per_team), sample, strict=False):
            scheduled = min(day + datetime.timedelta(days=offset), plan.period_end)
            services.assignment_create(
                actor=actor, team=team, sampled=sampled, scheduled_on=scheduled
            )


@transaction.atomic
def create_demo_inspection_plans() -> int:
    if InspectionPlan.objects.exists():
        return 0
    found = {u.username: u for u in _users("ministry", "ca-110000", "ca-210200")}
    if len(found) < 3:
        return 0
    ministry, beijing, dalian = found["ministry"], found["ca-110000"], found["ca-210200"]
    today = timezone.localdate()

    national = _plan(
        ministry,
        "2026 年商务楼宇宽带接入联合调研检查（北京、大连）",
        ("110000", "210200"),
        start=today - datetime.timedelta(days=7),
        days=60,
        size=40,
        seed=20260401,
        organizations=("caict", "samr-110000", "housing-110000", "samr-210200"),
    )
    _advance(ministry, national, "approved", "running")
    _staff(
        ministry,
        national,
        {
            "北京联合检查一组": ("ca-110000", "samr-110000", "caict"),
            "北京联合检查二组": ("ca-110000", "housing-110000"),
            "大连联合检查组": ("ca-210200", "samr-210200"),
        },
        per_team=4,
    )

    closed = _plan(
        beijing,
        "北京市朝阳区商务楼宇专项检查（第一批）",
        ("110000",),
        start=today - datetime.timedelta(days=90),
        days=30,
        size=12,
        seed=7,
        organizations=("samr-110000",),
    )
    _advance(beijing, closed, "approved", "running", "closed")
    services.inspection_plan_revise(actor=beijing, plan=closed)

    approved = _plan(
        dalian,
        "大连市商务楼宇入驻情况抽查",
        ("210200",),
        start=today + datetime.timedelta(days=14),
        days=30,
        size=10,
        seed=11,
        organizations=("samr-210200",),
    )
    _advance(dalian, approved, "approved")
    return InspectionPlan.objects.count()
