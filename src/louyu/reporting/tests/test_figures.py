"""Every metric computed on a small hand-built history (see conftest), as of past dates and
over periods, per jurisdiction, city and nationally; back-dated corrections; and the
incremental refresh agreeing with a full rebuild."""

import datetime

import pytest
from django.utils import timezone

from louyu.reporting import figures
from louyu.reporting.metrics import BY_CODE
from louyu.reporting.models import Figure
from louyu.reporting.rollup import refresh
from louyu.reporting.rollup.query import Area
from louyu.reporting.tests.conftest import REFUSED, SERVING, WITHDRAWN

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


def build(h):
    a = h.building("甲大厦", "2026-01-10")
    b = h.building("乙大厦", "2026-01-20")
    d = h.building("丁大厦", "2026-02-01", dalian=True)
    h.presence(a, h.telecom, SERVING, "2026-02-01")
    h.presence(a, h.mobile, REFUSED, "2026-02-15")
    h.presence(a, h.mobile, SERVING, "2026-03-15", old=REFUSED)
    h.presence(d, h.unicom, SERVING, "2026-01-15", recorded="2026-02-01")
    h.presence(d, h.telecom, SERVING, "2026-02-20")
    h.plan(b, "2026-02-10", closed="2026-05-05")
    c = h.building("丙大厦", "2026-04-01")
    h.presence(c, h.telecom, SERVING, "2026-04-10")
    k1 = h.case(
        a,
        "2026-03-01",
        [
            ("2026-03-05", "rectifying"),
            ("2026-04-01", "awaiting_acceptance"),
            ("2026-04-11", "rectified"),
        ],
        key_from="2026-03-10",
    )
    h.case(b, "2026-04-15", [("2026-04-20", "rectifying"), ("2026-06-01", "closed_unresolved")])
    k3 = h.case(
        c,
        "2026-05-10",
        [
            ("2026-05-12", "rectifying"),
            ("2026-05-20", "awaiting_acceptance"),
            ("2026-05-25", "rectified"),
        ],
        key_from="2026-05-11",
    )
    h.action(k1, "order_to_rectify", "2026-03-02")
    h.action(k1, "summons", "2026-03-20")
    h.action(k3, "penalty", "2026-05-15")
    h.complaint(
        "2026-03-02",
        [
            ("2026-03-03", "accepted", {}),
            ("2026-03-20", "replied", {"result": "substantiated"}),
            ("2026-03-25", "closed", {"satisfaction": 5}),
        ],
        building=a,
    )
    h.complaint(
        "2026-03-05",
        [
            ("2026-03-15", "accepted", {}),
            ("2026-04-20", "replied", {"result": "not"}),
            ("2026-04-25", "closed", {"satisfaction": 2}),
        ],
    )
    h.complaint("2026-03-10", [("2026-03-11", "rejected", {})], repeat=True)
    h.complaint(
        "2026-03-12",
        [("2026-03-13", "accepted", {}), ("2026-03-25", "replied", {"result": "partly"})],
        dalian=True,
    )
    return {"a": a, "b": b, "c": c, "d": d}


def values(area, start, end):
    result = figures.evaluate(area, figures.Period(D(start) if start else None, D(end)))
    return {code: value.value for code, value in result.items()}


@pytest.fixture
def built(history):
    objects = build(history)
    refresh.refresh()
    return history, objects


def test_building_levels_as_of_past_dates(built):
    h, _ = built
    bj = Area(frozenset({h.bj.pk}))
    jan = values(bj, None, "2026-01-31")
    assert (jan["buildings_registered"], jan["zero_operator_buildings"]) == (2, 2)
    assert jan["multi_operator_share"] == 0.0 and jan["zero_operator_plan_share"] == 0.0
    march = values(bj, None, "2026-03-31")
    assert march["buildings_registered"] == 2
    assert march["zero_operator_buildings"] == 1  # 乙: 甲 has two operators since 03-15
    assert march["multi_operator_share"] == 50.0
    assert march["zero_operator_plan_share"] == 100.0  # 乙's plan runs until 05-05
    april = values(bj, None, "2026-04-30")
    assert (april["buildings_registered"], april["zero_operator_buildings"]) == (3, 1)
    may = values(bj, None, "2026-05-31")
    assert may["zero_operator_buildings"] == 1 and may["zero_operator_plan_share"] == 0.0


def test_a_building_counts_from_its_registration_even_if_served_before(built):
    h, _ = built
    dalian = Area(frozenset({h.dl.pk}))
    assert values(dalian, None, "2026-01-31")["buildings_registered"] == 0
    feb1 = values(dalian, None, "2026-02-01")
    assert feb1["buildings_registered"] == 1 and feb1["zero_operator_buildings"] == 0
    feb = values(dalian, None, "2026-02-28")
    assert feb["multi_operator_share"] == 100.0


