"""Writes for rectification cases: opening (by hand, from complaints, from an operator's
report of refused entry), the one transition service, violations, measures, enforcement
actions, acceptance checks and supervision.

Every write is one transaction that locks the case, checks who may act, appends a status
row where the state or the record changes, recomputes the rectification deadline (by the
severity's RectificationPolicy, through ``louyu.core.calendar``: the start day is not
counted and the period ends at 24:00 Asia/Shanghai of its last day), writes the audit event
and hands notifications to the task queue after commit."""

from __future__ import annotations

import datetime
import decimal
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.cases.models import (
    AcceptanceCheck,
    Case,
    CaseComplaint,
    CaseFile,
    CaseStatusChange,
    EnforcementAction,
    Measure,
    RectificationPolicy,
    Violation,
)
from louyu.cases.workflow import (
    FINAL_STATES,
    REQUIRED,
    ActionKind,
    MeasureStatus,
    ResponsibleParty,
    Severity,
    Source,
    State,
    SupervisionLevel,
    allowed_targets,
)
from louyu.complaints.models import Category, Complaint
from louyu.complaints.workflow import ReplyResult
from louyu.complaints.workflow import State as ComplaintState
from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.errors import ConcurrentEdit, InvalidTransition
from louyu.core.models import Organization, OrganizationType, User, WorkItemState
from louyu.core.scope import scope_for
from louyu.core.services import (
    notify,
    users_of_organization,
    work_item_create,
    work_items_close_for,
)
from louyu.core.uploads import CheckedFile

CODE_ALPHABET = "0123456789"
EDITABLE_STATES = frozenset({State.IDENTIFIED, State.RECTIFYING})
FILES_MAX = 5
CASE_OPENING_COMPLAINT_STATES = frozenset({ComplaintState.REPLIED, ComplaintState.CLOSED})
SUBSTANTIATED = frozenset({ReplyResult.SUBSTANTIATED, ReplyResult.PARTLY})


# --- Who may do what ----------------------------------------------------------------------


def can_manage_in(user: User | None, jurisdiction_id: int | None) -> bool:
    """Whether ``user`` may open and change cases in the jurisdiction: the ministry
    everywhere, a communications administration in its own jurisdiction (both with the
    ``cases.change_case`` permission). ``None`` is the system (demo, jobs)."""
    if user is None:
        return True
    if not user.has_perm("cases.change_case"):
        return False
    scope = scope_for(user)
    if scope.is_national:
        return True
    return scope.can_see_jurisdiction(jurisdiction_id)


def can_manage(user: User | None, case: Case) -> bool:
    return can_manage_in(user, case.jurisdiction_id)


