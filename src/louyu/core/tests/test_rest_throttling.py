"""API throttling (``core.rest.throttling``): past the ``token_failure`` rate an address gets
429 with Retry-After and a Chinese message for every token, even a valid one; another
address is unaffected."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from louyu.core import roles
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


@pytest.fixture
def token():
    user = UserFactory(username="throttle-staff", roles=[roles.ADMINISTRATION_STAFF])
    return Token.objects.create(user=user).key


def get(key, address="203.0.113.7"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(URL)


def test_token_failures_past_the_rate_get_429(settings, token):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "token_failure": "5/min"},
    }
    assert [get(f"{n:040x}").status_code for n in range(5)] == [401] * 5
    refused = get("f" * 40)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "请求过于频繁" in refused.json()["detail"]
    # The right token from that address tells the guesser nothing either.
    assert get(token).status_code == 429
    assert get(token, address="198.51.100.9").status_code == 200


def test_default_rate_allows_ten_failures(token):
    assert [get(f"{n:040x}").status_code for n in range(11)] == [401] * 10 + [429]
