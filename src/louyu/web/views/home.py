"""The home page: greeting, how far the user's view reaches, urgent work items and quick links."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from louyu.core import selectors
from louyu.core.roles import ROLE_LABELS
from louyu.core.scope import ScopeKind, scope_for
from louyu.reporting.views.dashboard import home_figures
from louyu.web.views.common import urgent_first

HOME_URGENT_COUNT = 10


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


@login_required
@require_GET
def home(request):
    user = request.user
    scope = _scope_description(user)
    summary = selectors.inbox_summary(user=user)
    urgent = list(urgent_first(selectors.work_item_inbox(user=user))[:HOME_URGENT_COUNT])
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
            "progress": home_figures(user),
        },
    )
