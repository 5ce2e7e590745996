"""The audit log: filtered list and XLSX export (itself audited)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from louyu.core import selectors
from louyu.core.audit_text import events_in_words
from louyu.core.exports import Column, write_xlsx, xlsx_download
from louyu.core.pagination import query_without_page
from louyu.web.forms import AuditFilterForm
from louyu.web.views.common import page_of

AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_MAX_ROWS = 100_000


def _audit_form(request) -> AuditFilterForm:
    choices = selectors.audit_filter_choices(user=request.user)
    form = AuditFilterForm(
        request.GET,
        jurisdictions=selectors.jurisdiction_filter_choices(user=request.user),
        people=choices.people,
        organizations=choices.organizations,
        kinds=choices.kinds,
        actions=choices.actions,
    )
    form.is_valid()
    return form


def _audit_events(request, form: AuditFilterForm):
    events = selectors.audit_event_list(user=request.user).select_related(
        "actor", "actor_organization"
    )
    return selectors.audit_event_filter(events, **form.filters())


def _compact_json(value) -> str:
    if value in (None, "", {}, []):
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@login_required
@require_GET
def audit_list(request):
    if not request.user.has_perm("core.view_auditevent"):
        raise PermissionDenied
    form = _audit_form(request)
    page = page_of(request, _audit_events(request, form), AUDIT_PAGE_SIZE)
    events = list(page)
    rows = [
        {"event": event, "text": text}
        for event, text in zip(events, events_in_words(events, user=request.user), strict=True)
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
