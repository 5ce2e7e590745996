"""Monthly reports: an administration's list and its report form (figures from the metrics,
narrative, attachments, submit); the ministry's submission board (who has submitted, who
is late, who was returned) and its review (accept, return with comments)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.core import uploads
from louyu.core.forms import add_service_errors
from louyu.core.scope import scope_for
from louyu.reporting import selectors
from louyu.reporting.forms import ReportForm
from louyu.reporting.metrics import METRICS
from louyu.reporting.models import MonthlyReport
from louyu.reporting.services import reports as services
from louyu.reporting.workflow import REPORT_EDITABLE, ReportState, report_targets

STATE_CSS = {
    ReportState.DRAFT: "ly-tag-open",
    ReportState.SUBMITTED: "ly-tag-provisional",
    ReportState.ACCEPTED: "ly-tag-done",
    ReportState.RETURNED: "ly-tag-overdue",
}


def _require_view(user) -> None:
    if not user.has_perm("reporting.view_monthlyreport") or not scope_for(user).by_jurisdiction:
        raise PermissionDenied


def _parse_period(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


def _default_period() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@login_required
@require_GET
def report_list(request):
    user = request.user
    _require_view(user)
    reports = selectors.report_list(user=user)
    period = _parse_period(request.GET.get("period"))
    if request.GET.get("period") and period is None:
        messages.error(request, _("月份格式不正确，请按“2026-11”的格式选择。"))
    board = None
    if scope_for(user).is_national:
        period = period or _default_period()
        by_jurisdiction = {r.jurisdiction_id: r for r in reports.filter(period=period)}
        board = [
            {"jurisdiction": j, "report": by_jurisdiction.get(j.pk)}
            for j in selectors.jurisdiction_list(user=user)
            if services.administration_of(j.pk) is not None
        ]
        for row in board:
            report = row["report"]
            row["css"] = STATE_CSS.get(report.state, "") if report else "ly-tag-cancelled"
    # The ministry works from the board; an administration from the list of its reports.
    rows = [] if board is not None else list(reports.order_by("-period")[:36])
    return render(
        request,
        "reporting/report_list.html",
        {
            "nav_active": "reporting",
            "rows": [{"report": r, "css": STATE_CSS.get(r.state, "")} for r in rows],
            "board": board,
            "period": period,
            "counts": _board_counts(board) if board is not None else None,
        },
    )


def _board_counts(board) -> dict:
    counts = {"total": len(board), "submitted": 0, "late": 0, "returned": 0, "missing": 0}
    for row in board:
        report = row["report"]
        if report is None or report.state == ReportState.DRAFT:
            counts["missing"] += 1
        if report is not None and report.state in (ReportState.SUBMITTED, ReportState.ACCEPTED):
            counts["submitted"] += 1
        if report is not None and report.state == ReportState.RETURNED:
            counts["returned"] += 1
        if report is not None and report.is_late:
            counts["late"] += 1
    return counts


def _figures_table(report: MonthlyReport) -> tuple[list[dict], bool]:
    """The report's figures: frozen once submitted, else as the metrics say now."""
    frozen = bool(report.figures) and report.state != ReportState.DRAFT
    values = report.figures if frozen else services.frozen_figures(report)
    return [{"metric": m, "value": values.get(m.code) or {}} for m in METRICS], frozen


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    user = request.user
    _require_view(user)
    report = selectors.report_get(user=user, pk=pk)
    can_write = services.can_write(user, report) and report.state in REPORT_EDITABLE
    form = ReportForm(instance=report, initial={"version": report.version})
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = ReportForm(request.POST, instance=MonthlyReport.objects.get(pk=report.pk))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_update(
                    actor=user,
                    report=report,
                    expected_version=data.get("version"),
                    **{name: data[name] for name in services.NARRATIVE},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("reporting:report", pk=report.pk)
    figures, frozen = _figures_table(report)
    return render(
        request,
        "reporting/report_detail.html",
        {
            "nav_active": "reporting",
            "report": report,
            "state_css": STATE_CSS.get(report.state, ""),
            "form": form,
            "can_write": can_write,
            "can_submit": services.can_write(user, report)
            and ReportState.SUBMITTED in _targets(report),
            "can_review": services.can_review(user) and report.state == ReportState.SUBMITTED,
            "figures": figures,
            "frozen": frozen,
            "timeline": report.status_changes.select_related("actor"),
            "files": report.files.all(),
            "can_attach": services.can_write(user, report) and report.state in REPORT_EDITABLE,
        },
        status=400 if request.method == "POST" else 200,
    )


def _targets(report: MonthlyReport) -> set[str]:
    return report_targets(report.state)


@login_required
@require_POST
def report_files(request, pk: int):
    user = request.user
    _require_view(user)
    report = selectors.report_get(user=user, pk=pk)
    try:
        checked = uploads.check_uploads(request.FILES.getlist("files"))
        services.report_files_add(actor=user, report=report, files=checked)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("附件已上传。"))
    return redirect("reporting:report", pk=report.pk)


@login_required
@require_GET
def report_file(request, pk: int, file_pk: int):
    user = request.user
    _require_view(user)
    report = selectors.report_get(user=user, pk=pk)
    stored = report.files.filter(pk=file_pk).first()
    if stored is None:
        raise Http404
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


@login_required
@require_POST
def report_transition(request, pk: int):
    user = request.user
    _require_view(user)
    report = selectors.report_get(user=user, pk=pk)
    to = request.POST.get("to", "")
    version = request.POST.get("version")
    try:
        services.report_transition(
            actor=user,
            report=report,
            to=to,
            expected_version=int(version) if version and version.isdigit() else None,
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("状态已改为“%(state)s”。") % {"state": ReportState(to).label})
    return redirect("reporting:report", pk=report.pk)
