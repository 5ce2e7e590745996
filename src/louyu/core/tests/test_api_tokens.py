"""API tokens are replaced when the password changes, on request from the account page and
by ``louyu api-token --rotate``; an optional maximum age refuses old ones."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from louyu.core import roles
from louyu.core.models import AuditEvent
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
OLD_PASSWORD = "an-old-pass-phrase-1"


@pytest.fixture
def staff():
    user = UserFactory(username="token-owner", roles=[roles.ADMINISTRATION_STAFF])
    user.set_password(OLD_PASSWORD)
    user.save()
    return user


def me(key: str) -> int:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get(ME).status_code


def test_a_password_change_through_the_page_replaces_the_token(client, staff):
    old = Token.objects.create(user=staff).key
    client.force_login(staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": OLD_PASSWORD,
            "new_password1": "Louyu-new-pass-2026",
            "new_password2": "Louyu-new-pass-2026",
        },
    )
    assert response.status_code == 302
    assert me(old) == 401
    new = Token.objects.get(user=staff).key
    assert new != old and me(new) == 200
    event = AuditEvent.objects.get(action="api_token.rotate")
    assert event.changes == {"reason": "password_change"}


def test_saving_a_user_without_a_new_password_keeps_the_token(staff):
    key = Token.objects.create(user=staff).key
    staff.first_name = "三"
    staff.save()
    assert Token.objects.get(user=staff).key == key


def test_a_password_change_does_not_create_a_token_nobody_asked_for(staff):
    staff.set_password("Louyu-new-pass-2026")
    staff.save()
    assert not Token.objects.filter(user=staff).exists()


@pytest.mark.parametrize("password", ["demo1234", "demo12345", "123456789012"])
def test_short_or_weak_new_passwords_are_refused_and_nothing_changes(client, staff, password):
    client.force_login(staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": OLD_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(OLD_PASSWORD)
    text = response.content.decode()
    assert "密码" in text and "invalid-feedback" in text


def test_the_account_page_shows_and_rotates_the_own_token(client, staff):
    client.force_login(staff)
    page = client.get(reverse("web:api_token"))
    assert page.status_code == 200 and b'data-testid="api-token-none"' in page.content
    assert client.post(reverse("web:api_token")).status_code == 302
    first = Token.objects.get(user=staff).key
    assert first in client.get(reverse("web:api_token")).content.decode()
    client.post(reverse("web:api_token"))
    second = Token.objects.get(user=staff).key
    assert second != first and me(first) == 401 and me(second) == 200
    assert list(
        AuditEvent.objects.filter(actor=staff).order_by("id").values_list("action", flat=True)
    ) == ["api_token.create", "api_token.rotate"]


def test_the_account_page_needs_a_login(client):
    assert client.get(reverse("web:api_token")).status_code == 302
    assert client.post(reverse("web:api_token")).status_code == 302
    assert not Token.objects.exists()


def test_the_command_rotates_on_request_and_otherwise_prints_the_same_token(staff, capsys):
    call_command("api_token", staff.username)
    first = capsys.readouterr().out.strip()
    call_command("api_token", staff.username)
    assert capsys.readouterr().out.strip() == first
    call_command("api_token", staff.username, "--rotate")
    assert capsys.readouterr().out.strip() not in ("", first)
    assert me(first) == 401


def test_tokens_never_expire_by_default(staff):
    token = Token.objects.create(user=staff)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=3650))
    assert me(token.key) == 200


def test_tokens_past_the_maximum_age_are_refused(staff, settings):
    settings.LOUYU_API_TOKEN_MAX_AGE_DAYS = 90
    token = Token.objects.create(user=staff)
    assert me(token.key) == 200
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=91))
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}").get(ME)
    assert response.status_code == 401
    assert "已过期" in response.json()["detail"]
