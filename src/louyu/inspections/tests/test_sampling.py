import datetime

import pytest
from django.utils import timezone

from louyu.cases.tests.factories import CaseFactory
from louyu.cases.workflow import State as CaseState
from louyu.complaints.tests.factories import ComplaintFactory
from louyu.inspections import sampling
from louyu.inspections.sampling import Pool, Spec, StratumSpec
from louyu.inspections.tests.conftest import building


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


def _pool(code="110000", count=100, **candidates):
    return Pool(code=code, name=code, building_count=count, candidates=candidates)


def _spec(*strata, size=10, minimum=0, seed=7):
    return Spec(sample_size=size, minimum_per_jurisdiction=minimum, seed=seed, strata=strata)


def test_same_seed_same_sample_other_seed_other_sample():
    pools = {1: _pool(random_rest=list(range(1, 101)))}
    spec = _spec(StratumSpec(kind="random_rest"))
    first = sampling.draw(spec, pools).buildings
    assert first == sampling.draw(spec, pools).buildings
    assert len(first) == 10
    other = sampling.draw(_spec(StratumSpec(kind="random_rest"), seed=8), pools).buildings
    assert [d.building_id for d in other] != [d.building_id for d in first]


def test_order_of_candidates_read_does_not_change_the_draw():
    ids = list(range(1, 101))
    spec = _spec(StratumSpec(kind="random_rest"))
    forward = sampling.draw(spec, {1: _pool(random_rest=ids)}).buildings
    backward = sampling.draw(spec, {1: _pool(random_rest=ids[::-1])}).buildings
    assert forward == backward


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
    ],
)
def test_strata_in_priority_order(strata, expected_by_stratum, note):
    pool = _pool(
        zero_operator=[1, 2, 3],
        single_operator=list(range(4, 14)),
        random_rest=list(range(1, 21)),
    )
    result = sampling.draw(_spec(*strata), {1: pool})
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


def test_excluded_buildings_are_never_drawn():
    pool = _pool(count=20, random_rest=list(range(1, 21)))
    pool.excluded = set(range(1, 16))
    result = sampling.draw(_spec(StratumSpec(kind="random_rest")), {1: pool})
    assert sorted(d.building_id for d in result.buildings) == [16, 17, 18, 19, 20]


def test_split_in_proportion_with_minimum_and_note():
    pools = {
        1: _pool("110000", 900, random_rest=list(range(1, 901))),
        2: _pool("210200", 100, random_rest=list(range(1001, 1101))),
    }
    result = sampling.draw(_spec(StratumSpec(kind="random_rest"), size=10, minimum=3), pools)
    assert result.quotas == {1: 9, 2: 3}
    assert sum(1 for d in result.buildings if d.jurisdiction_id == 2) == 3
    assert "样本量由 10 增至 12" in result.notes[0]


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


# --- Reading the candidates from the database ------------------------------------------------


def test_read_pools_finds_every_stratum_and_exclusion(ins):
    addr = "北京市朝阳区建国路{}号"
    zero = building(addr.format(1), operators=0)
    single = building(addr.format(2), operators=1)
    with_case = building(addr.format(3))
    hot = building(addr.format(4))
    closed = building(addr.format(5))
    plain = building(addr.format(6))
    CaseFactory(actor=ins.bj, building=with_case)
    finished = CaseFactory(actor=ins.bj, building=closed)
    type(finished).objects.filter(pk=finished.pk).update(
        state=CaseState.RECTIFIED, closed_at=timezone.now()
    )
    for _ in range(3):
        ComplaintFactory(building=hot)
    ComplaintFactory(building=plain)
    spec = Spec(
        sample_size=6,
        minimum_per_jurisdiction=0,
        seed=1,
        exclude_case_closed_months=6,
        strata=(
            StratumSpec(kind="zero_operator", size=1),
            StratumSpec(kind="open_case", size=1),
            StratumSpec(kind="complaint_hotspot", size=1, min_complaints=2, complaint_days=30),
            StratumSpec(kind="single_operator", size=1),
            StratumSpec(kind="random_rest"),
        ),
    )
    pools = sampling.read_pools(spec, [ins.beijing])
    pool = pools[ins.beijing.pk]
    assert pool.candidates["zero_operator"] == [zero.pk]
    assert pool.candidates["single_operator"] == [single.pk]
    assert pool.candidates["open_case"] == [with_case.pk]
    assert pool.candidates["complaint_hotspot"] == [hot.pk]
    assert pool.excluded == {closed.pk}
    result = sampling.draw(spec, pools)
    by_stratum = {d.stratum: d.building_id for d in result.buildings}
    assert by_stratum["zero_operator"] == zero.pk
    assert by_stratum["complaint_hotspot"] == hot.pk
    assert closed.pk not in [d.building_id for d in result.buildings]
    hot_reason = next(d.reason for d in result.buildings if d.stratum == "complaint_hotspot")
    assert hot_reason == "投诉热点：近 30 天投诉 3 件（不少于 2 件）"
