"""/healthz checks the database, the cache and the task queue, with details only for a
logged-in or internal caller; /metrics is for staff and internal addresses only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"


def test_an_outside_caller_gets_the_status_only(client):
    response = client.get(reverse("web:healthz"), REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_an_internal_caller_gets_the_details(client):
    body = client.get(reverse("web:healthz"), REMOTE_ADDR="127.0.0.1").json()
    assert body["checks"] == {"database": "ok", "cache": "ok", "queue": "ok"}
    assert body["queue"] == {"backend": "immediate", "depth": 0, "oldest_age_seconds": None}


def test_a_logged_in_caller_gets_the_details_from_outside(client):
    client.force_login(UserFactory(username="health-viewer"))
    assert "checks" in client.get(reverse("web:healthz"), REMOTE_ADDR=OUTSIDE).json()


def test_an_unreachable_cache_answers_503(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get(reverse("web:healthz"), REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"


def test_the_database_queue_reports_depth_and_age_of_the_oldest_task(settings):
    from django_tasks_db.models import DBTaskResult

    from louyu.core.taskqueue import queue_stats
    from louyu.core.tasks import send_work_item_reminders

    settings.TASK_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_work_item_reminders.enqueue()
    send_work_item_reminders.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=5))
    stats = queue_stats()
    assert stats["depth"] == 2
    assert stats["oldest_age_seconds"] >= 300


def test_metrics_are_for_staff_and_internal_addresses_only(client):
    assert client.get(reverse("web:metrics"), REMOTE_ADDR=OUTSIDE).status_code == 404
    client.force_login(UserFactory(username="not-staff"))
    assert client.get(reverse("web:metrics"), REMOTE_ADDR=OUTSIDE).status_code == 404
    internal = client.get(reverse("web:metrics"), REMOTE_ADDR="127.0.0.1")
    assert internal.status_code == 200
    assert b"django_http_requests_total_by_method" in internal.content
    client.force_login(UserFactory(username="staff-member", is_staff=True))
    assert client.get(reverse("web:metrics"), REMOTE_ADDR=OUTSIDE).status_code == 200
