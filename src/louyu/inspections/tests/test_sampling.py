import dataclasses
import datetime
import uuid

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from louyu.cases.tests.factories import CaseFactory
from louyu.cases.workflow import State as CaseState
from louyu.complaints.tests.factories import ComplaintFactory
from louyu.inspections import sampling, services
from louyu.inspections.models import Assignment, Inspection, SampledBuilding, Team
from louyu.inspections.sampling import Pool, Population, Spec, StratumSpec
from louyu.inspections.sampling_rows import DatabaseRows
from louyu.inspections.tests.conftest import building
from louyu.inspections.workflow import NotInspectedReason, Outcome, SamplingMethod

METHODS = [SamplingMethod.IDS, SamplingMethod.POSITIONS]


@pytest.mark.parametrize(
    ("counts", "total", "minimum", "expected"),
    [
        ({1: 100, 2: 100}, 10, 0, {1: 5, 2: 5}),
        ({1: 900, 2: 100}, 10, 0, {1: 9, 2: 1}),
        ({1: 990, 2: 10}, 10, 3, {1: 10, 2: 3}),  # the minimum raises the small one
        ({1: 2, 2: 100}, 10, 5, {1: 2, 2: 10}),  # never more than a jurisdiction has
        ({1: 1, 2: 1, 3: 1}, 2, 0, {1: 1, 2: 1, 3: 0}),  # ties by id
        ({1: 0, 2: 0}, 5, 1, {1: 0, 2: 0}),
    ],
)
def test_allocate(counts, total, minimum, expected):
    assert sampling.allocate(counts, total, minimum) == expected


# --- The draw, without a database --------------------------------------------------------------


@dataclasses.dataclass
class World:
    """One jurisdiction's buildings (id → operator count), the members of the strata read
    whole (open case, hot spot) and the excluded ids."""

    code: str
    buildings: dict[int, int]
    members: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    excluded: set[int] = dataclasses.field(default_factory=set)


class MemoryRows:
    """``sampling.Rows`` over worlds; counts how many buildings it hands out."""

    def __init__(self, worlds: dict[int, World]):
        self.worlds = worlds
        self.handed_out = 0

    def ids_in(self, jid, classes):
        ordered = sorted((n, bid) for bid, n in self.worlds[jid].buildings.items() if n in classes)
        return [bid for _, bid in ordered]

    def ids_at(self, requests):
        answers = []
        for jid, classes, positions in requests:
            ordered = self.ids_in(jid, classes)
            answers.append({p: ordered[p] for p in positions if p < len(ordered)})
            self.handed_out += len(answers[-1])
        return answers


def _run(method, spec, worlds: dict[int, World], rows=None) -> sampling.Draw:
    if method == SamplingMethod.IDS:
        pools = {}
        for jid, world in worlds.items():
            row_members = {
                kind: [b for b, n in world.buildings.items() if own is None or n in own]
                for kind, own in sampling.ROW_STRATA.items()
            }
            pools[jid] = Pool(
                code=world.code,
                name=world.code,
                building_count=len(world.buildings),
                candidates={**row_members, **world.members},
                excluded=set(world.excluded),
            )
        return sampling.draw(spec, pools)
    populations = {}
    for jid, world in worlds.items():
        counts: dict[int, int] = {}
        for n in world.buildings.values():
            counts[n] = counts.get(n, 0) + 1
        populations[jid] = Population(
            code=world.code,
            name=world.code,
            class_counts=counts,
            members={k: {b: world.buildings[b] for b in ids} for k, ids in world.members.items()},
            excluded={b: world.buildings[b] for b in world.excluded},
        )
    return sampling.draw_positions(spec, populations, rows or MemoryRows(worlds))


def _spec(*strata, size=10, minimum=0, seed=7):
    return Spec(sample_size=size, minimum_per_jurisdiction=minimum, seed=seed, strata=strata)


def _rest(count=100, code="110000", start=1):
    return World(code, {bid: 2 for bid in range(start, start + count)})


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_sample_other_seed_other_sample(method):
    worlds = {1: _rest()}
    spec = _spec(StratumSpec(kind="random_rest"))
    first = _run(method, spec, worlds).buildings
    assert first == _run(method, spec, worlds).buildings
    assert len(first) == 10
    other = _run(method, dataclasses.replace(spec, seed=8), worlds).buildings
    assert [d.building_id for d in other] != [d.building_id for d in first]


