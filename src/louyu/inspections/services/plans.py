"""Writes for inspection plans: create, change the specification of a draft, draw the
sample, the one transition service, and a new version of an approved plan.

Every write is one transaction that locks the plan it changes, checks who may act and the
rules, appends its history row, and writes the audit event. The sampling specification is
frozen from approval on: a change is a new version (a new draft that supersedes it)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from louyu.core.audit import audit_record
from louyu.core.errors import ConcurrentEdit, InvalidTransition
from louyu.core.models import Jurisdiction, Organization, OrganizationType, User, WorkItemState
from louyu.core.scope import check_organization_reference, scope_for
from louyu.core.services import work_items_close_for
from louyu.inspections import sampling
from louyu.inspections.models import (
    Assignment,
    ChecklistVersion,
    InspectionPlan,
    PlanStatusChange,
    SampledBuilding,
    Stratum,
)
from louyu.inspections.sampling import StratumSpec
from louyu.inspections.workflow import State, StratumKind, allowed_targets

NATIONAL_PLANNERS = (OrganizationType.MINISTRY, OrganizationType.RESEARCH_INSTITUTE)
MAX_SAMPLE = 100_000
SPEC_FIELDS = (
    "sample_size",
    "minimum_per_jurisdiction",
    "seed",
    "exclude_inspected_months",
    "exclude_case_closed_months",
)
FROZEN_MESSAGE = "方案已批准，抽样规格不能再修改；如需调整，请创建新版本。"


def plan_link(plan: InspectionPlan) -> str:
    return f"/inspections/plans/{plan.pk}/"


def _actor_or_none(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _org_type(user) -> str | None:
    org = getattr(user, "organization", None)
    return org.type if org is not None else None


# --- Who may do what ----------------------------------------------------------------------


def planning_jurisdiction_ids(user: User | None) -> frozenset[int] | None:
    """The jurisdictions ``user`` may plan inspections over: ``None`` for all (ministry,
    research institute, system jobs), an administration's own, else none."""
    if user is None:
        return None
    if not user.has_perm("inspections.add_inspectionplan"):
        return frozenset()
    if user.is_superuser or _org_type(user) in NATIONAL_PLANNERS:
        return None
    scope = scope_for(user)
    if _org_type(user) == OrganizationType.COMM_ADMIN:
        return scope.jurisdiction_ids
    return frozenset()


def can_plan(user: User | None) -> bool:
    allowed = planning_jurisdiction_ids(user)
    return allowed is None or bool(allowed)


def can_edit(user: User | None, plan: InspectionPlan) -> bool:
    """The planner organisation (and the ministry) edit a draft."""
    if user is None:
        return True
    if not user.has_perm("inspections.change_inspectionplan"):
        return False
    if user.is_superuser or _org_type(user) == OrganizationType.MINISTRY:
        return True
    return user.organization_id == plan.planner_id


def can_approve(user: User | None, plan: InspectionPlan) -> bool:
    """The ministry approves every plan; an administration approves the plans it organises
    for its own jurisdiction."""
    if user is None:
        return True
    if not user.has_perm("inspections.approve_inspectionplan"):
        return False
    if user.is_superuser or _org_type(user) == OrganizationType.MINISTRY:
        return True
    return (
        plan.owner_jurisdiction_id is not None
        and _org_type(user) == OrganizationType.COMM_ADMIN
        and scope_for(user).can_see_jurisdiction(plan.owner_jurisdiction_id)
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Cleaning the specification ------------------------------------------------------------


def _clean_int(value, field: str, label: str, *, minimum: int, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"{label}应为整数。"}) from None
    if not minimum <= number <= maximum:
        raise ValidationError({field: f"{label}应在 {minimum} 到 {maximum} 之间。"})
    return number


