"""The legal calendar: working days and statutory periods for deadlines.

Sources:

* 《中华人民共和国民法典》第二百零一条至第二百零四条 — how periods are counted: the start
  day is not counted (art. 201); a period in months or years ends on the corresponding day
  of the last month, or on that month's last day when there is none (art. 202); a last day
  that is a statutory rest day moves to the day after the rest days (art. 203); a period in
  days ends at 24:00 of its last day (art. 203); these rules apply unless a law provides
  otherwise (art. 204).
* 国务院办公厅《关于部分节假日安排的通知》, published year by year — which weekdays are rest
  days and which weekend days are make-up working days (调休). Bundled for 2004–2026 by the
  ``chinesecalendar`` package; later years are entered by an administrator as
  :class:`~louyu.core.models.CalendarDay` rows and marked complete with a published
  :class:`~louyu.core.models.CalendarYear`.
* 《电信用户申诉处理办法》 — acceptance is decided within 5 working days of receipt and the
  reply is due within 30 days of acceptance; time spent waiting for the complainant's
  materials is not counted.

A year is *known* when the package bundles it or an administrator has published it. For an
unknown year weekdays count as working days and weekends as rest days, and every result
whose value depends on a day of that year is flagged ``provisional``. No function here
raises because a year is unknown.

Administrator overrides are read once per process and kept in memory; they are reloaded
after :func:`clear_calendar_cache` (called by the receivers in :mod:`louyu.core.signals` when
a row is saved or deleted) or after ``LOUYU_CALENDAR_CACHE_SECONDS`` (default 300), which
bounds how long another process may use a stale copy.
"""

from __future__ import annotations

import threading
import time as _time
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from chinese_calendar import constants as _package
from django.conf import settings
from django.dispatch import Signal

from louyu.core.models import CalendarDay, CalendarDayKind, CalendarYear

# Sent after an administrator's change to the holiday schedule is committed, with ``day``,
# the first day it concerns: apps recompute the running deadlines it may move.
holiday_schedule_changed = Signal()

__all__ = [
    "SHANGHAI",
    "DayInfo",
    "Deadline",
    "add_days",
    "add_months",
    "add_working_days",
    "add_years",
    "bundled_years",
    "clear_calendar_cache",
    "day_info",
    "deadline_from",
    "is_known_year",
    "is_working_day",
    "local_date",
    "months_after",
    "months_before",
    "years_before",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)

_PACKAGE_HOLIDAYS: Mapping[date, str] = _package.holidays
_PACKAGE_WORKDAYS: Mapping[date, str] = _package.workdays
_PACKAGE_FIRST_YEAR = min(_PACKAGE_HOLIDAYS).year
_PACKAGE_LAST_YEAR = max(_PACKAGE_HOLIDAYS).year

_FESTIVAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}
_FESTIVAL_NAMES.update(
    {h.value: h.chinese for h in _package.Holiday if h.value not in _FESTIVAL_NAMES}
)


@dataclass(frozen=True)
class DayInfo:
    """One day of the calendar.

    ``working``: a working day (a weekday that is not a statutory rest day, or a make-up
    working day on a weekend). ``known``: its year's holiday schedule is bundled or
    published; when False, ``working`` is the Monday–Friday guess. ``name``: the festival the
    day belongs to (rest day or make-up working day), in Chinese, or "".
    """

    working: bool
    known: bool
    name: str = ""


@dataclass(frozen=True)
class Deadline:
    """The end of a period (民法典 第二百零三条): 24:00 Asia/Shanghai of ``last_day``.

    ``due_at`` is that instant as an aware datetime (the next day, 00:00 +08:00); an act is
    on time when it happens before ``due_at``. ``provisional`` is True when the result
    depends on a day of a year whose holiday schedule is not known yet.
    """

    last_day: date
    due_at: datetime
    provisional: bool

    @classmethod
    def ending_on(cls, last_day: date, *, provisional: bool = False) -> Deadline:
        due_at = datetime.combine(last_day + ONE_DAY, clock_time.min, tzinfo=SHANGHAI)
        return cls(last_day=last_day, due_at=due_at, provisional=provisional)


