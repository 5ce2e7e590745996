"""Fixtures of the building import engine's tests and of presence visibility."""

import pytest

from louyu.buildings import services
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


@pytest.fixture
def rivals(db):
    """Two operators in one 北京 building: telecom and mobile both serve "shared" (mobile
    after being refused once), mobile alone serves "mobile_only", nobody serves "empty".
    Users of 北京's administration ("ca") and of 北京 telecom's branch ("telecom")."""
    load_reference_organizations()
    org = Organization.objects.get
    telecom, mobile = org(code="op-telecom"), org(code="op-mobile")
    shared = services.building_create(actor=None, name="国贸大厦", address="北京市朝阳区建国路88号")
    mobile_only = services.building_create(
        actor=None, name="光华大厦", address="北京市朝阳区光华路1号"
    )
    empty = services.building_create(
        actor=None, name="建外大厦", address="北京市朝阳区建国门外大街1号"
    )
    for building, operator, status in [
        (shared, telecom, "serving"),
        (shared, mobile, "refused"),
        (shared, mobile, "serving"),
        (mobile_only, mobile, "serving"),
    ]:
        services.presence_set(
            actor=None, building=building, operator=operator, status=status, source="manual"
        )
    return {
        "telecom": telecom,
        "mobile": mobile,
        "shared": shared,
        "mobile_only": mobile_only,
        "empty": empty,
        "ca": UserFactory(
            username="ca-110000",
            organization=org(code="ca-110000"),
            roles=[roles.ADMINISTRATION_STAFF],
        ),
        "telecom_user": UserFactory(
            username="op-telecom-110000",
            organization=org(code="op-telecom-110000"),
            roles=[roles.OPERATOR_STAFF],
        ),
    }
