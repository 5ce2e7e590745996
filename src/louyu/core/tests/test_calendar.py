"""The legal calendar (民法典 第二百零一条至第二百零四条, 电信用户申诉处理办法) and the
``calendar_year`` command.

Expected dates for 2025 and 2026 were checked against the data of chinesecalendar 1.11.0
(the State Council notices): 2025 National Day Oct 1–8 with make-up days Sun Sep 28 and
Sat Oct 11; 2026 元旦 Jan 1–3 with make-up Sun Jan 4; 2026 Spring Festival Feb 15–23 with
make-up Sat Feb 14 and Sat Feb 28; 2026 Mid-autumn Sep 25–27; 2026 National Day Oct 1–7
with make-up Sun Sep 20 and Sat Oct 10. Every 2027 schedule used below is hypothetical
test data, not the real 2027 notice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import louyu.core.signals  # noqa: F401  (connects the cache-clearing receivers)
from louyu.core import calendar
from louyu.core.calendar import (
    SHANGHAI,
    DayInfo,
    Deadline,
    add_days,
    add_months,
    add_working_days,
    add_years,
    day_info,
    deadline_from,
    is_known_year,
    is_working_day,
    months_after,
    months_before,
    years_before,
)
from louyu.core.models import AuditEvent, CalendarDay, CalendarYear

D = date.fromisoformat


def sh(text: str) -> datetime:
    """An Asia/Shanghai wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_cache():
    calendar.clear_calendar_cache()
    yield
    calendar.clear_calendar_cache()


def publish_2027(*days: tuple[str, str, str]) -> None:
    """Hypothetical 2027 schedule for the tests (the real one is not published yet)."""
    CalendarYear.objects.create(year=2027, published=True, source="测试数据（假设）")
    for day, kind, name in days:
        CalendarDay.objects.create(date=D(day), kind=kind, name=name)


