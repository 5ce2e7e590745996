"""Staff pages of rectification cases: the queue with filters and XLSX export, opening a
case (by hand, from a complaint, from an operator's report), the detail page with the next
allowed actions, and one POST view per action. Views parse input, call one selector or
service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.cases import selectors, web_selectors
from louyu.cases.exports import write_cases_xlsx
from louyu.cases.forms import (
    ACTION_LABELS,
    AcceptanceForm,
    CaseFilterForm,
    CaseInfoForm,
    CaseOpenForm,
    EnforcementActionForm,
    EvidenceForm,
    MeasureAnswerForm,
    MeasureCancelForm,
    MeasureForm,
    RefusedEntryForm,
    SeverityForm,
    SupervisionForm,
    ViolationForm,
    ViolationWithdrawForm,
    action_form_class,
)
from louyu.cases.models import Case, CaseFile, Measure
from louyu.cases.services import measures, transitions, violations
from louyu.cases.services.acceptance import acceptance_check_record
from louyu.cases.services.details import case_set_supervision, case_update
from louyu.cases.services.enforcement import enforcement_action_add
from louyu.cases.services.files import case_files_add
from louyu.cases.services.opening import (
    case_open,
    case_open_from_complaint,
    case_report_refused_entry,
)
from louyu.cases.services.permissions import (
    EDITABLE_STATES,
    can_answer,
    can_manage,
    can_report_refused_entry,
    supervision_levels_for,
)
from louyu.cases.workflow import (
    ActionKind,
    MeasureStatus,
    State,
    allowed_targets,
)
from louyu.complaints import selectors as complaint_selectors
from louyu.complaints.models import Complaint
from louyu.core.audit import audit_record
from louyu.core.errors import ConcurrentEdit, InvalidTransition
from louyu.core.exports import audit_filters, xlsx_download
from louyu.core.forms import PICKER_HELP, STAFF_BUILDING_SUGGEST_URL, add_service_errors
from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.scope import scope_for
from louyu.core.selectors import jurisdiction_list

PAGE_SIZE = 25
STATE_CSS = {
    State.IDENTIFIED: "ly-tag-open",
    State.RECTIFYING: "ly-tag-open",
    State.AWAITING_ACCEPTANCE: "ly-tag-provisional",
    State.RECTIFIED: "ly-tag-done",
    State.CLOSED_UNRESOLVED: "ly-tag-cancelled",
}
# Offered as buttons; entering ``rectified`` (and going back from acceptance) happens only
# through the acceptance form.
BUTTON_ORDER = (State.RECTIFYING, State.AWAITING_ACCEPTANCE, State.CLOSED_UNRESOLVED)


def _require_view(user) -> None:
    if not user.has_perm("cases.view_case"):
        raise PermissionDenied


def _get_case(request, pk: int) -> Case:
    _require_view(request.user)
    try:
        return selectors.case_get(user=request.user, pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _require_manager(request, case: Case) -> None:
    if not can_manage(request.user, case):
        raise PermissionDenied


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- Queue and export ---------------------------------------------------------------------


def _filter_form(request) -> CaseFilterForm:
    user = request.user
    national = scope_for(user).is_national
    return CaseFilterForm(
        request.GET,
        categories=web_selectors.categories(),
        jurisdictions=jurisdiction_list(user=user) if national else None,
    )


def _filtered(request, form: CaseFilterForm):
    return selectors.case_filter(selectors.case_list(user=request.user), form.filters())


@login_required
@require_GET
def case_queue(request):
    user = request.user
    _require_view(user)
    form = _filter_form(request)
    page = CappedPaginator(_filtered(request, form), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"case": c, "css": STATE_CSS.get(c.state, ""), "overdue": c.is_overdue} for c in page]
    return render(
        request,
        "cases/queue.html",
        {
            "nav_active": "cases",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "can_add": user.has_perm("cases.add_case") and user.has_perm("cases.change_case"),
            "can_report": can_report_refused_entry(user),
            "can_export": user.has_perm("cases.export_case"),
        },
    )


@login_required
@require_GET
def case_export(request):
    user = request.user
    _require_view(user)
    if not user.has_perm("cases.export_case"):
        raise PermissionDenied
    form = _filter_form(request)
    queryset = _filtered(request, form)
    response, _rows, _truncated = xlsx_download(
        actor=user,
        action="case.export",
        filters=audit_filters(form.filters(), drop=("", None, False)),
        write=lambda out: write_cases_xlsx(out, queryset),
        filename="cases",
    )
    return response


# --- Opening ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    user = request.user
    if not (user.has_perm("cases.add_case") and user.has_perm("cases.change_case")):
        raise PermissionDenied
    building = None
    code = (request.POST.get("building_code") or request.GET.get("building") or "").strip()
    if code:
        building = web_selectors.building_by_code(user=user, code=code)
    kwargs = {
        "categories": web_selectors.categories(),
        "organizations": web_selectors.measure_owners(user=request.user, building=building)
        if building
        else [],
        "building_lookup": lambda c: web_selectors.building_by_code(user=user, code=c),
    }
    if request.method == "POST":
        form = CaseOpenForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case, created = case_open(
                    actor=user,
                    building=data["building_code"],
                    title=data["title"],
                    summary=data["summary"],
                    severity=data["severity"],
                    violations=[
                        {
                            "category": data["category"],
                            "responsible_party": data["responsible_party"],
                            "responsible_organization": data["responsible_organization"],
                        }
                    ],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, building="building_code")
            else:
                _opened_message(request, case, created)
                return redirect("cases:detail", pk=case.pk)
    else:
        form = CaseOpenForm(initial={"building_code": code}, **kwargs)
    return render(
        request,
        "cases/new.html",
        {
            "nav_active": "cases",
            "form": form,
            "building": building,
            "picker_url": STAFF_BUILDING_SUGGEST_URL,
            "picker_help": PICKER_HELP,
        },
        status=400 if request.method == "POST" else 200,
    )


def _opened_message(request, case: Case, created: bool) -> None:
    if created:
        messages.success(request, _("已立案，案件编号 %(code)s。") % {"code": case.code})
    else:
        messages.info(
            request,
            _("该楼宇已有在办整治案件 %(code)s，已将本次情况并入该案件。") % {"code": case.code},
        )


@login_required
@require_POST
def case_from_complaint(request, complaint_pk: int):
    """The complaint page's “立案整治” button."""
    user = request.user
    if not user.has_perm("complaints.view_complaint"):
        raise Http404
    try:
        complaint = complaint_selectors.complaint_get(user=user, pk=complaint_pk)
    except Complaint.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("cases.change_case"):
        raise PermissionDenied
    try:
        case, created = case_open_from_complaint(actor=user, complaint=complaint)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("complaints:detail", pk=complaint.pk)
    _opened_message(request, case, created)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_report(request):
    """An operator reports that it was refused entry to a building of its area."""
    user = request.user
    if not can_report_refused_entry(user):
        raise PermissionDenied
    lookup = lambda c: web_selectors.building_by_code(user=user, code=c)  # noqa: E731
    form = RefusedEntryForm(
        request.POST or None,
        request.FILES or None,
        building_lookup=lookup,
        initial={"building_code": request.GET.get("building", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case, created = case_report_refused_entry(
                actor=user,
                building=form.cleaned_data["building_code"],
                description=form.cleaned_data["description"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, building="building_code")
        else:
            if created:
                messages.success(request, _("已报告，立案编号 %(code)s。") % {"code": case.code})
            else:
                messages.info(
                    request,
                    _("该楼宇已有在办整治案件 %(code)s，您的报告已并入该案件。")
                    % {"code": case.code},
                )
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/report.html",
        {"nav_active": "cases", "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Detail -------------------------------------------------------------------------------


def _buttons(case: Case) -> list[str]:
    targets = allowed_targets(case.state)
    if case.state == State.AWAITING_ACCEPTANCE:
        targets.discard(State.RECTIFYING)  # only through a failed acceptance check
    return [s for s in BUTTON_ORDER if s in targets]


def _timeline(case: Case) -> list[dict]:
    labels = {
        "linked": _("并入新情况"),
        "severity": _("调整严重程度"),
        "supervision": _("挂牌督办"),
        "violation": _("登记违规问题"),
        "violation_withdrawn": _("撤销违规问题"),
        "measure": _("布置整改措施"),
        "measure_done": _("措施已完成"),
        "measure_cancelled": _("措施已取消"),
        "action": _("执法措施"),
    }
    entries = []
    for change in case.status_changes.select_related("actor", "actor_organization"):
        details = change.details or {}
        event = details.get("event")
        extra = []
        if details.get("measure"):
            extra.append(details["measure"])
        if details.get("kind") in ActionKind.values:
            extra.append(ActionKind(details["kind"]).label)
        if event == "supervision":
            extra.append(_("已撤销") if not details.get("level") else "")
        entries.append(
            {
                "change": change,
                "event": labels.get(event, "") if event else "",
                "extra": [e for e in extra if e],
                "css": STATE_CSS.get(change.to_state, ""),
            }
        )
    return entries


def _detail_context(request, case: Case, *, bound: dict | None = None) -> dict:
    user = request.user
    bound = bound or {}
    manager = can_manage(user, case)
    whole = selectors.sees_whole_case(user)
    editable = case.state in EDITABLE_STATES
    actions = []
    if manager:
        for to in _buttons(case):
            form = bound.get(to) or action_form_class(to)(
                initial={"to": to, "expected_version": case.version}, auto_id=f"id_{to}_%s"
            )
            actions.append(
                {"to": to, "label": ACTION_LABELS.get(to, to), "form": form, "open": to in bound}
            )
    version = {"expected_version": case.version}
    owners = (
        web_selectors.measure_owners(user=request.user, building=case.building) if manager else []
    )
    forms = {}
    if manager and editable:
        forms["violation"] = bound.get("violation") or ViolationForm(
            initial=version,
            categories=web_selectors.categories(),
            organizations=owners,
            auto_id="id_violation_%s",
        )
        forms["measure"] = bound.get("measure") or MeasureForm(
            initial=version, organizations=owners, auto_id="id_measure_%s"
        )
    if manager and case.is_open:
        forms["severity"] = bound.get("severity") or SeverityForm(
            initial={**version, "severity": case.severity}, auto_id="id_severity_%s"
        )
        forms["info"] = bound.get("info") or CaseInfoForm(
            initial={**version, "title": case.title, "summary": case.summary},
            auto_id="id_info_%s",
        )
        forms["action"] = bound.get("action") or EnforcementActionForm(
            initial={"action_date": timezone.localdate().isoformat()},
            organizations=web_selectors.referral_targets(case=case),
            auto_id="id_action_%s",
        )
        levels = supervision_levels_for(user)
        if levels:
            forms["supervision"] = bound.get("supervision") or SupervisionForm(
                initial={**version, "level": case.supervision_level},
                levels=levels,
                auto_id="id_supervision_%s",
            )
    if manager and case.is_open:
        forms["evidence"] = bound.get("evidence") or EvidenceForm(auto_id="id_evidence_%s")
    if manager and case.state == State.AWAITING_ACCEPTANCE:
        forms["acceptance"] = bound.get("acceptance") or AcceptanceForm(
            initial={**version, "checked_on": timezone.localdate().isoformat()},
            auto_id="id_acceptance_%s",
        )
    measures = []
    for measure in selectors.visible_measures(user=user, case=case):
        key = f"answer-{measure.pk}"
        answer_form = None
        if measure.status == MeasureStatus.OPEN and case.is_open and can_answer(user, measure):
            answer_form = bound.get(key) or MeasureAnswerForm(auto_id=f"id_{key}_%s")
        cancel_form = None
        if measure.status == MeasureStatus.OPEN and manager:
            cancel_form = bound.get(f"cancel-{measure.pk}") or MeasureCancelForm(
                auto_id=f"id_cancel-{measure.pk}_%s"
            )
        measures.append(
            {"measure": measure, "answer_form": answer_form, "cancel_form": cancel_form}
        )
    context = {
        "nav_active": "cases",
        "case": case,
        "state_css": STATE_CSS.get(case.state, ""),
        "overdue": case.is_overdue,
        "manager": manager,
        "whole": whole,
        "actions": actions,
        "forms": forms,
        "measures": measures,
        "has_open_measures": any(m["measure"].status == MeasureStatus.OPEN for m in measures),
    }
    if whole:
        violations = []
        for violation in case.violations.select_related(
            "category", "responsible_organization", "withdrawn_by"
        ):
            key = f"withdraw-{violation.pk}"
            form = None
            if manager and editable and violation.withdrawn_at is None:
                form = bound.get(key) or ViolationWithdrawForm(
                    initial=version, auto_id=f"id_{key}_%s"
                )
            violations.append({"violation": violation, "withdraw_form": form, "key": key})
        context.update(
            {
                "violations": violations,
                "enforcement": case.actions.select_related(
                    "issuing_organization", "target_organization"
                ).prefetch_related("files"),
                "complaints": case.complaints.select_related("category").order_by("received_at"),
                "acceptance_checks": case.acceptance_checks.select_related(
                    "checked_by"
                ).prefetch_related("files"),
                "evidence": case.files.filter(kind=CaseFile.Kind.EVIDENCE),
                "timeline": _timeline(case),
            }
        )
    return context


@login_required
@require_GET
def case_detail(request, pk: int):
    case = _get_case(request, pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _rerender(request, case: Case, key: str, form) -> HttpResponse:
    case.refresh_from_db()
    context = _detail_context(request, case, bound={key: form})
    return render(request, "cases/detail.html", context, status=400)


def _back(case: Case):
    return redirect("cases:detail", pk=case.pk)


def _run(request, case: Case, key: str, form, call, success: str):
    """Validate ``form``, run ``call(form.cleaned_data)`` and redirect with ``success``; a
    conflict (changed meanwhile, not allowed now) goes back with the message, field errors
    show the form again."""
    if "expected_version" in form.errors:
        messages.error(request, _("页面已过期，请刷新后再操作。"))
        return _back(case)
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (ConcurrentEdit, InvalidTransition) as exc:
            messages.error(request, _errors(exc))
            return _back(case)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return _back(case)
    return _rerender(request, case, key, form)


@login_required
@require_POST
def case_transition(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    to = request.POST.get("to", "")
    if to not in State.values:
        messages.error(request, _("未知的操作。"))
        return _back(case)
    form = action_form_class(to)(request.POST, auto_id=f"id_{to}_%s")

    def call(data):
        details = form.details()
        transitions.case_transition(
            actor=request.user,
            case=case,
            to=to,
            expected_version=data["expected_version"],
            **details,
        )

    label = ACTION_LABELS.get(to, State(to).label)
    return _run(request, case, to, form, call, _("已办理：%(action)s。") % {"action": label})


@login_required
@require_POST
def case_violation(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    form = ViolationForm(
        request.POST,
        categories=web_selectors.categories(),
        organizations=web_selectors.measure_owners(user=request.user, building=case.building),
        auto_id="id_violation_%s",
    )
    return _run(
        request,
        case,
        "violation",
        form,
        lambda d: violations.violation_add(actor=request.user, case=case, **d),
        _("已登记违规问题。"),
    )


@login_required
@require_POST
def case_severity(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    form = SeverityForm(request.POST, auto_id="id_severity_%s")
    return _run(
        request,
        case,
        "severity",
        form,
        lambda d: case_update(actor=request.user, case=case, **d),
        _("已调整严重程度。"),
    )


@login_required
@require_POST
def violation_withdraw(request, pk: int, violation_pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    violation = case.violations.filter(pk=violation_pk).first()
    if violation is None:
        raise Http404
    key = f"withdraw-{violation.pk}"
    form = ViolationWithdrawForm(request.POST, auto_id=f"id_{key}_%s")
    return _run(
        request,
        case,
        key,
        form,
        lambda d: violations.violation_withdraw(
            actor=request.user, case=case, violation=violation, **d
        ),
        _("已撤销违规问题。"),
    )


@login_required
@require_POST
def case_info(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    form = CaseInfoForm(request.POST, auto_id="id_info_%s")
    return _run(
        request,
        case,
        "info",
        form,
        lambda d: case_update(actor=request.user, case=case, **d),
        _("已修改案件信息。"),
    )


@login_required
@require_POST
def case_supervision(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    levels = supervision_levels_for(request.user)
    if not levels:
        raise PermissionDenied
    form = SupervisionForm(request.POST, levels=levels, auto_id="id_supervision_%s")
    return _run(
        request,
        case,
        "supervision",
        form,
        lambda d: case_set_supervision(actor=request.user, case=case, **d),
        _("已更新挂牌督办。"),
    )


@login_required
@require_POST
def measure_create(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    form = MeasureForm(
        request.POST,
        organizations=web_selectors.measure_owners(user=request.user, building=case.building),
        auto_id="id_measure_%s",
    )
    return _run(
        request,
        case,
        "measure",
        form,
        lambda d: measures.measure_create(actor=request.user, case=case, **d),
        _("已布置整改措施，责任单位将在待办中看到。"),
    )


def _get_measure(request, case: Case, measure_pk: int) -> Measure:
    measure = selectors.visible_measures(user=request.user, case=case).filter(pk=measure_pk).first()
    if measure is None:
        raise Http404
    return measure


@login_required
@require_POST
def measure_answer(request, pk: int, measure_pk: int):
    case = _get_case(request, pk)
    measure = _get_measure(request, case, measure_pk)
    if not can_answer(request.user, measure):
        raise PermissionDenied
    key = f"answer-{measure.pk}"
    form = MeasureAnswerForm(request.POST, request.FILES, auto_id=f"id_{key}_%s")
    return _run(
        request,
        case,
        key,
        form,
        lambda d: measures.measure_answer(
            actor=request.user, measure=measure, response=d["response"], files=d["files"]
        ),
        _("已提交落实情况。"),
    )


@login_required
@require_POST
def measure_cancel(request, pk: int, measure_pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    measure = _get_measure(request, case, measure_pk)
    key = f"cancel-{measure.pk}"
    form = MeasureCancelForm(request.POST, auto_id=f"id_{key}_%s")
    return _run(
        request,
        case,
        key,
        form,
        lambda d: measures.measure_cancel(actor=request.user, measure=measure, reason=d["reason"]),
        _("已取消整改措施。"),
    )


@login_required
@require_POST
def action_add(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    form = EnforcementActionForm(
        request.POST,
        request.FILES,
        organizations=web_selectors.referral_targets(case=case),
        auto_id="id_action_%s",
    )
    return _run(
        request,
        case,
        "action",
        form,
        lambda d: enforcement_action_add(actor=request.user, case=case, **d),
        _("已登记执法措施。"),
    )


@login_required
@require_POST
def acceptance_add(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    form = AcceptanceForm(request.POST, request.FILES, auto_id="id_acceptance_%s")
    return _run(
        request,
        case,
        "acceptance",
        form,
        lambda d: acceptance_check_record(actor=request.user, case=case, **d),
        _("已登记验收。"),
    )


@login_required
@require_POST
def evidence_add(request, pk: int):
    case = _get_case(request, pk)
    _require_manager(request, case)
    form = EvidenceForm(request.POST, request.FILES, auto_id="id_evidence_%s")
    return _run(
        request,
        case,
        "evidence",
        form,
        lambda d: case_files_add(actor=request.user, case=case, files=d["files"]),
        _("已上传案件证据。"),
    )


@login_required
@require_GET
def file_download(request, pk: int, file_pk: int):
    """A file of a case the user can see (404 otherwise), always downloaded; audited."""
    user = request.user
    if not user.has_perm("cases.view_case"):
        raise Http404
    record = selectors.case_file(user=user, case_pk=pk, pk=file_pk)
    if record is None:
        raise Http404
    try:
        handle = record.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    with transaction.atomic():
        audit_record(
            actor=user,
            action="case.file_download",
            obj=record.case,
            changes={"file": record.pk, "kind": record.kind},
        )
    response = FileResponse(
        handle, as_attachment=True, filename=record.original_name, content_type=record.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
