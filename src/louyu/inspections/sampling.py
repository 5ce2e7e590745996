"""Stratified sampling of buildings for an inspection plan.

The rule, in order:

1. Each jurisdiction's quota is the plan's sample size split in proportion to its active
   buildings (largest remainder), raised to the minimum per jurisdiction.
2. Buildings excluded by the plan (an inspection record submitted in the last M months,
   in any plan, including "could not be inspected"; a case closed in the last M months)
   are never drawn.
3. Strata are taken in priority order; a building belongs to the first stratum that claims
   it. A stratum asks for its ``size`` (a count per jurisdiction) or its ``share`` (a
   percentage of the quota), never more than what is left of the quota; a random rest
   with neither takes what is left. A stratum with fewer buildings than asked takes them
   all and says so in the notes.
4. The same specification on the same data with the same seed draws the same sample.

Two methods implement step 4 (``SamplingMethod``, stored on the plan so that a plan keeps
the method it was drawn with):

- ``positions`` (plans from 2026-12 on, ADR 0015): the strata defined by the building's
  own row (zero-operator, single-operator, the rest) are counted per jurisdiction and
  number of operators, and a generator seeded by the plan's seed, the jurisdiction and the
  stratum proposes positions in the order (operator count, id); the buildings at those
  positions are fetched and a proposal that an earlier stratum or an exclusion already
  claimed is skipped. The strata defined by other tables (open case, complaint hot spot)
  and the exclusions are read whole, with each building's operator count. Only the drawn
  buildings' ids cross from the database (``sampling_rows``).
- ``ids`` (earlier plans): every candidate id of every stratum is read, sorted, and drawn
  with ``random.Random(...).sample``.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Count
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.cases.models import Case
from louyu.cases.workflow import FINAL_STATES, OPEN_STATES
from louyu.complaints.models import Complaint
from louyu.inspections.sampling_rows import DatabaseRows
from louyu.inspections.workflow import SamplingMethod, StratumKind

# Strata whose membership is a property of the building row: the operator counts they claim
# (None: every count).
ROW_STRATA: dict[str, tuple[int, ...] | None] = {
    StratumKind.ZERO_OPERATOR: (0,),
    StratumKind.SINGLE_OPERATOR: (1,),
    StratumKind.RANDOM_REST: None,
}


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
    method: str = SamplingMethod.POSITIONS


@dataclass
class Pool:
    """One jurisdiction's candidates for the ``ids`` method: active building count,
    candidate ids per stratum (before priority), complaint counts of hot spots, and the
    excluded ids."""

    code: str
    name: str
    building_count: int
    candidates: dict[str, list[int]] = field(default_factory=dict)
    complaint_counts: dict[int, int] = field(default_factory=dict)
    excluded: set[int] = field(default_factory=set)


@dataclass
class Population:
    """One jurisdiction for the ``positions`` method: active buildings per operator count,
    the members of the strata read whole and the excluded buildings (id → operator
    count), and the complaint counts of hot spots."""

    code: str
    name: str
    class_counts: dict[int, int] = field(default_factory=dict)
    members: dict[str, dict[int, int]] = field(default_factory=dict)
    complaint_counts: dict[int, int] = field(default_factory=dict)
    excluded: dict[int, int] = field(default_factory=dict)

    @property
    def building_count(self) -> int:
        return sum(self.class_counts.values())


class Rows(Protocol):
    """The active buildings of a jurisdiction with the given operator counts, in the order
    (operator count, id), counted from 0."""

    def ids_at(
        self, requests: list[tuple[int, tuple[int, ...], list[int]]]
    ) -> list[dict[int, int]]:
        """For each (jurisdiction id, classes, positions): position → building id of each
        position that exists."""

    def ids_in(self, jurisdiction_id: int, classes: tuple[int, ...]) -> list[int]:
        """Every building id, in order."""


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


def _reason(kind: str, stratum: StratumSpec, building_id: int, complaint_counts) -> str:
    if kind == StratumKind.COMPLAINT_HOTSPOT:
        count = complaint_counts.get(building_id, 0)
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


def _start(spec: Spec, counts: dict[int, int]) -> tuple[dict[int, int], list[str]]:
    quotas = allocate(counts, spec.sample_size, spec.minimum_per_jurisdiction)
    notes = []
    if sum(quotas.values()) > spec.sample_size:
        notes.append(
            f"按每个辖区最少 {spec.minimum_per_jurisdiction} 栋，样本量由 {spec.sample_size}"
            f" 增至 {sum(quotas.values())}。"
        )
    return quotas, notes


def _short_note(name: str, stratum: StratumSpec, asked: int, found: int) -> str:
    label = StratumKind(stratum.kind).label
    return f"{name}：“{label}”要求 {asked} 栋，仅有 {found} 栋符合条件，已全部抽取。"


def draw(spec: Spec, pools: dict[int, Pool]) -> Draw:
    """The ``ids`` method: draw the sample of ``spec`` from ``pools`` (jurisdiction id →
    every candidate id)."""
    quotas, notes = _start(spec, {jid: pool.building_count for jid, pool in pools.items()})
    drawn: list[Drawn] = []
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
            if len(members) <= asked:
                chosen = members
                if len(members) < asked:
                    notes.append(_short_note(pool.name, stratum, asked, len(members)))
            else:
                rng = random.Random(f"{spec.seed}:{pool.code}:{index}:{stratum.kind}")
                chosen = sorted(rng.sample(members, asked))
            left -= len(chosen)
            drawn.extend(
                Drawn(
                    bid,
                    jid,
                    stratum.kind,
                    _reason(stratum.kind, stratum, bid, pool.complaint_counts),
                )
                for bid in chosen
            )
        if left > 0:
            notes.append(f"{pool.name}：配额 {quota} 栋，实际抽取 {quota - left} 栋。")
    return Draw(buildings=drawn, quotas=quotas, notes=notes)


# --- The positions method --------------------------------------------------------------------


def _proposals(rng: random.Random, size: int) -> Iterator[int]:
    """Distinct positions in ``range(size)`` in a uniformly random order."""
    seen: set[int] = set()
    while len(seen) < size:
        position = rng.randrange(size)
        if position not in seen:
            seen.add(position)
            yield position


@dataclass
class _Rejection:
    """A row stratum drawn by rejection: the first ``asked`` proposed positions among the
    ``size`` buildings of ``classes`` that hold no hole."""

    jid: int
    classes: tuple[int, ...]
    size: int
    holes: set[int]
    asked: int
    proposals: Iterator[int]
    chosen: list[int]

    def next_batch(self) -> list[int]:
        need = self.asked - len(self.chosen)
        extra = need * len(self.holes) // max(self.size - len(self.holes), 1)
        return list(itertools.islice(self.proposals, need + extra + 8))

    def take(self, batch: list[int], found: dict[int, int]) -> None:
        for position in batch:
            bid = found.get(position)
            if bid is not None and bid not in self.holes:
                self.chosen.append(bid)
                if len(self.chosen) == self.asked:
                    return


def _reject_all(rows: Rows, tasks: list[_Rejection]) -> None:
    """Run every rejection draw, one ``rows.ids_at`` call per round for all of them. Which
    positions are fetched together does not change any task's result."""
    running = tasks
    while running:
        batches = [task.next_batch() for task in running]
        found = rows.ids_at([(t.jid, t.classes, b) for t, b in zip(running, batches, strict=True)])
        still = []
        for task, batch, got in zip(running, batches, found, strict=True):
            task.take(batch, got)
            if batch and len(task.chosen) < task.asked:
                still.append(task)
        running = still