# --- single days, against the package's data -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working", "name"),
    [
        # Spring Festival 2026
        ("2026-02-13", True, ""),
        ("2026-02-14", True, "春节"),  # Saturday, make-up working day
        ("2026-02-15", False, "春节"),
        ("2026-02-16", False, "春节"),
        ("2026-02-20", False, "春节"),
        ("2026-02-23", False, "春节"),  # Monday, still the holiday
        ("2026-02-24", True, ""),
        ("2026-02-28", True, "春节"),  # Saturday, make-up working day
        ("2026-03-01", False, ""),  # ordinary Sunday
        # National Day 2025
        ("2025-09-27", False, ""),
        ("2025-09-28", True, "国庆节"),  # Sunday, make-up working day
        ("2025-09-30", True, ""),
        ("2025-10-01", False, "国庆节"),
        ("2025-10-06", False, "中秋节"),
        ("2025-10-08", False, "国庆节"),
        ("2025-10-09", True, ""),
        ("2025-10-11", True, "国庆节"),  # Saturday, make-up working day
        ("2025-10-12", False, ""),
        # year end 2025 -> 2026
        ("2025-12-31", True, ""),
        ("2026-01-01", False, "元旦"),
        ("2026-01-02", False, "元旦"),
        ("2026-01-03", False, "元旦"),
        ("2026-01-04", True, "元旦"),  # Sunday, make-up working day
        ("2026-01-05", True, ""),
        # Mid-autumn and National Day 2026
        ("2026-09-20", True, "国庆节"),  # Sunday, make-up working day
        ("2026-09-25", False, "中秋节"),
        ("2026-10-07", False, "国庆节"),
        ("2026-10-08", True, ""),
        ("2026-10-10", True, "国庆节"),  # Saturday, make-up working day
        ("2026-10-11", False, ""),
    ],
)
def test_day_info_follows_the_state_council_schedule(day, working, name):
    assert day_info(D(day)) == DayInfo(working=working, known=True, name=name)
    assert is_working_day(D(day)) is working


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("1990-05-01", True),  # Tuesday; the real 1990 holiday is unknown here
        ("1990-05-05", False),
        ("2003-12-31", True),
        ("2027-01-01", True),  # Friday, surely 元旦 but not known yet
        ("2027-06-19", False),
        ("2100-01-01", True),
        ("2100-01-02", False),
        ("0001-01-01", True),
        ("9999-12-31", True),
    ],
)
def test_unknown_years_fall_back_to_monday_to_friday(day, working):
    assert day_info(D(day)) == DayInfo(working=working, known=False, name="")
    assert is_known_year(D(day).year) is False


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "n", "last_day", "provisional"),
    [
        ("2026-09-30", 5, "2026-10-13", False),  # Oct 8, 9, Sat 10 (make-up), 12, 13
        ("2026-09-30", 3, "2026-10-10", False),  # lands on the make-up Saturday
        ("2026-09-28", 5, "2026-10-10", False),
        ("2026-09-18", 2, "2026-09-21", False),  # Sun Sep 20 counts
        ("2026-02-13", 1, "2026-02-14", False),
        ("2026-02-13", 2, "2026-02-24", False),
        ("2026-02-13", 6, "2026-02-28", False),
        ("2025-09-26", 1, "2025-09-28", False),
        ("2025-09-30", 1, "2025-10-09", False),
        ("2025-09-30", 3, "2025-10-11", False),
        ("2025-12-31", 1, "2026-01-04", False),
        ("2025-12-30", 2, "2026-01-04", False),
        ("2026-12-28", 3, "2026-12-31", False),
        ("2026-12-30", 2, "2027-01-01", True),  # 2027 unknown: Friday counts
        ("2026-12-31", 0, "2026-12-31", False),
        ("2026-09-30", 30, "2026-11-17", False),
        ("2003-12-30", 5, "2004-01-07", True),  # Dec 31 2003 counted from Mon-Fri
        ("1990-01-01", 5, "1990-01-08", True),
        ("2100-12-30", 5, "2101-01-06", True),
    ],
)
def test_add_working_days(start, n, last_day, provisional):
    deadline = add_working_days(D(start), n)
    assert (deadline.last_day, deadline.provisional) == (D(last_day), provisional)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "n", "last_day", "provisional"),
    [
        ("2026-12-28", 30, "2027-01-27", True),  # Wednesday of an unknown year
        ("2026-09-20", 15, "2026-10-08", False),  # Oct 5 is a holiday
        ("2026-09-30", 10, "2026-10-10", False),  # make-up Saturday stays
        ("2026-02-04", 10, "2026-02-14", False),  # make-up Saturday stays
        ("2026-01-29", 30, "2026-02-28", False),  # make-up Saturday stays
        ("2025-09-18", 10, "2025-09-28", False),  # make-up Sunday stays
        ("2026-02-05", 10, "2026-02-24", False),  # Feb 15 -> after the Spring Festival
        ("2026-10-01", 10, "2026-10-12", False),  # ordinary Sunday
        ("2026-03-02", 5, "2026-03-09", False),  # Saturday -> Monday
        ("2025-12-02", 30, "2026-01-04", False),  # Jan 1 -> make-up Sunday Jan 4
        ("2026-12-01", 30, "2026-12-31", False),
        ("2026-12-02", 30, "2027-01-01", True),
        ("2026-12-05", 30, "2027-01-04", True),  # Mon after an unknown weekend
        ("2026-03-07", 0, "2026-03-09", False),  # zero days from a Saturday
        ("1990-01-01", 30, "1990-01-31", True),
        ("2100-12-25", 10, "2101-01-04", True),
        ("2003-12-20", 30, "2004-01-19", False),  # only the last day is looked at
    ],
)
def test_add_days(start, n, last_day, provisional):
    deadline = add_days(D(start), n)
    assert (deadline.last_day, deadline.provisional) == (D(last_day), provisional)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "n", "last_day", "provisional"),
    [
        ("2026-01-31", 1, "2026-02-28", False),  # no Feb 31; Feb 28 is a make-up Saturday
        ("2026-03-31", 1, "2026-04-30", False),
        ("2025-10-31", 5, "2026-03-31", False),
        ("2025-12-01", 5, "2026-05-06", False),  # May 1-5 Labour Day
        ("2025-11-15", 3, "2026-02-24", False),  # Feb 15 Spring Festival
        ("2024-02-29", 12, "2025-02-28", False),
        ("2026-09-29", 5, "2027-03-01", True),  # Sun Feb 28 2027 of an unknown year
        ("2026-05-10", 0, "2026-05-11", False),  # zero months from a Sunday
        ("1990-01-31", 1, "1990-02-28", True),
    ],
)
def test_add_months(start, n, last_day, provisional):
    deadline = add_months(D(start), n)
    assert (deadline.last_day, deadline.provisional) == (D(last_day), provisional)


