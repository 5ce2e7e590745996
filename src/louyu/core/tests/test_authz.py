"""The per-process permission cache (``louyu.core.authz``): same answers as Django's
ModelBackend, and a change to who may do what is seen on the next check, in this process
and (through the version row) in any other."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from louyu.core import authz, roles
from louyu.core.models import AuthorizationVersion, User
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERM = "complaints.add_complaint"


@pytest.fixture
def staff():
    return UserFactory(username="authz-staff", roles=[roles.ADMINISTRATION_STAFF])


def fresh(user):
    """The user as the next request loads it (through the session backend)."""
    return authz.CachedPermissionBackend().get_user(user.pk)


def perm_object(name=PERM):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def other_process(monkeypatch):
    """Simulate a second process: changes made here no longer clear this process's cache
    (another process's receivers cannot clear ours); only the version row can tell."""
    monkeypatch.setattr(authz, "clear_permission_cache", lambda: None)


def test_same_answers_as_model_backend(staff):
    from django.contrib.auth.backends import ModelBackend

    expected = ModelBackend().get_all_permissions(User.objects.get(pk=staff.pk))
    assert expected and PERM in expected
    assert fresh(staff).get_all_permissions() == expected
    assert fresh(staff).get_all_permissions() == expected  # from the cache


def test_second_request_loads_no_permissions(staff):
    assert fresh(staff).has_perm(PERM)
    user = fresh(staff)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm(PERM)
        assert not user.has_perm("auth.delete_group")
    assert len(queries) == 0


@pytest.mark.parametrize("simulate_other_process", [False, True])
@pytest.mark.parametrize(
    "revoke",
    [
        lambda user: Group.objects.get(name=roles.ADMINISTRATION_STAFF).permissions.remove(
            perm_object()
        ),
        lambda user: user.groups.clear(),
        lambda user: Group.objects.get(name=roles.ADMINISTRATION_STAFF).user_set.remove(user),
        lambda user: Group.objects.get(name=roles.ADMINISTRATION_STAFF).delete(),
        lambda user: perm_object().delete(),
    ],
    ids=["group-loses-perm", "user-leaves-groups", "group-drops-user", "group-deleted", "perm"],
)
def test_a_revocation_is_seen_on_the_next_check(staff, revoke, simulate_other_process, request):
    if simulate_other_process:
        request.getfixturevalue("other_process")
    assert fresh(staff).has_perm(PERM)
    cached = dict(authz._cache)
    revoke(User.objects.get(pk=staff.pk))
    if simulate_other_process:
        assert authz._cache == cached  # the stale entry is still there
    assert not fresh(staff).has_perm(PERM)


@pytest.mark.parametrize("simulate_other_process", [False, True])
def test_a_grant_is_seen_on_the_next_check(staff, simulate_other_process, request):
    if simulate_other_process:
        request.getfixturevalue("other_process")
    assert not fresh(staff).has_perm("auth.delete_group")
    staff.user_permissions.add(perm_object("auth.delete_group"))
    assert fresh(staff).has_perm("auth.delete_group")


def test_deactivated_and_superuser_are_read_on_every_request(staff):
    assert fresh(staff).has_perm(PERM)
    User.objects.filter(pk=staff.pk).update(is_active=False)  # no signal at all
    assert fresh(staff) is None  # the session backend refuses inactive users
    user = User.objects.get(pk=staff.pk)
    assert not user.has_perm(PERM) and user.get_all_permissions() == set()
    User.objects.filter(pk=staff.pk).update(is_active=True, is_superuser=True)
    assert fresh(staff).has_perm("auth.delete_group")


def test_a_change_without_signals_is_bounded_by_the_ttl(staff, other_process, settings):
    assert fresh(staff).has_perm(PERM)
    with connection.cursor() as cursor:  # raw SQL: no receiver runs, the version stays
        cursor.execute(
            "DELETE FROM core_user_groups WHERE user_id = %s",  # noqa: S608
            [staff.pk],
        )
    assert fresh(staff).has_perm(PERM)  # within LOUYU_PERMISSION_CACHE_SECONDS
    settings.LOUYU_PERMISSION_CACHE_SECONDS = 0
    assert not fresh(staff).has_perm(PERM)


def test_without_the_version_row_nothing_is_cached(staff):
    AuthorizationVersion.objects.all().delete()
    authz.clear_permission_cache()
    assert fresh(staff).has_perm(PERM)
    assert authz._cache == {}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_user_groups WHERE user_id = %s", [staff.pk])  # noqa: S608
    assert not fresh(staff).has_perm(PERM)


def test_the_version_is_new_random_and_survives_no_rollback(staff):
    before = authz.current_version()
    with transaction.atomic():
        staff.groups.clear()
        changed = authz.current_version()
        assert changed != before
        transaction.set_rollback(True)
    assert authz.current_version() == before
    staff.groups.add(Group.objects.get(name=roles.ADMINISTRATION_ADMIN))
    assert authz.current_version() not in (before, changed)


def test_a_users_own_save_keeps_the_version(staff):
    before = authz.current_version()
    staff.last_name = "王"
    staff.save()
    assert authz.current_version() == before
