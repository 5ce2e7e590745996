"""Reads of complaints, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from louyu.complaints.models import Category, Complaint, Referral, StatusChange
from louyu.complaints.workflow import OPEN_STATES, State
from louyu.core.models import User
from louyu.core.scope import ScopeKind, scope_for
from louyu.search.registry import EVERYTHING, NOTHING, Reach


def complaint_list(*, user: User) -> QuerySet[Complaint]:
    """National users: all; an administration: its jurisdiction's complaints and those its
    organisation handles; a joint department or an operator: the complaints referred to
    it; others: none."""
    scope = scope_for(user)
    qs = Complaint.objects.select_related("category", "jurisdiction", "handler", "building")
    if scope.is_national:
        return qs
    if scope.kind == ScopeKind.JURISDICTION:
        return qs.filter(
            Q(jurisdiction__in=scope.jurisdiction_ids) | Q(handler=user.organization_id)
        )
    if scope.kind in (ScopeKind.JOINT, ScopeKind.OPERATOR):
        referred = Referral.objects.filter(to_organization_id__in=scope.organization_ids)
        return qs.filter(pk__in=referred.values("complaint_id"))
    return Complaint.objects.none()


def complaint_search_reach(user: User | None) -> Reach:
    """The complaint rows of the search index the user may find: as ``complaint_list``
    (the rows store the jurisdiction and the handling organisation)."""
    scope = scope_for(user)
    if scope.is_national:
        return EVERYTHING
    if scope.kind == ScopeKind.JURISDICTION:
        return Reach(
            jurisdiction_ids=scope.jurisdiction_ids,
            organization_ids=frozenset({user.organization_id}),
        )
    if scope.kind in (ScopeKind.JOINT, ScopeKind.OPERATOR):
        referred = Referral.objects.filter(to_organization_id__in=scope.organization_ids)
        return Reach(object_ids=referred.values("complaint_id"))
    return NOTHING


def building_has_open_complaint() -> Exists:
    """True for a building with a complaint not yet closed (a building-list condition)."""
    return Exists(Complaint.objects.filter(building_id=OuterRef("pk"), state__in=OPEN_STATES))


def complaint_get(*, user: User, pk: int) -> Complaint:
    return complaint_list(user=user).get(pk=pk)


@dataclass(frozen=True)
class ComplaintFilters:
    """The filters shared by the queue page, its export and the API."""

    state: str = ""
    category: str = ""
    channel: str = ""
    jurisdiction: str = ""
    building: int | None = None
    due_within_days: int | None = None
    overdue: bool = False
    open_only: bool = False
    mine: bool = False
    q: str = ""


def complaint_filter(
    qs: QuerySet[Complaint], filters: ComplaintFilters, *, user: User | None = None
) -> QuerySet[Complaint]:
    now = timezone.now()
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.jurisdiction:
        qs = qs.filter(jurisdiction__code=filters.jurisdiction)
    if filters.building:
        qs = qs.filter(building_id=filters.building)
    if filters.mine and user is not None:
        qs = qs.filter(assignee=user)
    due = Q(state=State.SUBMITTED, accept_due_at__isnull=False) | Q(
        state__in=[State.ACCEPTED, State.VERIFYING, State.HANDLING, State.REOPENED],
        reply_due_at__isnull=False,
    )
    if filters.overdue:
        qs = qs.filter(due).filter(
            Q(state=State.SUBMITTED, accept_due_at__lt=now)
            | (~Q(state=State.SUBMITTED) & Q(reply_due_at__lt=now))
        )
    if filters.due_within_days is not None:
        limit = now + datetime.timedelta(days=filters.due_within_days)
        qs = qs.filter(due).filter(
            Q(state=State.SUBMITTED, accept_due_at__gte=now, accept_due_at__lt=limit)
            | (~Q(state=State.SUBMITTED) & Q(reply_due_at__gte=now, reply_due_at__lt=limit))
        )
    text = (filters.q or "").strip()
    if text:
        qs = qs.filter(
            Q(tracking_code__iexact=text)
            | Q(address__icontains=text)
            | Q(description__icontains=text)
        )
    return qs.order_by("-received_at", "-id")


def public_timeline(complaint: Complaint) -> QuerySet[StatusChange]:
    """The steps a complainant may see on the tracking page (no internal notes)."""
    return complaint.status_changes.filter(public=True).order_by("created_at", "id")


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("sort_order")
