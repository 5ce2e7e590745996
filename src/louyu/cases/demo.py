"""Demo rectification cases over the demo buildings, opened and moved through the real
services (so history, deadlines, work items and audit events are what the application would
produce): every state, some key cases at both levels, some overdue, measures (some owned by
operator branches and by the demo property company ``pm-110000``), enforcement actions of
every kind, and cases opened from substantiated demo complaints. Idempotent: nothing is
created when demo cases exist already."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from louyu.buildings.models import Building
from louyu.cases.models import Case, CaseStatusChange
from louyu.cases.services.acceptance import acceptance_check_record
from louyu.cases.services.deadlines import rectification_deadline
from louyu.cases.services.details import case_set_supervision
from louyu.cases.services.enforcement import enforcement_action_add
from louyu.cases.services.measures import measure_answer, measure_cancel, measure_create
from louyu.cases.services.opening import case_open, case_open_from_complaint
from louyu.cases.services.transitions import case_transition
from louyu.cases.workflow import ActionKind, ResponsibleParty, Severity, State
from louyu.complaints.models import Category, Complaint
from louyu.complaints.workflow import ReplyResult
from louyu.complaints.workflow import State as ComplaintState
from louyu.core.demo import demo_property_company
from louyu.core.models import Organization, User
from louyu.core.uploads import check_uploads

DEMO_MARK = "（演示）"
JURISDICTIONS = ("110000", "210200", "210000", "310000", "440000")
# Final state of each demo case, in order; 110000 and 210200 get the most.
PLAN = [
    State.IDENTIFIED,
    State.RECTIFYING,
    State.RECTIFYING,
    State.AWAITING_ACCEPTANCE,
    State.RECTIFIED,
    State.RECTIFYING,
    State.CLOSED_UNRESOLVED,
    State.RECTIFIED,
]
MEASURES = [
    "开放弱电间和竖井，允许各基础电信企业进场施工",
    "解除与代理商的排他协议并书面告知入驻企业",
    "停止收取进场费，退还已收取的费用",
    "在楼内显著位置公示服务项目、资费和投诉电话",
    "完成光纤到户改造，每个租户单元通达光纤",
]


def demo_cases_exist() -> bool:
    return Case.objects.filter(title__endswith=DEMO_MARK).exists()


def demo_photo(name: str):
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (60, 120, 200)).save(buffer, format="PNG")
    return check_uploads([SimpleUploadedFile(name, buffer.getvalue(), "image/png")])


def _admin_user(jurisdiction_code: str) -> User | None:
    return User.objects.filter(username=f"ca-{jurisdiction_code}", is_active=True).first()


def _owner_user(org: Organization) -> User | None:
    return User.objects.filter(organization=org, is_active=True).order_by("pk").first()


def _backdate(case: Case, days: int) -> None:
    """Move the case's history ``days`` back (demo only: real cases are never backdated),
    and its deadline with it, so some rectification periods have run out."""
    shift = datetime.timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(created_at=case.created_at - shift)
    for change in CaseStatusChange.objects.filter(case=case):
        CaseStatusChange.objects.filter(pk=change.pk).update(created_at=change.created_at - shift)
    case.refresh_from_db()
    if case.state == State.RECTIFYING:
        start = (
            case.status_changes.filter(to_state=State.RECTIFYING).order_by("-id").first().created_at
        )
        deadline = rectification_deadline(case.severity, start)
        Case.objects.filter(pk=case.pk).update(
            rectify_due_at=deadline.due_at, deadline_provisional=deadline.provisional
        )


def _pick_buildings(count: int) -> list[Building]:
    chosen: list[Building] = []
    weights = {"110000": 3, "210200": 3}
    for code in JURISDICTIONS:
        wanted = weights.get(code, 1) * count // 10
        qs = (
            Building.objects.filter(is_active=True, jurisdiction__code=code)
            .exclude(cases__isnull=False)
            .order_by("pk")
        )
        chosen += list(qs[:wanted])
    return chosen


@transaction.atomic
def create_demo_cases(*, count: int = 36, seed: int = 1) -> int:
    """Open about ``count`` demo cases and move them through the workflow. Returns how many
    were created; 0 when demo cases exist already or there are no buildings."""
    if count < 1 or demo_cases_exist() or not User.objects.filter(username="ministry").exists():
        return 0
    rng = random.Random(seed)
    pm_org, _pm_user = demo_property_company("110000")
    ministry = User.objects.get(username="ministry")
    categories = list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))
    created = 0
    # Cases from substantiated demo complaints first (the complaint is linked).
    substantiated = (
        Complaint.objects.filter(
            state__in=[ComplaintState.REPLIED, ComplaintState.CLOSED],
            reply_result__in=[ReplyResult.SUBSTANTIATED, ReplyResult.PARTLY],
            building__isnull=False,
        )
        .select_related("building", "category")
        .order_by("pk")[:6]
    )
    opened: list[Case] = []
    for complaint in substantiated:
        actor = _admin_user(complaint.jurisdiction.code)
        case, is_new = case_open_from_complaint(actor=actor, complaint=complaint)
        if is_new:
            Case.objects.filter(pk=case.pk).update(title=f"{case.title}{DEMO_MARK}")
            case.refresh_from_db()
            opened.append(case)
    for i, building in enumerate(_pick_buildings(count)):
        if len(opened) >= count:
            break
        if building.property_company_id is None and building.jurisdiction.code == "110000":
            Building.objects.filter(pk=building.pk).update(property_company=pm_org)
            building.property_company = pm_org
        category = categories[i % len(categories)]
        party = [
            ResponsibleParty.PROPERTY_COMPANY,
            ResponsibleParty.ACCESS_AGENT,
            ResponsibleParty.OWNER,
            ResponsibleParty.OPERATOR,
        ][i % 4]
        case, is_new = case_open(
            actor=_admin_user(building.jurisdiction.code),
            building=building,
            title=f"{building.name}{category.name}问题整治{DEMO_MARK}",
            summary="专项整治摸排发现的问题楼宇。",
            severity=[Severity.GENERAL, Severity.SERIOUS, Severity.MAJOR][i % 3],
            violations=[
                {
                    "category": category,
                    "responsible_party": party,
                    "responsible_organization": building.property_company
                    if party == ResponsibleParty.PROPERTY_COMPANY
                    else None,
                    "description": "摸排中发现，责任主体已确认。",
                }
            ],
        )
        if is_new:
            opened.append(case)
    for i, case in enumerate(opened):
        _advance(case, PLAN[i % len(PLAN)], i, rng, ministry)
        created += 1
    return created


def _owners(case: Case) -> list[Organization]:
    code = case.jurisdiction.code
    owners = [
        case.building.property_company,
        Organization.objects.filter(code=f"op-telecom-{code}").first(),
        Organization.objects.filter(code=f"op-mobile-{code}").first(),
        Organization.objects.filter(code=f"housing-{code}").first(),
    ]
    return [o for o in owners if o is not None]


def _advance(case: Case, target: str, i: int, rng: random.Random, ministry: User) -> None:
    admin = _admin_user(case.jurisdiction.code) or ministry
    today = timezone.localdate()
    if i % 5 == 1:
        case_set_supervision(actor=admin, case=case, level="administration")
    if i % 7 == 2:
        case_set_supervision(actor=ministry, case=case, level="ministry")
    kinds = list(ActionKind.values)
    kind = kinds[i % len(kinds)]
    extra = {}
    if kind == ActionKind.PENALTY:
        extra = {
            "amount": Decimal(rng.choice([5000, 10000, 30000])),
            "decision_number": f"通管罚〔{today:%Y}〕{i + 1}号",
        }
    if kind == ActionKind.REFERRAL:
        referred = Organization.objects.filter(code=f"samr-{case.jurisdiction.code}").first()
        if referred is None:
            kind = ActionKind.ORDER_TO_RECTIFY
        extra = {"target_organization": referred} if referred else {}
    if target == State.CLOSED_UNRESOLVED and i % 2:
        case_transition(actor=admin, case=case, to=target, reason="楼宇已整体腾退，无需整改。")
        return
    enforcement_action_add(
        actor=admin,
        case=case,
        kind=kind,
        action_date=today,
        notes="依据专项整治工作方案作出。",
        files=demo_photo(f"{kind}.png"),
        **extra,
    )
    if target == State.IDENTIFIED:
        return
    case_transition(actor=admin, case=case, to=State.RECTIFYING)
    measures = []
    for n, owner in enumerate(_owners(case)[: 1 + i % 3]):
        measures.append(
            measure_create(
                actor=admin,
                case=case,
                title=MEASURES[(i + n) % len(MEASURES)],
                owner=owner,
                due_date=today + datetime.timedelta(days=rng.randint(5, 40)),
            )
        )
    if target == State.RECTIFYING:
        if i % 3 == 0:
            _backdate(case, rng.randint(35, 60))  # overdue
        return
    for measure in measures:
        owner_user = _owner_user(measure.owner)
        if owner_user is not None:
            measure_answer(
                actor=owner_user,
                measure=measure,
                response="已按要求完成整改，附现场照片。",
                files=demo_photo("done.png"),
            )
        else:
            measure_cancel(
                actor=admin, measure=measure, reason="责任单位未开通账号，改由管理局现场督办。"
            )
    if target == State.CLOSED_UNRESOLVED:
        case_transition(
            actor=admin, case=case, to=target, reason="业主拒不整改，已移送相关部门依法处理。"
        )
        return
    case_transition(actor=admin, case=case, to=State.AWAITING_ACCEPTANCE)
    if target == State.AWAITING_ACCEPTANCE:
        return
    if i % 2:
        acceptance_check_record(
            actor=admin,
            case=case,
            passed=False,
            notes="复查发现弱电间仍未开放。",
            checked_on=today,
            files=demo_photo("recheck.png"),
        )
        case_transition(actor=admin, case=case, to=State.AWAITING_ACCEPTANCE)
    acceptance_check_record(
        actor=admin,
        case=case,
        passed=True,
        notes="现场验收合格，已有多家运营商进场。",
        checked_on=today,
        files=demo_photo("accepted.png"),
    )
