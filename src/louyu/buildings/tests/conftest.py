"""Fixtures of the building import engine's tests."""

import pytest

from louyu.core import roles
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory


@pytest.fixture
def importers(db):
    """The reference organisations, a staff member of 北京's administration ("beijing") and
    one of 北京 telecom's branch ("operator")."""
    load_reference_organizations()
    return {
        "beijing": UserFactory(
            organization=Organization.objects.get(code="ca-110000"),
            roles=[roles.ADMINISTRATION_STAFF],
        ),
        "operator": UserFactory(
            organization=Organization.objects.get(code="op-telecom-110000"),
            roles=[roles.OPERATOR_STAFF],
        ),
    }