def can_answer(user: User | None, measure: Measure) -> bool:
    """Only the owner organisation answers its own measure."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.organization_id
        and user.organization_id == measure.owner_id
        and user.has_perm("cases.view_case")
    )


def can_report_refused_entry(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and scope_for(user).is_operator
        and user.has_perm("cases.report_refused_entry")
    )


def supervision_levels_for(user: User | None) -> list[str]:
    """The supervision levels ``user`` may set: the ministry 工信部挂牌督办, an administration
    管理局挂牌督办."""
    if user is None or not user.has_perm("cases.change_case"):
        return []
    org = user.organization
    if user.is_superuser or (org is not None and org.type == OrganizationType.MINISTRY):
        return [SupervisionLevel.MINISTRY, SupervisionLevel.ADMINISTRATION]
    if org is not None and org.type == OrganizationType.COMM_ADMIN:
        return [SupervisionLevel.ADMINISTRATION]
    return []


def _require_manager(actor: User | None, case: Case) -> None:
    if not can_manage(actor, case):
        raise PermissionDenied("只有管辖该楼宇的通信管理局或工信部可以办理整治案件。")


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _check_version(locked: Case, expected_version: int | None) -> None:
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEdit("该案件已被他人更新，请刷新页面后再操作。")


def _actor_or_none(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _event(
    locked: Case, actor, *, from_state: str, note: str = "", **details: Any
) -> CaseStatusChange:
    """Append a timeline row (a transition, or an event with the same from and to state)."""
    return CaseStatusChange.objects.create(
        case=locked,
        from_state=from_state,
        to_state=locked.state,
        actor=_actor_or_none(actor),
        actor_organization_id=getattr(actor, "organization_id", None),
        note=note[:2000],
        details=details,
    )


def _bump(locked: Case, *fields: str) -> None:
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])


# --- Deadlines ----------------------------------------------------------------------------


def policy_for(severity: str) -> RectificationPolicy:
    """The severity's policy (seeded per severity by migration ``cases 0002``; the admin
    edits but never deletes them)."""
    return RectificationPolicy.objects.get(severity=severity)


def rectification_deadline(severity: str, start: datetime.datetime) -> calendar.Deadline:
    policy = policy_for(severity)
    if policy.working_days:
        return calendar.deadline_from(start, working_days=policy.period)
    return calendar.deadline_from(start, days=policy.period)


def _set_deadline(locked: Case, start: datetime.datetime) -> None:
    deadline = rectification_deadline(locked.severity, start)
    locked.rectify_due_at, locked.deadline_provisional = deadline.due_at, deadline.provisional
    locked.warned_at = locked.overdue_notified_at = None


def _rectifying_since(locked: Case) -> datetime.datetime:
    """When the case last entered ``rectifying``: the start of its running period."""
    return (
        locked.status_changes.filter(to_state=State.RECTIFYING)
        .exclude(from_state=State.RECTIFYING)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    ) or timezone.now()


def case_deadlines_recompute(*, since: datetime.date | None = None) -> int:
    """After the holiday schedule changed: recompute the rectification deadline of every
    case whose period runs (rectifying, awaiting acceptance) and ends on or after ``since``
    (all of them when None), from the day it entered rectifying, with the calendar as it is
    now. A changed deadline is saved with its provisional flag and its reminder bookkeeping
    reset; each change is one locked update with its audit event. Returns how many changed."""
    running = Case.objects.filter(
        state__in=[State.RECTIFYING, State.AWAITING_ACCEPTANCE], rectify_due_at__isnull=False
    )
    if since is not None:
        start = datetime.datetime.combine(
            since, datetime.time.min, tzinfo=timezone.get_default_timezone()
        )
        running = running.filter(rectify_due_at__gte=start)
    changed = 0
    for pk in list(running.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=pk)
            before = (locked.rectify_due_at, locked.deadline_provisional)
            warned = (locked.warned_at, locked.overdue_notified_at)
            _set_deadline(locked, _rectifying_since(locked))
            if (locked.rectify_due_at, locked.deadline_provisional) == before:
                locked.warned_at, locked.overdue_notified_at = warned
                continue
            locked.save(
                update_fields=[
                    "rectify_due_at",
                    "deadline_provisional",
                    "warned_at",
                    "overdue_notified_at",
                ]
            )
            audit_record(
                actor=None,
                action="case.deadline_recompute",
                obj=locked,
                changes={
                    "rectify_due_at": [before[0], locked.rectify_due_at],
                    "deadline_provisional": [before[1], locked.deadline_provisional],
                },
            )
            changed += 1
    return changed


# --- Files --------------------------------------------------------------------------------


def files_save(
    *,
    case: Case,
    files: list[CheckedFile],
    kind: str,
    actor=None,
    measure: Measure | None = None,
    acceptance_check: AcceptanceCheck | None = None,
    action: EnforcementAction | None = None,
) -> list[CaseFile]:
    """Store content-checked files (``core.uploads.check_uploads``) of a case in
    the default storage. Call inside the write's transaction; on failure the caller deletes
    what was stored (see ``_with_files``)."""
    if len(files) > FILES_MAX:
        raise ValidationError({"files": f"每次最多上传 {FILES_MAX} 个文件。"})
    saved = []
    for checked in files:
        if not isinstance(checked, CheckedFile):
            raise ValidationError({"files": "文件未经检查，不能保存。"})
        record = CaseFile(
            case=case,
            kind=kind,
            measure=measure,
            acceptance_check=acceptance_check,
            action=action,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=_actor_or_none(actor),
        )
        record.file.save(checked.name, ContentFile(checked.data), save=False)
        record.save()
        saved.append(record)
    return saved


class _StoredFiles:
    """Deletes the files stored inside a block from storage when the block fails (the rows
    are rolled back with the transaction, the stored bytes are not)."""

    def __init__(self) -> None:
        self.saved: list[CaseFile] = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for record in self.saved:
                record.file.delete(save=False)
        return False


# --- Opening ------------------------------------------------------------------------------


def _new_code(day: datetime.date) -> str:
    return f"ZZ{day:%Y%m%d}{''.join(secrets.choice(CODE_ALPHABET) for _ in range(6))}"


def open_case_for(building: Building) -> Case | None:
    return Case.objects.filter(building=building).exclude(state__in=list(FINAL_STATES)).first()


def _clean_violations(violations: list[dict]) -> list[dict]:
    cleaned = []
    for item in violations or []:
        category = item.get("category")
        if not isinstance(category, Category) or not category.is_active:
            raise ValidationError({"violations": "请选择有效的问题类别。"})
        party = item.get("responsible_party") or ""
        if party not in ResponsibleParty.values:
            raise ValidationError(
                {"violations": "责任主体只能是物业公司、业主、接入代理商或基础电信企业。"}
            )
        organization = item.get("responsible_organization")
        if organization is not None and not isinstance(organization, Organization):
            raise ValidationError({"violations": "责任单位无效。"})
        cleaned.append(
            {
                "category": category,
                "responsible_party": party,
                "responsible_organization": organization,
                "description": str(item.get("description") or "").strip()[:2000],
            }
        )
    return cleaned


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
        added.append(
            Violation.objects.create(case=locked, created_by=_actor_or_none(actor), **item)
        )
    return added


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
            case=locked, complaint=complaint, linked_by=_actor_or_none(actor)
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
    cleaned = _clean_violations(list(violations))
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
        locked = _lock(existing)
        added = _add_violations(locked, actor, violations)
        linked = _link_complaints(locked, actor, complaints)
        if added or linked:
            _event(
                locked,
                actor,
                from_state=locked.state,
                event="linked",
                source=source,
                violations=[v.category.code for v in added],
                complaints=[c.tracking_code for c in linked],
            )
            _bump(locked)
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
        opened_by=_actor_or_none(actor),
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
        actor=_actor_or_none(actor),
        actor_organization_id=getattr(actor, "organization_id", None),
        details={"source": source, "complaints": [c.tracking_code for c in complaints]},
    )
    audit_record(
        actor=actor,
        action="case.open",
        obj=case,
        changes={"building": building.code, "source": source, "severity": severity},
    )
    _notify_administration(case, f"新立整治案件：{case.code}", exclude=actor)
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
        raise ValidationError({"building": "该申诉未匹配到已登记楼宇，请先在楼宇名录中登记楼宇。"})
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
                "responsible_organization": building.property_company,
                "description": complaint.reply_text[:2000],
            }
        ],
        complaints=[complaint],
    )


def case_report_refused_entry(
    *, actor: User, building: Building, description: str
) -> tuple[Case, bool]:
    """An operator reports that it was refused entry to a building of its area: a case in
    ``identified`` with an ``entry_blocked`` violation by the property company, or that
    violation added to the building's open case."""
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
    return case_open(
        actor=actor,
        building=building,
        title=f"{building.name}阻碍进场问题整治",
        summary=f"{operator_name}报告：{description[:4000]}",
        source=Source.OPERATOR_REPORT,
        violations=[
            {
                "category": category,
                "responsible_party": ResponsibleParty.PROPERTY_COMPANY,
                "responsible_organization": building.property_company,
                "description": f"{operator_name}：{description[:1900]}",
            }
        ],
    )