def format_deadline(value: datetime | date | None) -> str:
    """A deadline as every page, notification and export shows it: the end of its last day
    as ``YYYY-MM-DD 24:00`` (a ``date`` is such a last day), any other instant as
    ``YYYY-MM-DD HH:MM``, Asia/Shanghai. ``""`` for no deadline."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return f"{value:%Y-%m-%d} 24:00"
    local = value.astimezone(SHANGHAI)
    if local.time() == clock_time.min:
        return f"{local.date() - ONE_DAY:%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


# --- Administrator overrides, cached per process -------------------------------------------


@dataclass(frozen=True)
class _Overrides:
    days: Mapping[date, tuple[bool, str]]
    published_years: frozenset[int]
    loaded_at: float


_cache: _Overrides | None = None
_generation = 0
_lock = threading.Lock()


def clear_calendar_cache() -> None:
    """Forget the in-memory copy of the override tables; the next computation reloads it.

    Call after writing :class:`CalendarDay` or :class:`CalendarYear` rows in a way that sends
    no model signals (``bulk_create``, ``QuerySet.update``)."""
    global _cache, _generation
    with _lock:
        _cache = None
        _generation += 1


def _cache_seconds() -> float:
    return float(getattr(settings, "LOUYU_CALENDAR_CACHE_SECONDS", 300))


def _overrides() -> _Overrides:
    global _cache
    cached = _cache
    if cached is not None and _time.monotonic() - cached.loaded_at < _cache_seconds():
        return cached
    with _lock:
        generation = _generation
    days = {
        day: (kind == CalendarDayKind.WORKDAY, name)
        for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name")
    }
    years = frozenset(CalendarYear.objects.filter(published=True).values_list("year", flat=True))
    loaded = _Overrides(days=days, published_years=years, loaded_at=_time.monotonic())
    with _lock:
        if generation == _generation:
            _cache = loaded
    return loaded


# --- Single days ---------------------------------------------------------------------------


def bundled_years() -> range:
    """The years whose official schedule ships with the ``chinesecalendar`` package."""
    return range(_PACKAGE_FIRST_YEAR, _PACKAGE_LAST_YEAR + 1)


def _is_bundled(year: int) -> bool:
    return _PACKAGE_FIRST_YEAR <= year <= _PACKAGE_LAST_YEAR


def _day_info(day: date, overrides: _Overrides) -> DayInfo:
    bundled = _is_bundled(day.year)
    known = bundled or day.year in overrides.published_years
    override = overrides.days.get(day)
    if override is not None:
        working, name = override
        return DayInfo(working=working, known=known, name=name)
    if bundled:
        if day in _PACKAGE_WORKDAYS:
            return DayInfo(True, True, _FESTIVAL_NAMES.get(_PACKAGE_WORKDAYS[day], ""))
        if day in _PACKAGE_HOLIDAYS:
            return DayInfo(False, True, _FESTIVAL_NAMES.get(_PACKAGE_HOLIDAYS[day], ""))
    return DayInfo(working=day.weekday() < 5, known=known)


def _as_date(day: date) -> date:
    if isinstance(day, datetime):
        return local_date(day)
    return day


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no calendar date in Asia/Shanghai")
    return moment.astimezone(SHANGHAI).date()


def is_known_year(year: int) -> bool:
    """True when ``year``'s holiday schedule is bundled or published by an administrator."""
    return _is_bundled(year) or year in _overrides().published_years


def day_info(day: date) -> DayInfo:
    """Whether ``day`` is a working day under the State Council holiday schedule (with 调休),
    whether its year is known, and the festival it belongs to. Administrator overrides win
    over the bundled schedule for their date."""
    return _day_info(_as_date(day), _overrides())


def is_working_day(day: date) -> bool:
    """True for a working day: a weekday that is not a statutory rest day, or a make-up
    working day (调休) on a weekend. Unknown years fall back to Monday–Friday."""
    return day_info(day).working


# --- Periods -------------------------------------------------------------------------------


class _Examiner:
    """Answers "is this a working day?" during one computation and remembers whether any
    answer came from an unknown year."""

    def __init__(self) -> None:
        self.overrides = _overrides()
        self.provisional = False

    def working(self, day: date) -> bool:
        info = _day_info(day, self.overrides)
        if not info.known:
            self.provisional = True
        return info.working

    def roll_forward(self, day: date, paused: frozenset[date] = frozenset()) -> date:
        """民法典 第二百零三条: a last day that is a rest day moves to the next working day."""
        while day in paused or not self.working(day):
            day += ONE_DAY
        return day

    def deadline(self, last_day: date) -> Deadline:
        return Deadline.ending_on(last_day, provisional=self.provisional)


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError(f"a period cannot be negative (got {n})")


def _working_days_period(start: date, n: int, paused: frozenset[date]) -> Deadline:
    _check_count(n)
    examiner = _Examiner()
    day, counted = start, 0
    while counted < n:
        day += ONE_DAY
        if day not in paused and examiner.working(day):
            counted += 1
    return examiner.deadline(day)


def _days_period(start: date, n: int, paused: frozenset[date]) -> Deadline:
    _check_count(n)
    examiner = _Examiner()
    day, counted = start, 0
    while counted < n:
        day += ONE_DAY
        if day not in paused:
            counted += 1
    return examiner.deadline(examiner.roll_forward(day, paused))