def _clean_strata(strata: Sequence[StratumSpec]) -> tuple[StratumSpec, ...]:
    if not strata:
        raise ValidationError({"strata": "请至少设置一个抽样分层。"})
    seen: set[str] = set()
    cleaned = []
    for number, stratum in enumerate(strata, start=1):
        where = f"第 {number} 个分层"
        if stratum.kind not in StratumKind.values:
            raise ValidationError({"strata": f"{where}：未知的分层类型。"})
        label = StratumKind(stratum.kind).label
        if stratum.kind in seen:
            raise ValidationError({"strata": f"{where}：“{label}”重复。"})
        seen.add(stratum.kind)
        if stratum.size is not None and stratum.share is not None:
            raise ValidationError({"strata": f"{where}（{label}）：数量和占比只能填一项。"})
        if stratum.size is None and stratum.share is None and stratum.kind != "random_rest":
            raise ValidationError({"strata": f"{where}（{label}）：请填写数量或占比。"})
        if stratum.size is not None and not 1 <= stratum.size <= MAX_SAMPLE:
            raise ValidationError(
                {"strata": f"{where}（{label}）：数量应在 1 到 {MAX_SAMPLE} 之间。"}
            )
        if stratum.share is not None and not 1 <= stratum.share <= 100:
            raise ValidationError({"strata": f"{where}（{label}）：占比应在 1 到 100 之间。"})
        hot = stratum.kind == StratumKind.COMPLAINT_HOTSPOT
        if hot and not (
            stratum.min_complaints
            and stratum.complaint_days
            and 1 <= stratum.min_complaints <= 10_000
            and 1 <= stratum.complaint_days <= 3660
        ):
            raise ValidationError(
                {"strata": f"{where}（{label}）：请填写投诉数下限（≥1）和统计天数（1–3660）。"}
            )
        cleaned.append(
            StratumSpec(
                kind=stratum.kind,
                size=stratum.size,
                share=stratum.share,
                min_complaints=stratum.min_complaints if hot else None,
                complaint_days=stratum.complaint_days if hot else None,
            )
        )
    return tuple(cleaned)


