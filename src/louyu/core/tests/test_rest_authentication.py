"""Token authentication (``louyu.core.rest.authentication``): token, user and authorization
version in one query; a deleted token, a deactivated user or a revoked permission is
refused on the very next request (the permission also when the change was made by another
process, which only the shared version row can tell)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from louyu.core import authz, roles
from louyu.core.models import User
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


@pytest.fixture
def staff():
    user = UserFactory(username="token-staff", roles=[roles.ADMINISTRATION_STAFF])
    return user, Token.objects.create(user=user)


def post_empty(token):
    """An intake with an empty body: 400 (field errors) for a caller who may register
    complaints, 403 for one who may not, 401 for an unknown token or inactive user."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.post(URL, {}, format="json")


def test_authentication_and_permission_take_one_query(staff):
    user, token = staff
    assert post_empty(token).status_code == 400
    with CaptureQueriesContext(connection) as queries:
        assert post_empty(token).status_code == 400
    assert len(queries) == 1
    assert "authtoken_token" in queries[0]["sql"]
    assert "core_authorizationversion" in queries[0]["sql"]


def test_unknown_token_is_refused(staff):
    _user, token = staff
    token.key = "0" * 40
    assert post_empty(token).status_code == 401


def test_deleted_token_is_refused_on_the_next_request(staff):
    _user, token = staff
    assert post_empty(token).status_code == 400
    Token.objects.filter(key=token.key).delete()
    assert post_empty(token).status_code == 401


def test_deactivated_user_is_refused_on_the_next_request(staff):
    user, token = staff
    assert post_empty(token).status_code == 400
    User.objects.filter(pk=user.pk).update(is_active=False)  # even without signals
    assert post_empty(token).status_code == 401


@pytest.mark.parametrize("simulate_other_process", [False, True])
def test_revoked_permission_is_refused_on_the_next_request(
    staff, simulate_other_process, monkeypatch
):
    _user, token = staff
    assert post_empty(token).status_code == 400
    if simulate_other_process:  # our cache is not cleared: only the version row changes
        monkeypatch.setattr(authz, "clear_permission_cache", lambda: None)
    group = Group.objects.get(name=roles.ADMINISTRATION_STAFF)
    group.permissions.remove(
        Permission.objects.get(content_type__app_label="complaints", codename="add_complaint")
    )
    assert post_empty(token).status_code == 403


def test_open311_uses_the_same_lookup(staff):
    _user, token = staff
    client = APIClient()
    ok = client.post("/open311/v2/requests.json", {"api_key": token.key})
    Token.objects.filter(key=token.key).delete()
    refused = client.post("/open311/v2/requests.json", {"api_key": token.key})
    assert ok.status_code != refused.status_code
    assert refused.status_code in (401, 403)


def test_the_looked_up_user_and_token_read_like_the_orms(staff):
    import datetime

    from django.forms.models import model_to_dict
    from django.utils import timezone

    from louyu.core.rest.authentication import token_with_user

    user, token = staff
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now() - datetime.timedelta(days=3), first_name="小明"
    )
    found = token_with_user(token.key)
    expected = User.objects.get(pk=user.pk)
    assert model_to_dict(found.user) == model_to_dict(expected)
    assert found.user.last_login == expected.last_login  # not in model_to_dict
    assert found.user.date_joined == expected.date_joined
    assert found.created == Token.objects.get(pk=token.key).created
    assert isinstance(found.created, datetime.datetime) and found.created.tzinfo is not None
    assert token_with_user("0" * 40) is None
