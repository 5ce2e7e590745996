"""Content-Security-Policy on every page, no inline scripts in templates, and
``Cache-Control: no-store`` on everything answered to a signed-in user."""

from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from louyu.core import roles
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]


@pytest.fixture
def staff():
    return UserFactory(username="headers-staff", roles=[roles.ADMINISTRATION_STAFF])


def test_pages_carry_a_policy_without_inline_script(client, staff):
    client.force_login(staff)
    for url in (reverse("web:home"), reverse("login"), "/api/docs/"):
        policy = client.get(url)["Content-Security-Policy"]
        script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert "'self'" in script
        assert "unsafe-inline" not in script and "unsafe-eval" not in script
        assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script():
    offenders = []
    for template in SRC.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for chunk in text.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(str(template.relative_to(SRC)))
    assert offenders == []


def test_signed_in_pages_and_exports_are_not_stored(client, staff):
    client.force_login(staff)
    for url in (reverse("web:home"), reverse("buildings:export")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


def test_api_answers_to_a_token_are_not_stored(staff):
    token = Token.objects.create(user=staff)
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/v1/me/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_anonymous_pages_keep_their_own_caching(client):
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
