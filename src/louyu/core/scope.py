"""What a user may see. Every selector starts from ``scope_for(user)``.

- ministry, research institute and superusers: everything (national);
- a communications administration: its jurisdiction;
- a joint department (market regulation, housing, ...): only items referred to it;
- an operator's headquarters: its own data across its branches; a branch: its own data;
- a property company: its own buildings' items;
- anonymous or unaffiliated users: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from louyu.core.models import (
    JOINT_DEPARTMENT_TYPES,
    NATIONAL_VIEW_TYPES,
    Organization,
    OrganizationType,
)


class ScopeKind(StrEnum):
    """How far a user's view reaches (see the module docstring)."""

    NATIONAL = "national"
    JURISDICTION = "jurisdiction"
    JOINT = "joint"
    OPERATOR = "operator"
    PROPERTY = "property"
    NONE = "none"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    jurisdiction_ids: frozenset[int] = field(default_factory=frozenset)
    organization_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_national(self) -> bool:
        return self.kind == ScopeKind.NATIONAL

    @property
    def by_jurisdiction(self) -> bool:
        """Whether the user sees by jurisdiction: nationally or one administration's."""
        return self.kind in (ScopeKind.NATIONAL, ScopeKind.JURISDICTION)

    @property
    def is_operator(self) -> bool:
        return self.kind == ScopeKind.OPERATOR

    def jurisdiction_q(self, path: str = "jurisdiction") -> Q:
        """A filter for objects owned by a jurisdiction (reachable through ``path``)."""
        if self.is_national:
            return Q()
        if self.kind == "jurisdiction":
            return Q(**{f"{path}__in": self.jurisdiction_ids})
        return Q(pk__in=[])

    def filter_jurisdiction(self, qs: QuerySet, path: str = "jurisdiction") -> QuerySet:
        if self.by_jurisdiction:
            return qs.filter(self.jurisdiction_q(path))
        return qs.none()

    def can_see_jurisdiction(self, jurisdiction_id: int | None) -> bool:
        return self.is_national or (
            self.kind == "jurisdiction" and jurisdiction_id in self.jurisdiction_ids
        )


NOTHING = Scope(kind=ScopeKind.NONE)


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(kind=ScopeKind.NATIONAL)
    org: Organization | None = user.organization
    if org is None or not org.is_active:
        return NOTHING
    if org.type in NATIONAL_VIEW_TYPES:
        return Scope(kind=ScopeKind.NATIONAL)
    if org.type == OrganizationType.COMM_ADMIN and org.jurisdiction_id:
        return Scope(kind=ScopeKind.JURISDICTION, jurisdiction_ids=frozenset({org.jurisdiction_id}))
    if org.type in JOINT_DEPARTMENT_TYPES:
        return Scope(kind=ScopeKind.JOINT, organization_ids=frozenset({org.pk}))
    if org.type == OrganizationType.OPERATOR:
        ids = {org.pk, *org.branches.values_list("pk", flat=True)}
        return Scope(kind=ScopeKind.OPERATOR, organization_ids=frozenset(ids))
    if org.type == OrganizationType.OPERATOR_BRANCH:
        return Scope(kind=ScopeKind.OPERATOR, organization_ids=frozenset({org.pk}))
    if org.type in (OrganizationType.PROPERTY_COMPANY, OrganizationType.ACCESS_AGENT):
        return Scope(kind=ScopeKind.PROPERTY, organization_ids=frozenset({org.pk}))
    return NOTHING


# --- Organisations an object may name -------------------------------------------------------

# Organisations national by their type: they belong to no jurisdiction, whatever their row says.
NATIONAL_ORGANIZATION_TYPES = frozenset(
    {OrganizationType.MINISTRY, OrganizationType.RESEARCH_INSTITUTE, OrganizationType.OPERATOR}
)

OUT_OF_REACH_MESSAGE = "机构不存在或不属于您的管辖范围。"


def reference_jurisdiction_ids(user) -> frozenset[int] | None:
    """The jurisdictions whose organisations ``user`` may name on an object (a measure's
    owner, a violation's responsible organisation, a referral's receiver, a building's
    property company, ...): ``None`` for every jurisdiction (national scope, system jobs),
    else the user's jurisdiction(s), those of its scope and its own organisation's."""
    if user is None or not getattr(user, "pk", None):
        return None
    scope = scope_for(user)
    if scope.is_national:
        return None
    own = getattr(user.organization, "jurisdiction_id", None) if user.organization_id else None
    return frozenset({*scope.jurisdiction_ids, *([own] if own else [])})


def referable_organizations_q(jurisdiction_ids: frozenset[int] | set[int] | None) -> Q:
    """A filter on organisations for :func:`may_reference`, given
    :func:`reference_jurisdiction_ids`: organisations of no jurisdiction (operators'
    headquarters, national groups, the ministry) always, others only of these jurisdictions."""
    if jurisdiction_ids is None:
        return Q()
    return (
        Q(jurisdiction__isnull=True)
        | Q(type__in=NATIONAL_ORGANIZATION_TYPES)
        | Q(jurisdiction__in=jurisdiction_ids)
    )


def may_reference(user, organization: Organization) -> bool:
    """Whether ``user`` may name ``organization`` on an object it writes. Naming an
    organisation lets it see the object, so an administration names only organisations of
    its own jurisdiction or of none (DESIGN.md, "People and jurisdictions"); the ministry,
    the institute and system jobs may name any."""
    allowed = reference_jurisdiction_ids(user)
    return (
        allowed is None
        or organization.jurisdiction_id is None
        or organization.type in NATIONAL_ORGANIZATION_TYPES
        or organization.jurisdiction_id in allowed
    )


def check_organization_reference(*, actor, field: str, organization) -> None:
    """Refuse an organisation ``actor`` may not name, on ``field``, exactly as a
    nonexistent one (ValidationError; the API answers 400). ``None`` passes: whether the
    field is required is the caller's rule. Every service that stores an organisation a user
    chose calls this, whichever interface the choice came from."""
    if organization is not None and not may_reference(actor, organization):
        raise ValidationError({field: OUT_OF_REACH_MESSAGE})