@pytest.mark.django_db
def test_add_years_is_twelve_months():
    assert add_years(D("2024-02-29"), 2) == add_months(D("2024-02-29"), 24)
    assert add_years(D("2024-02-29"), 2).last_day == D("2026-02-28")  # make-up Saturday
    assert add_years(D("2023-03-04"), 3).last_day == D("2026-03-04")
    assert add_years(D("2023-03-07"), 3).last_day == D("2026-03-09")  # Saturday -> Monday


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        ("2026-06-10", 5, "2026-01-10"),
        ("2026-03-31", 1, "2026-03-01"),  # Feb 28 + 1 month = Mar 28 < Mar 31
        ("2026-03-28", 1, "2026-02-28"),
        ("2026-03-01", 1, "2026-02-01"),
        ("2027-01-31", 5, "2026-08-31"),
        ("2026-07-31", 5, "2026-03-01"),  # Feb 2026 has no 31st
        ("2026-01-15", 5, "2025-08-15"),
        ("2026-05-05", 0, "2026-05-05"),
    ],
)
def test_months_before(day, n, expected):
    assert months_before(D(day), n) == D(expected)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        ("2026-05-20", 2, "2024-05-20"),
        ("2028-02-29", 2, "2026-03-01"),  # Feb 28 2026 + 2 years = Feb 28 2028
        ("2028-02-28", 4, "2024-02-28"),
        ("2029-02-28", 1, "2028-02-28"),
    ],
)
def test_years_before(day, n, expected):
    assert years_before(D(day), n) == D(expected)


@pytest.mark.parametrize(
    ("matter", "today", "older"),
    [
        ("2026-01-10", "2026-06-10", False),  # last day of the 5 months
        ("2026-01-10", "2026-06-11", True),
        ("2026-09-30", "2027-02-28", False),  # month without a 30th: Feb 28 is the last day
        ("2026-09-30", "2027-03-01", True),
    ],
)
def test_fee_dispute_age_limit(matter, today, older):
    assert (D(matter) < months_before(D(today), 5)) is older


@given(
    matter=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
    today=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
    n=st.integers(0, 30),
)
def test_months_before_agrees_with_the_period_end(matter, today, n):
    """Older than n months on ``today`` ⇔ the n-month period from ``matter`` (art. 202)
    ended before ``today``."""
    assert (matter < months_before(today, n)) == (months_after(matter, n) < today)


# --- deadlines from a receipt time ------------------------------------------------------------


@pytest.mark.django_db
def test_deadline_from_received_2026_09_30_plus_five_working_days():
    deadline = deadline_from(sh("2026-09-30T15:20"), working_days=5)
    assert deadline == Deadline(
        last_day=D("2026-10-13"), due_at=sh("2026-10-14T00:00"), provisional=False
    )


@pytest.mark.django_db
def test_due_at_is_24_00_shanghai_of_the_last_day():
    deadline = add_days(D("2026-03-02"), 5)
    assert deadline.last_day == D("2026-03-09")
    assert deadline.due_at == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert deadline.due_at.utcoffset() == timedelta(hours=8)
    assert sh("2026-03-09T23:59:59.999999") < deadline.due_at
    assert not sh("2026-03-10T00:00") < deadline.due_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received_at", "last_day"),
    [
        (datetime(2026, 9, 29, 17, 30, tzinfo=UTC), "2026-10-13"),  # 01:30 Sep 30 Shanghai
        (datetime(2026, 9, 29, 15, 59, tzinfo=UTC), "2026-10-12"),  # 23:59 Sep 29 Shanghai
        (datetime(2026, 9, 29, 16, 0, tzinfo=UTC), "2026-10-13"),  # 00:00 Sep 30 Shanghai
        (sh("2026-09-30T23:59"), "2026-10-13"),
    ],
)
def test_the_start_day_is_the_shanghai_date(received_at, last_day):
    assert deadline_from(received_at, working_days=5).last_day == D(last_day)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"working_days": 5, "days": 30},
        {"days": -1},
        {"working_days": -1},
        {"days": 5, "paused": [(sh("2026-03-05T10:00"), sh("2026-03-04T10:00"))]},
        {"days": 5, "paused": [(datetime(2026, 3, 3, 10), sh("2026-03-04T10:00"))]},
    ],
)
def test_deadline_from_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        deadline_from(sh("2026-03-02T10:00"), **kwargs)


