"""System checks of deployment settings (``louyu check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Login throttling, API throttling, the public rate limits and the single-use form
    tokens count in the default cache: per-process memory lets every web process (and every
    restart) grant a guesser its own allowance."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"The default cache is {backend.rsplit('.', 1)[-1]}, which each process keeps "
            "for itself: rate limits and single-use form tokens are not shared between web "
            "processes.",
            hint="Set LOUYU_CACHE_URL (or LOUYU_REDIS_CACHE=true with LOUYU_REDIS_URL) to a "
            "Redis shared by all web processes.",
            id="louyu.W001",
        )
    ]
