"""Reads of the practice library and exchange meetings, always scoped to the user.

- a published practice: every user allowed to read the library;
- a draft or reviewed practice: only its own jurisdiction's administration and national
  users (ministry, research institute); anyone else gets "not found";
- a meeting, its agenda and action items: national users, the organiser and the
  participating organisations.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from louyu.core.models import (
    JOINT_DEPARTMENT_TYPES,
    Jurisdiction,
    Organization,
    OrganizationType,
    User,
)
from louyu.core.scope import ScopeKind, scope_for
from louyu.library.models import (
    ActionItem,
    Adoption,
    AgendaItem,
    Meeting,
    Practice,
    PracticeAttachment,
    PracticeComment,
)
from louyu.library.workflow import ActionState, PracticeState
from louyu.reporting import figures
from louyu.reporting import selectors as reporting_selectors
from louyu.reporting.metrics import BY_CODE, Metric
from louyu.reporting.models import Bulletin
from louyu.reporting.rollup.query import Area
from louyu.search.registry import EVERYTHING, NOTHING, Reach

TREND_MONTHS = 6


def practice_list(*, user: User) -> QuerySet[Practice]:
    if not user.is_authenticated or not user.has_perm("library.view_practice"):
        return Practice.objects.none()
    scope = scope_for(user)
    qs = Practice.objects.select_related("jurisdiction")
    if scope.is_national:
        return qs
    visible = Q(state=PracticeState.PUBLISHED)
    if scope.by_jurisdiction:
        visible |= scope.jurisdiction_q()
    return qs.filter(visible)


def practice_search_reach(user: User | None) -> Reach:
    """The practice rows of the search index the user may find: as ``practice_list`` —
    published practices (decided by their live state, so a withdrawn one drops out at
    once), and the user's own jurisdiction's drafts and reviewed ones."""
    if user is None or not user.is_authenticated or not user.has_perm("library.view_practice"):
        return NOTHING
    scope = scope_for(user)
    if scope.is_national:
        return EVERYTHING
    published = Practice.objects.filter(state=PracticeState.PUBLISHED).values("pk")
    if scope.kind == ScopeKind.JURISDICTION:
        return Reach(jurisdiction_ids=scope.jurisdiction_ids, object_ids=published)
    return Reach(object_ids=published)


def writable_jurisdictions(*, user: User) -> QuerySet[Jurisdiction]:
    """The jurisdictions the user may write practices for: its own (all for national
    users)."""
    if not user.is_authenticated or not user.has_perm("library.add_practice"):
        return Jurisdiction.objects.none()
    return scope_for(user).filter_jurisdiction(
        Jurisdiction.objects.order_by("sort_order", "code"), path="pk"
    )


def practice_get(*, user: User, pk) -> Practice:
    """A practice the user sees (``Practice.DoesNotExist`` otherwise)."""
    return (
        practice_list(user=user)
        .prefetch_related(
            "tags",
            "attachments",
            Prefetch(
                "comments",
                queryset=PracticeComment.objects.select_related("author", "organization"),
            ),
            Prefetch("adoptions", queryset=Adoption.objects.select_related("organization")),
            "status_changes",
        )
        .get(pk=pk)
    )


def practice_filter(qs: QuerySet[Practice], *, q: str = "", state: str = "", tag: str = ""):
    if q:
        qs = qs.filter(title__icontains=q.strip()[:100])
    if state:
        qs = qs.filter(state=state)
    if tag:
        qs = qs.filter(tags__name=tag.strip()[:32])
    return qs.annotate(adoption_count=Count("adoptions", distinct=True)).order_by(
        "-created_at", "-id"
    )


def attachment_get(*, user: User, pk) -> PracticeAttachment:
    return PracticeAttachment.objects.select_related("practice").get(
        pk=pk, practice__in=practice_list(user=user).values("pk")
    )


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date
    value: float | None
    after: bool


@dataclass(frozen=True)
class MetricTrend:
    metric: Metric
    points: list[TrendPoint]


def practice_trends(*, user: User, practice: Practice) -> list[MetricTrend]:
    """For each metric the practice says it moved, its jurisdiction's value month by month
    from ``TREND_MONTHS`` months before the practice started to as many after (or today),
    read from reporting's figures; empty when the user may not see figures or the practice
    has no start date."""
    if not practice.started_on or not reporting_selectors.may_see_figures(user):
        return []
    today = timezone.localdate()
    start = practice.started_on.replace(day=1)
    end = min(today, _add_months(start, TREND_MONTHS))
    if end < start:
        end = start
    months = _months_between(_add_months(start, -TREND_MONTHS), end)
    area = Area(jurisdiction_ids=frozenset({practice.jurisdiction_id}))
    trends = []
    for code in practice.metrics:
        metric = BY_CODE.get(code)
        if metric is None:
            continue
        points = figures.trend(area, metric, months=months, end=end)
        trends.append(
            MetricTrend(
                metric,
                [TrendPoint(month, value.value, month >= start) for month, value in points],
            )
        )
    return trends


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _months_between(first: datetime.date, last: datetime.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def metric_choices() -> list[tuple[str, str]]:
    return [(code, str(metric.label)) for code, metric in BY_CODE.items()]


# --- Meetings -----------------------------------------------------------------------------


def meeting_list(*, user: User) -> QuerySet[Meeting]:
    if not user.is_authenticated or not user.has_perm("library.view_meeting"):
        return Meeting.objects.none()
    scope = scope_for(user)
    qs = Meeting.objects.select_related("organizer")
    if scope.is_national:
        return qs
    org = user.organization_id
    if org is None:
        return Meeting.objects.none()
    return qs.filter(Q(organizer_id=org) | Q(participants=org)).distinct()


def meeting_search_reach(user: User | None) -> Reach:
    """The meeting rows of the search index the user may find: as ``meeting_list``."""
    if user is None or not user.is_authenticated or not user.has_perm("library.view_meeting"):
        return NOTHING
    if scope_for(user).is_national:
        return EVERYTHING
    if user.organization_id is None:
        return NOTHING
    return Reach(object_ids=meeting_list(user=user).values("pk"))


def meeting_filter(qs: QuerySet[Meeting], *, q: str = "") -> QuerySet[Meeting]:
    if q:
        qs = qs.filter(title__icontains=q.strip()[:100])
    return qs.annotate(
        actions_total=Count("action_items", distinct=True),
        actions_done=Count(
            "action_items", filter=Q(action_items__state=ActionState.DONE), distinct=True
        ),
    ).order_by("-date", "-id")


def meeting_get(*, user: User, pk) -> Meeting:
    return (
        meeting_list(user=user)
        .prefetch_related(
            "participants",
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related("presenter", "practice", "bulletin"),
            ),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("assignee").order_by(
                    "assignee__code", "due_date", "id"
                ),
            ),
        )
        .get(pk=pk)
    )


def action_item_list(*, user: User) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(
        meeting__in=meeting_list(user=user).values("pk")
    ).select_related("meeting", "assignee", "responded_by")


def action_item_get(*, user: User, pk) -> ActionItem:
    return action_item_list(user=user).get(pk=pk)


@dataclass(frozen=True)
class ActedRow:
    organization: Organization
    total: int
    done: int
    overdue: int

    @property
    def acted(self) -> bool:
        return self.total > 0 and self.done == self.total


def acted_overview(meeting: Meeting) -> list[ActedRow]:
    """Per assigned organisation: how many of its action items are done and overdue (from
    the meeting's prefetched action items)."""
    today = timezone.localdate()
    rows: dict[int, dict] = {}
    for item in meeting.action_items.all():
        row = rows.setdefault(
            item.assignee_id, {"organization": item.assignee, "total": 0, "done": 0, "overdue": 0}
        )
        row["total"] += 1
        row["done"] += item.state == ActionState.DONE
        row["overdue"] += item.state == ActionState.OPEN and item.due_date < today
    return [ActedRow(**row) for row in rows.values()]


MEETING_ORGANIZATION_TYPES = (
    OrganizationType.MINISTRY,
    OrganizationType.COMM_ADMIN,
    OrganizationType.RESEARCH_INSTITUTE,
    *JOINT_DEPARTMENT_TYPES,
    OrganizationType.OPERATOR,
    OrganizationType.OPERATOR_BRANCH,
)


def presenter_choices() -> QuerySet[Organization]:
    """Organisations that take part in exchange meetings: government bodies, the research
    institute and operators (not property companies or access agents)."""
    return Organization.objects.filter(
        is_active=True, type__in=MEETING_ORGANIZATION_TYPES
    ).order_by("type", "code")


def bulletin_choices(*, user: User) -> QuerySet[Bulletin]:
    return reporting_selectors.bulletin_list(user=user)
