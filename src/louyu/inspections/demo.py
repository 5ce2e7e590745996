"""Demo inspection plans over the demo buildings, made through the real services so their
samples, history, work items and audit trail are what the application would produce: a
national plan of the ministry over 北京 and 大连 that is running, with two mixed teams and
scheduled buildings (some days already past, so the board shows overdue work), three of
them inspected with the photos their checklist items ask for (one with a failed item that
opened or joined the building's case, one where entry was refused), and a re-inspection of
each failed building scheduled for tomorrow; 北京's own plan closed and its new version still
a draft; 大连's own plan approved. Idempotent: nothing is created when any plan exists."""

from __future__ import annotations

import datetime
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from louyu.buildings.models import PresenceStatus
from louyu.core.models import Jurisdiction, Organization, User
from louyu.inspections import services
from louyu.inspections.models import Assignment, ChecklistVersion, Inspection, InspectionPlan
from louyu.inspections.sampling import StratumSpec
from louyu.inspections.workflow import AnswerType, Evidence

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
    day = max(plan.period_start, timezone.localdate() - datetime.timedelta(days=2))
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


def _passing_answers(assignment: Assignment) -> dict:
    """Answers that pass every item, with the operators the registry lists as serving."""
    serving = list(
        assignment.sampled.building.presences.filter(
            status=PresenceStatus.SERVING, operator__is_basic_operator=True
        ).values_list("operator__code", flat=True)
    )
    answers = {}
    for item in services.applicable_items(assignment):
        if item.answer_type == AnswerType.YES_NO:
            answers[item.code] = "yes" if item.passing_answer else "no"
        elif item.answer_type == AnswerType.CHOICE:
            answers[item.code] = item.passing_answer or item.choices[0]
        elif item.answer_type == AnswerType.NUMBER:
            answers[item.code] = 200
        elif item.answer_type == AnswerType.OPERATORS:
            answers[item.code] = serving
    return answers


def _photo(code: str) -> SimpleUploadedFile:
    """A small generated JPEG standing in for a site photo."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 140, 160)).save(out, format="JPEG")
    return SimpleUploadedFile(f"{code}.jpg", out.getvalue(), content_type="image/jpeg")


def _evidence(assignment: Assignment) -> list[tuple[str, SimpleUploadedFile]]:
    return [
        (item.code, _photo(item.code))
        for item in services.applicable_items(assignment)
        if item.evidence != Evidence.NONE
    ]


def _reinspect(actor, plan: InspectionPlan) -> None:
    """A re-inspection of each failed building of the plan, tomorrow, by the team that
    found the failure."""
    day = min(timezone.localdate() + datetime.timedelta(days=1), plan.period_end)
    records = Inspection.objects.filter(assignment__team__plan=plan).select_related(
        "assignment__team"
    )
    for record in records.order_by("id"):
        if services.inspection_failed(record):
            services.reinspection_schedule(
                actor=actor,
                plan=plan,
                inspections=[record],
                team=record.assignment.team,
                scheduled_on=day,
            )


def _inspect(plan: InspectionPlan) -> None:
    """The first assignment of each team inspected by its first member: all passed; an
    exclusive deal found; entry refused."""
    variants = [
        {},
        {"answers": {"exclusive_deal": "yes"}},
        {"outcome": "could_not_inspect", "not_inspected_reason": "entry_refused"},
    ]
    for team, variant in zip(plan.teams.order_by("name"), variants, strict=False):
        assignment = team.assignments.order_by("scheduled_on", "id").first()
        member = team.members.order_by("username").first()
        if assignment is None or member is None:
            continue
        services.inspection_submit(
            actor=member,
            assignment=assignment,
            answers={**_passing_answers(assignment), **variant.get("answers", {})},
            outcome=variant.get("outcome", "inspected"),
            not_inspected_reason=variant.get("not_inspected_reason", ""),
            photos=_evidence(assignment) if not variant.get("outcome") else [],
            note="现场物业拒绝检查组进入。" if variant.get("outcome") else "",
            submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"louyu-demo-inspection-{assignment.pk}"),
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
    _inspect(national)
    _reinspect(ministry, national)

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