def test_order_of_candidates_read_does_not_change_the_draw():
    ids = list(range(1, 101))
    spec = _spec(StratumSpec(kind="random_rest"))
    pools = [
        Pool(code="1", name="1", building_count=100, candidates={"random_rest": c})
        for c in (ids, ids[::-1])
    ]
    forward, backward = (sampling.draw(spec, {1: pool}).buildings for pool in pools)
    assert forward == backward


def test_positions_fetch_only_about_the_drawn_buildings():
    rows = MemoryRows({1: _rest(10_000)})
    result = _run(
        SamplingMethod.POSITIONS, _spec(StratumSpec(kind="random_rest"), size=50), rows.worlds, rows
    )
    assert len(result.buildings) == 50
    assert rows.handed_out < 100


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("strata", "expected_by_stratum", "note"),
    [
        # The first stratum that claims a building keeps it: 1-3 are zero-operator and also
        # in the rest; the rest draws only from 4..20.
        (
            (StratumSpec(kind="zero_operator", size=3), StratumSpec(kind="random_rest")),
            {"zero_operator": 3, "random_rest": 7},
            None,
        ),
        # A stratum smaller than asked takes all it has and says so; the rest fills up.
        (
            (StratumSpec(kind="zero_operator", size=5), StratumSpec(kind="random_rest")),
            {"zero_operator": 3, "random_rest": 7},
            "“零运营商楼宇”要求 5 栋，仅有 3 栋符合条件，已全部抽取。",
        ),
        # A share is a percentage of the jurisdiction's quota.
        (
            (StratumSpec(kind="single_operator", share=50), StratumSpec(kind="random_rest")),
            {"single_operator": 5, "random_rest": 5},
            None,
        ),
        # Without a rest stratum the quota may stay unfilled; the notes say so.
        (
            (StratumSpec(kind="zero_operator", size=5),),
            {"zero_operator": 3},
            "配额 10 栋，实际抽取 3 栋。",
        ),
        # A building with an open case that is also zero-operator goes to the first of the
        # two strata: 1 and 2 are taken by the open case here, so zero-operator has only 3.
        (
            (
                StratumSpec(kind="open_case", size=5),
                StratumSpec(kind="zero_operator", size=5),
                StratumSpec(kind="random_rest"),
            ),
            {"open_case": 3, "zero_operator": 1, "random_rest": 6},
            "“零运营商楼宇”要求 5 栋，仅有 1 栋符合条件，已全部抽取。",
        ),
    ],
)
def test_strata_in_priority_order(method, strata, expected_by_stratum, note):
    world = World(
        "110000",
        {
            **{b: 0 for b in (1, 2, 3)},
            **{b: 1 for b in range(4, 14)},
            **{b: 3 for b in range(14, 21)},
        },
        members={"open_case": [1, 2, 15]},
    )
    result = _run(method, _spec(*strata), {1: world})
    counts: dict[str, int] = {}
    for drawn in result.buildings:
        counts[drawn.stratum] = counts.get(drawn.stratum, 0) + 1
    assert counts == expected_by_stratum
    ids = [d.building_id for d in result.buildings]
    assert len(ids) == len(set(ids))
    if note:
        assert any(note in line for line in result.notes)
    else:
        assert result.notes == []


@pytest.mark.parametrize("method", METHODS)
def test_excluded_buildings_are_never_drawn(method):
    world = _rest(20)
    world.excluded = set(range(1, 16))
    result = _run(method, _spec(StratumSpec(kind="random_rest")), {1: world})
    assert sorted(d.building_id for d in result.buildings) == [16, 17, 18, 19, 20]


@pytest.mark.parametrize("method", METHODS)
def test_split_in_proportion_with_minimum_and_note(method):
    worlds = {1: _rest(900), 2: _rest(100, "210200", start=1001)}
    result = _run(method, _spec(StratumSpec(kind="random_rest"), size=10, minimum=3), worlds)
    assert result.quotas == {1: 9, 2: 3}
    assert sum(1 for d in result.buildings if d.jurisdiction_id == 2) == 3
    assert "样本量由 10 增至 12" in result.notes[0]


