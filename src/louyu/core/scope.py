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