def draw_positions(spec: Spec, populations: dict[int, Population], rows: Rows) -> Draw:
    """The ``positions`` method: draw the sample of ``spec`` from ``populations``
    (jurisdiction id → counts and the strata read whole), fetching drawn buildings from
    ``rows``. What each stratum asks for follows from the counts; the row strata drawn by
    rejection are then fetched together."""
    quotas, notes = _start(spec, {jid: p.building_count for jid, p in populations.items()})
    planned: list[tuple[int, StratumSpec, Population, list[int]]] = []
    short: dict[int, list[str]] = {}
    tasks: list[_Rejection] = []
    for jid in sorted(populations):
        pop = populations[jid]
        quota = left = quotas[jid]
        short[jid] = []
        claimed = dict(pop.excluded)  # building id → operator count
        claimed_classes: set[int] = set()
        for index, stratum in enumerate(spec.strata):
            rng = random.Random(f"positions:{spec.seed}:{pop.code}:{index}:{stratum.kind}")
            if stratum.kind in ROW_STRATA:
                own = ROW_STRATA[stratum.kind]
                classes = tuple(
                    sorted(c for c in (own or pop.class_counts) if c not in claimed_classes)
                )
                claimed_classes.update(classes)
                size = sum(pop.class_counts.get(c, 0) for c in classes)
                holes = {bid for bid, count in claimed.items() if count in classes}
                available = size - len(holes)
            else:
                members = {
                    bid: count
                    for bid, count in pop.members.get(stratum.kind, {}).items()
                    if bid not in claimed and count not in claimed_classes
                }
                claimed.update(members)
                available = len(members)
            asked = _asked(stratum, quota, left)
            if asked <= 0:
                continue
            chosen: list[int] = []
            if available <= asked:
                if stratum.kind in ROW_STRATA:
                    chosen = [bid for bid in rows.ids_in(jid, classes) if bid not in holes]
                else:
                    chosen = sorted(members)
                if available < asked:
                    short[jid].append(_short_note(pop.name, stratum, asked, available))
            elif stratum.kind not in ROW_STRATA:
                chosen = rng.sample(sorted(members), asked)
            elif len(holes) * 2 > size:
                members = [bid for bid in rows.ids_in(jid, classes) if bid not in holes]
                chosen = rng.sample(members, asked)
            else:
                proposals = _proposals(rng, size)
                tasks.append(_Rejection(jid, classes, size, holes, asked, proposals, chosen))
            left -= min(asked, available)
            planned.append((jid, stratum, pop, chosen))
    _reject_all(rows, tasks)
    drawn: list[Drawn] = []
    taken = dict.fromkeys(populations, 0)
    for jid, stratum, pop, chosen in planned:
        taken[jid] += len(chosen)
        drawn.extend(
            Drawn(bid, jid, stratum.kind, _reason(stratum.kind, stratum, bid, pop.complaint_counts))
            for bid in sorted(chosen)
        )
    for jid in sorted(populations):
        notes.extend(short[jid])
        if taken[jid] < quotas[jid]:
            name = populations[jid].name
            notes.append(f"{name}：配额 {quotas[jid]} 栋，实际抽取 {taken[jid]} 栋。")
    return Draw(buildings=drawn, quotas=quotas, notes=notes)


