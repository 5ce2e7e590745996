import pytest
from django.contrib.auth.models import AnonymousUser

from louyu.core.models import OrganizationType
from louyu.core.scope import scope_for
from louyu.core.tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("org_type", "expected_kind"),
    [
        (OrganizationType.MINISTRY, "national"),
        (OrganizationType.RESEARCH_INSTITUTE, "national"),
        (OrganizationType.COMM_ADMIN, "jurisdiction"),
        (OrganizationType.MARKET_REGULATION, "joint"),
        (OrganizationType.HOUSING, "joint"),
        (OrganizationType.PUBLIC_SECURITY, "joint"),
        (OrganizationType.STATE_ASSETS, "joint"),
        (OrganizationType.OPERATOR, "operator"),
        (OrganizationType.OPERATOR_BRANCH, "operator"),
        (OrganizationType.PROPERTY_COMPANY, "property"),
        (OrganizationType.OTHER, "none"),
    ],
)
def test_scope_kind_follows_organization_type(org_type, expected_kind):
    user = UserFactory(organization=OrganizationFactory(type=org_type))
    assert scope_for(user).kind == expected_kind


def test_anonymous_inactive_and_unaffiliated_users_see_nothing():
    assert scope_for(AnonymousUser()).kind == "none"
    assert scope_for(None).kind == "none"
    inactive = UserFactory(is_active=False)
    assert scope_for(inactive).kind == "none"
    assert scope_for(UserFactory(organization=None)).kind == "none"
    disabled_org = OrganizationFactory(is_active=False)
    assert scope_for(UserFactory(organization=disabled_org)).kind == "none"


def test_administration_scope_is_its_own_jurisdiction(two_jurisdictions):
    scope = scope_for(two_jurisdictions["user_a"])
    assert scope.jurisdiction_ids == frozenset({two_jurisdictions["ja"].pk})
    assert scope.can_see_jurisdiction(two_jurisdictions["ja"].pk)
    assert not scope.can_see_jurisdiction(two_jurisdictions["jb"].pk)


def test_operator_headquarters_sees_its_branches():
    hq = OrganizationFactory(type=OrganizationType.OPERATOR, jurisdiction=None)
    branch = OrganizationFactory(type=OrganizationType.OPERATOR_BRANCH, parent=hq)
    other = OrganizationFactory(type=OrganizationType.OPERATOR_BRANCH)
    scope = scope_for(UserFactory(organization=hq))
    assert branch.pk in scope.organization_ids
    assert other.pk not in scope.organization_ids
    assert scope_for(UserFactory(organization=branch)).organization_ids == frozenset({branch.pk})
