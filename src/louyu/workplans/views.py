"""Staff pages of 一楼一策: the zero-operator building list, the plan list (both with
XLSX export), the plan detail with measures, progress and next actions, and the forms.
Views parse input, call one selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.buildings import selectors as building_selectors
from louyu.core.exports import audit_filters, xlsx_download
from louyu.core.forms import add_service_errors
from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.scope import scope_for
from louyu.core.selectors import jurisdiction_list
from louyu.core.uploads import check_upload
from louyu.workplans import exports, selectors, services
from louyu.workplans.forms import (
    CloseForm,
    MeasureForm,
    PlanCreateForm,
    PlanFilterForm,
    ProgressForm,
    ReopenForm,
    ZeroOperatorFilterForm,
)
from louyu.workplans.models import PlanMeasure, PlanProgress, WorkPlan
from louyu.workplans.workflow import REPORTABLE_STATUSES, MeasureStatus, State

PAGE_SIZE = 25
STATE_CSS = {State.ACTIVE: "ly-tag-open", State.CLOSED: "ly-tag-done"}
MEASURE_CSS = {
    MeasureStatus.PLANNED: "ly-tag-provisional",
    MeasureStatus.IN_PROGRESS: "ly-tag-open",
    MeasureStatus.DONE: "ly-tag-done",
    MeasureStatus.CANCELLED: "ly-tag-cancelled",
}


def _require_view(user) -> None:
    if not user.has_perm("workplans.view_workplan"):
        raise PermissionDenied


def _jurisdictions(user):
    if scope_for(user).is_national:
        return jurisdiction_list(user=user).order_by("sort_order", "code")
    return []


def _get_plan(request, pk: int) -> WorkPlan:
    _require_view(request.user)
    try:
        return selectors.plan_get(user=request.user, pk=pk)
    except WorkPlan.DoesNotExist:
        raise Http404 from None


def _get_measure(request, pk: int) -> PlanMeasure:
    _require_view(request.user)
    try:
        return selectors.measure_get(user=request.user, pk=pk)
    except PlanMeasure.DoesNotExist:
        raise Http404 from None


def _served_banner(presences, building) -> str:
    """Which operator now serves the building; without naming it when the user may not see
    that operator's presence (a competitor, for an operator's staff)."""
    if not presences:
        if building.operator_count:
            return _("已有基础电信企业提供服务。")
        return ""
    first = presences[0]
    name = first.operator.short_name or first.operator.name
    since = first.since.isoformat() if first.since else ""
    return _("已有基础运营商入驻：%(operator)s 自 %(date)s") % {"operator": name, "date": since}


def _xlsx(request, *, action: str, filters, write, name: str):
    response, _rows, truncated = xlsx_download(
        actor=request.user,
        action=action,
        filters=audit_filters(filters, drop=("", None, False)),
        write=write,
        filename=name,
    )
    if truncated:
        messages.warning(request, _("仅导出前 %(max)d 行。") % {"max": exports.EXPORT_MAX_ROWS})
    return response


# --- Zero-operator buildings --------------------------------------------------------------


def _zero_operator_query(request):
    user = request.user
    _require_view(user)
    if not selectors.zero_operator_visible(user):
        raise PermissionDenied
    form = ZeroOperatorFilterForm(request.GET, jurisdictions=_jurisdictions(user))
    filters = form.filters()
    qs = selectors.zero_operator_filter(selectors.zero_operator_buildings(user=user), filters)
    return form, filters, qs


@login_required
@require_GET
def zero_operator_list(request):
    form, _filters, qs = _zero_operator_query(request)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    summaries = selectors.plan_summaries([b.plan_id for b in page if b.plan_id])
    rows = [{"building": b, "plan": summaries.get(b.plan_id)} for b in page]
    user = request.user
    return render(
        request,
        "workplans/zero_operator.html",
        {
            "nav_active": "workplans",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "can_create": user.has_perm("workplans.add_workplan"),
            "can_export": user.has_perm("workplans.export_workplan"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def zero_operator_export(request):
    if not request.user.has_perm("workplans.export_workplan"):
        raise PermissionDenied
    _form, filters, qs = _zero_operator_query(request)
    return _xlsx(
        request,
        action="work_plan.zero_operator_export",
        filters=filters,
        write=lambda out: exports.write_zero_operator_xlsx(out, qs),
        name="zero-operator-buildings",
    )


# --- Plan list ----------------------------------------------------------------------------


def _plan_query(request):
    user = request.user
    _require_view(user)
    form = PlanFilterForm(
        request.GET,
        jurisdictions=_jurisdictions(user),
        operators=building_selectors.basic_operators(),
    )
    filters = form.filters()
    return form, filters, selectors.plan_filter(selectors.plan_list(user=user), filters)


@login_required
@require_GET
def plan_list(request):
    form, _filters, qs = _plan_query(request)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    rows = [
        {
            "plan": p,
            "css": STATE_CSS.get(p.state, ""),
            "now_served": p.state == State.ACTIVE and p.building.operator_count > 0,
        }
        for p in page
    ]
    return render(
        request,
        "workplans/plan_list.html",
        {
            "nav_active": "workplans",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "can_export": user.has_perm("workplans.export_workplan"),
            "show_zero_list": selectors.zero_operator_visible(user),
        },
    )


@login_required
@require_GET
def plan_export(request):
    if not request.user.has_perm("workplans.export_workplan"):
        raise PermissionDenied
    _form, filters, qs = _plan_query(request)
    return _xlsx(
        request,
        action="work_plan.export",
        filters=filters,
        write=lambda out: exports.write_plans_xlsx(out, qs),
        name="work-plans",
    )


# --- Create -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, building_pk: int):
    user = request.user
    _require_view(user)
    if not user.has_perm("workplans.add_workplan"):
        raise PermissionDenied
    building = building_selectors.building_list(user=user).filter(pk=building_pk).first()
    if building is None or not services.can_edit_plans(user, building.jurisdiction_id):
        raise Http404
    existing = WorkPlan.objects.filter(building=building, state=State.ACTIVE).first()
    if existing is not None:
        messages.info(request, _("该楼宇已有推进中的工作方案。"))
        return redirect("workplans:detail", existing.pk)
    if building.operator_count > 0:
        messages.error(
            request, _("该楼宇已有基础电信企业提供服务，不属于零运营商楼宇，无需制定工作方案。")
        )
        return redirect("buildings:detail", building.pk)
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.work_plan_create(actor=user, building=building, **form.cleaned_data)
        except services.DuplicatePlan as exc:
            messages.info(request, exc.messages[0])
            return redirect("workplans:detail", exc.plan.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建工作方案，请添加推进措施。"))
            return redirect("workplans:detail", plan.pk)
    return render(
        request,
        "workplans/plan_form.html",
        {"nav_active": "workplans", "form": form, "building": building},
    )


# --- Detail -------------------------------------------------------------------------------


def _measure_form(request, plan, data=None, *, keep=None, **kwargs) -> MeasureForm:
    return MeasureForm(
        data,
        kinds=selectors.measure_kinds(),
        owners=selectors.owner_choices(plan=plan, user=request.user, keep=keep),
        **kwargs,
    )


def _detail_context(request, plan: WorkPlan, **forms) -> dict:
    user = request.user
    can_edit = services.can_edit_plans(user, plan.jurisdiction_id)
    measures = list(selectors.plan_measures(plan, user=user))
    for measure in measures:
        measure.css = MEASURE_CSS.get(measure.status, "")
        measure.can_report = (
            plan.is_active and measure.is_open and services.can_report_progress(user, measure)
        )
        if measure.can_report:
            bound = forms.get("progress_form")
            measure.progress_form = (
                bound
                if bound is not None and forms.get("progress_measure") == measure.pk
                else ProgressForm(
                    statuses=sorted(REPORTABLE_STATUSES.get(measure.status, ())),
                    auto_id=f"id_m{measure.pk}_%s",
                )
            )
    open_measures = [m for m in measures if m.is_open]
    presences = selectors.serving_presences(user=user, building_id=plan.building_id)
    context = {
        "nav_active": "workplans",
        "plan": plan,
        "building": plan.building,
        "state_css": STATE_CSS.get(plan.state, ""),
        "measures": measures,
        "open_measures": open_measures,
        "timeline": list(plan.status_changes.select_related("actor")),
        "served_banner": _served_banner(presences, plan.building),
        "presences": presences,
        "can_edit": can_edit,
        "today": timezone.localdate(),
    }
    if can_edit and plan.is_active:
        context["measure_form"] = forms.get("measure_form") or _measure_form(request, plan)
        context["close_form"] = forms.get("close_form") or CloseForm(
            initial={
                "expected_version": plan.version,
                "outcome": "achieved" if plan.building.operator_count else "abandoned",
            }
        )
    if can_edit and not plan.is_active and plan.building.operator_count == 0:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm(
            initial={"expected_version": plan.version}
        )
    return context


@login_required
@require_GET
def plan_detail(request, pk: int):
    plan = _get_plan(request, pk)
    return render(request, "workplans/detail.html", _detail_context(request, plan))


def _service_error_message(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
@require_POST
def plan_transition(request, pk: int):
    plan = _get_plan(request, pk)
    to = request.POST.get("to", "")
    form_class = CloseForm if to == State.CLOSED else ReopenForm
    form = form_class(request.POST)
    key = "close_form" if to == State.CLOSED else "reopen_form"
    if form.is_valid():
        details = dict(form.cleaned_data)
        expected = details.pop("expected_version")
        try:
            services.work_plan_transition(
                actor=request.user, plan=plan, to=to, expected_version=expected, **details
            )
        except (services.InvalidTransition, services.ConcurrentEdit) as exc:
            messages.error(request, _service_error_message(exc))
            return redirect("workplans:detail", plan.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("workplans:detail", plan.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = _("工作方案已关闭。") if to == State.CLOSED else _("工作方案已重新启用。")
            messages.success(request, text)
            return redirect("workplans:detail", plan.pk)
    context = _detail_context(request, plan, **{key: form})
    return render(request, "workplans/detail.html", context, status=400)


@login_required
@require_POST
def measure_add(request, pk: int):
    plan = _get_plan(request, pk)
    if not services.can_edit_plans(request.user, plan.jurisdiction_id):
        raise PermissionDenied
    form = _measure_form(request, plan, request.POST)
    if form.is_valid():
        try:
            services.measure_add(actor=request.user, plan=plan, **form.cleaned_data)
        except services.InvalidTransition as exc:
            messages.error(request, _service_error_message(exc))
            return redirect("workplans:detail", plan.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加措施，并已通知责任单位。"))
            return redirect("workplans:detail", plan.pk)
    context = _detail_context(request, plan, measure_form=form)
    return render(request, "workplans/detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk: int):
    measure = _get_measure(request, pk)
    plan = measure.plan
    if not services.can_edit_plans(request.user, plan.jurisdiction_id) or not plan.is_active:
        raise PermissionDenied
    initial = {
        "kind": measure.kind_id,
        "title": measure.title,
        "owner": measure.owner_id,
        "due_date": measure.due_date,
        "committed_entry_date": measure.committed_entry_date,
        "status": measure.status,
    }
    form = _measure_form(
        request,
        plan,
        request.POST or None,
        keep=measure.owner_id,
        with_status=True,
        initial=initial,
    )
    version = request.POST.get("expected_version") or measure.version
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(
                actor=request.user,
                measure=measure,
                expected_version=int(version) if str(version).isdigit() else None,
                **form.cleaned_data,
            )
        except (services.InvalidTransition, services.ConcurrentEdit) as exc:
            messages.error(request, _service_error_message(exc))
            return redirect("workplans:detail", plan.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("措施已更新。"))
            return redirect("workplans:detail", plan.pk)
    return render(
        request,
        "workplans/measure_form.html",
        {
            "nav_active": "workplans",
            "form": form,
            "measure": measure,
            "plan": plan,
            "version": version,
        },
    )


@login_required
@require_POST
def progress_add(request, pk: int):
    measure = _get_measure(request, pk)
    plan = measure.plan
    if not services.can_report_progress(request.user, measure):
        raise PermissionDenied
    form = ProgressForm(
        request.POST,
        request.FILES,
        statuses=sorted(REPORTABLE_STATUSES.get(measure.status, ())),
        auto_id=f"id_m{measure.pk}_%s",
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("evidence", None)
        try:
            checked = check_upload(upload) if upload else None
        except ValidationError as exc:
            form.add_error("evidence", exc.messages[0])
        else:
            try:
                services.progress_report(
                    actor=request.user, measure=measure, evidence=checked, **data
                )
            except services.InvalidTransition as exc:
                messages.error(request, _service_error_message(exc))
                return redirect("workplans:detail", plan.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已报告进展。"))
                return redirect(f"{reverse('workplans:detail', args=[plan.pk])}#m{measure.pk}")
    context = _detail_context(request, plan, progress_form=form, progress_measure=measure.pk)
    return render(request, "workplans/detail.html", context, status=400)


@login_required
@require_GET
def evidence_download(request, pk: int):
    _require_view(request.user)
    try:
        progress = selectors.progress_get(user=request.user, pk=pk)
    except PlanProgress.DoesNotExist:
        raise Http404 from None
    if not progress.evidence:
        raise Http404
    return FileResponse(
        progress.evidence.open("rb"),
        as_attachment=True,
        filename=progress.evidence_name or "evidence",
        content_type=progress.evidence_content_type or "application/octet-stream",
    )