# --- The one transition service -----------------------------------------------------------


def _require(details: dict[str, Any], to: str) -> None:
    missing = {
        name: "此项为必填。" for name in REQUIRED.get(to, ()) if details.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)


def _open_measures_message(locked: Case, what: str) -> str | None:
    open_titles = list(
        locked.measures.filter(status=MeasureStatus.OPEN).values_list("title", flat=True)
    )
    if not open_titles:
        return None
    listed = "、".join(f"“{t}”" for t in open_titles[:10])
    return f"还有 {len(open_titles)} 项整改措施未完成：{listed}。请先完成或取消这些措施，再{what}。"


@transaction.atomic
def case_transition(
    *,
    actor: User | None,
    case: Case,
    to: str,
    expected_version: int | None = None,
    **details: Any,
) -> Case:
    """Move a case to state ``to``.

    Locks the row; refuses with ConcurrentEdit when ``expected_version`` is given and the
    case changed since, with PermissionDenied when the actor may not change the case (a
    measure owner never may), with InvalidTransition when the workflow does not allow it,
    and with ValidationError (per field) when a required detail is missing or a rule is
    broken: ``rectifying`` needs a violation; ``awaiting_acceptance`` and
    ``closed_unresolved`` refuse while measures are open; ``rectified`` only follows a
    passed acceptance check with evidence, and leaving ``awaiting_acceptance`` for
    ``rectifying`` only a failed one; ``closed_unresolved`` needs a reason. Then sets the
    rectification deadline (entering ``rectifying``), appends the status row, moves the
    work items, audits, and notifies after commit."""
    locked = _lock(case)
    _check_version(locked, expected_version)
    _require_manager(actor, locked)
    from_state = locked.state
    if to not in allowed_targets(from_state):
        target = State(to).label if to in State.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    _require(details, to)
    now = timezone.now()
    note = str(details.get("note") or "").strip()[:2000]
    public: dict[str, Any] = {}
    acceptance = details.get("acceptance")
    if to == State.RECTIFYING:
        if not locked.violations.exists():
            raise ValidationError({"violations": "请先登记至少一项违规问题，再开始整改。"})
        if from_state == State.AWAITING_ACCEPTANCE:
            _check_acceptance(locked, acceptance, passed=False)
            public["acceptance"] = acceptance.pk
        _set_deadline(locked, now)
    elif to == State.AWAITING_ACCEPTANCE:
        message = _open_measures_message(locked, "提请验收")
        if message:
            raise ValidationError({"measures": message})
    elif to == State.RECTIFIED:
        _check_acceptance(locked, acceptance, passed=True)
        public["acceptance"] = acceptance.pk
        locked.closed_at = now
    elif to == State.CLOSED_UNRESOLVED:
        reason = str(details["reason"]).strip()
        if len(reason) < 2:
            raise ValidationError({"reason": "请说明未解决结案的理由。"})
        message = _open_measures_message(locked, "结案")
        if message:
            raise ValidationError({"measures": message})
        locked.closed_reason, locked.closed_at = reason[:5000], now
        note = "\n".join(v for v in (reason[:2000], note) if v)
    if to in FINAL_STATES:
        locked.rectify_due_at = None
    locked.state = to
    locked.version += 1
    locked.save()
    _event(locked, actor, from_state=from_state, note=note, version=locked.version, **public)
    audit_record(
        actor=actor,
        action=f"case.{to}",
        obj=locked,
        changes={"state": [from_state, to], **public},
    )
    work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
    if to == State.AWAITING_ACCEPTANCE:
        admin = _administration(locked)
        if admin is not None:
            work_item_create(
                actor=actor,
                title=f"组织验收：{locked.code}",
                assignee_organization=admin,
                target=locked,
                link=f"/cases/{locked.pk}/",
                kind="case_acceptance",
                jurisdiction=locked.jurisdiction,
                notify_assignees=False,
            )
    if locked.key_case:
        _notify_supervisor(locked, f"督办案件 {locked.code} 已转为“{locked.get_state_display()}”")
    case.__dict__.update(locked.__dict__)
    return locked


