"""Writes for work plans (一楼一策): creating a plan, the one transition service, measures
and progress reports.

Every write is one transaction that locks the row it changes, checks the rules, appends its
history row (status change or progress report), writes the audit event and schedules
notifications after commit. Each measure is a work item of its owner organisation, closed
when the measure is done or cancelled."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.clean import actor_or_none as _actor_or_none
from louyu.core.clean import clean_date
from louyu.core.errors import ConcurrentEdit, Conflict, InvalidTransition
from louyu.core.labels import in_stored_language
from louyu.core.models import Organization, OrganizationType, User, WorkItemState
from louyu.core.scope import ScopeKind, check_organization_reference, scope_for
from louyu.core.services import work_item_create, work_items_close_for
from louyu.core.uploads import storage_name
from louyu.workplans.models import (
    MeasureKind,
    PlanMeasure,
    PlanProgress,
    PlanStatusChange,
    WorkPlan,
)
from louyu.workplans.workflow import (
    FINAL_MEASURE_STATUSES,
    OPEN_MEASURE_STATUSES,
    REPORTABLE_STATUSES,
    REQUIRED,
    MeasureStatus,
    Outcome,
    State,
    allowed_targets,
)

OPERATOR_TYPES = (OrganizationType.OPERATOR, OrganizationType.OPERATOR_BRANCH)


class DuplicatePlan(Conflict):
    """The building already has an active plan (``plan`` is that plan; the API answers 409
    with its id)."""

    def __init__(self, message, plan: WorkPlan):
        super().__init__({"building": message}, extra={"plan": plan.pk})
        self.plan = plan


def plan_link(plan: WorkPlan) -> str:
    return f"/work-plans/{plan.pk}/"


# --- Who may do what ----------------------------------------------------------------------


def can_edit_plans(user: User | None, jurisdiction_id: int | None) -> bool:
    """Communications administrations in their jurisdiction, and the ministry, edit plans
    and measures (research institute users see everything but edit nothing)."""
    if user is None:
        return True
    if not user.has_perm("workplans.change_workplan"):
        return False
    scope = scope_for(user)
    if scope.is_national:
        org = user.organization
        return user.is_superuser or (org is not None and org.type == OrganizationType.MINISTRY)
    return scope.can_see_jurisdiction(jurisdiction_id)


def can_report_progress(user: User | None, measure: PlanMeasure) -> bool:
    """The owner organisation of a measure (an operator's headquarters for its branches
    too) reports its progress; plan editors may record it as well."""
    if user is None:
        return True
    if not user.has_perm("workplans.add_planprogress"):
        return False
    if can_edit_plans(user, measure.plan.jurisdiction_id):
        return True
    scope = scope_for(user)
    return scope.kind in (ScopeKind.OPERATOR, ScopeKind.JOINT, ScopeKind.PROPERTY) and (
        measure.owner_id in scope.organization_ids
    )


def _require_editor(actor, plan_or_jurisdiction_id) -> None:
    jid = getattr(plan_or_jurisdiction_id, "jurisdiction_id", plan_or_jurisdiction_id)
    if not can_edit_plans(actor, jid):
        raise PermissionDenied("只有本辖区通信管理局（或部）可以维护一楼一策工作方案。")


def _clean_text(value, field: str, message: str, *, minimum: int = 2, limit: int = 2000) -> str:
    text = str(value or "").strip()
    if len(text) < minimum:
        raise ValidationError({field: message})
    return text[:limit]


def _clean_future_date(value, field: str, *, label: str) -> datetime.date:
    return clean_date(value, field, label=label, future=True)


# --- Plans --------------------------------------------------------------------------------


def work_plan_create(
    *, actor: User | None, building: Building, goal: str, target_date: datetime.date
) -> WorkPlan:
    """Open a work plan for a building no basic operator serves, in the actor's
    jurisdiction. Refuses a served building, a second active plan (``DuplicatePlan``
    names the existing one), a target date in the past and buildings outside the actor's
    jurisdiction (PermissionDenied)."""
    goal = _clean_text(goal, "goal", "请填写工作目标（至少 2 个字）。")
    target_date = _clean_future_date(target_date, "target_date", label="目标日期")
    try:
        with transaction.atomic():
            return _work_plan_write(actor=actor, building=building, goal=goal, target=target_date)
    except IntegrityError:
        existing = WorkPlan.objects.filter(building_id=building.pk, state=State.ACTIVE).first()
        if existing is None:
            raise
        raise DuplicatePlan("该楼宇已有推进中的工作方案。", existing) from None


def _work_plan_write(*, actor, building, goal, target) -> WorkPlan:
    locked = Building.objects.select_for_update().filter(pk=building.pk, is_active=True).first()
    if locked is None:
        raise ValidationError({"building": "楼宇不存在。"})
    _require_editor(actor, locked.jurisdiction_id)
    if locked.operator_count > 0:
        raise ValidationError(
            {"building": "该楼宇已有基础电信企业提供服务，不属于零运营商楼宇，无需制定工作方案。"}
        )
    existing = WorkPlan.objects.filter(building=locked, state=State.ACTIVE).first()
    if existing is not None:
        raise DuplicatePlan("该楼宇已有推进中的工作方案。", existing)
    plan = WorkPlan.objects.create(
        building=locked,
        jurisdiction_id=locked.jurisdiction_id,
        goal=goal,
        target_date=target,
        created_by=_actor_or_none(actor),
    )
    PlanStatusChange.objects.create(
        plan=plan, from_state="", to_state=State.ACTIVE, actor=_actor_or_none(actor)
    )
    audit_record(
        actor=actor,
        action="work_plan.create",
        obj=plan,
        changes={"building": locked.pk, "target_date": target},
    )
    return plan


def _require_details(details: dict[str, Any], to: str) -> None:
    missing = {
        name: "此项为必填。" for name in REQUIRED.get(to, ()) if details.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def work_plan_transition(
    *,
    actor: User | None,
    plan: WorkPlan,
    to: str,
    expected_version: int | None = None,
    **details: Any,
) -> WorkPlan:
    """Close or reopen a plan.

    Closing needs ``outcome``: ``achieved`` only when the building is now served by at
    least one basic operator, ``abandoned`` with a ``reason``. Measures still open when the
    plan closes are cancelled by the close (each gets a progress row with the reason) and
    their work items are cancelled. Reopening needs a ``reason`` and is refused when the
    building is served or has another active plan.

    Raises ConcurrentEdit (stale ``expected_version``), PermissionDenied, InvalidTransition
    and ValidationError per field; writes nothing then."""
    locked = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConcurrentEdit("该工作方案已被他人更新，请刷新页面后再操作。")
    _require_editor(actor, locked)
    from_state = locked.state
    if to not in allowed_targets(from_state):
        target = State(to).label if to in State.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    _require_details(details, to)
    building = Building.objects.select_for_update().get(pk=locked.building_id)
    now = timezone.now()
    note = ""
    changes: dict[str, Any] = {"state": [from_state, to]}
    cancelled: list[int] = []
    if to == State.CLOSED:
        outcome = details["outcome"]
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": "关闭结果只能是“已实现入驻”或“无法推进”。"})
        reason = str(details.get("reason") or "").strip()
        if outcome == Outcome.ACHIEVED and building.operator_count == 0:
            raise ValidationError(
                {
                    "outcome": "该楼宇目前仍没有基础电信企业提供服务，不能以“已实现入驻”关闭；"
                    "如确实无法推进，请选择“无法推进”并说明理由。"
                }
            )
        if outcome == Outcome.ABANDONED and len(reason) < 2:
            raise ValidationError({"reason": "以“无法推进”关闭时请说明理由。"})
        locked.outcome, locked.close_reason, locked.closed_at = outcome, reason[:2000], now
        note = reason
        changes["outcome"] = outcome
        cancel_text = (
            f"随工作方案关闭而取消：{reason or in_stored_language(Outcome(outcome).label)}"
        )
        for measure in PlanMeasure.objects.select_for_update().filter(
            plan=locked, status__in=OPEN_MEASURE_STATUSES
        ):
            PlanProgress.objects.create(
                measure=measure,
                text=cancel_text[:2000],
                new_status=MeasureStatus.CANCELLED,
                reported_by=_actor_or_none(actor),
                reported_by_organization_id=getattr(actor, "organization_id", None),
            )
            measure.status = MeasureStatus.CANCELLED
            measure.completed_at = now
            measure.version += 1
            measure.save(update_fields=["status", "completed_at", "version", "updated_at"])
            work_items_close_for(actor=actor, target=measure, state=WorkItemState.CANCELLED)
            cancelled.append(measure.pk)
        if cancelled:
            changes["cancelled_measures"] = cancelled
        work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
    else:
        reason = _clean_text(details["reason"], "reason", "请说明重新启用的理由。")
        if building.operator_count > 0:
            raise ValidationError(
                {"reason": "该楼宇已有基础电信企业提供服务，不能重新启用工作方案。"}
            )
        if (
            WorkPlan.objects.filter(building=building, state=State.ACTIVE)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError({"reason": "该楼宇已有另一份推进中的工作方案。"})
        locked.outcome, locked.close_reason, locked.closed_at = "", "", None
        note = reason
    locked.state = to
    locked.version += 1
    locked.save()
    PlanStatusChange.objects.create(
        plan=locked,
        from_state=from_state,
        to_state=to,
        actor=_actor_or_none(actor),
        note=note,
        details={k: v for k, v in changes.items() if k != "state"} | {"version": locked.version},
    )
    audit_record(actor=actor, action=f"work_plan.{to}", obj=locked, changes=changes)
    plan.__dict__.update(locked.__dict__)
    return locked


# --- Measures -----------------------------------------------------------------------------


def _clean_measure(
    *,
    actor,
    plan: WorkPlan,
    kind: MeasureKind | None,
    title,
    owner: Organization | None,
    due_date,
    committed_entry_date,
    check_past: bool = True,
    check_owner: bool = True,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if not isinstance(kind, MeasureKind) or not kind.is_active:
        errors["kind"] = "请选择有效的措施类型。"
    text = str(title or "").strip()
    if len(text) < 2:
        errors["title"] = "请填写措施内容（至少 2 个字）。"
    cleaned["title"] = text[:200]
    if not isinstance(owner, Organization) or not owner.is_active:
        errors["owner"] = "请选择责任单位。"
    elif check_owner:
        try:
            check_organization_reference(actor=actor, field="owner", organization=owner)
        except ValidationError as exc:
            errors["owner"] = exc.message_dict["owner"][0]
    for field, value, label in (
        ("due_date", due_date, "完成时限"),
        ("committed_entry_date", committed_entry_date, "承诺入驻日期"),
    ):
        if value in (None, "") and field == "committed_entry_date":
            cleaned[field] = None
            continue
        try:
            if check_past:
                cleaned[field] = _clean_future_date(value, field, label=label)
            else:
                cleaned[field] = value
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    operator = None
    if isinstance(kind, MeasureKind) and kind.is_commitment and "owner" not in errors:
        if owner.type not in OPERATOR_TYPES or owner.operator is None:
            errors["owner"] = "入驻承诺的责任单位须为基础电信企业或其分公司。"
        else:
            operator = owner.operator
        if cleaned.get("committed_entry_date") is None and "committed_entry_date" not in errors:
            errors["committed_entry_date"] = "入驻承诺须填写承诺入驻日期。"
    elif cleaned.get("committed_entry_date") is not None:
        errors["committed_entry_date"] = "只有“运营商入驻承诺”类措施填写承诺入驻日期。"
    if errors:
        raise ValidationError(errors)
    cleaned["operator"] = operator
    return cleaned


def _open_measure_work_item(actor, measure: PlanMeasure) -> None:
    plan = measure.plan
    work_item_create(
        actor=actor,
        title=f"一楼一策：{plan.building.name} · {measure.title}"[:200],
        assignee_organization=measure.owner,
        due_at=calendar.Deadline.ending_on(measure.due_date).due_at,
        target=measure,
        link=plan_link(plan),
        kind="work_plan_measure",
        step=True,
        jurisdiction=plan.jurisdiction,
    )


@transaction.atomic
def measure_add(
    *,
    actor: User | None,
    plan: WorkPlan,
    kind: MeasureKind | None,
    title: str,
    owner: Organization | None,
    due_date: datetime.date,
    committed_entry_date: datetime.date | None = None,
) -> PlanMeasure:
    """Add a measure to an active plan and give its owner organisation a work item due at
    the end of ``due_date`` (Asia/Shanghai)."""
    locked = WorkPlan.objects.select_for_update().select_related("building").get(pk=plan.pk)
    _require_editor(actor, locked)
    if locked.state != State.ACTIVE:
        raise InvalidTransition("工作方案已关闭，不能再添加措施。")
    cleaned = _clean_measure(
        actor=actor,
        plan=locked,
        kind=kind,
        title=title,
        owner=owner,
        due_date=due_date,
        committed_entry_date=committed_entry_date,
    )
    measure = PlanMeasure.objects.create(
        plan=locked, kind=kind, owner=owner, created_by=_actor_or_none(actor), **cleaned
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action="work_plan.measure_add",
        obj=locked,
        changes={
            "measure": measure.pk,
            "kind": kind.code,
            "owner": owner.code,
            "due_date": measure.due_date,
            "committed_entry_date": measure.committed_entry_date,
        },
    )
    _open_measure_work_item(actor, measure)
    return measure


MEASURE_FIELDS = ("kind", "title", "owner", "due_date", "committed_entry_date", "status")


@transaction.atomic
def measure_update(
    *,
    actor: User | None,
    measure: PlanMeasure,
    expected_version: int | None = None,
    **data: Any,
) -> PlanMeasure:
    """Change a measure of an active plan (administration). A new owner gets the work item
    (the old one is cancelled); a new due date moves it; status done or cancelled closes
    it. Only changed fields are written; a due date may stay as it was even if past, but a
    changed one may not be in the past."""
    locked = (
        PlanMeasure.objects.select_for_update().select_related("plan__building").get(pk=measure.pk)
    )
    if expected_version is not None and locked.version != int(expected_version):
        raise ConcurrentEdit("该措施已被他人更新，请刷新页面后再操作。")
    plan = locked.plan
    _require_editor(actor, plan)
    if plan.state != State.ACTIVE:
        raise InvalidTransition("工作方案已关闭，措施不能再修改。")
    unknown = set(data) - set(MEASURE_FIELDS)
    if unknown:
        raise ValidationError({name: "不能修改此项。" for name in sorted(unknown)})
    status = data.get("status", locked.status)
    if status not in MeasureStatus.values:
        raise ValidationError({"status": "未知的措施状态。"})
    if locked.status in FINAL_MEASURE_STATUSES and status != locked.status:
        raise InvalidTransition(
            f"措施已{locked.get_status_display()}，不能再改为“{MeasureStatus(status).label}”。"
        )
    before = {f: getattr(locked, f) for f in MEASURE_FIELDS}
    merged = {**before, **data}
    due_changed = merged["due_date"] != before["due_date"]
    entry_changed = merged["committed_entry_date"] != before["committed_entry_date"]
    cleaned = _clean_measure(
        actor=actor,
        plan=plan,
        kind=merged["kind"],
        title=merged["title"],
        owner=merged["owner"],
        due_date=merged["due_date"],
        committed_entry_date=merged["committed_entry_date"],
        check_past=False,
        check_owner=merged["owner"] != before["owner"],
    )
    for field, changed, label in (
        ("due_date", due_changed, "完成时限"),
        ("committed_entry_date", entry_changed, "承诺入驻日期"),
    ):
        if changed and cleaned[field] is not None:
            cleaned[field] = _clean_future_date(cleaned[field], field, label=label)
    locked.kind, locked.owner = merged["kind"], merged["owner"]
    for key, value in cleaned.items():
        setattr(locked, key, value)
    locked.status = status
    after = {f: getattr(locked, f) for f in MEASURE_FIELDS}
    changes = {
        k: [getattr(before[k], "pk", before[k]), getattr(after[k], "pk", after[k])]
        for k in MEASURE_FIELDS
        if before[k] != after[k]
    }
    if not changes:
        return locked
    if status in FINAL_MEASURE_STATUSES:
        locked.completed_at = timezone.now()
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="work_plan.measure_update",
        obj=plan,
        changes={"measure": locked.pk, **changes},
    )
    if status in FINAL_MEASURE_STATUSES:
        closing = WorkItemState.DONE if status == MeasureStatus.DONE else WorkItemState.CANCELLED
        work_items_close_for(actor=actor, target=locked, state=closing)
    elif "owner" in changes or "due_date" in changes or "title" in changes:
        work_items_close_for(actor=actor, target=locked, state=WorkItemState.CANCELLED)
        _open_measure_work_item(actor, locked)
    measure.__dict__.update(locked.__dict__)
    return locked


# --- Progress -----------------------------------------------------------------------------


@transaction.atomic
def progress_report(
    *,
    actor: User | None,
    measure: PlanMeasure,
    text: str,
    new_status: str = "",
    evidence=None,
) -> PlanProgress:
    """Record progress on a measure of an active plan by its owner (or the
    administration). ``new_status`` may move the measure forward (未开始 → 进行中 → 已完成);
    done closes the owner's work item. ``evidence`` is a file already checked by content
    (``core.uploads.check_upload``)."""
    locked = PlanMeasure.objects.select_for_update().select_related("plan").get(pk=measure.pk)
    if not can_report_progress(actor, locked):
        raise PermissionDenied("只有该措施的责任单位可以报告进展。")
    if locked.plan.state != State.ACTIVE:
        raise InvalidTransition("工作方案已关闭，不能再报告进展。")
    if locked.status in FINAL_MEASURE_STATUSES:
        raise InvalidTransition(f"该措施已{locked.get_status_display()}，不能再报告进展。")
    body = _clean_text(text, "text", "请填写进展情况（至少 2 个字）。", limit=5000)
    new_status = new_status or ""
    if new_status and new_status not in REPORTABLE_STATUSES.get(locked.status, set()):
        raise ValidationError(
            {"new_status": f"措施当前为“{locked.get_status_display()}”，不能报告为该状态。"}
        )
    progress = PlanProgress(
        measure=locked,
        text=body,
        new_status=new_status,
        reported_by=_actor_or_none(actor),
        reported_by_organization_id=getattr(actor, "organization_id", None),
    )
    if evidence is not None:
        progress.evidence.save(storage_name(evidence.name), ContentFile(evidence.data), save=False)
        progress.evidence_name = evidence.name[:200]
        progress.evidence_content_type = evidence.content_type[:100]
    try:
        progress.save()
        if new_status:
            old = locked.status
            locked.status = new_status
            if new_status == MeasureStatus.DONE:
                locked.completed_at = timezone.now()
            locked.version += 1
            locked.save(update_fields=["status", "completed_at", "version", "updated_at"])
            if new_status == MeasureStatus.DONE:
                work_items_close_for(actor=actor, target=locked, state=WorkItemState.DONE)
        audit_record(
            actor=actor,
            action="work_plan.progress",
            obj=locked.plan,
            changes={
                "measure": locked.pk,
                "progress": progress.pk,
                **({"status": [old, new_status]} if new_status else {}),
                **({"evidence": progress.evidence_name} if evidence is not None else {}),
            },
        )
    except Exception:
        if progress.evidence:
            progress.evidence.delete(save=False)
        raise
    return progress


# --- Presence turning serving -------------------------------------------------------------


def plan_now_closable(*, plan_id: int, operator_name: str) -> bool:
    """Tell the administration of an active plan that its building is now served (a work
    item "可关闭工作方案" for the jurisdiction's communications administration, at most one
    open at a time). Runs after the presence change has committed."""
    with transaction.atomic():
        plan = (
            WorkPlan.objects.select_for_update()
            .select_related("building", "jurisdiction")
            .filter(pk=plan_id, state=State.ACTIVE)
            .first()
        )
        if plan is None or plan.building.operator_count == 0:
            return False
        from django.contrib.contenttypes.models import ContentType

        from louyu.core.models import WorkItem

        if WorkItem.objects.filter(
            content_type=ContentType.objects.get_for_model(WorkPlan),
            object_id=str(plan.pk),
            kind="work_plan_closable",
            state=WorkItemState.OPEN,
        ).exists():
            return False
        admin = (
            Organization.objects.filter(
                type=OrganizationType.COMM_ADMIN,
                jurisdiction_id=plan.jurisdiction_id,
                is_active=True,
            )
            .order_by("code")
            .first()
        )
        if admin is None:
            return False
        work_item_create(
            actor=None,
            title=f"可关闭工作方案：{plan.building.name}（{operator_name}已提供服务）"[:200],
            assignee_organization=admin,
            target=plan,
            link=plan_link(plan),
            kind="work_plan_closable",
            step=True,
            jurisdiction=plan.jurisdiction,
        )
        return True