# --- Reading from the database -----------------------------------------------------------------


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


BUILDING = ("building_id", "building__jurisdiction_id", "building__operator_count")


def _exclusions(spec: Spec, jids: list[int], today: datetime.date) -> set[tuple[int, int, int]]:
    """(building id, jurisdiction id, operator count) of the active buildings excluded by
    ``spec``: an inspection record submitted in the last M months (any plan, either
    outcome), a case closed in the last M months."""
    from louyu.inspections.models import Inspection

    where = {"building__jurisdiction_id__in": jids, "building__is_active": True}
    rows: set[tuple[int, int, int]] = set()
    if spec.exclude_inspected_months:
        since = _start_of(months_ago(today, spec.exclude_inspected_months))
        records = Inspection.objects.filter(submitted_at__gte=since, **where)
        rows.update(records.order_by().values_list(*BUILDING))
    if spec.exclude_case_closed_months:
        since = _start_of(months_ago(today, spec.exclude_case_closed_months))
        cases = Case.objects.filter(state__in=FINAL_STATES, closed_at__gte=since, **where)
        rows.update(cases.order_by().values_list(*BUILDING))
    return rows


def _set_stratum(stratum: StratumSpec, jids: list[int], today) -> list[tuple[int, int, int, int]]:
    """(building id, jurisdiction id, operator count, complaints) of a stratum read whole."""
    where = {"building__jurisdiction_id__in": jids, "building__is_active": True}
    if stratum.kind == StratumKind.OPEN_CASE:
        cases = Case.objects.filter(state__in=OPEN_STATES, **where).order_by()
        return [(*row, 0) for row in cases.values_list(*BUILDING).distinct()]
    since = _start_of(today - datetime.timedelta(days=stratum.complaint_days or 0))
    return list(
        Complaint.objects.filter(received_at__gte=since, **where)
        .order_by()
        .values(*BUILDING)
        .annotate(n=Count("id"))
        .filter(n__gte=stratum.min_complaints or 1)
        .values_list(*BUILDING, "n")
    )


