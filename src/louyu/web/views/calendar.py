"""The working calendar: the legal calendar of a year, month by month, with holidays,
make-up working days and whether the year's schedule is published."""

from __future__ import annotations

import calendar as pycalendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from louyu.core import calendar as legal_calendar
from louyu.core import selectors

CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR = 2000, 2100


WEEKDAY_SHORT = [
    pgettext_lazy("星期", "一"),
    pgettext_lazy("星期", "二"),
    pgettext_lazy("星期", "三"),
    pgettext_lazy("星期", "四"),
    pgettext_lazy("星期", "五"),
    pgettext_lazy("星期", "六"),
    pgettext_lazy("星期", "日"),
]

DAY_CLASSES = {
    "workday": "cal-workday",
    "weekend": "cal-weekend",
    "holiday": "cal-holiday",
    "makeup": "cal-makeup",
}


def _day_kind(day: datetime.date, working: bool, name: str) -> str:
    """workday, weekend (an ordinary rest day), holiday (a rest day of a festival break,
    including its weekend days) or makeup (a weekend day worked under 调休)."""
    weekend = day.weekday() >= 5
    if working:
        return "makeup" if weekend else "workday"
    return "holiday" if name or not weekend else "weekend"


def _parse_year(request) -> int:
    current = timezone.localdate().year
    raw = request.GET.get("year", "").strip()
    if not raw:
        return current
    try:
        year = int(raw)
    except ValueError:
        year = None
    if year is None or not CALENDAR_MIN_YEAR <= year <= CALENDAR_MAX_YEAR:
        messages.warning(
            request,
            _("年份“%(year)s”无效，请输入 %(min)d 至 %(max)d 之间的年份；已显示今年。")
            % {"year": raw[:20], "min": CALENDAR_MIN_YEAR, "max": CALENDAR_MAX_YEAR},
        )
        return current
    return year


def _month_grid(year: int, month: int, day_info, today: datetime.date) -> dict:
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append(None)
                continue
            info = day_info(day)
            kind = _day_kind(day, info.working, info.name)
            cells.append(
                {
                    "date": day,
                    "kind": kind,
                    "css": DAY_CLASSES[kind],
                    "name": info.name,
                    "known": info.known,
                    "today": day == today,
                }
            )
        weeks.append(cells)
    return {"month": month, "weeks": weeks}


def _year_status(year: int, overrides) -> dict:
    """Where the year's holiday schedule comes from: the bundled package, an administrator's
    publication, or nowhere yet (deadlines in it are provisional)."""
    if year in legal_calendar.bundled_years():
        return {"kind": "bundled", "known": True, "source": ""}
    if legal_calendar.is_known_year(year):
        return {
            "kind": "published",
            "known": True,
            "source": overrides.year.source if overrides.year else "",
        }
    return {"kind": "unknown", "known": False, "source": ""}


@login_required
@require_GET
def calendar_view(request):
    user = request.user
    year = _parse_year(request)
    overrides = selectors.calendar_overrides(user=user, year=year)
    today = timezone.localdate()
    months = [_month_grid(year, m, legal_calendar.day_info, today) for m in range(1, 13)]
    counts = {kind: 0 for kind in DAY_CLASSES}
    for month in months:
        for week in month["weeks"]:
            for cell in week:
                if cell:
                    counts[cell["kind"]] += 1
    return render(
        request,
        "web/calendar.html",
        {
            "nav_active": "calendar",
            "year": year,
            "prev_year": year - 1 if year > CALENDAR_MIN_YEAR else None,
            "next_year": year + 1 if year < CALENDAR_MAX_YEAR else None,
            "status": _year_status(year, overrides),
            "months": months,
            "counts": counts,
            "weekdays": WEEKDAY_SHORT,
            "override_year": overrides.year,
            "override_days": list(overrides.days),
            "can_edit": user.is_staff and user.has_perm("core.change_calendarday"),
        },
    )
