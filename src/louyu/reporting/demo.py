"""Demo history for the progress figures: twelve months of registrations, operator entries
(back-dated presence changes), complaints and cases, then monthly reports of the last
months in every state and one published bulletin. Runs after the domain apps' demo data
(``seed_demo``); idempotent.

Rows are made through the services, then their times are moved into the past: demo only,
real histories are never back-dated (a late correction is a new row with an earlier
effective date, which is what the presence changes here are)."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from louyu.buildings import services as building_services
from louyu.buildings.models import Building, PresenceSource, PresenceStatus
from louyu.cases.demo import demo_photo
from louyu.cases.models import Case, CaseStatusChange
from louyu.cases.services import acceptance, opening, transitions
from louyu.cases.workflow import ResponsibleParty
from louyu.complaints import services as complaint_services
from louyu.complaints.models import Category, Complaint, StatusChange
from louyu.complaints.services import Intake
from louyu.complaints.workflow import ReplyResult
from louyu.core import calendar
from louyu.core.models import Organization, OrganizationType, User
from louyu.reporting.models import Bulletin, MonthlyReport
from louyu.reporting.rollup import refresh
from louyu.reporting.services import bulletins, reports
from louyu.reporting.workflow import ReportState

MARK = "（演示历史）"
MONTHS = 12
HISTORY_COMPLAINTS = 480
HISTORY_CASES = 60
ENTRIES = 90
DAY = datetime.timedelta(days=1)


def history_exists() -> bool:
    return Complaint.objects.filter(description__endswith=MARK).exists()


def _staff(org_id: int, perm: str) -> User | None:
    for user in User.objects.filter(organization_id=org_id, is_active=True).order_by("pk"):
        if user.has_perm(perm):
            return user
    return None


def _ministry() -> User | None:
    org = Organization.objects.filter(type=OrganizationType.MINISTRY).first()
    return _staff(org.pk, "reporting.change_bulletin") if org else None


def _spread_registrations(rng: random.Random, now: datetime.datetime) -> None:
    """Buildings registered over the last two years (the generator registers all today)."""
    for pk in Building.objects.filter(is_active=True).values_list("pk", flat=True):
        days = rng.randint(30, 730) if rng.random() < 0.85 else rng.randint(0, 29)
        Building.objects.filter(pk=pk).update(created_at=now - datetime.timedelta(days=days))


def _entries(rng: random.Random, today: datetime.date) -> None:
    """Basic operators entering zero- and single-operator buildings in the last year,
    recorded now with the day they began serving."""
    operators = list(Organization.objects.filter(is_basic_operator=True, is_active=True))
    candidates = list(
        Building.objects.filter(is_active=True, operator_count__lte=1).order_by("pk")[:2000]
    )
    for building in rng.sample(candidates, min(ENTRIES, len(candidates))):
        serving = set(
            building.presences.filter(status=PresenceStatus.SERVING).values_list(
                "operator_id", flat=True
            )
        )
        choices = [o for o in operators if o.pk not in serving]
        if not choices:
            continue
        since = today - datetime.timedelta(days=rng.randint(5, 360))
        registered = timezone.localdate(building.created_at)
        building_services.presence_set(
            actor=None,
            building=building,
            operator=rng.choice(choices),
            status=PresenceStatus.SERVING,
            source=PresenceSource.OPERATOR_REPORT,
            since=max(since, registered),
            note=f"运营商报告进场{MARK}",
        )


def _move(rows, start: datetime.datetime, gaps: list[int]) -> list[datetime.datetime]:
    """Set the rows' times to ``start`` and then ``gaps`` days apart; returns the times."""
    times, moment = [], start
    for row, gap in zip(rows, [0, *gaps], strict=False):
        moment = moment + datetime.timedelta(days=gap, hours=1)
        type(row).objects.filter(pk=row.pk).update(created_at=moment)
        times.append(moment)
    return times