def _check_acceptance(locked: Case, acceptance, *, passed: bool) -> None:
    if (
        not isinstance(acceptance, AcceptanceCheck)
        or acceptance.case_id != locked.pk
        or acceptance.passed != passed
        or not acceptance.files.exists()
    ):
        if passed:
            message = "只有附有证据的验收合格记录才能确认整改完成，请登记验收。"
        else:
            message = "退回整改须有附证据的验收不合格记录，请登记验收。"
        raise ValidationError({"acceptance": message})


# --- Acceptance ---------------------------------------------------------------------------


def acceptance_check_record(
    *,
    actor: User,
    case: Case,
    passed: bool,
    notes: str,
    checked_on: datetime.date,
    files: list[CheckedFile],
    expected_version: int | None = None,
) -> AcceptanceCheck:
    """Record an acceptance check with its evidence (at least one file) and move the case:
    passed → ``rectified``, failed → back to ``rectifying`` with a new deadline. All or
    nothing; stored files are deleted again on failure."""
    files = list(files or [])
    errors = {}
    if not files:
        errors["files"] = "验收必须上传至少一个证据文件（现场照片或验收材料）。"
    if len((notes or "").strip()) < 2:
        errors["notes"] = "请填写验收意见。"
    if not isinstance(checked_on, datetime.date):
        errors["checked_on"] = "请填写验收日期。"
    elif checked_on > timezone.localdate():
        errors["checked_on"] = "验收日期不能晚于今天。"
    if not isinstance(passed, bool):
        errors["passed"] = "请选择验收是否通过。"
    with _StoredFiles() as stored, transaction.atomic():
        locked = _lock(case)
        _check_version(locked, expected_version)
        _require_manager(actor, locked)
        if locked.state != State.AWAITING_ACCEPTANCE:
            raise InvalidTransition("只有待验收的案件可以登记验收。")
        if errors:
            raise ValidationError(errors)
        check = AcceptanceCheck.objects.create(
            case=locked,
            passed=passed,
            notes=notes.strip()[:5000],
            checked_on=checked_on,
            checked_by=_actor_or_none(actor),
        )
        stored.saved += files_save(
            case=locked,
            files=files,
            kind=CaseFile.Kind.ACCEPTANCE,
            actor=actor,
            acceptance_check=check,
        )
        audit_record(
            actor=actor,
            action="case.acceptance_check",
            obj=locked,
            changes={"passed": passed, "files": [f.pk for f in stored.saved]},
        )
        case_transition(
            actor=actor,
            case=locked,
            to=State.RECTIFIED if passed else State.RECTIFYING,
            acceptance=check,
            note=notes.strip()[:2000],
        )
        case.__dict__.update(locked.__dict__)
    return check


