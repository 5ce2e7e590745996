"""The staff web shell: home, inbox, notifications, audit log, working calendar.

Views are thin: they validate the query string or form, call one selector or service with
the signed-in user, and render. Nothing here reads a model manager directly.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from louyu.core import calendar as legal_calendar
from louyu.core import selectors, services
from louyu.core.exports import Column, write_xlsx, xlsx_download
from louyu.core.models import WorkItemState
from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.roles import ROLE_LABELS
from louyu.core.scope import ScopeKind, scope_for
from louyu.web.forms import AuditFilterForm, InboxFilterForm

INBOX_PAGE_SIZE = 25
NOTIFICATION_PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_MAX_ROWS = 100_000
HOME_URGENT_COUNT = 10
CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR = 2000, 2100


def _page(request, queryset, per_page: int):
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _urgent_first(queryset):
    """Open items by due time, items without a deadline last (same order on every DB)."""
    return queryset.order_by(F("due_at").asc(nulls_last=True), "id")


def _scope_description(user) -> dict:
    """How far the user's view reaches, in words: national, a jurisdiction or an
    organisation."""
    scope = scope_for(user)
    org = user.organization
    if scope.is_national:
        return {"kind": scope.kind, "label": _("全国")}
    if scope.kind == ScopeKind.JURISDICTION and org is not None and org.jurisdiction is not None:
        return {"kind": scope.kind, "label": org.jurisdiction.name}
    if scope.kind == ScopeKind.NONE:
        return {"kind": scope.kind, "label": _("无数据权限")}
    return {"kind": scope.kind, "label": org.name if org else ""}


def _greeting(now: datetime.datetime) -> str:
    hour = timezone.localtime(now).hour
    if hour < 12:
        return _("上午好")
    if hour < 18:
        return _("下午好")
    return _("晚上好")


def _role_labels(user) -> list[str]:
    names = sorted(g.name for g in user.groups.all())
    return [_(ROLE_LABELS[name]) for name in names if name in ROLE_LABELS]


# --- Home -----------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    user = request.user
    scope = _scope_description(user)
    summary = selectors.inbox_summary(user=user)
    urgent = list(_urgent_first(selectors.work_item_inbox(user=user))[:HOME_URGENT_COUNT])
    links = [
        {"url": reverse("web:inbox"), "label": _("我的待办"), "icon": "inbox"},
        {"url": reverse("web:notifications"), "label": _("通知消息"), "icon": "bell"},
        {"url": reverse("web:calendar"), "label": _("工作日历"), "icon": "calendar3"},
    ]
    if user.has_perm("core.view_auditevent") and scope["kind"] in (
        ScopeKind.NATIONAL,
        ScopeKind.JURISDICTION,
    ):
        links.append({"url": reverse("web:audit"), "label": _("审计日志"), "icon": "journal-text"})
    if user.is_staff:
        links.append({"url": reverse("admin:index"), "label": _("系统管理"), "icon": "gear"})
    links.append({"url": reverse("password_change"), "label": _("修改密码"), "icon": "key"})
    return render(
        request,
        "web/home.html",
        {
            "nav_active": "home",
            "greeting": _greeting(timezone.now()),
            "scope": scope,
            "roles": _role_labels(user),
            "summary": summary,
            "urgent": urgent,
            "quick_links": links,
        },
    )


# --- Inbox ----------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    form = InboxFilterForm(request.GET)
    form.is_valid()
    filters = form.filters()
    state = None if filters["state"] == InboxFilterForm.STATE_ALL else filters["state"]
    now = timezone.now()
    items = selectors.work_item_inbox(user=request.user, state=state)
    if filters["overdue"]:
        items = items.filter(state=WorkItemState.OPEN, due_at__lt=now)
    if filters["due_within"]:
        items = items.filter(
            due_at__gte=now, due_at__lt=now + datetime.timedelta(days=filters["due_within"])
        )
    if filters["q"]:
        items = items.filter(title__icontains=filters["q"])
    return render(
        request,
        "web/inbox.html",
        {
            "nav_active": "inbox",
            "form": form,
            "filters": filters,
            "page": _page(request, _urgent_first(items), INBOX_PAGE_SIZE),
            "query": query_without_page(request),
            "now": now,
        },
    )


@login_required
@require_POST
def work_item_complete(request, pk: int):
    item = get_object_or_404(selectors.work_item_inbox(user=request.user, state=None), pk=pk)
    try:
        services.work_item_complete(actor=request.user, item=item)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权办结此待办。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已办结：%(title)s") % {"title": item.title})
    return HttpResponseRedirect(_safe_next(request, reverse("web:inbox")))


# --- Notifications --------------------------------------------------------------------------


@login_required
@require_GET
def notifications(request):
    unread_first = selectors.notification_list(user=request.user).annotate(
        is_unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    )
    page = _page(
        request, unread_first.order_by("-is_unread", "-created_at", "-id"), NOTIFICATION_PAGE_SIZE
    )
    return render(
        request,
        "web/notifications.html",
        {
            "nav_active": "notifications",
            "page": page,
            "query": query_without_page(request),
            "unread_count": selectors.notification_list(
                user=request.user, unread_only=True
            ).count(),
        },
    )


@login_required
@require_POST
def notifications_mark_read(request):
    ids = None
    if request.POST.getlist("id"):
        try:
            ids = [int(value) for value in request.POST.getlist("id")]
        except ValueError:
            messages.error(request, _("通知编号无效。"))
            return redirect("web:notifications")
    count = services.notifications_mark_read(user=request.user, ids=ids)
    if count:
        messages.success(
            request,
            ngettext("已将 %(count)d 条通知标为已读。", "已将 %(count)d 条通知标为已读。", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("没有未读通知。"))
    return HttpResponseRedirect(_safe_next(request, reverse("web:notifications")))


# --- Audit log ------------------------------------------------------------------------------


def _audit_form(request) -> AuditFilterForm:
    form = AuditFilterForm(
        request.GET, jurisdictions=selectors.jurisdiction_list(user=request.user)
    )
    form.is_valid()
    return form


def _audit_events(request, form: AuditFilterForm):
    events = selectors.audit_event_list(user=request.user).select_related("actor_organization")
    return selectors.audit_event_filter(events, **form.filters())


def _compact_json(value) -> str:
    if value in (None, "", {}, []):
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _change_lines(changes) -> list[dict]:
    """The changes of an audit event as short ``key: value`` lines for the list page."""
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [{"key": "", "value": _compact_json(changes)}]
    return [{"key": key, "value": _compact_json(value)} for key, value in changes.items()]


@login_required
@require_GET
def audit_list(request):
    if not request.user.has_perm("core.view_auditevent"):
        raise PermissionDenied
    form = _audit_form(request)
    page = _page(request, _audit_events(request, form), AUDIT_PAGE_SIZE)
    rows = [
        {
            "event": event,
            "actor": _("系统") if event.actor_id is None and event.actor_repr == "system" else "",
            "changes": _change_lines(event.changes),
        }
        for event in page
    ]
    return render(
        request,
        "web/audit_list.html",
        {
            "nav_active": "audit",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "can_export": request.user.has_perm("core.export_auditevent"),
        },
    )


def _audit_columns() -> list[Column]:
    return [
        Column(_("时间"), 20),
        Column(_("操作人"), 14),
        Column(_("操作人机构"), 24),
        Column(_("动作"), 24),
        Column(_("对象类型"), 14),
        Column(_("对象编号"), 12),
        Column(_("对象"), 30),
        Column(_("管辖范围"), 16),
        Column(_("IP 地址"), 16),
        Column(_("请求编号"), 34),
        Column(_("变更内容"), 60),
    ]


def _audit_row(event) -> list[str]:
    return [
        event.actor_repr,
        event.actor_organization.name if event.actor_organization else "",
        event.action,
        event.object_type.model if event.object_type else "",
        event.object_id,
        event.object_repr,
        event.jurisdiction.name if event.jurisdiction else "",
        event.ip_address or "",
        event.request_id,
        _compact_json(event.changes),
    ]


def _write_audit_xlsx(fileobj, events) -> tuple[int, bool]:
    """Write events to an XLSX workbook in constant memory; returns (rows, truncated)."""
    return write_xlsx(
        fileobj,
        sheet_name=_("审计记录"),
        columns=_audit_columns(),
        rows=([event.created_at, *_audit_row(event)] for event in events.iterator(chunk_size=2000)),
        max_rows=AUDIT_EXPORT_MAX_ROWS,
        truncated_note=_("仅导出前 %(max)d 条记录，请缩小筛选范围后再导出其余记录。")
        % {"max": AUDIT_EXPORT_MAX_ROWS},
        freeze_columns=0,
    )


@login_required
@require_GET
def audit_export(request):
    user = request.user
    if not (user.has_perm("core.view_auditevent") and user.has_perm("core.export_auditevent")):
        raise PermissionDenied
    form = _audit_form(request)
    if form.errors:
        messages.error(request, _("筛选条件有误，请先更正后再导出。"))
        return HttpResponseRedirect(f"{reverse('web:audit')}?{request.GET.urlencode()}")
    events = _audit_events(request, form)[: AUDIT_EXPORT_MAX_ROWS + 1]
    response, _rows, _truncated = xlsx_download(
        actor=user,
        action="audit.export",
        filters=form.filters(),
        write=lambda out: _write_audit_xlsx(out, events),
        filename="audit",
    )
    return response


# --- Working calendar -----------------------------------------------------------------------

WEEKDAY_SHORT = [
    pgettext_lazy("星期", "一"),
    pgettext_lazy("星期", "二"),
    pgettext_lazy("星期", "三"),
    pgettext_lazy("星期", "四"),
    pgettext_lazy("星期", "五"),
    pgettext_lazy("星期", "六"),
    pgettext_lazy("星期", "日"),
]

DAY_CLASSES = {
    "workday": "cal-workday",
    "weekend": "cal-weekend",
    "holiday": "cal-holiday",
    "makeup": "cal-makeup",
}


def _day_kind(day: datetime.date, working: bool, name: str) -> str:
    """workday, weekend (an ordinary rest day), holiday (a rest day of a festival break,
    including its weekend days) or makeup (a weekend day worked under 调休)."""
    weekend = day.weekday() >= 5
    if working:
        return "makeup" if weekend else "workday"
    return "holiday" if name or not weekend else "weekend"


def _parse_year(request) -> int:
    current = timezone.localdate().year
    raw = request.GET.get("year", "").strip()
    if not raw:
        return current
    try:
        year = int(raw)
    except ValueError:
        year = None
    if year is None or not CALENDAR_MIN_YEAR <= year <= CALENDAR_MAX_YEAR:
        messages.warning(
            request,
            _("年份“%(year)s”无效，请输入 %(min)d 至 %(max)d 之间的年份；已显示今年。")
            % {"year": raw[:20], "min": CALENDAR_MIN_YEAR, "max": CALENDAR_MAX_YEAR},
        )
        return current
    return year


def _month_grid(year: int, month: int, day_info, today: datetime.date) -> dict:
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append(None)
                continue
            info = day_info(day)
            kind = _day_kind(day, info.working, info.name)
            cells.append(
                {
                    "date": day,
                    "kind": kind,
                    "css": DAY_CLASSES[kind],
                    "name": info.name,
                    "known": info.known,
                    "today": day == today,
                }
            )
        weeks.append(cells)
    return {"month": month, "weeks": weeks}


def _year_status(year: int, overrides) -> dict:
    """Where the year's holiday schedule comes from: the bundled package, an administrator's
    publication, or nowhere yet (deadlines in it are provisional)."""
    if year in legal_calendar.bundled_years():
        return {"kind": "bundled", "known": True, "source": ""}
    if legal_calendar.is_known_year(year):
        return {
            "kind": "published",
            "known": True,
            "source": overrides.year.source if overrides.year else "",
        }
    return {"kind": "unknown", "known": False, "source": ""}


@login_required
@require_GET
def calendar_view(request):
    user = request.user
    year = _parse_year(request)
    overrides = selectors.calendar_overrides(user=user, year=year)
    today = timezone.localdate()
    months = [_month_grid(year, m, legal_calendar.day_info, today) for m in range(1, 13)]
    counts = {kind: 0 for kind in DAY_CLASSES}
    for month in months:
        for week in month["weeks"]:
            for cell in week:
                if cell:
                    counts[cell["kind"]] += 1
    return render(
        request,
        "web/calendar.html",
        {
            "nav_active": "calendar",
            "year": year,
            "prev_year": year - 1 if year > CALENDAR_MIN_YEAR else None,
            "next_year": year + 1 if year < CALENDAR_MAX_YEAR else None,
            "status": _year_status(year, overrides),
            "months": months,
            "counts": counts,
            "weekdays": WEEKDAY_SHORT,
            "override_year": overrides.year,
            "override_days": list(overrides.days),
            "can_edit": user.is_staff and user.has_perm("core.change_calendarday"),
        },
    )


# --- Health check ---------------------------------------------------------------------------


@never_cache
@require_GET
def healthz(request):
    """Liveness and database round-trip, for load balancers; no login, no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
