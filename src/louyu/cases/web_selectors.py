"""Reads the case pages need beyond ``selectors``: lookups for the forms (buildings in the
user's reach, organisations that may own measures or receive referrals)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from louyu.buildings.models import Building
from louyu.buildings.selectors import building_list
from louyu.cases.models import Case
from louyu.complaints.models import Category
from louyu.core.models import JOINT_DEPARTMENT_TYPES, Organization, OrganizationType, User
from louyu.core.scope import referable_organizations_q, reference_jurisdiction_ids

OWNER_TYPES = [
    OrganizationType.PROPERTY_COMPANY,
    OrganizationType.ACCESS_AGENT,
    OrganizationType.OPERATOR_BRANCH,
    *JOINT_DEPARTMENT_TYPES,
]


def building_by_code(*, user: User, code: str) -> Building | None:
    """An active building the user may see, by its exact code."""
    code = (code or "").strip()
    if not code:
        return None
    return building_list(user=user).select_related("jurisdiction").filter(code=code).first()


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("sort_order", "code")


def measure_owners(*, user: User, building: Building) -> QuerySet[Organization]:
    """Organisations that may own a measure or be named responsible: the building's property
    company and access agent, and the property companies, access agents, operator branches
    and joint departments of its jurisdiction, as far as ``user`` may name them
    (``core.scope.may_reference``)."""
    return (
        Organization.objects.filter(is_active=True)
        .filter(
            Q(type__in=OWNER_TYPES, jurisdiction_id=building.jurisdiction_id)
            | Q(
                pk__in=[pk for pk in (building.property_company_id, building.access_agent_id) if pk]
            )
        )
        .filter(referable_organizations_q(reference_jurisdiction_ids(user)))
        .order_by("type", "code")
    )


def referral_targets(*, case: Case) -> QuerySet[Organization]:
    """Joint departments of the case's jurisdiction (移送)."""
    return Organization.objects.filter(
        is_active=True, type__in=list(JOINT_DEPARTMENT_TYPES), jurisdiction_id=case.jurisdiction_id
    ).order_by("type", "code")
