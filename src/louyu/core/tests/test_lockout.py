"""Login lockout (django-axes, ``core.lockout``): a username is locked out from one address
after AXES_FAILURE_LIMIT failures, even with the right password, while the same username
still logs in from another address; lockouts and unlocks (command, admin) are audited."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from louyu.core import roles
from louyu.core.models import AuditEvent
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HERE, ELSEWHERE = "203.0.113.7", "198.51.100.9"


@pytest.fixture
def official():
    return UserFactory(username="official", roles=[roles.ADMINISTRATION_STAFF])


def login(password, address=HERE, username="official"):
    client = Client(REMOTE_ADDR=address)
    return client.post(LOGIN, {"username": username, "password": password})


def fail(times, address=HERE):
    return [login("wrong-password", address).status_code for _ in range(times)]


def test_ten_failures_lock_the_username_out_from_that_address(settings, official):
    assert settings.AXES_FAILURE_LIMIT == 10
    assert fail(9) == [200] * 9  # the form again, with its error
    assert fail(1) == [429]
    response = login("demo12345")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in response.client.session
    # Another address is not locked out: an attacker cannot lock officials out.
    assert login("demo12345", address=ELSEWHERE).status_code == 302


def test_a_lockout_is_audited_once(official):
    fail(12)
    events = AuditEvent.objects.filter(action="auth.lockout")
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(official.pk)
    assert event.changes["ip_address"] == HERE
    assert event.changes["failures"] == 10
    assert event.ip_address == HERE


def test_the_lockout_ends_after_the_cool_off(official):
    import datetime

    from freezegun import freeze_time

    fail(10)
    with freeze_time(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)):
        assert login("demo12345").status_code == 302


def test_unlock_by_command_is_audited(official):
    fail(10)
    call_command("axes_reset_username", "official")
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="auth.unlock")
    assert event.actor is None
    assert event.changes == {
        "username": "official",
        "ip_address": HERE,
        "failures": 10,
        "via": "command",
    }
    assert login("demo12345").status_code == 302


def test_unlock_from_the_admin_is_audited(official):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    fail(10)
    client = Client()
    client.force_login(admin)
    attempt = AccessAttempt.objects.get()
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.unlock")
    assert event.actor == admin
    assert event.changes["via"] == "admin"
    assert login("demo12345").status_code == 302