# --- Case details -------------------------------------------------------------------------


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int | None = None,
    severity: str | None = None,
    title: str | None = None,
    summary: str | None = None,
) -> Case:
    """Change the case's severity, title or summary while it is open. A new severity while
    rectifying recomputes the deadline from the start of rectification."""
    locked = _lock(case)
    _check_version(locked, expected_version)
    _require_manager(actor, locked)
    if locked.state in FINAL_STATES:
        raise InvalidTransition("已结案的案件不能修改。")
    before = {"severity": locked.severity, "title": locked.title, "summary": locked.summary}
    if severity is not None:
        if severity not in Severity.values:
            raise ValidationError({"severity": "严重程度只能是一般、较重或严重。"})
        locked.severity = severity
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": "请填写案件名称。"})
        locked.title = title.strip()[:200]
    if summary is not None:
        locked.summary = summary.strip()[:5000]
    after = {"severity": locked.severity, "title": locked.title, "summary": locked.summary}
    if before == after:
        return locked
    if before["severity"] != locked.severity and locked.state == State.RECTIFYING:
        _set_deadline(locked, _rectifying_since(locked))
    locked.version += 1
    locked.save()
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if "severity" in changed:
        _event(
            locked, actor, from_state=locked.state, event="severity", severity=changed["severity"]
        )
    audit_record(actor=actor, action="case.update", obj=locked, changes=changed)
    case.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def case_set_supervision(
    *, actor: User, case: Case, level: str, expected_version: int | None = None
) -> Case:
    """Make the case a key case supervised at ``level`` (挂牌督办) or, with ``""``, lift the
    supervision. The ministry sets either level (supervisor: the ministry, or the case's
    administration); an administration only its own level, and cannot lift the ministry's."""
    locked = _lock(case)
    _check_version(locked, expected_version)
    _require_manager(actor, locked)
    if locked.state in FINAL_STATES:
        raise InvalidTransition("已结案的案件不能设置督办。")
    allowed = supervision_levels_for(actor) if actor is not None else list(SupervisionLevel.values)
    if level not in SupervisionLevel.values:
        raise ValidationError({"level": "督办级别无效。"})
    if level and level not in allowed:
        raise PermissionDenied("您无权设置该级别的挂牌督办。")
    if not level and locked.supervision_level and locked.supervision_level not in allowed:
        raise PermissionDenied("您无权撤销上级挂牌督办。")
    if level == SupervisionLevel.MINISTRY:
        supervisor = (
            actor.organization
            if actor is not None
            and actor.organization is not None
            and actor.organization.type == OrganizationType.MINISTRY
            else Organization.objects.filter(type=OrganizationType.MINISTRY, is_active=True).first()
        )
    elif level == SupervisionLevel.ADMINISTRATION:
        supervisor = _administration(locked)
    else:
        supervisor = None
    before = locked.supervision_level
    locked.supervision_level = level
    locked.key_case = bool(level)
    locked.supervisor = supervisor
    _bump(locked, "supervision_level", "key_case", "supervisor")
    _event(locked, actor, from_state=locked.state, event="supervision", level=level)
    audit_record(
        actor=actor,
        action="case.supervision",
        obj=locked,
        changes={"supervision_level": [before, level], "supervisor": supervisor},
    )
    if supervisor is not None:
        _notify_supervisor(locked, f"挂牌督办：{locked.code}")
    case.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def violation_add(
    *,
    actor: User,
    case: Case,
    category: Category,
    responsible_party: str,
    responsible_organization: Organization | None = None,
    description: str = "",
    expected_version: int | None = None,
) -> Violation:
    locked = _lock(case)
    _check_version(locked, expected_version)
    _require_manager(actor, locked)
    if locked.state not in EDITABLE_STATES:
        raise InvalidTransition("只有已立案或整改中的案件可以登记违规问题。")
    item = _clean_violations(
        [
            {
                "category": category,
                "responsible_party": responsible_party,
                "responsible_organization": responsible_organization,
                "description": description,
            }
        ]
    )[0]
    if locked.violations.filter(
        category=item["category"],
        responsible_party=item["responsible_party"],
        withdrawn_at__isnull=True,
    ).exists():
        raise ValidationError({"category": "该违规问题（类别与责任主体）已登记。"})
    violation = Violation.objects.create(case=locked, created_by=_actor_or_none(actor), **item)
    _bump(locked)
    _event(locked, actor, from_state=locked.state, event="violation", category=category.code)
    audit_record(
        actor=actor,
        action="case.violation_add",
        obj=locked,
        changes={"category": category.code, "responsible_party": responsible_party},
    )
    return violation