KINDS = ["zero_operator", "open_case", "complaint_hotspot", "single_operator", "random_rest"]


@settings(max_examples=60, deadline=None)
@given(
    operators=st.lists(st.integers(0, 3), min_size=1, max_size=60),
    order=st.permutations(KINDS),
    sizes=st.lists(st.integers(0, 12), min_size=5, max_size=5),
    open_case=st.sets(st.integers(0, 59)),
    hot=st.sets(st.integers(0, 59)),
    excluded=st.sets(st.integers(0, 59)),
    seed=st.integers(0, 2**62),
)
def test_positions_draw_keeps_priority_and_exclusions(
    operators, order, sizes, open_case, hot, excluded, seed
):
    """Every drawn building is in the first stratum that claims it and is not excluded;
    each stratum draws what it asks for, or everything it has."""
    buildings = dict(enumerate(operators))
    world = World(
        "110000",
        buildings,
        members={
            "open_case": sorted(b for b in open_case if b in buildings),
            "complaint_hotspot": sorted(b for b in hot if b in buildings),
        },
        excluded={b for b in excluded if b in buildings},
    )
    strata = tuple(StratumSpec(kind=k, size=n) for k, n in zip(order, sizes, strict=True))
    result = _run(
        SamplingMethod.POSITIONS, _spec(*strata, size=len(buildings), seed=seed), {1: world}
    )

    def claims(kind, bid):
        own = sampling.ROW_STRATA.get(kind, ())
        if kind in sampling.ROW_STRATA:
            return own is None or buildings[bid] in own
        return bid in world.members[kind]

    first = {
        bid: next((k for k in order if claims(k, bid)), None)
        for bid in buildings
        if bid not in world.excluded
    }
    drawn = {d.building_id: d.stratum for d in result.buildings}
    assert len(drawn) == len(result.buildings)
    assert all(first.get(bid) == kind for bid, kind in drawn.items())
    left = len(buildings)
    for stratum in strata:
        available = sum(1 for k in first.values() if k == stratum.kind)
        expected = min(stratum.size, left, available)
        assert sum(1 for k in drawn.values() if k == stratum.kind) == expected
        left -= expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 1, 15), 1, datetime.date(2025, 12, 15)),
        (datetime.date(2026, 12, 4), 12, datetime.date(2025, 12, 4)),
    ],
)
def test_months_ago(day, months, expected):
    assert sampling.months_ago(day, months) == expected


# --- Drawing from the database (SQLite and PostgreSQL) ----------------------------------------

ADDRESS = "北京市朝阳区建国路{}号"

FIVE_STRATA = (
    StratumSpec(kind="zero_operator", size=1),
    StratumSpec(kind="open_case", size=1),
    StratumSpec(kind="complaint_hotspot", size=1, min_complaints=2, complaint_days=30),
    StratumSpec(kind="single_operator", size=1),
    StratumSpec(kind="random_rest"),
)


def _db_spec(
    strata=FIVE_STRATA, *, size=6, minimum=0, seed=1, method=SamplingMethod.POSITIONS, **exclusions
):
    return Spec(
        sample_size=size,
        minimum_per_jurisdiction=minimum,
        seed=seed,
        strata=tuple(strata),
        method=method,
        **exclusions,
    )


def _ids(result, stratum=None):
    return sorted(d.building_id for d in result.buildings if stratum in (None, d.stratum))