@pytest.mark.django_db
def test_deadline_from_rejects_a_naive_receipt_time():
    with pytest.raises(ValueError):
        deadline_from(datetime(2026, 3, 2, 10), days=30)


# Received Mon 2026-03-02. Without pauses: 5 working days -> Mon 03-09, 10 days -> Thu 03-12.
PAUSE_CASES = [
    ("working_days", 5, [], "2026-03-09"),
    # same-day pause covers nothing
    ("working_days", 5, [("2026-03-03T09:00", "2026-03-03T17:00")], "2026-03-09"),
    # covers Wed 03-04: one working day added back
    ("working_days", 5, [("2026-03-03T09:00", "2026-03-04T15:00")], "2026-03-10"),
    # Fri evening to Sun: covers Sat, Sun, which were not counted anyway
    ("working_days", 5, [("2026-03-06T18:00", "2026-03-08T20:00")], "2026-03-09"),
    # Fri to Mon: covers Sat, Sun, Mon -> one working day added back
    ("working_days", 5, [("2026-03-06T10:00", "2026-03-09T10:00")], "2026-03-10"),
    # overlapping pauses count each covered day (Wed, Thu, Fri) once
    (
        "working_days",
        5,
        [("2026-03-03T10:00", "2026-03-05T10:00"), ("2026-03-04T10:00", "2026-03-06T10:00")],
        "2026-03-12",
    ),
    # days on or before the start day are ignored: only Tue 03-03 counts
    ("working_days", 5, [("2026-02-27T10:00", "2026-03-03T10:00")], "2026-03-10"),
    # a pause beginning on the last day does not extend it
    ("working_days", 5, [("2026-03-09T10:00", "2026-03-11T10:00")], "2026-03-09"),
    # a pause after the deadline changes nothing
    ("working_days", 5, [("2026-03-20T10:00", "2026-03-25T10:00")], "2026-03-09"),
    ("days", 10, [], "2026-03-12"),
    # covers Wed, Thu, Fri: three days added back -> Sun 03-15 -> Mon 03-16
    ("days", 10, [("2026-03-03T10:00", "2026-03-06T10:00")], "2026-03-16"),
    # 5 days end on Sat 03-07 -> Mon 03-09, but Mon and Tue are covered -> Wed 03-11
    ("days", 5, [("2026-03-08T10:00", "2026-03-10T10:00")], "2026-03-11"),
    # a pause beginning on the last day does not extend it
    ("days", 10, [("2026-03-12T10:00", "2026-03-20T10:00")], "2026-03-12"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("unit", "n", "pauses", "last_day"), PAUSE_CASES)
def test_pauses(unit, n, pauses, last_day):
    paused = [(sh(began), sh(ended)) for began, ended in pauses]
    deadline = deadline_from(sh("2026-03-02T10:00"), paused=paused, **{unit: n})
    assert deadline.last_day == D(last_day)


@pytest.mark.django_db
def test_a_pause_across_the_national_day_adds_back_only_working_days():
    received = sh("2026-09-28T09:00")
    assert deadline_from(received, working_days=5).last_day == D("2026-10-10")
    # covers Sep 30 .. Oct 9: working days Sep 30, Oct 8, Oct 9 are added back
    paused = [(sh("2026-09-29T10:00"), sh("2026-10-09T10:00"))]
    assert deadline_from(received, working_days=5, paused=paused).last_day == D("2026-10-14")


@pytest.mark.django_db
def test_pauses_may_be_given_in_utc():
    paused = [(datetime(2026, 3, 3, 1, 0, tzinfo=UTC), datetime(2026, 3, 4, 7, 0, tzinfo=UTC))]
    deadline = deadline_from(sh("2026-03-02T10:00"), working_days=5, paused=paused)
    assert deadline.last_day == D("2026-03-10")


# --- administrator overrides -----------------------------------------------------------------


@pytest.mark.django_db
def test_2027_override_moves_the_deadline_and_clears_provisional():
    received = sh("2026-12-28T10:00")
    before = deadline_from(received, days=30)
    assert (before.last_day, before.provisional) == (D("2027-01-27"), True)

    publish_2027(("2027-01-27", "holiday", "假设的测试节日"))

    after = deadline_from(received, days=30)
    assert (after.last_day, after.provisional) == (D("2027-01-28"), False)
    assert after.due_at == sh("2027-01-29T00:00")
    assert day_info(D("2027-01-27")) == DayInfo(False, True, "假设的测试节日")


@pytest.mark.django_db
def test_2027_make_up_saturday_counts_as_a_working_day():
    start = D("2027-01-28")  # Thursday
    assert add_working_days(start, 2) == Deadline.ending_on(D("2027-02-01"), provisional=True)

    publish_2027(("2027-01-30", "workday", "假设的调休上班日"))

    assert add_working_days(start, 2) == Deadline.ending_on(D("2027-01-30"), provisional=False)
    assert add_days(D("2027-01-20"), 10).last_day == D("2027-01-30")


@pytest.mark.django_db
def test_overrides_of_an_unpublished_year_apply_but_stay_provisional():
    CalendarDay.objects.create(date=D("2027-01-27"), kind="holiday", name="假设")
    CalendarYear.objects.create(year=2027, published=False)
    deadline = add_days(D("2026-12-28"), 30)
    assert (deadline.last_day, deadline.provisional) == (D("2027-01-28"), True)
    assert is_known_year(2027) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override_day", "kind", "last_day"),
    [
        (None, None, "2026-10-13"),
        ("2026-10-12", "holiday", "2026-10-14"),  # ordinary Monday made a rest day
        ("2026-10-10", "holiday", "2026-10-14"),  # the package's make-up Saturday cancelled
        ("2026-10-11", "workday", "2026-10-12"),  # ordinary Sunday made a working day
        ("2026-10-07", "workday", "2026-10-12"),  # a package holiday made a working day
    ],
)
def test_overrides_take_precedence_over_the_package(override_day, kind, last_day):
    if override_day:
        CalendarDay.objects.create(date=D(override_day), kind=kind, name="测试调整")
        assert day_info(D(override_day)).working is (kind == "workday")
        assert day_info(D(override_day)).name == "测试调整"
    deadline = add_working_days(D("2026-09-30"), 5)
    assert (deadline.last_day, deadline.provisional) == (D(last_day), False)