@transaction.atomic
def violation_withdraw(
    *,
    actor: User,
    case: Case,
    violation: Violation,
    reason: str,
    expected_version: int | None = None,
) -> Violation:
    """Withdraw a violation recorded by mistake: it stays on the case, marked withdrawn with
    the reason, and no longer counts for the queue's filters or the export."""
    locked = _lock(case)
    _check_version(locked, expected_version)
    _require_manager(actor, locked)
    if locked.state not in EDITABLE_STATES:
        raise InvalidTransition("只有已立案或整改中的案件可以撤销违规问题。")
    target = Violation.objects.select_for_update().filter(pk=violation.pk, case=locked).first()
    if target is None:
        raise ValidationError({"violation": "该违规问题不属于此案件。"})
    if target.withdrawn_at is not None:
        raise InvalidTransition("该违规问题已撤销。")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请说明撤销理由。"})
    target.withdrawn_at = timezone.now()
    target.withdrawn_by = _actor_or_none(actor)
    target.withdraw_reason = reason[:500]
    target.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    _bump(locked)
    _event(
        locked,
        actor,
        from_state=locked.state,
        event="violation_withdrawn",
        category=target.category.code,
        note=target.withdraw_reason,
    )
    audit_record(
        actor=actor,
        action="case.violation_withdraw",
        obj=locked,
        changes={"violation": target.pk, "reason": target.withdraw_reason},
    )
    case.__dict__.update(locked.__dict__)
    return target


# --- Measures -----------------------------------------------------------------------------


