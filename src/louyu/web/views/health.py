"""The health check for load balancers and monitoring, and the Prometheus metrics."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

from louyu.core.middleware import internal_request
from louyu.core.taskqueue import queue_stats

logger = logging.getLogger("louyu.health")


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache() -> bool:
    key = f"louyu:healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return ok


def _probe(name, probe):
    try:
        return probe()
    except Exception:  # an unreachable dependency is the answer, not an error
        logger.exception("health check: %s unavailable", name)
        return None


@never_cache
@require_GET
def healthz(request):
    """Database, cache and task queue, for load balancers: 200 when all answer, else 503. No
    login, no personal data; the details (queue depth, age of the oldest queued task) only
    for a logged-in user or an internal address (``LOUYU_INTERNAL_NETWORKS``)."""
    results = {
        "database": _probe("database", _database),
        "cache": _probe("cache", _cache),
        "queue": _probe("queue", queue_stats),
    }
    ok = all(results.values())
    body: dict[str, object] = {"status": "ok" if ok else "error"}
    if request.user.is_authenticated or internal_request(request):
        body["checks"] = {name: "ok" if value else "unavailable" for name, value in results.items()}
        body["queue"] = results["queue"]
    return JsonResponse(body, status=200 if ok else 503)


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics (django-prometheus) for staff and internal addresses; a 404 for
    everyone else, like any page that is not theirs."""
    if not (request.user.is_staff or internal_request(request)):
        raise Http404
    return ExportToDjangoView(request)
