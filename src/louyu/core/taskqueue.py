"""The state of the task queue, for the health check: how many tasks wait and how long the
oldest has waited, whichever task backend is configured."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone


def queue_stats(queue_name: str = "default") -> dict[str, object]:
    """``{"backend", "depth", "oldest_age_seconds"}``; raises if the queue cannot be read
    (Redis or the database unreachable)."""
    now = timezone.now()
    oldest: datetime.datetime | None = None
    if settings.TASK_BACKEND == "rq":
        import django_rq
        from rq.job import Job

        queue = django_rq.get_queue(queue_name)
        depth = queue.count
        first = queue.get_job_ids(0, 1)
        if first:
            job = Job.fetch(first[0], connection=queue.connection)
            oldest = job.enqueued_at
            if oldest is not None and timezone.is_naive(oldest):
                oldest = oldest.replace(tzinfo=datetime.UTC)  # rq stores UTC
    elif settings.TASK_BACKEND == "database":
        from django.db.models import Count, Min
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, queue_name=queue_name
        ).aggregate(depth=Count("pk"), oldest=Min("enqueued_at"))
        depth, oldest = waiting["depth"], waiting["oldest"]
    else:  # immediate: tasks run in the request, nothing ever waits
        depth = 0
    return {
        "backend": settings.TASK_BACKEND,
        "depth": depth,
        "oldest_age_seconds": (
            round((now - oldest).total_seconds(), 1) if oldest is not None else None
        ),
    }