@transaction.atomic
def measure_create(
    *,
    actor: User,
    case: Case,
    title: str,
    owner: Organization,
    due_date: datetime.date,
    description: str = "",
    expected_version: int | None = None,
) -> Measure:
    """Assign a measure to ``owner``; it shows as a work item in the owner's inbox (due at
    the end of ``due_date``) until answered or cancelled."""
    locked = _lock(case)
    _check_version(locked, expected_version)
    _require_manager(actor, locked)
    if locked.state not in EDITABLE_STATES:
        raise InvalidTransition("只有已立案或整改中的案件可以布置整改措施。")
    errors = {}
    title = (title or "").strip()
    if len(title) < 2:
        errors["title"] = "请填写整改措施。"
    if not isinstance(owner, Organization) or not owner.is_active:
        errors["owner"] = "请选择在用的责任单位。"
    if not isinstance(due_date, datetime.date):
        errors["due_date"] = "请填写完成期限。"
    elif due_date < timezone.localdate():
        errors["due_date"] = "完成期限不能早于今天。"
    if errors:
        raise ValidationError(errors)
    measure = Measure.objects.create(
        case=locked,
        title=title[:200],
        description=(description or "").strip()[:2000],
        owner=owner,
        due_date=due_date,
        created_by=_actor_or_none(actor),
    )
    _bump(locked)
    _event(locked, actor, from_state=locked.state, event="measure", measure=measure.title)
    audit_record(
        actor=actor,
        action="case.measure_create",
        obj=locked,
        changes={"measure": measure.pk, "owner": owner.code, "due_date": due_date},
    )
    work_item_create(
        actor=actor,
        title=f"整改措施：{measure.title}（{locked.code}）",
        assignee_organization=owner,
        due_at=calendar.Deadline.ending_on(due_date).due_at,
        target=measure,
        link=f"/cases/{locked.pk}/#measure-{measure.pk}",
        kind="case_measure",
        jurisdiction=locked.jurisdiction,
    )
    return measure


def measure_answer(
    *, actor: User, measure: Measure, response: str, files: list[CheckedFile] = ()
) -> Measure:
    """The owner organisation reports the measure done, with optional evidence. Closes its
    work item and tells the administration."""
    files = list(files or [])
    with _StoredFiles() as stored, transaction.atomic():
        locked_case = _lock(measure.case)
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if not can_answer(actor, locked):
            raise PermissionDenied("只有该措施的责任单位可以答复。")
        if locked.status != MeasureStatus.OPEN:
            raise InvalidTransition("该措施已完成或已取消。")
        if locked_case.state in FINAL_STATES:
            raise InvalidTransition("案件已结案。")
        response = (response or "").strip()
        if len(response) < 2:
            raise ValidationError({"response": "请填写落实情况。"})
        locked.status = MeasureStatus.DONE
        locked.response = response[:5000]
        locked.answered_by, locked.answered_at = actor, timezone.now()
        locked.save()
        stored.saved += files_save(
            case=locked_case, files=files, kind=CaseFile.Kind.MEASURE, actor=actor, measure=locked
        )
        _bump(locked_case)
        _event(
            locked_case,
            actor,
            from_state=locked_case.state,
            event="measure_done",
            measure=locked.title,
        )
        audit_record(
            actor=actor,
            action="case.measure_answer",
            obj=locked_case,
            changes={"measure": locked.pk, "files": [f.pk for f in stored.saved]},
        )
        work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
        _notify_administration(
            locked_case, f"整改措施已完成：{locked.title}（{locked_case.code}）", exclude=actor
        )
    measure.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def measure_cancel(*, actor: User, measure: Measure, reason: str) -> Measure:
    locked_case = _lock(measure.case)
    _require_manager(actor, locked_case)
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if locked.status != MeasureStatus.OPEN:
        raise InvalidTransition("该措施已完成或已取消。")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请说明取消理由。"})
    locked.status, locked.cancel_reason = MeasureStatus.CANCELLED, reason[:500]
    locked.save()
    _bump(locked_case)
    _event(
        locked_case,
        actor,
        from_state=locked_case.state,
        event="measure_cancelled",
        measure=locked.title,
    )
    audit_record(
        actor=actor, action="case.measure_cancel", obj=locked_case, changes={"measure": locked.pk}
    )
    work_items_close_for(actor=actor, target=locked, state=WorkItemState.CANCELLED)
    return locked


# --- Enforcement actions ------------------------------------------------------------------


