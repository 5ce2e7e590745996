"""Receivers of the cases app, connected in ``CasesConfig.ready``."""

from __future__ import annotations

import datetime

# A rectification period is at most a few months: 60 days back covers the longest.
DEADLINE_LOOKBACK = datetime.timedelta(days=60)


def holiday_schedule_changed(sender, day: datetime.date, **kwargs) -> None:
    """A holiday-schedule change was committed: recompute the rectification deadlines it
    can move."""
    from louyu.cases.tasks import recompute_case_deadlines

    recompute_case_deadlines.enqueue(since=(day - DEADLINE_LOOKBACK).isoformat())
