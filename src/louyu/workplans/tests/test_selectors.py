import pytest
from django.contrib.auth.models import AnonymousUser

from louyu.workplans import selectors
from louyu.workplans.selectors import PlanFilters, ZeroOperatorFilters

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(wp):
    """A 北京 plan with a telecom commitment, a 北京 plan without operators, a 大连 plan."""
    with_telecom = wp.plan()
    wp.commitment(with_telecom)
    wp.measure(with_telecom, title="市场监管部门联合查看", owner=wp.samr_org)
    bare = wp.plan(building=wp.building_bj2)
    wp.measure(bare)
    dalian = wp.plan(building=wp.building_dl, actor=wp.dl)
    return {"telecom": with_telecom, "bare": bare, "dalian": dalian}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("ministry", {"telecom", "bare", "dalian"}),
        ("caict", {"telecom", "bare", "dalian"}),
        ("bj", {"telecom", "bare"}),
        ("dl", {"dalian"}),
        ("telecom_bj", {"telecom"}),  # owns the commitment
        ("telecom_hq", {"telecom"}),  # its branch owns it
        ("mobile_bj", set()),  # another operator
        ("samr", {"telecom"}),  # owns a measure there
    ],
)
def test_plan_scope(wp, plans, who, expected):
    names = {key for key, plan in plans.items()}
    visible = set(selectors.plan_list(user=wp[who]).values_list("pk", flat=True))
    assert {k for k in names if plans[k].pk in visible} == expected


def test_anonymous_sees_nothing(wp, plans):
    assert not selectors.plan_list(user=AnonymousUser()).exists()
    assert not selectors.zero_operator_buildings(user=AnonymousUser()).exists()


def test_zero_operator_list_is_for_the_regulator(wp, plans):
    assert selectors.zero_operator_visible(wp.bj)
    assert selectors.zero_operator_visible(wp.caict)
    assert not selectors.zero_operator_visible(wp.telecom_bj)
    codes = set(selectors.zero_operator_buildings(user=wp.bj).values_list("code", flat=True))
    assert wp.building_bj.code in codes and wp.building_dl.code not in codes


def test_zero_operator_has_plan_filter_and_annotations(wp, plans):
    base = selectors.zero_operator_buildings(user=wp.ministry)
    with_plan = selectors.zero_operator_filter(base, ZeroOperatorFilters(has_plan=True))
    assert {b.pk for b in with_plan} >= {wp.building_bj.pk, wp.building_dl.pk}
    row = next(b for b in with_plan if b.pk == wp.building_bj.pk)
    assert (row.plan_id, row.plan_state) == (plans["telecom"].pk, "active")
    without = selectors.zero_operator_filter(base, ZeroOperatorFilters(has_plan=False))
    assert wp.building_bj.pk not in {b.pk for b in without}


def test_plan_filters(wp, plans):
    from louyu.buildings import services as building_services

    building_services.presence_set(
        actor=None,
        building=wp.building_bj,
        operator=wp.telecom,
        status="serving",
        source="operator_report",
    )
    qs = selectors.plan_list(user=wp.ministry)

    def pks(**kw):
        return {p.pk for p in selectors.plan_filter(qs, PlanFilters(**kw))}

    assert pks(now_served=True) == {plans["telecom"].pk}
    assert pks(operator="telecom") == {plans["telecom"].pk}
    assert pks(jurisdiction="210200") == {plans["dalian"].pk}
    assert pks(overdue=True) == set()
    summary = selectors.plan_filter(qs, PlanFilters(q="望京")).get()
    assert (summary.measures_done, summary.measures_total) == (0, 2)
