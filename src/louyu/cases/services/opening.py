"""Opening a rectification case: by hand, from a substantiated complaint, or from an
operator's report of refused entry (and later from inspections, with
``source="inspection"``).

One open case per building (ADR 0007, a partial unique constraint): opening for a building
that already has one adds the new violations and complaints to that case instead, with a
``linked`` timeline row, and returns ``created=False``. A lost race hits the constraint and
is retried into the same path. A new case starts in ``identified`` without a deadline; the
deadline starts when it enters ``rectifying``."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from louyu.buildings.models import Building, Presence, PresenceSource, PresenceStatus
from louyu.buildings.services import presence_set
from louyu.cases.models import Case, CaseComplaint, CaseStatusChange, Violation
from louyu.cases.search import KIND as SEARCH_KIND
from louyu.cases.services._common import actor_or_none, append_event, bump_version, lock_case
from louyu.cases.services.files import evidence_save
from louyu.cases.services.notifications import notify_administration
from louyu.cases.services.permissions import can_manage_in, can_report_refused_entry
from louyu.cases.services.violations import clean_violations
from louyu.cases.workflow import FINAL_STATES, ResponsibleParty, Severity, Source, State
from louyu.complaints.models import Category, Complaint
from louyu.complaints.workflow import ReplyResult
from louyu.complaints.workflow import State as ComplaintState
from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import User
from louyu.core.scope import may_reference
from louyu.core.uploads import CheckedFile
from louyu.search.indexing import index_later

CODE_ALPHABET = "0123456789"
CASE_OPENING_COMPLAINT_STATES = frozenset({ComplaintState.REPLIED, ComplaintState.CLOSED})
SUBSTANTIATED = frozenset({ReplyResult.SUBSTANTIATED, ReplyResult.PARTLY})


def _new_code(day: datetime.date) -> str:
    return f"ZZ{day:%Y%m%d}{''.join(secrets.choice(CODE_ALPHABET) for _ in range(6))}"


def open_case_for(building: Building) -> Case | None:
    return Case.objects.filter(building=building).exclude(state__in=list(FINAL_STATES)).first()


def _add_violations(locked: Case, actor, violations: list[dict]) -> list[Violation]:
    """Add the violations the case does not already list (same category and party)."""
    present = set(
        locked.violations.filter(withdrawn_at__isnull=True).values_list(
            "category_id", "responsible_party"
        )
    )
    added = []
    for item in violations:
        key = (item["category"].pk, item["responsible_party"])
        if key in present:
            continue
        present.add(key)
        added.append(Violation.objects.create(case=locked, created_by=actor_or_none(actor), **item))
    return added


def _building_company(actor, building: Building):
    """The building's property company as the responsible organisation of a violation the
    platform derives, when ``actor`` may name it (else none: the administration names it)."""
    company = building.property_company
    return company if company is not None and may_reference(actor, company) else None


def _link_complaints(locked: Case, actor, complaints: list[Complaint]) -> list[Complaint]:
    linked = set(locked.complaint_links.values_list("complaint_id", flat=True))
    added = []
    for complaint in complaints:
        if complaint.pk in linked:
            continue
        if complaint.building_id != locked.building_id:
            raise ValidationError(
                {"complaints": f"申诉 {complaint.tracking_code} 不是该楼宇的申诉。"}
            )
        CaseComplaint.objects.create(
            case=locked, complaint=complaint, linked_by=actor_or_none(actor)
        )
        linked.add(complaint.pk)
        added.append(complaint)
    return added


def case_open(
    *,
    actor: User | None,
    building: Building,
    title: str = "",
    summary: str = "",
    severity: str = Severity.GENERAL,
    source: str = Source.MANUAL,
    violations: list[dict] = (),
    complaints: list[Complaint] = (),
) -> tuple[Case, bool]:
    """Open a case for ``building`` in ``identified``, or, when the building already has an
    open case (at most one per building, enforced by a constraint), add the violations and
    complaints to that one. Returns ``(case, created)``.

    Refuses (ValidationError on ``building``) a building outside the actor's jurisdiction,
    and a severity, source or violation that is not one of the listed values."""
    errors = {}
    if building is None or not isinstance(building, Building) or not building.is_active:
        raise ValidationError({"building": "请选择楼宇。"})
    if source != Source.OPERATOR_REPORT and not can_manage_in(actor, building.jurisdiction_id):
        errors["building"] = "该楼宇不在您的管辖范围内，不能立案。"
    if severity not in Severity.values:
        errors["severity"] = "严重程度只能是一般、较重或严重。"
    if source not in Source.values:
        errors["source"] = "未知的案件来源。"
    title = (title or "").strip()[:200] or f"{building.name}宽带接入问题整治"
    if errors:
        raise ValidationError(errors)
    cleaned = clean_violations(list(violations), actor=actor)
    complaints = list(complaints)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _case_open(
                    actor=actor,
                    building=building,
                    title=title,
                    summary=(summary or "").strip()[:5000],
                    severity=severity,
                    source=source,
                    violations=cleaned,
                    complaints=complaints,
                )
        except IntegrityError:
            # Another request opened a case for the building (or took the code) meanwhile:
            # the next attempt finds that case and adds to it.
            continue
    raise ValidationError({"building": "立案失败，请重试。"})  # pragma: no cover


def _case_open(*, actor, building, title, summary, severity, source, violations, complaints):
    Building.objects.select_for_update().filter(pk=building.pk).first()
    existing = open_case_for(building)
    if existing is not None:
        locked = lock_case(existing)
        added = _add_violations(locked, actor, violations)
        linked = _link_complaints(locked, actor, complaints)
        if added or linked:
            append_event(
                locked,
                actor,
                from_state=locked.state,
                event="linked",
                source=source,
                violations=[v.category.code for v in added],
                complaints=[c.tracking_code for c in linked],
            )
            bump_version(locked)
            audit_record(
                actor=actor,
                action="case.link",
                obj=locked,
                changes={
                    "source": source,
                    "violations": [v.pk for v in added],
                    "complaints": [c.pk for c in linked],
                },
            )
        return locked, False
    now = timezone.now()
    case = Case(
        code=_new_code(calendar.local_date(now)),
        building=building,
        jurisdiction_id=building.jurisdiction_id,
        severity=severity,
        source=source,
        title=title,
        summary=summary,
        opened_by=actor_or_none(actor),
        created_at=now,
    )
    with transaction.atomic():
        case.save()
    _add_violations(case, actor, violations)
    _link_complaints(case, actor, complaints)
    CaseStatusChange.objects.create(
        case=case,
        from_state="",
        to_state=State.IDENTIFIED,
        actor=actor_or_none(actor),
        actor_organization_id=getattr(actor, "organization_id", None),
        details={"source": source, "complaints": [c.tracking_code for c in complaints]},
    )
    audit_record(
        actor=actor,
        action="case.open",
        obj=case,
        changes={"building": building.code, "source": source, "severity": severity},
    )
    notify_administration(case, f"新立整治案件：{case.code}", exclude=actor)
    index_later(SEARCH_KIND, [case.pk])
    return case, True


def case_open_from_complaint(*, actor: User, complaint: Complaint) -> tuple[Case, bool]:
    """Open a case (or add to the building's open case) from a replied or closed complaint
    found substantiated or partly substantiated, with the complaint linked and a violation
    of its category by the property company."""
    if complaint.state not in CASE_OPENING_COMPLAINT_STATES or (
        complaint.reply_result not in SUBSTANTIATED
    ):
        raise InvalidTransition("只有已答复且核查属实（或部分属实）的申诉可以立案整治。")
    if complaint.building_id is None:
        raise ValidationError(
            {"building": "该申诉未匹配到已登记楼宇，请先在申诉页面关联楼宇或按申诉地址登记楼宇。"}
        )
    building = complaint.building
    return case_open(
        actor=actor,
        building=building,
        title=f"{building.name}{complaint.category.name}问题整治",
        summary=f"由申诉 {complaint.tracking_code} 核查属实转立案。",
        source=Source.COMPLAINT,
        violations=[
            {
                "category": complaint.category,
                "responsible_party": ResponsibleParty.PROPERTY_COMPANY,
                "responsible_organization": _building_company(actor, building),
                "description": complaint.reply_text[:2000],
            }
        ],
        complaints=[complaint],
    )


def case_report_refused_entry(
    *, actor: User, building: Building, description: str, files: list[CheckedFile] = ()
) -> tuple[Case, bool]:
    """An operator reports that it was refused entry to a building of its area: a case in
    ``identified`` with an ``entry_blocked`` violation by the property company, or that
    violation added to the building's open case, with the report's evidence files.

    The report also changes the registry: the operator's presence at the building becomes
    ``refused`` (source: operator report) in the presence history, unless the operator
    already serves there, which stays."""
    from louyu.buildings.selectors import building_list

    if not can_report_refused_entry(actor):
        raise PermissionDenied("只有基础电信企业可以报告进场受阻。")
    if not building_list(user=actor).filter(pk=getattr(building, "pk", None)).exists():
        raise ValidationError({"building": "该楼宇不在贵单位的服务区域内。"})
    description = (description or "").strip()
    if len(description) < 5:
        raise ValidationError({"description": "请说明受阻情况（至少 5 个字）。"})
    category = Category.objects.filter(code="entry_blocked").first()
    if category is None:
        raise ValidationError({"category": "问题类别“阻碍进场”未启用，请联系系统管理员。"})
    operator_name = actor.organization.name
    with transaction.atomic():
        case, created = case_open(
            actor=actor,
            building=building,
            title=f"{building.name}阻碍进场问题整治",
            summary=f"{operator_name}报告：{description[:4000]}",
            source=Source.OPERATOR_REPORT,
            violations=[
                {
                    "category": category,
                    "responsible_party": ResponsibleParty.PROPERTY_COMPANY,
                    "responsible_organization": _building_company(actor, building),
                    "description": f"{operator_name}：{description[:1900]}",
                }
            ],
        )
        _record_refused_presence(actor, building, note=description)
        if files:
            evidence_save(actor=actor, case=case, files=files, source=Source.OPERATOR_REPORT)
    return case, created


def _record_refused_presence(actor: User, building: Building, *, note: str) -> None:
    """The reporting operator's presence at the building becomes ``refused`` unless it
    serves there."""
    operator = actor.organization.operator
    if operator is None or not operator.is_basic_operator:
        return
    current = Presence.objects.filter(building=building, operator=operator).first()
    if current is not None and current.status == PresenceStatus.SERVING:
        return
    presence_set(
        actor=actor,
        building=building,
        operator=operator,
        status=PresenceStatus.REFUSED,
        source=PresenceSource.OPERATOR_REPORT,
        note=note,
    )