@pytest.mark.django_db
def test_saving_and_deleting_rows_clears_the_cache():
    assert add_days(D("2026-12-28"), 30).provisional is True
    year = CalendarYear.objects.create(year=2027, published=True)
    assert add_days(D("2026-12-28"), 30).provisional is False
    holiday = CalendarDay.objects.create(date=D("2027-01-27"), kind="holiday")
    assert add_days(D("2026-12-28"), 30).last_day == D("2027-01-28")
    holiday.kind = "workday"
    holiday.save()
    assert add_days(D("2026-12-28"), 30).last_day == D("2027-01-27")
    holiday.delete()
    year.published = False
    year.save()
    assert add_days(D("2026-12-28"), 30).provisional is True
    CalendarYear.objects.create(year=2028, published=True)
    year.delete()
    assert is_known_year(2027) is False
    assert is_known_year(2028) is True


@pytest.mark.django_db
def test_the_cache_expires(settings):
    settings.LOUYU_CALENDAR_CACHE_SECONDS = 0
    assert add_days(D("2026-12-28"), 30).provisional is True
    CalendarYear.objects.bulk_create([CalendarYear(year=2027, published=True)])
    assert add_days(D("2026-12-28"), 30).provisional is False


@pytest.mark.django_db
def test_queries_are_cached(django_assert_max_num_queries, django_assert_num_queries):
    publish_2027(("2027-01-27", "holiday", "假设"))
    calendar.clear_calendar_cache()
    with django_assert_max_num_queries(2):
        add_working_days(D("2026-12-01"), 30)
    with django_assert_num_queries(0):
        add_working_days(D("2026-12-01"), 30)
        deadline_from(sh("2026-12-01T10:00"), working_days=30)
        add_days(D("2026-12-28"), 30)
        add_months(D("2026-12-28"), 5)
        is_working_day(D("2027-01-27"))


