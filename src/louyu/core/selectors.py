"""Reads for core objects, always scoped to what the given user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from louyu.core.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    Jurisdiction,
    Notification,
    Organization,
    OrganizationType,
    User,
    WorkItem,
    WorkItemState,
)
from louyu.core.scope import ScopeKind, scope_for


def jurisdiction_list(*, user: User) -> QuerySet[Jurisdiction]:
    """All jurisdictions are public reference data for signed-in users."""
    if scope_for(user).kind == ScopeKind.NONE:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.all()


def jurisdiction_filter_choices(*, user: User) -> QuerySet[Jurisdiction]:
    """The jurisdictions a list's filter offers ``user``: only those whose rows it may see
    (an administration its own, an operator's branch its branch's, national users all)."""
    scope = scope_for(user)
    qs = jurisdiction_list(user=user).order_by("sort_order", "code")
    if scope.is_national:
        return qs
    if scope.kind == ScopeKind.JURISDICTION:
        return qs.filter(pk__in=scope.jurisdiction_ids)
    org = user.organization
    return qs.filter(pk=org.jurisdiction_id) if org and org.jurisdiction_id else qs.none()


def organization_list(*, user: User) -> QuerySet[Organization]:
    """Government bodies and operators' headquarters are visible to every staff user; a
    branch, property company or agent only within the user's scope."""
    scope = scope_for(user)
    if scope.kind == ScopeKind.NONE:
        return Organization.objects.none()
    qs = Organization.objects.select_related("jurisdiction", "parent").filter(is_active=True)
    if scope.is_national:
        return qs
    public_types = [
        OrganizationType.MINISTRY,
        OrganizationType.COMM_ADMIN,
        OrganizationType.RESEARCH_INSTITUTE,
        OrganizationType.OPERATOR,
        OrganizationType.MARKET_REGULATION,
        OrganizationType.HOUSING,
        OrganizationType.PUBLIC_SECURITY,
        OrganizationType.STATE_ASSETS,
    ]
    visible = Q(type__in=public_types) | Q(pk__in=scope.organization_ids)
    if scope.kind == ScopeKind.JURISDICTION:
        visible |= Q(jurisdiction__in=scope.jurisdiction_ids)
    return qs.filter(visible)


def work_item_inbox(*, user: User, state: str | None = WorkItemState.OPEN) -> QuerySet[WorkItem]:
    """Work items assigned to the user or to the user's organisation."""
    if not user.is_authenticated:
        return WorkItem.objects.none()
    mine = Q(assignee_user=user)
    if user.organization_id:
        mine |= Q(assignee_organization_id=user.organization_id, assignee_user__isnull=True)
    qs = WorkItem.objects.filter(mine).select_related(
        "assignee_organization", "assignee_user", "jurisdiction"
    )
    if state:
        qs = qs.filter(state=state)
    return qs


def work_item_list(*, user: User) -> QuerySet[WorkItem]:
    """The inbox, plus for national and jurisdiction users every work item in their scope."""
    scope = scope_for(user)
    if scope.kind == ScopeKind.NONE:
        return WorkItem.objects.none()
    visible = Q(assignee_user=user)
    if user.organization_id:
        visible |= Q(assignee_organization_id=user.organization_id)
    if scope.is_national:
        visible = Q()
    elif scope.kind == ScopeKind.JURISDICTION:
        visible |= Q(jurisdiction__in=scope.jurisdiction_ids)
    return WorkItem.objects.filter(visible).select_related(
        "assignee_organization", "assignee_user", "jurisdiction"
    )


def work_item_get(*, user: User, pk: int) -> WorkItem:
    return work_item_list(user=user).get(pk=pk)


@dataclass(frozen=True)
class InboxSummary:
    open: int
    overdue: int
    due_soon: int
    unread_notifications: int