def _history_complaints(rng: random.Random, now: datetime.datetime) -> None:
    categories = list(Category.objects.filter(is_active=True))
    buildings = list(Building.objects.filter(is_active=True).order_by("pk")[:3000])
    for i in range(HISTORY_COMPLAINTS):
        received = now - datetime.timedelta(days=rng.randint(20, 365), hours=rng.randint(0, 12))
        building = rng.choice(buildings)
        complaint, _secret = complaint_services.complaint_create(
            actor=None,
            intake=Intake(
                channel=rng.choice(["web", "phone", "letter", "operator"]),
                category=rng.choice(categories),
                description=f"物业限制运营商进场，只能使用指定宽带{MARK}",
                complainant_name=rng.choice("王李张刘陈杨赵黄") + rng.choice("伟芳娜敏静丽强磊"),
                complainant_phone=f"139{rng.randint(10_000_000, 99_999_999)}",
                building=building,
                received_at=received,
            ),
        )
        actor = _staff(complaint.handler_id, "complaints.change_complaint")
        if actor is None:
            continue
        rejected = i % 9 == 0
        path = (
            [("rejected", {"refusal_reason": "out_of_scope"})]
            if rejected
            else [
                ("accepted", {}),
                ("handling", {}),
                (
                    "replied",
                    {
                        "result": rng.choice(list(ReplyResult.values)),
                        "reply_text": "经核查，已责令物业开放进场。",
                    },
                ),
                ("closed", {"satisfaction": rng.choice([2, 3, 4, 4, 5, 5]), "resolved": True}),
            ]
        )
        for to, details in path:
            complaint_services.complaint_transition(
                actor=actor, complaint=complaint, to=to, **details
            )
        accept_gap = rng.choice([1, 2, 3, 4, 6, 9])  # some decided after 5 working days
        gaps = [accept_gap] if rejected else [accept_gap, 1, rng.randint(4, 38), rng.randint(1, 6)]
        rows = list(complaint.status_changes.order_by("pk"))
        times = _move(rows, received, gaps)
        values = {"created_at": received}
        if not rejected:
            accepted = times[1]
            policy = complaint_services.policy_for(complaint.category)
            values.update(
                accepted_at=accepted,
                reply_due_at=calendar.deadline_from(accepted, days=policy.reply_days).due_at,
                replied_at=times[3],
                closed_at=times[4],
            )
            replied = rows[3]
            StatusChange.objects.filter(pk=replied.pk).update(
                details={**replied.details, "reply_due_at": values["reply_due_at"].isoformat()}
            )
        Complaint.objects.filter(pk=complaint.pk).update(**values)


def _history_cases(rng: random.Random, now: datetime.datetime) -> None:
    category = Category.objects.get(code="entry_blocked")
    free = list(Building.objects.filter(is_active=True, cases__isnull=True).order_by("pk")[:1500])
    for i, building in enumerate(rng.sample(free, min(HISTORY_CASES, len(free)))):
        actor = _staff(
            Organization.objects.filter(
                type=OrganizationType.COMM_ADMIN, jurisdiction=building.jurisdiction
            )
            .values_list("pk", flat=True)
            .first()
            or 0,
            "cases.change_case",
        )
        if actor is None:
            continue
        case, _created = opening.case_open(
            actor=actor,
            building=building,
            title=f"{building.name}进场受阻整治{MARK}",
            summary="物业与代理商签订排他协议，其他运营商无法进场。",
            severity="general",
            violations=[
                {
                    "category": category,
                    "responsible_party": ResponsibleParty.PROPERTY_COMPANY,
                    "responsible_organization": None,
                }
            ],
        )
        transitions.case_transition(actor=actor, case=case, to="rectifying")
        opened = now - datetime.timedelta(days=rng.randint(30, 360))
        gaps = [rng.randint(1, 5)]
        if i % 3:
            transitions.case_transition(actor=actor, case=case, to="awaiting_acceptance")
            gaps.append(rng.randint(10, 50))
            if i % 2:
                acceptance.acceptance_check_record(
                    actor=actor,
                    case=case,
                    passed=True,
                    notes="现场验收：各运营商均可进场。",
                    checked_on=timezone.localdate(),
                    files=demo_photo("验收照片.png"),
                )
                gaps.append(rng.randint(2, 15))
        rows = list(CaseStatusChange.objects.filter(case=case).order_by("pk"))
        times = _move(rows, opened, [*gaps, *([0] * (len(rows) - 1 - len(gaps)))])
        Case.objects.filter(pk=case.pk).update(
            created_at=opened,
            closed_at=times[-1] if case.state in ("rectified", "closed_unresolved") else None,
        )


