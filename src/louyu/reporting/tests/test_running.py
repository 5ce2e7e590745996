"""Running totals (``rollup.running``): one row per measure as of each month's end, equal to
the sums of the month rows up to it, kept exact by the incremental refresh when a back-dated
change shifts every later month-end total, and written by the migration for rows rolled up
before them."""

import datetime
import importlib
from collections import Counter, defaultdict

import pytest
from django.apps import apps
from django.utils import timezone

from louyu.reporting.models import FOREVER, Figure, Grain
from louyu.reporting.rollup import query, refresh, running
from louyu.reporting.rollup.query import Area
from louyu.reporting.tests.conftest import SERVING
from louyu.reporting.tests.test_figures import build, values

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


@pytest.fixture
def built(history):
    objects = build(history)
    refresh.refresh()
    return history, objects


def _running():
    return sorted(
        Figure.objects.filter(grain=Grain.RUNNING).values_list(
            "date", "until", "jurisdiction_id", "city", "measure", "value"
        )
    )


def _expected_from_month_rows():
    """The running totals computed here from the month rows, independently of ``running``."""
    chains = defaultdict(list)
    for j, city, measure, month, value in Figure.objects.filter(grain=Grain.MONTH).values_list(
        "jurisdiction_id", "city", "measure", "date", "value"
    ):
        chains[(j, city, measure)].append((month, value))
    rows = []
    for (j, city, measure), months in chains.items():
        months.sort()
        total = 0
        for index, (month, value) in enumerate(months):
            total += value
            if index + 1 < len(months):
                until = (months[index + 1][0] - datetime.timedelta(days=1)).replace(day=1)
            else:
                until = FOREVER
            rows.append((month, until, j, city, measure, total))
    return sorted(rows)


def _back_date(obj):
    obj.created_at = timezone.now()
    obj.save_base(update_fields=["created_at"])


def test_running_totals_are_the_sums_of_the_month_rows(built):
    assert _running() and _running() == _expected_from_month_rows()


def test_one_running_total_holds_at_each_month_end(built):
    h, _ = built
    holding = Counter(
        Figure.objects.filter(running.holding(D("2026-08-31")), city="").values_list(
            "jurisdiction_id", "measure"
        )
    )
    assert holding and set(holding.values()) == {1}
    # 北京's buildings: 甲 and 乙 in January, 丙 in April, none since.
    registered = Figure.objects.filter(
        running.holding(D("2026-08-01")), jurisdiction=h.bj, city="", measure="b.registered"
    ).get()
    assert (registered.date, registered.until, registered.value) == (D("2026-04-01"), FOREVER, 3)
    january = Figure.objects.get(
        running.holding(D("2026-03-15")), jurisdiction=h.bj, city="", measure="b.registered"
    )
    assert (january.date, january.until, january.value) == (
        D("2026-01-01"),
        D("2026-03-01"),
        2,
    )


def test_a_back_dated_change_shifts_every_later_month_end_total(built):
    h, objects = built
    nation = Area()
    before = {
        end: values(nation, None, end)["complaints_received"]
        for end in ("2026-01-31", "2026-02-28", "2026-03-31", "2026-06-30", "2026-11-30")
    }
    assert before == {
        "2026-01-31": 0,
        "2026-02-28": 0,
        "2026-03-31": 4,
        "2026-06-30": 4,
        "2026-11-30": 4,
    }
    complaint = h.complaint("2026-02-14", [("2026-02-16", "accepted", {})], building=objects["a"])
    _back_date(complaint)
    late = h.presence(objects["b"], h.unicom, SERVING, "2026-01-25", old="")
    _back_date(late)
    refresh.refresh()
    after = {end: values(nation, None, end)["complaints_received"] for end in before}
    assert after == {
        "2026-01-31": 0,
        "2026-02-28": 1,
        "2026-03-31": 5,
        "2026-06-30": 5,
        "2026-11-30": 5,
    }
    bj = Area(frozenset({h.bj.pk}))
    # 乙 is served from 01-25, so 北京 has no zero-operator building left until 丙 in April.
    assert values(bj, None, "2026-01-31")["zero_operator_buildings"] == 1
    assert values(bj, None, "2026-03-31")["zero_operator_buildings"] == 0
    assert values(bj, None, "2026-04-30")["zero_operator_buildings"] == 0
    incremental = _running()
    assert incremental == _expected_from_month_rows()
    refresh.rebuild()
    assert incremental == _running()


def test_a_change_in_a_month_without_rows_splits_the_total_holding_then(built):
    h, _ = built
    bj = Area(frozenset({h.bj.pk}))
    # Nothing happens to 北京's buildings between April and the end of the year.
    assert values(bj, None, "2026-09-30")["buildings_registered"] == 3
    h.building("戊大厦", "2026-08-10")  # registered (back-dated) just now
    refresh.refresh()
    assert values(bj, None, "2026-07-31")["buildings_registered"] == 3
    assert values(bj, None, "2026-08-31")["buildings_registered"] == 4
    assert values(bj, None, "2026-12-31")["buildings_registered"] == 4
    april = Figure.objects.get(
        grain=Grain.RUNNING,
        date=D("2026-04-01"),
        jurisdiction=h.bj,
        city="",
        measure="b.registered",
    )
    assert april.until == D("2026-07-01")
    assert _running() == _expected_from_month_rows()


def test_totals_from_the_beginning_equal_the_month_and_day_rows_summed(built):
    """Every measure from the beginning, read from the running totals, equals the same
    measure summed over the month and day rows since before the first figure."""
    h, _ = built
    measures = set(Figure.objects.values_list("measure", flat=True))
    areas = (Area(), Area(frozenset({h.bj.pk})), Area(frozenset({h.dl.pk}), city="210200"))
    for area in areas:
        for end in ("2026-02-10", "2026-03-31", "2026-05-20", "2026-12-31"):
            read = query.total(area, measures, None, D(end))
            summed = query.total(area, measures, D("2000-01-01"), D(end))
            assert read == summed and read, (area, end)


def test_the_migration_writes_the_running_totals_of_existing_month_rows(built):
    written = _running()
    migration = importlib.import_module("louyu.reporting.migrations.0007_figure_running_totals")
    migration.drop_running_totals(apps, None)
    assert not _running()
    migration.running_totals(apps, None)
    assert _running() == written