def add_working_days(start: date, n: int) -> Deadline:
    """The ``n``-th working day after ``start`` (the start day is not counted, 民法典
    第二百零一条), as used for the 5-working-day acceptance decision of 《电信用户申诉处理办法》.
    Make-up working weekends count; statutory rest days do not. ``n == 0`` gives ``start``.
    """
    return _working_days_period(_as_date(start), n, frozenset())


def add_days(start: date, n: int) -> Deadline:
    """A period of ``n`` days from ``start`` (民法典 第二百零一条, 第二百零三条): the start day
    is not counted, the last day is ``start + n`` and, when that is a rest day (weekend or
    statutory holiday, unless it is a make-up working day), the next working day. The period
    ends at 24:00 of the last day."""
    return _days_period(_as_date(start), n, frozenset())


def months_after(day: date, n: int) -> date:
    """The corresponding day ``n`` months after ``day``, or the last day of that month when it
    has no corresponding day (民法典 第二百零二条), before any rest-day adjustment.
    ``n`` may be negative."""
    years, month_index = divmod(day.month - 1 + n, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def add_months(start: date, n: int) -> Deadline:
    """A period of ``n`` months from ``start`` (民法典 第二百零一条至第二百零三条): the last day
    is the corresponding day of the last month (or that month's last day) and moves to the
    next working day when it is a rest day."""
    _check_count(n)
    examiner = _Examiner()
    return examiner.deadline(examiner.roll_forward(months_after(_as_date(start), n)))


def add_years(start: date, n: int) -> Deadline:
    """A period of ``n`` years (民法典 第二百零二条): ``add_months(start, 12 * n)``."""
    return add_months(start, 12 * n)


def months_before(day: date, n: int) -> date:
    """The earliest date whose ``n``-month period (民法典 第二百零一条、第二百零二条, without the
    rest-day rule) has not ended before ``day``.

    A matter dated ``x`` is older than ``n`` months on ``day`` exactly when
    ``x < months_before(day, n)``; 《电信用户申诉处理办法》 refuses fee disputes older than 5
    months. This is the corresponding day ``n`` months earlier, or, when that month is too
    short, the first day of the following month (on 31 March a matter of 28 February is
    more than one month old: its month ended on 28 March)."""
    _check_count(n)
    years, month_index = divmod(day.month - 1 - n, 12)
    year, month = day.year + years, month_index + 1
    last = monthrange(year, month)[1]
    if day.day <= last:
        return date(year, month, day.day)
    return date(year, month, last) + ONE_DAY


def years_before(day: date, n: int) -> date:
    """Like :func:`months_before` for ``n`` years: a matter dated ``x`` is older than ``n``
    years on ``day`` exactly when ``x < years_before(day, n)`` (other matters than fee
    disputes are refused after 2 years under 《电信用户申诉处理办法》)."""
    return months_before(day, 12 * n)


# --- Deadlines from a receipt time, with pauses -------------------------------------------


def _paused_days(paused: Iterable[tuple[datetime, datetime]], start: date) -> frozenset[date]:
    days: set[date] = set()
    for began, ended in paused:
        first, last = local_date(began), local_date(ended)
        if ended < began:
            raise ValueError(f"a pause cannot end ({ended}) before it begins ({began})")
        day = max(first, start) + ONE_DAY
        while day <= last:
            days.add(day)
            day += ONE_DAY
    return frozenset(days)


def deadline_from(
    received_at: datetime,
    *,
    working_days: int | None = None,
    days: int | None = None,
    paused: Iterable[tuple[datetime, datetime]] = (),
) -> Deadline:
    """The deadline of a period of ``working_days`` or ``days`` that starts on the
    Asia/Shanghai date of ``received_at`` (民法典 第二百零一条: that day is not counted).

    Pauses (《电信用户申诉处理办法》: time spent waiting for the complainant's materials is not
    counted) are ``(began, ended)`` pairs of aware datetimes; pass the current time as
    ``ended`` for a pause still running. The rule, in Asia/Shanghai dates:

    * a pause *covers* the days after the day it began up to and including the day it
      ended. The day the clock stopped counts as a running day, and the clock runs again
      from the day after the materials arrived, as for the start of a period (art. 201).
      A pause that begins and ends on the same day covers nothing;
    * covered days are not counted: in a period of working days, each covered working day
      adds one working day; in a period of days, each covered day adds one day;
    * the last day is never a covered day (it moves on as it does off a rest day, art. 203);
    * only covered days that come before the deadline is reached count, so a pause that
      begins on or after the last day does not extend it, and days before the start day
      are ignored. Overlapping pauses count each day once.
    """
    if (working_days is None) == (days is None):
        raise ValueError("give exactly one of working_days and days")
    start = local_date(received_at)
    covered = _paused_days(paused, start)
    if working_days is not None:
        return _working_days_period(start, working_days, covered)
    return _days_period(start, days, covered)
