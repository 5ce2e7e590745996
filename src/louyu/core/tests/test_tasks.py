"""The task queue: the database backend (default) and RQ on a real Redis."""

import os

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus

from louyu.core.models import Notification
from louyu.core.services import notify
from louyu.core.tasks import deliver_notifications


def _redis_or_skip(url):
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis is not running here")


@pytest.fixture
def backend(settings, request):
    """Switch the task backend; django_tasks resets its handlers on setting_changed."""
    alias, params = request.param
    settings.TASKS = {"default": params}
    return alias


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "backend",
    [("database", {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]})],
    indirect=True,
)
def test_database_backend_runs_jobs_in_the_worker(backend, two_jurisdictions):
    notify(recipients=[two_jurisdictions["user_a"]], title="数据库队列")
    note = Notification.objects.get(title="数据库队列")
    assert note.delivered == {}  # queued, not yet delivered
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    note.refresh_from_db()
    assert note.delivered["in_app"] is True


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "backend",
    [("rq", {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["louyu-test"]})],
    indirect=True,
)
def test_rq_backend_runs_jobs_through_redis(backend, settings, two_jurisdictions):
    queue_name = "louyu-test"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue_name]}}
    _redis_or_skip(settings.RQ_QUEUES[queue_name]["URL"])
    note = Notification.objects.create(recipient=two_jurisdictions["user_a"], title="红色队列")
    result = deliver_notifications.using(queue_name=queue_name).enqueue(notification_ids=[note.pk])
    assert result.status == TaskResultStatus.READY
    call_command(
        "rqworker",
        queue_name,
        "--burst",
        "--job-class",
        "django_tasks_rq.backend.Job",
        "--worker-class",
        "rq.worker.SimpleWorker",  # no fork: the test database lives in this process
    )
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    note.refresh_from_db()
    assert note.delivered["in_app"] is True