def _clean_spec(values: dict[str, Any]) -> dict[str, int]:
    limits = {
        "sample_size": ("样本量", 1, MAX_SAMPLE),
        "minimum_per_jurisdiction": ("每个辖区最少抽取", 0, MAX_SAMPLE),
        "seed": ("随机种子", 0, 2**62),
        "exclude_inspected_months": ("排除月数", 0, 120),
        "exclude_case_closed_months": ("排除月数", 0, 120),
    }
    cleaned, errors = {}, {}
    for name in SPEC_FIELDS:
        label, low, high = limits[name]
        try:
            cleaned[name] = _clean_int(values.get(name, 0), name, label, minimum=low, maximum=high)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_plan(
    *,
    actor,
    name,
    period_start,
    period_end,
    jurisdictions: Iterable[Jurisdiction],
    organizations: Iterable[Organization],
    checklist,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    text = str(name or "").strip()
    if len(text) < 2:
        errors["name"] = "请填写方案名称（至少 2 个字）。"
    if not isinstance(period_start, datetime.date):
        errors["period_start"] = "请填写开始日期。"
    if not isinstance(period_end, datetime.date):
        errors["period_end"] = "请填写结束日期。"
    elif isinstance(period_start, datetime.date) and period_end < period_start:
        errors["period_end"] = "结束日期不能早于开始日期。"
    jurisdictions = list(jurisdictions)
    allowed = planning_jurisdiction_ids(actor)
    if not jurisdictions:
        errors["jurisdictions"] = "请至少选择一个检查辖区。"
    elif allowed is not None and any(j.pk not in allowed for j in jurisdictions):
        errors["jurisdictions"] = "只能为本局管辖范围制定检查方案。"
    if not isinstance(checklist, ChecklistVersion) or not checklist.is_active:
        errors["checklist"] = "请选择有效的检查表版本。"
    organizations = list(organizations)
    for org in organizations:
        try:
            check_organization_reference(actor=actor, field="organizations", organization=org)
        except ValidationError as exc:
            errors["organizations"] = exc.message_dict["organizations"][0]
    if errors:
        raise ValidationError(errors)
    return {
        "name": text[:200],
        "period_start": period_start,
        "period_end": period_end,
        "jurisdictions": jurisdictions,
        "organizations": organizations,
        "checklist": checklist,
    }


def _write_strata(plan: InspectionPlan, strata: tuple[StratumSpec, ...]) -> None:
    plan.strata.all().delete()
    Stratum.objects.bulk_create(
        Stratum(
            plan=plan,
            position=position,
            kind=s.kind,
            size=s.size,
            share=s.share,
            min_complaints=s.min_complaints,
            complaint_days=s.complaint_days,
        )
        for position, s in enumerate(strata, start=1)
    )


def plan_spec(plan: InspectionPlan) -> sampling.Spec:
    return sampling.Spec(
        sample_size=plan.sample_size,
        minimum_per_jurisdiction=plan.minimum_per_jurisdiction,
        seed=plan.seed,
        exclude_inspected_months=plan.exclude_inspected_months,
        exclude_case_closed_months=plan.exclude_case_closed_months,
        method=plan.sampling_method,
        strata=tuple(
            StratumSpec(
                kind=s.kind,
                size=s.size,
                share=s.share,
                min_complaints=s.min_complaints,
                complaint_days=s.complaint_days,
            )
            for s in plan.strata.order_by("position")
        ),
    )


def _spec_audit(plan: InspectionPlan, strata) -> dict[str, Any]:
    return {
        **{name: getattr(plan, name) for name in SPEC_FIELDS},
        "jurisdictions": sorted(j.code for j in plan.jurisdictions.all()),
        "strata": [s.__dict__ for s in strata],
    }


# --- Plans --------------------------------------------------------------------------------


@transaction.atomic
def inspection_plan_create(
    *,
    actor: User | None,
    name: str,
    period_start: datetime.date,
    period_end: datetime.date,
    jurisdictions: Iterable[Jurisdiction],
    organizations: Iterable[Organization] = (),
    checklist: ChecklistVersion | None,
    strata: Sequence[StratumSpec],
    **spec: Any,
) -> InspectionPlan:
    """Create a draft plan. The ministry and the research institute plan over any
    jurisdictions (approved by the ministry); an administration only over its own (approved
    by itself). Refuses another jurisdiction's buildings and bad specifications per field."""
    _require(
        can_plan(actor) and getattr(actor, "organization", None) is not None,
        "只有部、研究院或通信管理局可以制定联合检查方案。",
    )
    cleaned = _clean_plan(
        actor=actor,
        name=name,
        period_start=period_start,
        period_end=period_end,
        jurisdictions=jurisdictions,
        organizations=organizations,
        checklist=checklist,
    )
    numbers = _clean_spec(spec)
    strata = _clean_strata(strata)
    jurisdictions, organizations = cleaned.pop("jurisdictions"), cleaned.pop("organizations")
    own = _org_type(actor) == OrganizationType.COMM_ADMIN
    plan = InspectionPlan.objects.create(
        **cleaned,
        **numbers,
        planner=actor.organization,
        owner_jurisdiction=jurisdictions[0] if own else None,
        created_by=_actor_or_none(actor),
    )
    plan.jurisdictions.set(jurisdictions)
    plan.organizations.set(organizations)
    _write_strata(plan, strata)
    PlanStatusChange.objects.create(
        plan=plan, from_state="", to_state=State.DRAFT, actor=_actor_or_none(actor)
    )
    audit_record(
        actor=actor, action="inspection_plan.create", obj=plan, changes=_spec_audit(plan, strata)
    )
    return plan


def _lock(plan: InspectionPlan, expected_version) -> InspectionPlan:
    if expected_version is not None:
        try:
            expected_version = int(expected_version)
        except (TypeError, ValueError):
            raise ValidationError({"expected_version": "版本号应为整数。"}) from None
    locked = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEdit("该检查方案已被他人更新，请刷新页面后再操作。")
    return locked


@transaction.atomic
def inspection_plan_update_spec(
    *,
    actor: User | None,
    plan: InspectionPlan,
    strata: Sequence[StratumSpec],
    expected_version: int | None = None,
    **spec: Any,
) -> InspectionPlan:
    """Change the sampling specification of a draft (the drawn sample, if any, is
    discarded). From approval on the specification is frozen: InvalidTransition."""
    locked = _lock(plan, expected_version)
    _require(can_edit(actor, locked), "只有方案制定单位可以修改抽样规格。")
    if locked.state != State.DRAFT:
        raise InvalidTransition(FROZEN_MESSAGE)
    numbers = _clean_spec(spec)
    strata = _clean_strata(strata)
    for name, value in numbers.items():
        setattr(locked, name, value)
    locked.drawn_at, locked.draw_notes = None, []
    locked.version += 1
    locked.save()
    _write_strata(locked, strata)
    locked.sample.all().delete()
    audit_record(
        actor=actor,
        action="inspection_plan.update_spec",
        obj=locked,
        changes=_spec_audit(locked, strata),
    )
    plan.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def inspection_plan_draw(
    *, actor: User | None, plan: InspectionPlan, expected_version: int | None = None
) -> InspectionPlan:
    """Draw (or draw again) the sample of a draft from today's data. The same
    specification, data and seed draw the same sample (``sampling``)."""
    locked = _lock(plan, expected_version)
    _require(can_edit(actor, locked), "只有方案制定单位可以抽取样本。")
    if locked.state != State.DRAFT:
        raise InvalidTransition(FROZEN_MESSAGE)
    jurisdictions = list(locked.jurisdictions.order_by("pk"))
    spec = plan_spec(locked)
    result = sampling.sample(spec, jurisdictions)
    locked.sample.all().delete()
    SampledBuilding.objects.bulk_create(
        (
            SampledBuilding(
                plan=locked,
                building_id=d.building_id,
                jurisdiction_id=d.jurisdiction_id,
                stratum=d.stratum,
                reason=d.reason[:300],
                position=position,
            )
            for position, d in enumerate(result.buildings, start=1)
        ),
        batch_size=1000,
    )
    locked.drawn_at, locked.draw_notes = timezone.now(), result.notes
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="inspection_plan.draw",
        obj=locked,
        changes={
            "seed": locked.seed,
            "method": locked.sampling_method,
            "drawn": len(result.buildings),
            "notes": result.notes,
        },
    )
    plan.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def inspection_plan_transition(
    *,
    actor: User | None,
    plan: InspectionPlan,
    to: str,
    note: str = "",
    expected_version: int | None = None,
) -> InspectionPlan:
    """Approve (ministry, or the administration for its own plan; needs a drawn sample),
    start and close a plan; closing cancels the members' work items still open for its
    scheduled buildings. Raises InvalidTransition (409) when the table does not allow
    it, PermissionDenied, ValidationError; writes nothing then."""
    locked = _lock(plan, expected_version)
    from_state = locked.state
    if to not in allowed_targets(from_state):
        target = State(to).label if to in State.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    if to == State.APPROVED:
        _require(can_approve(actor, locked), "只有部或组织检查的通信管理局可以批准该方案。")
        if locked.drawn_at is None or not locked.sample.exists():
            raise ValidationError({"to": "请先抽取样本再批准方案。"})
    else:
        _require(
            can_approve(actor, locked) or can_edit(actor, locked),
            "只有方案制定单位或批准单位可以变更方案状态。",
        )
    locked.state = to
    locked.version += 1
    locked.save()
    if to == State.CLOSED:
        for assignment in Assignment.objects.filter(team__plan=locked):
            work_items_close_for(actor=actor, target=assignment, state=WorkItemState.CANCELLED)
    PlanStatusChange.objects.create(
        plan=locked,
        from_state=from_state,
        to_state=to,
        actor=_actor_or_none(actor),
        note=str(note or "")[:2000],
    )
    audit_record(
        actor=actor,
        action=f"inspection_plan.{to}",
        obj=locked,
        changes={"state": [from_state, to]},
        jurisdiction=locked.owner_jurisdiction_id,
    )
    plan.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def inspection_plan_revise(*, actor: User | None, plan: InspectionPlan) -> InspectionPlan:
    """A new version of an approved (or later) plan: a draft copying its specification,
    with the next specification version, that supersedes it. The original stays as it
    was approved."""
    locked = _lock(plan, None)
    _require(can_edit(actor, locked), "只有方案制定单位可以创建新版本。")
    if locked.state == State.DRAFT:
        raise InvalidTransition("草稿方案可直接修改，无需创建新版本。")
    new = InspectionPlan.objects.create(
        name=locked.name,
        period_start=locked.period_start,
        period_end=locked.period_end,
        planner=locked.planner,
        owner_jurisdiction=locked.owner_jurisdiction,
        checklist=locked.checklist,
        **{name: getattr(locked, name) for name in SPEC_FIELDS},
        spec_version=locked.spec_version + 1,
        supersedes=locked,
        created_by=_actor_or_none(actor),
    )
    new.jurisdictions.set(locked.jurisdictions.all())
    new.organizations.set(locked.organizations.all())
    _write_strata(new, plan_spec(locked).strata)
    PlanStatusChange.objects.create(
        plan=new, from_state="", to_state=State.DRAFT, actor=_actor_or_none(actor)
    )
    audit_record(
        actor=actor,
        action="inspection_plan.revise",
        obj=new,
        changes={"supersedes": locked.pk, "spec_version": new.spec_version},
    )
    return new
