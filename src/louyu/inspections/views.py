"""Staff pages of joint inspection plans: the list, the form, the plan with its sampling
specification and drawn sample, and the actions on it (draw, approve/start/close, new
version). Views parse input, call one selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.core.errors import Conflict
from louyu.core.exports import xlsx_download
from louyu.core.forms import add_service_errors
from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.inspections import documents, exports, selectors, services
from louyu.inspections.forms import (
    AssignmentForm,
    PlanFilterForm,
    PlanForm,
    ReinspectionForm,
    SpecForm,
    TeamForm,
)
from louyu.inspections.models import Assignment, Inspection, InspectionPlan
from louyu.inspections.workflow import (
    AnswerType,
    NotInspectedReason,
    Outcome,
    State,
    allowed_targets,
)

PAGE_SIZE = 25
STATE_CSS = {
    State.DRAFT: "ly-tag-provisional",
    State.APPROVED: "ly-tag-open",
    State.RUNNING: "ly-tag-open",
    State.CLOSED: "ly-tag-done",
}
ACTION_LABELS = {
    State.APPROVED: gettext_lazy("批准方案"),
    State.RUNNING: gettext_lazy("开始实施"),
    State.CLOSED: gettext_lazy("结束检查"),
}


def _require_view(user) -> None:
    if not user.has_perm("inspections.view_inspectionplan"):
        raise PermissionDenied


def _get_plan(request, pk: int) -> InspectionPlan:
    _require_view(request.user)
    try:
        return selectors.plan_get(user=request.user, pk=pk)
    except InspectionPlan.DoesNotExist:
        raise Http404 from None


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
@require_GET
def plan_list(request):
    _require_view(request.user)
    form = PlanFilterForm(request.GET)
    qs = selectors.plan_filter(selectors.plan_list(user=request.user), form.filters())
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/plan_list.html",
        {
            "nav_active": "inspections",
            "form": form,
            "page": page,
            "rows": [{"plan": p, "css": STATE_CSS[p.state]} for p in page],
            "query": query_without_page(request),
            "can_create": services.can_plan(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    user = request.user
    _require_view(user)
    if not services.can_plan(user):
        raise PermissionDenied
    form = PlanForm(
        request.POST or None,
        jurisdictions=selectors.planning_jurisdictions(user=user),
        organizations=selectors.participant_choices(user=user),
        checklists=selectors.checklist_versions(),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan = services.inspection_plan_create(actor=user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("检查方案已创建，请抽取样本后报批。"))
                return redirect("inspections:detail", plan.pk)
    return render(
        request,
        "inspections/plan_form.html",
        {"nav_active": "inspections", "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    """The sampling specification of a draft (frozen from approval on)."""
    plan = _get_plan(request, pk)
    if plan.state != State.DRAFT or not services.can_edit(request.user, plan):
        messages.error(request, services.FROZEN_MESSAGE)
        return redirect("inspections:detail", plan.pk)
    form = SpecForm(request.POST or None, initial=SpecForm.initial_for(plan))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.inspection_plan_update_spec(
                    actor=request.user, plan=plan, **form.service_kwargs()
                )
            except (Conflict, ValidationError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("抽样规格已保存，请重新抽取样本。"))
                return redirect("inspections:detail", plan.pk)
    return render(
        request,
        "inspections/plan_form.html",
        {"nav_active": "inspections", "form": form, "plan": plan},
        status=status,
    )


def _reinspection_form(request, plan, data=None) -> ReinspectionForm:
    return ReinspectionForm(
        data,
        inspections=selectors.plan_inspections(user=request.user, plan=plan),
        teams=plan.teams.all(),
    )


def _schedule_forms(
    request, plan, *, team_form=None, assignment_form=None, reinspection_form=None
) -> dict:
    if plan.state not in services.SCHEDULING_STATES or not services.can_manage_teams(
        request.user, plan
    ):
        return {}
    if plan.state == State.RUNNING:
        reinspection_form = reinspection_form or _reinspection_form(request, plan)
    unassigned = plan.sample.filter(assignment__isnull=True).select_related(
        "building", "jurisdiction"
    )
    return {
        "team_form": team_form or TeamForm(members=services.team_member_choices(plan)),
        "assignment_form": assignment_form
        or AssignmentForm(sample=unassigned, teams=plan.teams.all()),
        "reinspection_form": reinspection_form,
        "reinspection_selected": (
            set(reinspection_form.data.getlist("inspections"))
            if reinspection_form is not None and reinspection_form.is_bound
            else set()
        ),
    }


@login_required
@require_GET
def plan_detail(request, pk: int):
    return _render_detail(request, _get_plan(request, pk))


def _render_detail(request, plan, *, status=200, **forms):
    user = request.user
    sample = selectors.plan_sample(user=user, plan=plan)
    page = CappedPaginator(sample, 50).get_page(request.GET.get("page"))
    may_act = services.can_edit(user, plan) or services.can_approve(user, plan)
    actions = [
        {"to": to, "label": ACTION_LABELS[to]}
        for to in sorted(allowed_targets(plan.state))
        if may_act and (to != State.APPROVED or services.can_approve(user, plan))
    ]
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "nav_active": "inspections",
            "plan": plan,
            "css": STATE_CSS[plan.state],
            "strata": plan.strata.all(),
            "jurisdictions": plan.jurisdictions.all(),
            "organizations": plan.organizations.all(),
            "summary": selectors.sample_summary(sample),
            "page": page,
            "query": query_without_page(request),
            "history": plan.status_changes.select_related("actor"),
            "can_draw": plan.state == State.DRAFT and services.can_edit(user, plan),
            "can_edit": plan.state == State.DRAFT and services.can_edit(user, plan),
            "can_revise": plan.state != State.DRAFT and services.can_edit(user, plan),
            "actions": actions,
            "teams": selectors.plan_teams(plan=plan),
            "assignments": selectors.plan_assignments(user=user, plan=plan),
            "progress": selectors.plan_progress(sample),
            "failure_rates": selectors.plan_failure_rates(user=user, plan=plan),
            "team_progress": selectors.team_progress(user=user, plan=plan),
            "failed": selectors.failed_inspections(user=user, plan=plan),
            **_schedule_forms(request, plan, **forms),
        },
        status=status,
    )


def _act(request, pk: int, call, success: str):
    plan = _get_plan(request, pk)
    try:
        result = call(plan)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行此操作。"))
    except (Conflict, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)
        return redirect("inspections:detail", result.pk)
    return redirect("inspections:detail", plan.pk)


@login_required
@require_POST
def plan_draw(request, pk: int):
    return _act(
        request,
        pk,
        lambda plan: services.inspection_plan_draw(
            actor=request.user, plan=plan, expected_version=request.POST.get("version") or None
        ),
        _("样本已抽取。"),
    )


@login_required
@require_POST
def plan_transition(request, pk: int):
    return _act(
        request,
        pk,
        lambda plan: services.inspection_plan_transition(
            actor=request.user,
            plan=plan,
            to=request.POST.get("to", ""),
            note=request.POST.get("note", ""),
            expected_version=request.POST.get("version") or None,
        ),
        _("方案状态已更新。"),
    )


@login_required
@require_POST
def plan_revise(request, pk: int):
    return _act(
        request,
        pk,
        lambda plan: services.inspection_plan_revise(actor=request.user, plan=plan),
        _("已创建新版本草稿，可修改抽样规格后重新抽样。"),
    )


def _schedule(request, plan, form, call, success: str):
    if form.is_valid():
        try:
            call(plan, form.cleaned_data)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("inspections:detail", plan.pk)
        except Conflict as exc:
            messages.error(request, _error_text(exc))
            return redirect("inspections:detail", plan.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("inspections:detail", plan.pk)
    key = {TeamForm: "team_form", ReinspectionForm: "reinspection_form"}.get(
        type(form), "assignment_form"
    )
    return _render_detail(request, plan, status=400, **{key: form})


@login_required
@require_POST
def team_add(request, pk: int):
    plan = _get_plan(request, pk)
    form = TeamForm(request.POST, members=services.team_member_choices(plan))
    return _schedule(
        request,
        plan,
        form,
        lambda plan, data: services.team_create(actor=request.user, plan=plan, **data),
        _("检查组已组建。"),
    )


@login_required
@require_POST
def assignment_add(request, pk: int):
    plan = _get_plan(request, pk)
    form = AssignmentForm(
        request.POST,
        sample=plan.sample.filter(assignment__isnull=True).select_related("building"),
        teams=plan.teams.all(),
    )
    return _schedule(
        request,
        plan,
        form,
        lambda plan, data: services.assignment_create(actor=request.user, **data),
        _("检查已安排，检查组成员的待办中已出现该任务。"),
    )


@login_required
@require_POST
def reinspection_add(request, pk: int):
    """Schedule re-inspections of failed buildings chosen on the board."""
    plan = _get_plan(request, pk)
    form = _reinspection_form(request, plan, request.POST)
    return _schedule(
        request,
        plan,
        form,
        lambda plan, data: services.reinspection_schedule(actor=request.user, plan=plan, **data),
        _("复查已安排，检查组成员的待办中已出现复查任务。"),
    )


def _get_assignment(request, pk: int) -> Assignment:
    _require_view(request.user)
    try:
        return selectors.assignment_get(user=request.user, pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def assignment_detail(request, pk: int):
    assignment = _get_assignment(request, pk)
    building = assignment.sampled.building
    plan = assignment.team.plan
    record = selectors.assignment_inspection(assignment=assignment)
    may_submit = (
        record is None
        and plan.state == State.RUNNING
        and building.is_active
        and services.can_submit(request.user, assignment)
    )
    return render(
        request,
        "inspections/assignment_detail.html",
        {
            "nav_active": "inspections",
            "assignment": assignment,
            "plan": plan,
            "building": building,
            "members": assignment.team.members.select_related("organization"),
            "items": services.applicable_items(assignment),
            "record": record,
            "may_submit": may_submit,
            "operators": services.basic_operators() if may_submit else [],
            "outcomes": Outcome.choices,
            "reasons": NotInspectedReason.choices,
            "original": selectors.reinspection_original(user=request.user, assignment=assignment),
            "follow_up": selectors.reinspection_of_record(user=request.user, record=record),
        },
    )


def _record_input(request, assignment) -> dict:
    answers, photos = {}, []
    for item in services.applicable_items(assignment):
        field = f"answer_{item.code}"
        if item.answer_type == AnswerType.OPERATORS:
            answers[item.code] = request.POST.getlist(field)
        elif request.POST.get(field) is not None:
            answers[item.code] = request.POST.get(field)
        photos.extend((item.code, f) for f in request.FILES.getlist(f"photo_{item.code}"))
    photos.extend(("", f) for f in request.FILES.getlist("photos"))
    return {
        "answers": answers,
        "photos": photos,
        "outcome": request.POST.get("outcome", ""),
        "not_inspected_reason": request.POST.get("not_inspected_reason", ""),
        "note": request.POST.get("note", ""),
        "submission_key": request.POST.get("submission_key", ""),
    }


@login_required
@require_POST
def inspection_submit(request, pk: int):
    """Submit the on-site record. The page's script posts it with ``fetch`` and gets JSON
    (errors to show, or where to go); without the script the form posts and redirects."""
    assignment = _get_assignment(request, pk)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    try:
        _record, created = services.inspection_submit(
            actor=request.user, assignment=assignment, **_record_input(request, assignment)
        )
    except PermissionDenied as exc:
        errors, status = [str(exc) or _("无权执行此操作。")], 403
    except (Conflict, ValidationError) as exc:
        errors, status = exc.messages, 409 if isinstance(exc, Conflict) else 400
    else:
        url = reverse("inspections:assignment", args=[assignment.pk])
        if wants_json:
            return JsonResponse({"url": url}, status=201 if created else 200)
        messages.success(request, _("检查记录已提交。"))
        return redirect(url)
    if wants_json:
        return JsonResponse({"errors": errors}, status=status)
    messages.error(request, "；".join(errors))
    return redirect("inspections:assignment", assignment.pk)


@login_required
@require_GET
def sample_export(request, pk: int):
    plan = _get_plan(request, pk)
    sample = selectors.plan_sample(user=request.user, plan=plan)
    response, _rows, _truncated = xlsx_download(
        actor=request.user,
        action="inspection_plan.export_sample",
        filters={"plan": plan.pk},
        write=lambda fileobj: exports.write_sample_xlsx(
            fileobj, sample, selectors.team_progress(user=request.user, plan=plan)
        ),
        filename=f"inspection-sample-{plan.pk}",
    )
    return response


@login_required
@require_GET
def inspection_report_pdf(request, pk: int):
    """The inspection report of one building: the record of the assignment ``pk``."""
    assignment = _get_assignment(request, pk)
    record = selectors.assignment_inspection(assignment=assignment)
    if record is None:
        raise Http404
    return _pdf_response(documents.render_inspection_report_pdf(inspection=record), record)


def _pdf_response(data: bytes, record: Inspection) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    name = f"inspection-{record.pk}-{record.building.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def summary_pdf(request, pk: int):
    plan = _get_plan(request, pk)
    response = HttpResponse(
        documents.render_plan_summary_pdf(user=request.user, plan=plan),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="inspection-plan-{plan.pk}.pdf"'
    return response