def _as_if_on_time(report: MonthlyReport, *, late: bool, rng: random.Random) -> None:
    """Move a demo report's submission and acceptance to around its due date (before it,
    or for a few, after it)."""
    submitted = report.due_at + datetime.timedelta(
        days=rng.randint(1, 3) if late else -rng.randint(1, 4), hours=-rng.randint(2, 9)
    )
    decided = submitted + datetime.timedelta(days=1)
    MonthlyReport.objects.filter(pk=report.pk).update(submitted_at=submitted, decided_at=decided)
    for change in report.status_changes.exclude(to_state=ReportState.DRAFT):
        moment = submitted if change.to_state == ReportState.SUBMITTED else decided
        type(change).objects.filter(pk=change.pk).update(created_at=moment)


def _reports_and_bulletin(rng: random.Random, today: datetime.date) -> None:
    ministry = _ministry()
    this_month = today.replace(day=1)
    months = []
    month = this_month
    for _ in range(3):
        month = (month - DAY).replace(day=1)
        months.append(month)
    last, before, earliest = months
    for period in (earliest, before, last):
        reports.reports_open(period=period)
    for period in (earliest, before):
        for report in MonthlyReport.objects.filter(period=period).select_related("jurisdiction"):
            writer = _staff(
                reports.administration_of(report.jurisdiction_id).pk,
                "reporting.change_monthlyreport",
            )
            if writer is None:
                continue
            reports.report_update(
                actor=writer,
                report=report,
                progress=f"本月{report.jurisdiction.short_name}持续推进商务楼宇宽带接入整治。",
                practices="建立楼宇清单和问题台账，按周调度。",
            )
            reports.report_transition(actor=writer, report=report, to=ReportState.SUBMITTED)
            if ministry is not None:
                reports.report_transition(actor=ministry, report=report, to=ReportState.ACCEPTED)
            _as_if_on_time(report, late=rng.random() < 0.1, rng=rng)
    states = [ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.RETURNED]
    for i, report in enumerate(
        MonthlyReport.objects.filter(period=last).select_related("jurisdiction").order_by("pk")[:12]
    ):
        writer = _staff(
            reports.administration_of(report.jurisdiction_id).pk, "reporting.change_monthlyreport"
        )
        if writer is None:
            continue
        reports.report_update(actor=writer, report=report, progress="本月工作稳步推进。")
        reports.report_transition(actor=writer, report=report, to=ReportState.SUBMITTED)
        target = states[i % 3]
        if ministry is not None and target != ReportState.SUBMITTED:
            reports.report_transition(
                actor=ministry, report=report, to=target, comment="请补充典型经验做法。"
            )
    if ministry is None or Bulletin.objects.filter(period=before).exists():
        return
    bulletin = bulletins.bulletin_create(actor=ministry, period=before)
    bulletins.bulletin_update(
        actor=ministry,
        bulletin=bulletin,
        number=f"工信厅通信函〔{before.year}〕{before.month + 20}号",
        summary="各地通信管理局会同市场监管、住建等部门扎实推进商务楼宇宽带接入市场联合整治。",
        highlights="零运营商楼宇持续减少，问题楼宇整改有序推进。",
        problems="个别地区问题楼宇整改进度偏慢，部分物业仍收取不合理费用。",
        requirements="各地要按月报送进展，加大对重点案件的督办力度。",
    )
    bulletins.bulletin_transition(actor=ministry, bulletin=bulletin, to="reviewed")
    bulletins.bulletin_transition(actor=ministry, bulletin=bulletin, to="published")


@transaction.atomic
def create_demo_history(*, seed: int = 12) -> bool:
    """Twelve months of history, the figures, reports and a bulletin; False when the
    history exists already."""
    if history_exists() or not Building.objects.exists():
        return False
    rng = random.Random(seed)
    now = timezone.now()
    _spread_registrations(rng, now)
    _entries(rng, timezone.localdate())
    _history_complaints(rng, now)
    _history_cases(rng, now)
    refresh.rebuild()
    _reports_and_bulletin(rng, timezone.localdate())
    refresh.refresh()
    return True
