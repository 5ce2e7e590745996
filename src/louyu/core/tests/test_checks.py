"""``check --deploy`` warns when rate limits would be counted per process."""

from louyu.core.checks import check_shared_cache

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}


def test_per_process_cache_in_production_is_warned(settings):
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    assert [m.id for m in check_shared_cache(None)] == ["louyu.W001"]


def test_shared_cache_or_debug_is_fine(settings):
    settings.DEBUG = False
    settings.CACHES = REDIS
    assert check_shared_cache(None) == []
    settings.DEBUG = True
    settings.CACHES = LOCMEM
    assert check_shared_cache(None) == []


def test_the_check_runs_with_deploy():
    from django.core import checks

    assert check_shared_cache in checks.registry.registry.get_checks(include_deployment_checks=True)
