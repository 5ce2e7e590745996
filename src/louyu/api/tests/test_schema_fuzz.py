"""Property-based fuzzing of the REST API against its published OpenAPI schema
(schemathesis): every operation gets generated requests, authenticated as an
administration's staff member; no answer may be a 5xx, and every answer must match the
schema (status code documented, body of the documented shape, nullable fields marked).
Bounded to a few examples per operation so it stays within about two minutes per database.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from louyu.core import roles
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory
from louyu.wsgi import application

EXAMPLES_PER_OPERATION = 2
# What an answer must be; not whether the server accepts exactly what the schema allows
# (positive/negative data acceptance), which rules beyond a schema decide.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def keep_connection():
    """Requests go through the WSGI application, not Django's test client, so do what the
    client does: keep the test's connection open between requests (Django closes a
    connection found inside a transaction at the end of each request, which is the test's
    own on PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db, settings, keep_connection):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "token_failure": "100000/min"},
    }
    load_reference_organizations()
    from louyu.core.models import Organization

    user = UserFactory(
        username="fuzz-ca-110000",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_ADMIN],
    )
    return Token.objects.create(user=user).key


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case, api_token):
    cache.clear()
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)
