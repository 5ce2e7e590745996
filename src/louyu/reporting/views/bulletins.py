"""National bulletins: the archive, compiling a month's bulletin, editing its narrative,
review and publication, and its PDF, DOCX and XLSX."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.core.audit import audit_record
from louyu.core.exports import XLSX_CONTENT_TYPE
from louyu.reporting import bulletin_documents, selectors
from louyu.reporting.metrics import BY_CODE, METRICS
from louyu.reporting.models import Bulletin
from louyu.reporting.services import bulletins as services
from louyu.reporting.workflow import BULLETIN_EDITABLE, BulletinState, bulletin_targets

STATE_CSS = {
    BulletinState.DRAFT: "ly-tag-open",
    BulletinState.REVIEWED: "ly-tag-provisional",
    BulletinState.PUBLISHED: "ly-tag-done",
}
ACTION_ORDER = (BulletinState.REVIEWED, BulletinState.PUBLISHED, BulletinState.DRAFT)
FORMATS = {
    "pdf": ("application/pdf", bulletin_documents.render_bulletin_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        bulletin_documents.render_bulletin_docx,
    ),
    "xlsx": (XLSX_CONTENT_TYPE, bulletin_documents.render_bulletin_xlsx),
}


def _require_view(user) -> None:
    if not user.has_perm("reporting.view_bulletin"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_list(request):
    user = request.user
    _require_view(user)
    if request.method == "POST":
        if not services.can_edit(user):
            raise PermissionDenied
        text = request.POST.get("period", "")
        try:
            period = datetime.date.fromisoformat(f"{text}-01")
        except ValueError:
            messages.error(request, _("请选择通报月份（如 2026-11）。"))
        else:
            try:
                bulletin = services.bulletin_create(actor=user, period=period)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, _("已汇总数据并生成通报草稿。"))
                return redirect("reporting:bulletin", pk=bulletin.pk)
        return redirect("reporting:bulletins")
    rows = [
        {"bulletin": b, "css": STATE_CSS.get(b.state, "")}
        for b in selectors.bulletin_list(user=user).order_by("-period")
    ]
    return render(
        request,
        "reporting/bulletin_list.html",
        {"nav_active": "reporting", "rows": rows, "can_edit": services.can_edit(user)},
    )


def _tables(bulletin: Bulletin) -> dict:
    snapshot = bulletin.snapshot or {}
    codes = [c for c in snapshot.get("metrics", []) if c in BY_CODE] or [m.code for m in METRICS]
    metrics = [BY_CODE[c] for c in codes]
    change = services.national_change(bulletin)
    national = [
        {
            "metric": m,
            "value": (snapshot.get("national") or {}).get(m.code) or {},
            "previous": ((snapshot.get("previous") or {}).get("national") or {}).get(m.code),
            "change": change.get(m.code),
        }
        for m in metrics
    ]
    jurisdictions = [
        {
            "row": row,
            "cells": [(m, (row.get("values") or {}).get(m.code) or {}) for m in metrics],
        }
        for row in snapshot.get("jurisdictions", [])
    ]
    rankings = [
        {"metric": BY_CODE[r["metric"]], "rows": r.get("rows", [])}
        for r in snapshot.get("rankings", [])
        if r.get("metric") in BY_CODE
    ]
    return {
        "metrics": metrics,
        "national": national,
        "jurisdictions": jurisdictions,
        "rankings": rankings,
        "late": snapshot.get("late", []),
        "missing": snapshot.get("missing", []),
    }


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_detail(request, pk: int):
    user = request.user
    _require_view(user)
    bulletin = selectors.bulletin_get(user=user, pk=pk)
    editable = services.can_edit(user) and bulletin.state in BULLETIN_EDITABLE
    errors = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        version = request.POST.get("version", "")
        try:
            services.bulletin_update(
                actor=user,
                bulletin=bulletin,
                expected_version=int(version) if version.isdigit() else None,
                **{name: request.POST.get(name, "") for name in services.EDITABLE_FIELDS},
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for field in services.EDITABLE_FIELDS:
                setattr(bulletin, field, request.POST.get(field, ""))
        else:
            messages.success(request, _("已保存。"))
            return redirect("reporting:bulletin", pk=bulletin.pk)
    targets = bulletin_targets(bulletin.state) if services.can_edit(user) else set()
    return render(
        request,
        "reporting/bulletin_detail.html",
        {
            "nav_active": "reporting",
            "bulletin": bulletin,
            "state_css": STATE_CSS.get(bulletin.state, ""),
            "editable": editable,
            "errors": errors,
            "targets": [
                (t, BulletinState(t).label)
                for t in (BulletinState.REVIEWED, BulletinState.PUBLISHED, BulletinState.DRAFT)
                if t in targets
            ],
            "can_publish": user.has_perm("reporting.publish_bulletin"),
            **_tables(bulletin),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def bulletin_transition(request, pk: int):
    user = request.user
    _require_view(user)
    bulletin = selectors.bulletin_get(user=user, pk=pk)
    action = request.POST.get("to", "")
    version = request.POST.get("version", "")
    expected = int(version) if version.isdigit() else None
    try:
        if action == "recompile":
            services.bulletin_recompile(actor=user, bulletin=bulletin, expected_version=expected)
        else:
            services.bulletin_transition(
                actor=user, bulletin=bulletin, to=action, expected_version=expected
            )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已完成。"))
    return redirect("reporting:bulletin", pk=bulletin.pk)


@login_required
@require_GET
def bulletin_download(request, pk: int, fmt: str):
    user = request.user
    _require_view(user)
    bulletin = selectors.bulletin_get(user=user, pk=pk)
    if fmt not in FORMATS:
        raise Http404
    return download(bulletin, fmt, actor=user)


def download(bulletin: Bulletin, fmt: str, *, actor) -> HttpResponse:
    """The bulletin as a file, audited for staff."""
    content_type, render_it = FORMATS[fmt]
    data = render_it(bulletin)
    if actor is not None and actor.is_authenticated:
        with transaction.atomic():
            audit_record(
                actor=actor, action="bulletin.download", obj=bulletin, changes={"format": fmt}
            )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="bulletin-{bulletin.period:%Y-%m}.{fmt}"'
    )
    return response