def read_populations(
    spec: Spec, jurisdictions, *, rows: DatabaseRows, today: datetime.date | None = None
) -> dict[int, Population]:
    """What the ``positions`` method needs of each of ``jurisdictions``; the buildings per
    operator count come from ``rows``."""
    today = today or timezone.localdate()
    jids = [j.pk for j in jurisdictions]
    populations = {
        j.pk: Population(
            code=j.code, name=j.short_name or j.name, class_counts=dict(rows.counts[j.pk])
        )
        for j in jurisdictions
    }
    for stratum in spec.strata:
        if stratum.kind in ROW_STRATA:
            continue
        for pop in populations.values():
            pop.members[stratum.kind] = {}
        for bid, jid, operators, n in _set_stratum(stratum, jids, today):
            populations[jid].members[stratum.kind][bid] = operators
            if stratum.kind == StratumKind.COMPLAINT_HOTSPOT:
                populations[jid].complaint_counts[bid] = n
    for bid, jid, operators in _exclusions(spec, jids, today):
        populations[jid].excluded[bid] = operators
    return populations


def _stratum_ids(stratum: StratumSpec, jid: int, pool: Pool, today: datetime.date) -> list[int]:
    buildings = Building.objects.filter(jurisdiction_id=jid, is_active=True)
    if stratum.kind in ROW_STRATA:
        own = ROW_STRATA[stratum.kind]
        if own is not None:
            buildings = buildings.filter(operator_count__in=own)
        return list(buildings.values_list("id", flat=True))
    rows = _set_stratum(stratum, [jid], today)
    if stratum.kind == StratumKind.COMPLAINT_HOTSPOT:
        pool.complaint_counts.update((row[0], row[3]) for row in rows)
    return [row[0] for row in rows]


def read_pools(spec: Spec, jurisdictions, *, today: datetime.date | None = None) -> dict[int, Pool]:
    """The candidates of every stratum of ``spec`` in each of ``jurisdictions``, for the
    ``ids`` method."""
    today = today or timezone.localdate()
    counts = dict(
        Building.objects.filter(is_active=True, jurisdiction__in=jurisdictions)
        .order_by()
        .values("jurisdiction_id")
        .annotate(n=Count("id"))
        .values_list("jurisdiction_id", "n")
    )
    excluded = _exclusions(spec, [j.pk for j in jurisdictions], today)
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
        pool.excluded = {bid for bid, owner, _ in excluded if owner == jid}
        pools[jid] = pool
    return pools


def sample(spec: Spec, jurisdictions, *, today: datetime.date | None = None) -> Draw:
    """Draw the sample of ``spec`` over ``jurisdictions`` from the database, with the
    specification's method."""
    today = today or timezone.localdate()
    jurisdictions = sorted(jurisdictions, key=lambda j: j.pk)
    if spec.method == SamplingMethod.IDS:
        return draw(spec, read_pools(spec, jurisdictions, today=today))
    rows = DatabaseRows([j.pk for j in jurisdictions])
    populations = read_populations(spec, jurisdictions, rows=rows, today=today)
    return draw_positions(spec, populations, rows)
