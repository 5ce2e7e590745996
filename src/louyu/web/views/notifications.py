"""In-app notifications and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from louyu.core import selectors, services
from louyu.core.pagination import query_without_page
from louyu.web.views.common import page_of, safe_next

NOTIFICATION_PAGE_SIZE = 25


@login_required
@require_GET
def notifications(request):
    unread_first = selectors.notification_list(user=request.user).annotate(
        is_unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    )
    page = page_of(
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
    return HttpResponseRedirect(safe_next(request, reverse("web:notifications")))
