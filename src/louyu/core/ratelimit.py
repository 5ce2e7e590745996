"""Request counters kept in the cache, shared by every web process when the cache is
Redis (``check --deploy`` warns when it is not, see ``louyu.core.checks``).

A limit is ``(requests, window in seconds)``; counts are per fixed window aligned on the
epoch, so one atomic ``incr`` counts a request in every process, and the time left in the
window is the ``Retry-After`` to send. The API's throttles (``core.rest.throttling``) and
the public pages use the same counters."""

from __future__ import annotations

import math
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

KEY_PREFIX = "louyu:rl"


def _window(window: int, now: float) -> tuple[int, int]:
    """The current window's number and the whole seconds left in it (at least 1)."""
    index = int(now // window)
    left = max(1, math.ceil((index + 1) * window - now))
    return index, left


def _key(scope: str, ident: str, index: int) -> str:
    return f"{KEY_PREFIX}:{scope}:{ident}:{index}"


def hit(scope: str, ident: str, limit: tuple[int, int], *, now: float | None = None) -> int | None:
    """Count one request of ``ident`` under ``scope``. None while within ``limit``, else
    the seconds until the window ends (the ``Retry-After``)."""
    requests, window = limit
    index, left = _window(window, time.time() if now is None else now)
    key = _key(scope, ident, index)
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            count = 1
    return left if count > requests else None


def blocked(
    scope: str, ident: str, limit: tuple[int, int], *, now: float | None = None
) -> int | None:
    """Like ``hit`` without counting: None while fewer than ``limit`` requests were
    counted in this window, else the seconds until it ends."""
    requests, window = limit
    index, left = _window(window, time.time() if now is None else now)
    count = cache.get(_key(scope, ident, index)) or 0
    return left if count >= requests else None


def too_many_requests(retry_after: int, message: str | None = None) -> HttpResponse:
    """A plain 429 with ``Retry-After`` and a message in the interface language."""
    response = HttpResponse(
        message or _("请求过于频繁，请 %(seconds)s 秒后再试。") % {"seconds": retry_after},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response