def _inspected(ins, target, *, days_ago: int, outcome=Outcome.COULD_NOT_INSPECT) -> Inspection:
    """An on-site record of ``target`` submitted ``days_ago`` days ago, in a plan of its own."""
    plan = ins.plan(name=f"检查 {target.pk}")
    sampled = SampledBuilding.objects.create(
        plan=plan,
        building=target,
        jurisdiction=target.jurisdiction,
        stratum="random_rest",
        reason="测试",
        position=1,
    )
    team = Team.objects.create(plan=plan, name="第一组")
    assignment = Assignment.objects.create(team=team, sampled=sampled, scheduled_on=ins.today)
    return Inspection.objects.create(
        assignment=assignment,
        building=target,
        submission_key=uuid.uuid4(),
        outcome=outcome,
        not_inspected_reason=NotInspectedReason.ENTRY_REFUSED
        if outcome == Outcome.COULD_NOT_INSPECT
        else "",
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.mark.parametrize("method", METHODS)
def test_reads_every_stratum_from_the_database(ins, method):
    zero = building(ADDRESS.format(1), operators=0)
    single = building(ADDRESS.format(2), operators=1)
    with_case = building(ADDRESS.format(3))
    hot = building(ADDRESS.format(4))
    plain = building(ADDRESS.format(5))
    gone = building(ADDRESS.format(6), operators=0)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    CaseFactory(actor=ins.bj, building=with_case)
    for _ in range(3):
        ComplaintFactory(building=hot)
    ComplaintFactory(building=plain)
    result = sampling.sample(_db_spec(method=method), [ins.beijing])
    by_stratum = {d.stratum: d.building_id for d in result.buildings}
    assert by_stratum == {
        "zero_operator": zero.pk,
        "open_case": with_case.pk,
        "complaint_hotspot": hot.pk,
        "single_operator": single.pk,
        "random_rest": plain.pk,
    }
    assert result.quotas == {ins.beijing.pk: 5}
    assert result.notes == []
    hot_reason = next(d.reason for d in result.buildings if d.stratum == "complaint_hotspot")
    assert hot_reason == "投诉热点：近 30 天投诉 3 件（不少于 2 件）"


def test_same_seed_same_sample_from_the_database(ins):
    for n in range(1, 41):
        building(ADDRESS.format(n), operators=n % 4)
    spec = _db_spec(size=12, seed=20260401)
    first = sampling.sample(spec, [ins.beijing])
    assert len(first.buildings) == 12
    assert first.buildings == sampling.sample(spec, [ins.beijing]).buildings
    other = sampling.sample(dataclasses.replace(spec, seed=20260402), [ins.beijing])
    assert _ids(other) != _ids(first)


def test_stratum_smaller_than_asked_from_the_database(ins):
    zero = [building(ADDRESS.format(n), operators=0) for n in (1, 2)]
    for n in range(3, 13):
        building(ADDRESS.format(n))
    spec = _db_spec([StratumSpec(kind="zero_operator", size=4), StratumSpec(kind="random_rest")])
    result = sampling.sample(spec, [ins.beijing])
    assert _ids(result, "zero_operator") == sorted(b.pk for b in zero)
    assert len(_ids(result, "random_rest")) == 4
    assert "北京：“零运营商楼宇”要求 4 栋，仅有 2 栋符合条件，已全部抽取。" in result.notes


def test_split_in_proportion_with_minimum_from_the_database(ins):
    for n in range(1, 41):
        building(ADDRESS.format(n))
    for n in (1, 2, 3):
        building(f"辽宁省大连市中山区人民路{n}号")
    spec = _db_spec([StratumSpec(kind="random_rest")], size=6, minimum=2)
    result = sampling.sample(spec, [ins.beijing, ins.dalian])
    assert result.quotas == {ins.beijing.pk: 6, ins.dalian.pk: 2}
    assert sum(1 for d in result.buildings if d.jurisdiction_id == ins.dalian.pk) == 2
    assert "样本量由 6 增至 8" in result.notes[0]


def test_priority_order_from_the_database(ins):
    both = building(ADDRESS.format(1), operators=0)
    CaseFactory(actor=ins.bj, building=both)
    building(ADDRESS.format(2))
    case_first = [StratumSpec(kind="open_case", size=1), StratumSpec(kind="zero_operator", size=1)]
    result = sampling.sample(_db_spec(case_first, size=2), [ins.beijing])
    assert [(d.building_id, d.stratum) for d in result.buildings] == [(both.pk, "open_case")]
    assert "北京：“零运营商楼宇”要求 1 栋，仅有 0 栋符合条件，已全部抽取。" in result.notes
    result = sampling.sample(_db_spec(case_first[::-1], size=2), [ins.beijing])
    assert [(d.building_id, d.stratum) for d in result.buildings] == [(both.pk, "zero_operator")]


@pytest.mark.parametrize("method", METHODS)
def test_exclusions_read_inspection_records_and_closed_cases(ins, method):
    refused = building(ADDRESS.format(1))  # could not be inspected 20 days ago
    inspected = building(ADDRESS.format(2), operators=0)  # inspected 40 days ago
    long_ago = building(ADDRESS.format(3))  # inspected 400 days ago
    closed = building(ADDRESS.format(4), operators=1)  # case closed today
    sampled_only = building(ADDRESS.format(5))  # in an earlier sample, never inspected
    _inspected(ins, refused, days_ago=20)
    _inspected(ins, inspected, days_ago=40, outcome=Outcome.INSPECTED)
    _inspected(ins, long_ago, days_ago=400)
    finished = CaseFactory(actor=ins.bj, building=closed)
    type(finished).objects.filter(pk=finished.pk).update(
        state=CaseState.RECTIFIED, closed_at=timezone.now()
    )
    earlier = ins.plan(name="上次抽样", strata=[StratumSpec(kind="random_rest")], sample_size=5)
    earlier = services.inspection_plan_draw(actor=ins.bj, plan=earlier)
    assert earlier.sample.filter(building=sampled_only).exists()
    strata = [StratumSpec(kind="zero_operator"), StratumSpec(kind="random_rest")]

    def drawn(**exclusions):
        spec = _db_spec(strata, size=5, method=method, **exclusions)
        return _ids(sampling.sample(spec, [ins.beijing]))

    everyone = sorted(b.pk for b in (refused, inspected, long_ago, closed, sampled_only))
    assert drawn() == everyone
    assert drawn(exclude_inspected_months=3) == sorted([long_ago.pk, closed.pk, sampled_only.pk])
    assert drawn(exclude_case_closed_months=3) == sorted(set(everyone) - {closed.pk})
    assert drawn(exclude_inspected_months=24, exclude_case_closed_months=1) == [sampled_only.pk]


def test_plan_keeps_the_method_it_was_drawn_with(ins):
    for n in range(1, 31):
        building(ADDRESS.format(n), operators=n % 3)
    plan = ins.plan(sample_size=8, strata=[StratumSpec(kind="random_rest")])
    assert plan.sampling_method == SamplingMethod.POSITIONS
    type(plan).objects.filter(pk=plan.pk).update(sampling_method=SamplingMethod.IDS)
    plan.refresh_from_db()
    drawn = services.inspection_plan_draw(actor=ins.bj, plan=plan)
    spec = services.plan_spec(drawn)
    assert spec.method == SamplingMethod.IDS
    by_ids = sampling.draw(spec, sampling.read_pools(spec, [ins.beijing]))
    assert list(drawn.sample.values_list("building_id", flat=True)) == [
        d.building_id for d in by_ids.buildings
    ]


@pytest.mark.parametrize("block", [None, 1, 3])
def test_database_rows_find_the_building_at_each_position(ins, block):
    made = [building(ADDRESS.format(n), operators=n % 3) for n in range(1, 23)]
    type(made[4]).objects.filter(pk=made[4].pk).update(is_active=False)
    building("辽宁省大连市中山区人民路1号", operators=1)
    rows = DatabaseRows([ins.beijing.pk, ins.dalian.pk], block=block)
    assert rows.counts[ins.beijing.pk] == {0: 7, 1: 8, 2: 6}
    assert rows.counts[ins.dalian.pk] == {1: 1}
    for classes in [(0,), (1,), (0, 2), (0, 1, 2)]:
        ordered = rows.ids_in(ins.beijing.pk, classes)
        expected = sorted(
            (b for b in made if b.operator_count in classes and b != made[4]),
            key=lambda b: (b.operator_count, b.pk),
        )
        assert ordered == [b.pk for b in expected]
        positions = list(range(len(ordered) + 2))[::-1]
        found = rows.ids_at([(ins.beijing.pk, classes, positions), (ins.dalian.pk, classes, [0])])
        assert found[0] == dict(enumerate(ordered))
        assert found[1] == ({0: rows.ids_in(ins.dalian.pk, (1,))[0]} if 1 in classes else {})