# --- properties --------------------------------------------------------------------------------


def _unknown(first: date, last: date) -> bool:
    return any(year not in calendar.bundled_years() for year in range(first.year, last.year + 1))


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.dates(date(2004, 1, 1), date(2030, 12, 31)), n=st.integers(0, 60))
def test_add_working_days_properties(start, n):
    deadline = add_working_days(start, n)
    if n == 0:
        assert deadline == Deadline.ending_on(start)
        return
    assert deadline.last_day > start
    assert is_working_day(deadline.last_day)
    assert deadline.provisional == _unknown(start + timedelta(days=1), deadline.last_day)
    working = [
        start + timedelta(days=i)
        for i in range(1, (deadline.last_day - start).days + 1)
        if is_working_day(start + timedelta(days=i))
    ]
    assert len(working) == n
    assert deadline.due_at == datetime.combine(
        deadline.last_day + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI
    )


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.dates(date(2004, 1, 1), date(2030, 12, 31)), n=st.integers(0, 60))
def test_add_days_properties(start, n):
    deadline = add_days(start, n)
    target = start + timedelta(days=n)
    assert deadline.last_day >= target
    assert is_working_day(deadline.last_day)
    assert all(
        not is_working_day(target + timedelta(days=i))
        for i in range((deadline.last_day - target).days)
    )
    assert deadline.provisional == _unknown(target, deadline.last_day)


# --- the calendar_year command ------------------------------------------------------------------


GOOD_CSV = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节（假设）
2027-02-07,holiday,春节（假设）
2027-02-08,holiday,春节（假设）
2027-02-09,holiday,春节（假设）
2027-02-10,holiday,春节（假设）
2027/2/11,holiday,春节（假设）
2027-02-12,holiday,春节（假设）
2027-02-20,workday,春节（假设）

