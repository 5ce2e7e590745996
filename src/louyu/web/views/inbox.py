"""The inbox of work items, and marking a free-standing item done."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from louyu.core import selectors, services
from louyu.core.models import WorkItemState
from louyu.core.pagination import query_without_page
from louyu.web.forms import InboxFilterForm
from louyu.web.views.common import page_of, safe_next, urgent_first

INBOX_PAGE_SIZE = 25


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
            "page": page_of(request, urgent_first(items), INBOX_PAGE_SIZE),
            "query": query_without_page(request),
            "now": now,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_item_complete(request, pk: int):
    """GET asks to confirm; POST marks a free-standing item done. A step item is done by
    doing its step, so its confirmation page sends the user to the object instead."""
    item = get_object_or_404(selectors.work_item_inbox(user=request.user, state=None), pk=pk)
    back = safe_next(request, reverse("web:inbox"))
    if request.method == "GET":
        return render(
            request,
            "web/work_item_complete.html",
            {"nav_active": "inbox", "item": item, "back": back},
        )
    try:
        services.work_item_complete(actor=request.user, item=item)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权办结此待办。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已办结：%(title)s") % {"title": item.title})
    return HttpResponseRedirect(back)
