import pytest

from louyu.core import roles
from louyu.core.models import OrganizationType
from louyu.core.tests.factories import JurisdictionFactory, OrganizationFactory, UserFactory

pytest_plugins = ["louyu.web.tests.browser"]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    ):
        return True
    return bool({"live_server", "transactional_db"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """Transactional tests flush the database when they end, and once Playwright runs in the
    session Django's serialized rollback no longer restores migration data; so every
    transactional test makes sure roles, permissions, regions and jurisdictions exist."""
    if _is_transactional(request):
        request.getfixturevalue("browser_reference_data")


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """The legal calendar, the region index and permission sets are cached per process; a
    test's rolled-back rows must not leak into the next test, nor its rate-limit counts."""
    from django.core.cache import cache

    from louyu.core.authz import clear_permission_cache
    from louyu.core.calendar import clear_calendar_cache
    from louyu.core.regions import clear_region_cache

    clear_calendar_cache()
    clear_region_cache()
    clear_permission_cache()
    cache.clear()  # rate-limit counters and used form tokens
    yield
    clear_calendar_cache()
    clear_region_cache()
    clear_permission_cache()


@pytest.fixture
def two_jurisdictions(db):
    """Two administrations A and B, each with one admin user, plus a ministry user."""
    ja = JurisdictionFactory(code="970001", name="甲省通信管理局", short_name="甲")
    jb = JurisdictionFactory(code="970002", name="乙省通信管理局", short_name="乙")
    org_a = OrganizationFactory(code="ca-970001", jurisdiction=ja)
    org_b = OrganizationFactory(code="ca-970002", jurisdiction=jb)
    ministry_org = OrganizationFactory(
        code="ministry-test", type=OrganizationType.MINISTRY, jurisdiction=None
    )
    return {
        "ja": ja,
        "jb": jb,
        "org_a": org_a,
        "org_b": org_b,
        "user_a": UserFactory(
            username="admin-a", organization=org_a, roles=[roles.ADMINISTRATION_ADMIN]
        ),
        "user_b": UserFactory(
            username="admin-b", organization=org_b, roles=[roles.ADMINISTRATION_ADMIN]
        ),
        "ministry": UserFactory(
            username="ministry-user", organization=ministry_org, roles=[roles.MINISTRY_ADMIN]
        ),
    }