2027-01-27,holiday
"""


def run(*args) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("calendar_year", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_calendar_year_loads_a_good_file(tmp_path):
    CalendarDay.objects.create(date=D("2027-03-03"), kind="holiday", name="旧数据")
    CalendarDay.objects.create(date=D("2026-10-09"), kind="holiday", name="其他年份")
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    assert add_days(D("2026-12-28"), 30).provisional is True

    out, err = run("2027", "--load", str(path), "--source", "国办发明电〔2026〕假设号")

    assert "休息日 9 天，调休上班日 1 天（替换原有 1 条）" in out
    assert "第 3 行：2027-02-06 是周六" in err  # a holiday on a weekend only warns
    assert "管理员已录入完整安排，依据：国办发明电〔2026〕假设号" in out
    assert "2027-02-20 周六 调休上班日 春节（假设）" in out
    year = CalendarYear.objects.get(year=2027)
    assert (year.published, year.source) == (True, "国办发明电〔2026〕假设号")
    assert CalendarDay.objects.filter(date__year=2027).count() == 10
    assert not CalendarDay.objects.filter(date=D("2027-03-03")).exists()
    assert CalendarDay.objects.filter(date=D("2026-10-09")).exists()
    assert AuditEvent.objects.filter(action="calendar.year_load").count() == 1
    deadline = add_days(D("2026-12-28"), 30)
    assert (deadline.last_day, deadline.provisional) == (D("2027-01-28"), False)
    assert add_working_days(D("2027-02-05"), 1).last_day == D("2027-02-15")


@pytest.mark.django_db
def test_calendar_year_accepts_gb18030_and_no_header(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes("2027-01-01,holiday,元旦\n".encode("gb18030"))
    run("2027", "--load", str(path))
    assert CalendarDay.objects.get(date=D("2027-01-01")).name == "元旦"
    assert CalendarYear.objects.get(year=2027).source == "2027.csv"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,x\n",
            "第 3 行：日期“2027-02-30”无效",
        ),
        ("date,kind,name\nsoon,holiday,x\n", "第 2 行：日期“soon”无效"),
        ("date,kind,name\n2026-12-31,holiday,x\n", "第 2 行：日期 2026-12-31 不在 2027 年内"),
        ("date,kind,name\n2027-01-01,rest,元旦\n", "第 2 行：类型“rest”无效"),
        (
            "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-01,workday,元旦\n",
            "第 3 行：日期 2027-01-01 与第 2 行重复",
        ),
        ("date,kind,name\n2027-01-01,holiday,元旦,多余\n", "第 2 行：应有 2 或 3 列"),
        ("date,kind,name\n2027-01-01\n", "第 2 行：应有 2 或 3 列"),
        ("date,kind,name\n2027-01-01,holiday," + "长" * 33 + "\n", "第 2 行：名称超过 32 个字"),
        ("date,kind,name\n", "文件中没有任何日期"),
    ],
)
def test_calendar_year_rejects_a_bad_file_and_writes_nothing(tmp_path, content, message):
    CalendarDay.objects.create(date=D("2027-03-03"), kind="holiday", name="旧数据")
    path = tmp_path / "2027.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        run("2027", "--load", str(path))

    assert message in str(excinfo.value)
    assert "未写入任何数据" in str(excinfo.value) or "没有任何日期" in str(excinfo.value)
    assert list(CalendarDay.objects.values_list("date", "name")) == [(D("2027-03-03"), "旧数据")]
    assert not CalendarYear.objects.exists()
    assert not AuditEvent.objects.exists()
    assert add_days(D("2026-12-28"), 30).provisional is True


@pytest.mark.django_db
def test_calendar_year_reports_every_error(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("2027-13-01,holiday\n2028-01-01,holiday\n2027-01-01,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run("2027", "--load", str(path))
    assert "发现 3 处错误" in str(excinfo.value)
    for line in (1, 2, 3):
        assert f"第 {line} 行" in str(excinfo.value)


@pytest.mark.django_db
def test_calendar_year_missing_file(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        run("2027", "--load", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            "2026",
            ["已内置国务院节假日安排（chinesecalendar 1.11.0）", "管理员调整日：无", "全年工作日"],
        ),
        ("2027", ["安排未知，按周一至周五为工作日推算，涉及该年的时限为暂定"]),
        ("1990", ["安排未知"]),
        ("2100", ["安排未知"]),
    ],
)
def test_calendar_year_shows_the_status(year, expected):
    out, _ = run(year)
    for text in expected:
        assert text in out


@pytest.mark.django_db
def test_calendar_year_lists_overrides_of_a_bundled_year():
    CalendarDay.objects.create(date=D("2026-10-12"), kind="holiday", name="测试调整")
    out, _ = run("2026")
    assert "管理员调整日（1 条）" in out
    assert "2026-10-12 周一 法定节假日（休息） 测试调整" in out


def test_calendar_year_rejects_a_bad_year():
    with pytest.raises(CommandError):
        run("0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 12, 1, tzinfo=calendar.SHANGHAI), "2026-11-30 24:00"),
        (datetime(2026, 11, 30, 16, tzinfo=UTC), "2026-11-30 24:00"),
        (datetime(2026, 12, 1, 9, 30, tzinfo=calendar.SHANGHAI), "2026-12-01 09:30"),
        (date(2026, 12, 3), "2026-12-03 24:00"),
        (calendar.Deadline.ending_on(date(2026, 12, 3)).due_at, "2026-12-03 24:00"),
        (None, ""),
    ],
)
def test_a_deadline_reads_as_the_end_of_its_last_day_everywhere(value, expected):
    assert calendar.format_deadline(value) == expected