def enforcement_action_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    action_date: datetime.date,
    issuing_organization: Organization | None = None,
    target_organization: Organization | None = None,
    amount: decimal.Decimal | None = None,
    decision_number: str = "",
    notes: str = "",
    files: list[CheckedFile] = (),
) -> EnforcementAction:
    """Record an enforcement action with its document. A penalty needs an amount above zero
    and the decision number; a referral needs the organisation it goes to (a joint
    department then sees the case)."""
    files = list(files or [])
    errors = {}
    if kind not in ActionKind.values:
        errors["kind"] = "执法措施类型无效。"
    if not isinstance(action_date, datetime.date):
        errors["action_date"] = "请填写日期。"
    elif action_date > timezone.localdate():
        errors["action_date"] = "日期不能晚于今天。"
    decision_number = (decision_number or "").strip()
    if kind == ActionKind.PENALTY:
        try:
            amount = decimal.Decimal(str(amount)) if amount not in (None, "") else None
        except decimal.InvalidOperation:
            amount = None
        if amount is None or amount <= 0:
            errors["amount"] = "行政处罚须填写大于零的罚款金额。"
        if not decision_number:
            errors["decision_number"] = "行政处罚须填写处罚决定书文号。"
    else:
        amount = None
    if kind == ActionKind.REFERRAL:
        if not isinstance(target_organization, Organization) or not target_organization.is_active:
            errors["target_organization"] = "移送须选择接收的部门。"
    else:
        target_organization = None
    with _StoredFiles() as stored, transaction.atomic():
        locked = _lock(case)
        _require_manager(actor, locked)
        if locked.state in FINAL_STATES:
            raise InvalidTransition("已结案的案件不能登记执法措施。")
        if errors:
            raise ValidationError(errors)
        issuer = (
            issuing_organization or getattr(actor, "organization", None) or _administration(locked)
        )
        if issuer is None:
            raise ValidationError({"issuing_organization": "请选择作出机构。"})
        action = EnforcementAction.objects.create(
            case=locked,
            kind=kind,
            action_date=action_date,
            issuing_organization=issuer,
            target_organization=target_organization,
            amount=amount,
            decision_number=decision_number[:100],
            notes=(notes or "").strip()[:2000],
            created_by=_actor_or_none(actor),
        )
        stored.saved += files_save(
            case=locked, files=files, kind=CaseFile.Kind.ACTION, actor=actor, action=action
        )
        _bump(locked)
        _event(locked, actor, from_state=locked.state, event="action", kind=kind)
        audit_record(
            actor=actor,
            action="case.enforcement_action",
            obj=locked,
            changes={
                "kind": kind,
                "amount": amount,
                "decision_number": decision_number,
                "target_organization": target_organization,
            },
        )
        if target_organization is not None:
            work_item_create(
                actor=actor,
                title=f"移送办理：{locked.code}",
                assignee_organization=target_organization,
                target=action,
                link=f"/cases/{locked.pk}/",
                kind="case_referral",
                jurisdiction=locked.jurisdiction,
            )
    return action


@transaction.atomic
def case_files_add(*, actor: User, case: Case, files: list[CheckedFile]) -> list[CaseFile]:
    """Add evidence files to an open case."""
    if not files:
        raise ValidationError({"files": "请选择文件。"})
    locked = _lock(case)
    _require_manager(actor, locked)
    if locked.state in FINAL_STATES:
        raise InvalidTransition("已结案的案件不能补充证据。")
    with _StoredFiles() as stored:
        stored.saved += files_save(
            case=locked, files=list(files), kind=CaseFile.Kind.EVIDENCE, actor=actor
        )
        audit_record(
            actor=actor,
            action="case.evidence_add",
            obj=locked,
            changes={"files": [f.pk for f in stored.saved]},
        )
    return stored.saved


# --- Notifications ------------------------------------------------------------------------


def _administration(case: Case) -> Organization | None:
    return Organization.objects.filter(
        type=OrganizationType.COMM_ADMIN, jurisdiction_id=case.jurisdiction_id, is_active=True
    ).first()


def _notify_administration(case: Case, title: str, *, exclude=None) -> None:
    admin = _administration(case)
    if admin is None:
        return
    recipients = users_of_organization(admin)
    if exclude is not None and getattr(exclude, "pk", None):
        recipients = recipients.exclude(pk=exclude.pk)
    notify(recipients=list(recipients), title=title, link=f"/cases/{case.pk}/", kind="case")


def _notify_supervisor(case: Case, title: str) -> None:
    if case.supervisor_id is None:
        return
    notify(
        recipients=list(users_of_organization(case.supervisor)),
        title=title,
        link=f"/cases/{case.pk}/",
        kind="case",
    )
