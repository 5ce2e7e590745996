"""Stratified sampling of buildings for an inspection plan.

The rule, in order:

1. Each jurisdiction's quota is the plan's sample size split in proportion to its active
   buildings (largest remainder), raised to the minimum per jurisdiction.
2. Buildings excluded by the plan (sampled into a running or closed plan in the last M
   months; with a case closed in the last M months) are never drawn.
3. Strata are taken in priority order; a building belongs to the first stratum that claims
   it. A stratum asks for its ``size`` (a count per jurisdiction) or its ``share`` (a
   percentage of the quota), never more than what is left of the quota; a random rest
   with neither takes what is left. A stratum with fewer buildings than asked takes them
   all and says so in the notes.
4. Within a stratum, candidates are sorted by id and drawn with a generator seeded by the
   plan's seed, the jurisdiction and the stratum: the same specification on the same data
   with the same seed draws the same sample.

``draw`` is pure (tested table-driven); ``read_pools`` reads the candidates, one query per
jurisdiction and stratum, ids only.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.cases.models import Case
from louyu.cases.workflow import FINAL_STATES, OPEN_STATES
from louyu.complaints.models import Complaint
from louyu.inspections.workflow import PUBLISHED_STATES, State, StratumKind


@dataclass(frozen=True)
class StratumSpec:
    kind: str
    size: int | None = None
    share: int | None = None
    min_complaints: int | None = None
    complaint_days: int | None = None


@dataclass(frozen=True)
class Spec:
    sample_size: int
    minimum_per_jurisdiction: int
    seed: int
    strata: tuple[StratumSpec, ...]
    exclude_inspected_months: int = 0
    exclude_case_closed_months: int = 0


@dataclass
class Pool:
    """One jurisdiction's candidates: active building count, candidate ids per stratum
    (before priority), complaint counts of hot spots, and the excluded ids."""

    code: str
    name: str
    building_count: int
    candidates: dict[str, list[int]] = field(default_factory=dict)
    complaint_counts: dict[int, int] = field(default_factory=dict)
    excluded: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Drawn:
    building_id: int
    jurisdiction_id: int
    stratum: str
    reason: str


@dataclass
class Draw:
    buildings: list[Drawn]
    quotas: dict[int, int]
    notes: list[str]


def allocate(counts: dict[int, int], total: int, minimum: int) -> dict[int, int]:
    """``total`` split over jurisdictions in proportion to ``counts`` (largest remainder,
    ties by jurisdiction id), each raised to ``minimum`` and capped by its count."""
    whole = sum(counts.values())
    if whole == 0:
        return {jid: 0 for jid in counts}
    exact = {jid: total * n / whole for jid, n in counts.items()}
    quotas = {jid: int(value) for jid, value in exact.items()}
    left = total - sum(quotas.values())
    by_remainder = sorted(counts, key=lambda jid: (-(exact[jid] - quotas[jid]), jid))
    for jid in by_remainder[:left]:
        quotas[jid] += 1
    return {jid: min(max(q, minimum), counts[jid]) for jid, q in quotas.items()}


def _reason(kind: str, stratum: StratumSpec, building_id: int, pool: Pool) -> str:
    if kind == StratumKind.COMPLAINT_HOTSPOT:
        count = pool.complaint_counts.get(building_id, 0)
        return (
            f"投诉热点：近 {stratum.complaint_days} 天投诉 {count} 件"
            f"（不少于 {stratum.min_complaints} 件）"
        )
    return {
        StratumKind.ZERO_OPERATOR: "零运营商楼宇：没有基础电信企业提供服务",
        StratumKind.OPEN_CASE: "有未结的整治案件",
        StratumKind.SINGLE_OPERATOR: "仅一家基础电信企业提供服务",
        StratumKind.RANDOM_REST: "其余楼宇中随机抽取",
    }[kind]


def _asked(stratum: StratumSpec, quota: int, left: int) -> int:
    if stratum.size is not None:
        return min(stratum.size, left)
    if stratum.share is not None:
        return min(round(quota * stratum.share / 100), left)
    return left


def draw(spec: Spec, pools: dict[int, Pool]) -> Draw:
    """Draw the sample of ``spec`` from ``pools`` (jurisdiction id → candidates)."""
    quotas = allocate(
        {jid: pool.building_count for jid, pool in pools.items()},
        spec.sample_size,
        spec.minimum_per_jurisdiction,
    )
    drawn: list[Drawn] = []
    notes: list[str] = []
    if sum(quotas.values()) > spec.sample_size:
        notes.append(
            f"按每个辖区最少 {spec.minimum_per_jurisdiction} 栋，样本量由 {spec.sample_size}"
            f" 增至 {sum(quotas.values())}。"
        )
    for jid in sorted(pools):
        pool = pools[jid]
        quota = quotas[jid]
        claimed = set(pool.excluded)
        left = quota
        for index, stratum in enumerate(spec.strata):
            members = sorted(set(pool.candidates.get(stratum.kind, ())) - claimed)
            claimed.update(members)
            asked = _asked(stratum, quota, left)
            if asked <= 0:
                continue
            label = StratumKind(stratum.kind).label
            if len(members) <= asked:
                chosen = members
                if len(members) < asked:
                    notes.append(
                        f"{pool.name}：“{label}”要求 {asked} 栋，仅有 {len(members)} 栋符合条件，"
                        "已全部抽取。"
                    )
            else:
                rng = random.Random(f"{spec.seed}:{pool.code}:{index}:{stratum.kind}")
                chosen = sorted(rng.sample(members, asked))
            left -= len(chosen)
            drawn.extend(
                Drawn(bid, jid, stratum.kind, _reason(stratum.kind, stratum, bid, pool))
                for bid in chosen
            )
        if left > 0:
            notes.append(f"{pool.name}：配额 {quota} 栋，实际抽取 {quota - left} 栋。")
    return Draw(buildings=drawn, quotas=quotas, notes=notes)


def months_ago(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _stratum_ids(stratum: StratumSpec, jid: int, pool: Pool, today: datetime.date) -> list[int]:
    buildings = Building.objects.filter(jurisdiction_id=jid, is_active=True)
    kind = stratum.kind
    if kind == StratumKind.ZERO_OPERATOR:
        return list(buildings.filter(operator_count=0).values_list("id", flat=True))
    if kind == StratumKind.SINGLE_OPERATOR:
        return list(buildings.filter(operator_count=1).values_list("id", flat=True))
    if kind == StratumKind.OPEN_CASE:
        return list(
            Case.objects.filter(
                state__in=OPEN_STATES, building__jurisdiction_id=jid, building__is_active=True
            ).values_list("building_id", flat=True)
        )
    if kind == StratumKind.COMPLAINT_HOTSPOT:
        since = _start_of(today - datetime.timedelta(days=stratum.complaint_days or 0))
        rows = (
            Complaint.objects.filter(
                building__jurisdiction_id=jid, building__is_active=True, received_at__gte=since
            )
            .values("building_id")
            .annotate(n=Count("id"))
            .filter(n__gte=stratum.min_complaints or 1)
            .values_list("building_id", "n")
        )
        pool.complaint_counts.update(rows)
        return list(pool.complaint_counts)
    return list(buildings.values_list("id", flat=True))


def _excluded_ids(spec: Spec, jid: int, *, plan_id: int | None, today) -> set[int]:
    from louyu.inspections.models import SampledBuilding

    excluded: set[int] = set()
    if spec.exclude_inspected_months:
        since = months_ago(today, spec.exclude_inspected_months)
        rows = SampledBuilding.objects.filter(
            jurisdiction_id=jid,
            plan__state__in=PUBLISHED_STATES - {State.APPROVED},
            plan__period_end__gte=since,
            plan__period_start__lte=today,
        ).exclude(plan_id=plan_id)
        excluded.update(rows.values_list("building_id", flat=True))
    if spec.exclude_case_closed_months:
        since = _start_of(months_ago(today, spec.exclude_case_closed_months))
        rows = Case.objects.filter(
            Q(building__jurisdiction_id=jid), state__in=FINAL_STATES, closed_at__gte=since
        )
        excluded.update(rows.values_list("building_id", flat=True))
    return excluded


def read_pools(
    spec: Spec, jurisdictions, *, plan_id: int | None = None, today: datetime.date | None = None
) -> dict[int, Pool]:
    """The candidates of every stratum of ``spec`` in each of ``jurisdictions``."""
    today = today or timezone.localdate()
    counts = dict(
        Building.objects.filter(is_active=True, jurisdiction__in=jurisdictions)
        .values("jurisdiction_id")
        .annotate(n=Count("id"))
        .values_list("jurisdiction_id", "n")
    )
    pools: dict[int, Pool] = {}
    for jurisdiction in jurisdictions:
        jid = jurisdiction.pk
        pool = Pool(
            code=jurisdiction.code,
            name=jurisdiction.short_name or jurisdiction.name,
            building_count=counts.get(jid, 0),
        )
        for stratum in spec.strata:
            pool.candidates[stratum.kind] = _stratum_ids(stratum, jid, pool, today)
        pool.excluded = _excluded_ids(spec, jid, plan_id=plan_id, today=today)
        pools[jid] = pool
    return pools
