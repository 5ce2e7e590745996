"""Receivers of the complaints app, connected in ``ComplaintsConfig.ready``."""

from __future__ import annotations

import datetime

from django.db import transaction

# How far before a changed holiday a running deadline may have started.
DEADLINE_LOOKBACK = datetime.timedelta(days=60)


def holiday_schedule_changed(sender, day: datetime.date, **kwargs) -> None:
    """A holiday-schedule change was committed: recompute the deadlines it can move."""
    from louyu.complaints.tasks import recompute_complaint_deadlines

    recompute_complaint_deadlines.enqueue(since=(day - DEADLINE_LOOKBACK).isoformat())


def intake_reference_changed(sender, using: str | None = None, **kwargs) -> None:
    """A category, deadline policy, routing rule or organisation changed (or the database
    was flushed): drop the intake cache now and again on commit, like the calendar."""
    from louyu.complaints.intake_cache import clear_intake_cache

    clear_intake_cache()
    transaction.on_commit(clear_intake_cache, using=using)
