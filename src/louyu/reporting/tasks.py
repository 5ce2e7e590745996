"""Background jobs of the reporting app, run by the task queue on the scheduler's beat."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from louyu.reporting.rollup import refresh
from louyu.reporting.services import reports


@task()
def refresh_figures() -> dict:
    """Bring the rolled-up figures up to now (every minute)."""
    result = refresh.refresh()
    return {"as_of": result.as_of.isoformat(), "days": result.days, "rebuilt": result.rebuilt}


@task()
def rebuild_figures() -> dict:
    """Recompute every figure from the histories (nightly)."""
    result = refresh.rebuild()
    return {"as_of": result.as_of.isoformat(), "days": result.days}


@task()
def open_monthly_reports() -> int:
    """Make sure last month's reports and their work items exist (idempotent, hourly)."""
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return reports.reports_open(period=last_month)