def inbox_summary(*, user: User, now: datetime.datetime | None = None) -> InboxSummary:
    now = now or timezone.now()
    inbox = work_item_inbox(user=user)
    return InboxSummary(
        open=inbox.count(),
        overdue=inbox.filter(due_at__lt=now).count(),
        due_soon=inbox.filter(due_at__gte=now, due_at__lt=now + datetime.timedelta(days=3)).count(),
        unread_notifications=Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count(),
    )


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def audit_event_list(*, user: User) -> QuerySet[AuditEvent]:
    """Audit events: all for national users with the audit permission; for an
    administration, events on objects of its jurisdiction or by its own people."""
    if not user.is_authenticated or not user.has_perm("core.view_auditevent"):
        return AuditEvent.objects.none()
    scope = scope_for(user)
    qs = AuditEvent.objects.select_related("object_type", "jurisdiction")
    if scope.is_national:
        return qs
    if scope.kind == ScopeKind.JURISDICTION:
        own_orgs = Organization.objects.filter(jurisdiction__in=scope.jurisdiction_ids)
        return qs.filter(
            Q(jurisdiction__in=scope.jurisdiction_ids) | Q(actor_organization__in=own_orgs)
        )
    return AuditEvent.objects.none()


def audit_event_filter(
    qs: QuerySet[AuditEvent],
    *,
    actor: str = "",
    actor_id: int | None = None,
    organization: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    jurisdiction: str = "",
) -> QuerySet[AuditEvent]:
    """The audit filters shared by the web page, the export and the API."""
    if actor:
        qs = qs.filter(actor_repr__icontains=actor)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if organization:
        qs = qs.filter(actor_organization__code=organization)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type__model=object_type.lower())
    if object_id:
        qs = qs.filter(object_id=object_id)
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    tz = timezone.get_default_timezone()
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        qs = qs.filter(created_at__gte=start)
    if date_to:
        end = datetime.datetime.combine(
            date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        qs = qs.filter(created_at__lt=end)
    return qs


@dataclass(frozen=True)
class AuditChoices:
    people: list[User]
    organizations: list[Organization]
    kinds: list[tuple[str, str]]
    actions: list[tuple[str, str]]


def audit_filter_choices(*, user: User) -> AuditChoices:
    """What the audit filters offer ``user``: the people and organisations it may name, the
    kinds of Louyu's objects, and the actions in the events it may read, each noun first
    (``complaint.``, every complaint action) and then its actions."""
    organizations = list(organization_list(user=user).order_by("code"))
    people = list(
        User.objects.filter(organization__in=organizations, is_active=True)
        .select_related("organization")
        .order_by("organization__code", "username")
    )
    kinds = []
    for config in apps.get_app_configs():
        if not config.name.startswith("louyu."):
            continue
        for model in config.get_models():
            kinds.append((model._meta.model_name, str(model._meta.verbose_name)))
    actions: list[tuple[str, str]] = []
    seen_nouns: set[str] = set()
    names = audit_event_list(user=user).order_by("action").values_list("action", flat=True)
    for action in names.distinct():
        noun = action.split(".", 1)[0]
        if noun not in seen_nouns:
            seen_nouns.add(noun)
            actions.append((f"{noun}.", _("%(noun)s（全部）") % {"noun": noun}))
        actions.append((action, action))
    return AuditChoices(people, organizations, sorted(kinds, key=lambda k: k[1]), actions)


@dataclass(frozen=True)
class CalendarOverrides:
    year: CalendarYear | None
    days: QuerySet[CalendarDay]


def calendar_overrides(*, user: User, year: int) -> CalendarOverrides:
    """The administrator's entries for one year of the holiday schedule: the ``CalendarYear``
    row (published flag, source document) and its ``CalendarDay`` rows. The calendar is
    reference data, readable by every signed-in user with a scope."""
    if scope_for(user).kind == ScopeKind.NONE:
        return CalendarOverrides(year=None, days=CalendarDay.objects.none())
    return CalendarOverrides(
        year=CalendarYear.objects.filter(year=year).first(),
        days=CalendarDay.objects.filter(date__year=year).order_by("date"),
    )