def test_national_and_city_figures(built):
    h, _ = built
    nation = values(Area(), None, "2026-03-31")
    assert nation["buildings_registered"] == 3
    assert nation["multi_operator_share"] == 66.7  # 甲 and 丁 of 甲, 乙, 丁
    assert nation["zero_operator_buildings"] == 1
    assert values(Area(), "2026-01-01", "2026-03-31")["operator_entries"] == 4
    assert values(Area(), "2026-01-01", "2026-12-31")["operator_entries"] == 5
    chaoyang_city = h.chaoyang.parent_id  # 朝阳区 belongs to the municipality 北京
    city = values(Area(frozenset({h.bj.pk}), city=chaoyang_city), None, "2026-04-30")
    assert city["buildings_registered"] == 3
    zhongshan_city = values(Area(city="210200"), None, "2026-04-30")
    assert zhongshan_city["buildings_registered"] == 1


def test_case_metrics(built):
    h, _ = built
    bj = Area(frozenset({h.bj.pk}))
    half = values(bj, "2026-01-01", "2026-06-30")
    assert half["problem_buildings"] == 3
    assert half["median_days_to_rectify"] == 28.0  # 41 and 15 days
    assert half["enforcement_actions"] == 3
    assert values(bj, "2026-04-01", "2026-04-30")["cases_rectified"] == 1
    assert values(bj, None, "2026-04-30")["rectification_rate"] == 50.0
    assert values(bj, None, "2026-06-30")["rectification_rate"] == 66.7
    key = {
        day: values(bj, None, day)["open_key_cases"]
        for day in ("2026-03-09", "2026-03-31", "2026-04-30", "2026-05-15", "2026-05-31")
    }
    assert key == {
        "2026-03-09": 0,
        "2026-03-31": 1,
        "2026-04-30": 0,
        "2026-05-15": 1,
        "2026-05-31": 0,
    }
    march = figures.evaluate(bj, figures.Period(D("2026-03-01"), D("2026-03-31")))
    actions = march["enforcement_actions"]
    assert actions.numerator == 2
    assert actions.breakdown["order_to_rectify"] == 1 and actions.breakdown["summons"] == 1


def test_complaint_metrics(built):
    march = values(Area(), "2026-03-01", "2026-03-31")
    assert march["complaints_received"] == 4
    assert march["repeat_rate"] == 25.0
    assert march["acceptance_on_time_rate"] == 75.0  # the one accepted on 03-15 was late
    assert march["reply_on_time_rate"] == 100.0
    assert march["substantiated_rate"] == 100.0
    assert march["satisfaction_rate"] == 100.0
    assert march["median_days_to_reply"] == 14.5  # 17 and 12 days
    april = values(Area(), "2026-04-01", "2026-04-30")
    assert april["reply_on_time_rate"] == 0.0 and april["substantiated_rate"] == 0.0
    assert april["satisfaction_rate"] == 0.0 and april["median_days_to_reply"] == 36.0
    assert april["complaints_received"] == 0 and april["repeat_rate"] is None


def test_no_data_gives_no_value_never_an_error(built):
    empty = figures.evaluate(
        Area(frozenset({-1})), figures.Period(D("2026-03-01"), D("2026-03-31"))
    )
    assert empty["buildings_registered"].value == 0
    assert empty["multi_operator_share"].value is None
    assert empty["median_days_to_reply"].value is None
    assert empty["enforcement_actions"].value == 0


def test_a_back_dated_correction_changes_past_figures(built):
    h, objects = built
    bj = Area(frozenset({h.bj.pk}))
    assert values(bj, None, "2026-05-31")["zero_operator_buildings"] == 1
    event = h.presence(objects["c"], h.telecom, WITHDRAWN, "2026-05-01", old=SERVING)
    event.created_at = timezone.now()  # recorded now, effective on 05-01
    event.save_base(update_fields=["created_at"])
    refresh.refresh()
    assert values(bj, None, "2026-04-30")["zero_operator_buildings"] == 1
    assert values(bj, None, "2026-05-31")["zero_operator_buildings"] == 2


def _figures():
    return sorted(
        Figure.objects.values_list("grain", "date", "jurisdiction_id", "city", "measure", "value")
    )


def test_the_incremental_refresh_equals_a_full_rebuild(built):
    h, objects = built
    late = h.presence(objects["b"], h.unicom, SERVING, "2026-03-01", old="")
    late.created_at = timezone.now()
    late.save_base(update_fields=["created_at"])
    complaint = h.complaint("2026-02-14", [("2026-02-15", "accepted", {})])
    for row in complaint.status_changes.all():
        row.created_at = timezone.now()
        row.save_base(update_fields=["created_at"])
    complaint.created_at = timezone.now()
    complaint.save()
    refresh.refresh()
    incremental = _figures()
    refresh.rebuild()
    assert incremental == _figures()
    assert values(Area(frozenset({h.bj.pk})), None, "2026-03-31")["multi_operator_share"] == 50.0


def test_every_metric_is_defined_with_its_texts():
    for metric in BY_CODE.values():
        assert metric.definition and metric.numerator and metric.unit
        assert (metric.kind == "rate") == bool(metric.denominator)
