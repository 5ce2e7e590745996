"""Staff pages of complaint handling: the queue with filters and bulk assignment, the
detail page with the next allowed actions, referral, verification, the staff intake form
and the printable letters. Views parse input, call one selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.buildings import selectors as building_selectors
from louyu.complaints import (
    building_views,
    duplicate_services,
    evidence,
    exports,
    letters,
    personal_data,
    public_text,
    selectors,
    services,
    web_selectors,
)
from louyu.complaints.forms import (
    ACTION_LABELS,
    BulkAssignForm,
    ComplaintFilterForm,
    IntakeForm,
    ReferralAnswerForm,
    ReferralForm,
    VerificationForm,
    action_form_class,
)
from louyu.complaints.models import Attachment, Complaint, Referral
from louyu.complaints.services import Intake
from louyu.complaints.workflow import (
    OPEN_STATES,
    RefusalReason,
    ReplyResult,
    State,
    allowed_targets,
)
from louyu.core.audit import audit_record
from louyu.core.exports import audit_filters, xlsx_download
from louyu.core.forms import add_service_errors
from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.scope import scope_for
from louyu.core.selectors import jurisdiction_list

PAGE_SIZE = 25
STATE_CSS = {
    State.SUBMITTED: "ly-tag-open",
    State.ACCEPTED: "ly-tag-open",
    State.VERIFYING: "ly-tag-open",
    State.HANDLING: "ly-tag-open",
    State.REOPENED: "ly-tag-open",
    State.SUSPENDED: "ly-tag-provisional",
    State.REPLIED: "ly-tag-done",
    State.CLOSED: "ly-tag-done",
    State.REJECTED: "ly-tag-cancelled",
    State.MERGED: "ly-tag-cancelled",
}
REFERABLE_STATES = (State.VERIFYING, State.HANDLING, State.REOPENED)
VERIFIABLE_STATES = (State.ACCEPTED, State.VERIFYING, State.HANDLING, State.REOPENED)
# Main path first, then the side exits.
ACTION_ORDER = (
    State.ACCEPTED,
    State.VERIFYING,
    State.HANDLING,
    State.REPLIED,
    State.CLOSED,
    State.REOPENED,
    State.SUSPENDED,
    State.REJECTED,
    State.MERGED,
)
SECRET_SESSION_KEY = "complaint-secret-{pk}"


def _require_view(user) -> None:
    if not user.has_perm("complaints.view_complaint"):
        raise PermissionDenied


def get_complaint(request, pk: int) -> Complaint:
    _require_view(request.user)
    try:
        return selectors.complaint_get(user=request.user, pk=pk)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _is_overdue(complaint: Complaint, now) -> bool:
    due = complaint.current_due_at
    return bool(due and due < now)


def _masked_name(complaint: Complaint) -> str:
    if complaint.personal_data_erased_at:
        return _("（已清除）")
    return personal_data.mask_name(complaint.complainant_name)


# --- Queue --------------------------------------------------------------------------------


def _filter_form(request) -> ComplaintFilterForm:
    user = request.user
    national = scope_for(user).is_national
    return ComplaintFilterForm(
        request.GET,
        categories=selectors.categories(),
        jurisdictions=jurisdiction_list(user=user) if national else None,
    )


@login_required
@require_GET
def complaint_queue(request):
    user = request.user
    _require_view(user)
    form = _filter_form(request)
    queryset = selectors.complaint_filter(
        selectors.complaint_list(user=user).select_related("assignee"), form.filters(), user=user
    )
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "complaint": c,
            "masked_name": _masked_name(c),
            "due": c.current_due_at,
            "overdue": _is_overdue(c, now),
            "css": STATE_CSS.get(c.state, ""),
        }
        for c in page
    ]
    can_assign = user.has_perm("complaints.change_complaint") and bool(user.organization_id)
    return render(
        request,
        "complaints/queue.html",
        {
            "nav_active": "complaints",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "can_add": user.has_perm("complaints.add_complaint"),
            "can_export": user.has_perm("complaints.export_complaint"),
            "can_assign": can_assign,
            "assignees": web_selectors.assignable_users(user=user) if can_assign else [],
        },
    )


@login_required
@require_GET
def complaint_export(request):
    """The filtered queue as XLSX, personal data masked; the export is audited."""
    user = request.user
    _require_view(user)
    if not user.has_perm("complaints.export_complaint"):
        raise PermissionDenied
    form = _filter_form(request)
    filters = form.filters()
    queryset = selectors.complaint_filter(selectors.complaint_list(user=user), filters, user=user)
    response, _rows, truncated = xlsx_download(
        actor=user,
        action="complaint.export",
        filters=audit_filters(filters, drop=("", None, False), as_text=True),
        write=lambda out: exports.write_complaints_xlsx(out, queryset),
        filename="complaints",
    )
    if truncated:
        messages.warning(request, _("仅导出前 %(max)d 件申诉。") % {"max": exports.EXPORT_MAX_ROWS})
    return response


@login_required
@require_POST
def complaint_bulk_assign(request):
    user = request.user
    _require_view(user)
    if not user.has_perm("complaints.change_complaint"):
        raise PermissionDenied
    visible = selectors.complaint_list(user=user)
    raw_ids = [v for v in request.POST.getlist("complaints") if v.isdigit()]
    ids = list(visible.filter(pk__in=raw_ids).values_list("pk", flat=True))
    form = BulkAssignForm(
        request.POST, users=web_selectors.assignable_users(user=user), complaint_ids=ids
    )
    if form.is_valid():
        chosen = list(visible.filter(pk__in=form.cleaned_data["complaints"]))
        assignee = form.cleaned_data["assignee"]
        try:
            count = services.complaint_assign(actor=user, complaints=chosen, assignee=assignee)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("无权分派所选申诉。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request,
                _("已将 %(count)d 件申诉分派给 %(name)s。")
                % {"count": count, "name": assignee.display_name},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("complaints:queue")
    return redirect(target)


# --- Detail -------------------------------------------------------------------------------


def _allowed_actions(complaint: Complaint) -> list[str]:
    """The targets offered as buttons, in workflow order (a suspended complaint can only
    resume to where it was suspended from)."""
    targets = allowed_targets(complaint.state)
    if complaint.state == State.SUSPENDED:
        targets &= {complaint.suspended_from}
    return [s for s in ACTION_ORDER if s in targets]


def _timeline(complaint: Complaint) -> list[dict]:
    entries = []
    changes = complaint.status_changes.select_related("actor", "actor_organization")
    for change in changes.order_by("created_at", "id"):
        details = change.details or {}
        extra = []
        if details.get("refusal_reason") in RefusalReason.values:
            extra.append(RefusalReason(details["refusal_reason"]).label)
        if details.get("result") in ReplyResult.values:
            extra.append(
                _("核查结论：%(result)s") % {"result": ReplyResult(details["result"]).label}
            )
        if details.get("referral"):
            kind = Referral.Kind(details["referral"]).label
            extra.append(_("%(kind)s至 %(org)s") % {"kind": kind, "org": details.get("to", "")})
        if details.get("transferred_to"):
            extra.append(_("移交%(name)s办理") % {"name": details["transferred_to"]})
        if details.get("merged_into"):
            extra.append(_("并入 %(code)s") % {"code": details["merged_into"]})
        entries.append(
            {
                "change": change,
                "is_referral": bool(details.get("referral")),
                "extra": extra,
                "css": STATE_CSS.get(change.to_state, ""),
            }
        )
    return entries


def _detail_context(
    request,
    complaint: Complaint,
    *,
    bound: dict | None = None,
    personal: dict | None = None,
) -> dict:
    """Everything the detail page shows. ``bound`` holds a form that failed validation, by
    key (a target state, ``refer``, ``verify`` or ``answer-<referral id>``), to show again
    with its errors."""
    user = request.user
    bound = bound or {}
    can_handle = services.can_handle(user, complaint)
    actions = []
    if can_handle:
        for to in _allowed_actions(complaint):
            form = bound.get(to) or action_form_class(to)(
                initial={"to": to, "expected_version": complaint.version},
                auto_id=f"id_{to}_%s",
            )
            actions.append(
                {"to": to, "label": ACTION_LABELS.get(to, to), "form": form, "open": to in bound}
            )
    refer_form = None
    if can_handle and complaint.state in REFERABLE_STATES:
        refer_form = bound.get("refer") or ReferralForm(
            organizations=web_selectors.referral_targets(complaint=complaint), auto_id="id_refer_%s"
        )
    verify_form = None
    if can_handle and complaint.state in VERIFIABLE_STATES:
        verify_form = bound.get("verify") or VerificationForm(
            initial={"performed_on": timezone.localdate().isoformat()}, auto_id="id_verify_%s"
        )
    referrals = []
    for referral in complaint.referrals.select_related("to_organization", "answered_by"):
        answer_form = None
        if (
            referral.to_organization_id == user.organization_id
            and not referral.answered_at
            and user.organization_id
        ):
            key = f"answer-{referral.pk}"
            answer_form = bound.get(key) or ReferralAnswerForm(auto_id=f"id_{key}_%s")
        referrals.append({"referral": referral, "answer_form": answer_form})
    building = complaint.building
    presences = []
    if building is not None:
        presences = list(
            building_selectors.visible_presences(user=user, queryset=building.presences.all())
            .select_related("operator")
            .order_by("operator__code")
        )
    if personal is None:
        personal = {
            "name": _masked_name(complaint),
            "phone": ""
            if complaint.personal_data_erased_at
            else personal_data.mask_phone(complaint.complainant_phone),
            "company": complaint.complainant_company,
            "address": "",
            "full": False,
        }
    duplicates = []
    if can_handle and complaint.state in OPEN_STATES:
        duplicates = web_selectors.duplicate_panel(user=user, complaint=complaint)
    verifications = list(complaint.verifications.select_related("created_by"))
    evidence_of, loose_evidence = evidence.evidence_by_verification(complaint, verifications)
    is_handler_org = services.handles(user, complaint)
    letters_allowed = can_handle and is_handler_org
    receipt = request.session.pop(SECRET_SESSION_KEY.format(pk=complaint.pk), None)
    return {
        **building_views.link_context(request, complaint, can_handle=can_handle),
        "nav_active": "complaints",
        "complaint": complaint,
        "state_css": STATE_CSS.get(complaint.state, ""),
        "due": complaint.current_due_at,
        "overdue": _is_overdue(complaint, timezone.now()),
        "personal": personal,
        "can_reveal": is_handler_org and not complaint.personal_data_erased_at,
        "can_handle": can_handle,
        "actions": actions,
        "refer_form": refer_form,
        "verify_form": verify_form,
        "referrals": referrals,
        "verifications": [{"record": v, "evidence": evidence_of[v.pk]} for v in verifications],
        "loose_evidence": loose_evidence,
        "duplicates": duplicates,
        "can_merge": can_handle and State.MERGED in _allowed_actions(complaint),
        "attachments": web_selectors.complaint_attachments(complaint),
        "ratings": web_selectors.public_ratings(complaint),
        "timeline": _timeline(complaint),
        "building": building,
        "presences": presences,
        "refusal_grounds": [RefusalReason(g).label for g in services.refusal_grounds(complaint)]
        if can_handle and complaint.state == State.SUBMITTED
        else [],
        "letters": {
            "acknowledgement": letters_allowed and letters.available(complaint, "acknowledgement"),
            "reply": letters_allowed and letters.available(complaint, "reply"),
        },
        "receipt": receipt,
    }


@login_required
@require_GET
def complaint_detail(request, pk: int):
    complaint = get_complaint(request, pk)
    context = _detail_context(request, complaint)
    response = render(request, "complaints/detail.html", context)
    if context["receipt"]:
        response["Cache-Control"] = "no-store"  # the query code is shown once
    return response


@login_required
@require_POST
def complaint_reveal(request, pk: int):
    """Show the complainant's personal data: in full for the people handling it (each
    reveal audited by the service), masked for everyone else."""
    complaint = get_complaint(request, pk)
    personal = personal_data.complaint_personal_data(user=request.user, complaint=complaint)
    if not personal["full"]:
        messages.warning(request, _("只有承办人员可以查看申诉人的完整信息。"))
    context = _detail_context(request, complaint, personal=personal)
    response = render(request, "complaints/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def complaint_public_text(request, pk: int):
    """Save the public text as the handling staff corrected it (redacted again, audited)."""
    complaint = get_complaint(request, pk)
    try:
        public_text.complaint_public_text_edit(
            actor=request.user,
            complaint=complaint,
            text=request.POST.get("public_description", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("公开说明已保存。"))
    return redirect("complaints:detail", pk=complaint.pk)


def _rerender(request, complaint: Complaint, key: str, form) -> HttpResponse:
    context = _detail_context(request, complaint, bound={key: form})
    return render(request, "complaints/detail.html", context, status=400)


@login_required
@require_POST
def complaint_transition(request, pk: int):
    complaint = get_complaint(request, pk)
    user = request.user
    if not services.can_handle(user, complaint):
        raise PermissionDenied
    to = request.POST.get("to", "")
    if to not in State.values:
        messages.error(request, _("未知的操作。"))
        return redirect("complaints:detail", pk=complaint.pk)
    form = action_form_class(to)(request.POST, auto_id=f"id_{to}_%s")
    if "expected_version" in form.errors:
        messages.error(request, _("页面已过期，请刷新后再操作。"))
        return redirect("complaints:detail", pk=complaint.pk)
    if to not in _allowed_actions(complaint):
        # Not offered on this page (a stale page or a forged request): the service decides
        # and says why (changed by someone else, or not allowed from the current state).
        try:
            services.complaint_transition(
                actor=user,
                complaint=complaint,
                to=to,
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("complaints:detail", pk=complaint.pk)
    if form.is_valid():
        details = form.details()
        if to == State.MERGED:
            master = web_selectors.complaint_by_tracking_code(
                user=user, tracking_code=details["master"]
            )
            if master is None:
                form.add_error("master", _("找不到该受理编号的申诉。"))
                return _rerender(request, complaint, to, form)
            details["master"] = master
        try:
            services.complaint_transition(
                actor=user,
                complaint=complaint,
                to=to,
                expected_version=form.cleaned_data["expected_version"],
                **details,
            )
        except (services.ConcurrentEdit, services.InvalidTransition) as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("complaints:detail", pk=complaint.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已办理：%(action)s，当前状态为“%(state)s”。")
                % {"action": ACTION_LABELS.get(to, to), "state": complaint.get_state_display()},
            )
            return redirect("complaints:detail", pk=complaint.pk)
    return _rerender(request, complaint, to, form)


@login_required
@require_POST
def complaint_refer(request, pk: int):
    complaint = get_complaint(request, pk)
    user = request.user
    if not services.can_handle(user, complaint):
        raise PermissionDenied
    form = ReferralForm(
        request.POST,
        organizations=web_selectors.referral_targets(complaint=complaint),
        auto_id="id_refer_%s",
    )
    if form.is_valid():
        organization = form.cleaned_data["to_organization"]
        try:
            services.complaint_refer(
                actor=user,
                complaint=complaint,
                to_organization=organization,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except services.InvalidTransition as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("complaints:detail", pk=complaint.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已转至 %(org)s。") % {"org": organization.name})
            return redirect("complaints:detail", pk=complaint.pk)
    return _rerender(request, complaint, "refer", form)


@login_required
@require_POST
def referral_answer(request, pk: int, referral_pk: int):
    complaint = get_complaint(request, pk)
    referral = complaint.referrals.filter(pk=referral_pk).first()
    if referral is None:
        raise Http404
    key = f"answer-{referral.pk}"
    form = ReferralAnswerForm(request.POST, auto_id=f"id_{key}_%s")
    if form.is_valid():
        try:
            services.referral_answer(
                actor=request.user, referral=referral, answer=form.cleaned_data["answer"]
            )
        except services.InvalidTransition as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("complaints:detail", pk=complaint.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已提交办理意见。"))
            return redirect("complaints:detail", pk=complaint.pk)
    return _rerender(request, complaint, key, form)


@login_required
@require_POST
def verification_add(request, pk: int):
    complaint = get_complaint(request, pk)
    form = VerificationForm(request.POST, request.FILES, auto_id="id_verify_%s")
    if form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("evidence", [])
        try:
            evidence.verification_add_with_evidence(
                actor=request.user, complaint=complaint, files=files, **data
            )
        except services.InvalidTransition as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("complaints:detail", pk=complaint.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记核查记录。"))
            return redirect("complaints:detail", pk=complaint.pk)
    return _rerender(request, complaint, "verify", form)


# --- Likely duplicates, attachments -------------------------------------------------------


def _duplicate_request(request, pk: int, candidate_pk: int) -> tuple[Complaint, Complaint]:
    """The complaint (404 if not visible, 403 if the user does not handle it) and the
    candidate (404 unless the user can see it)."""
    complaint = get_complaint(request, pk)
    if not services.can_handle(request.user, complaint):
        raise PermissionDenied
    candidate = web_selectors.duplicate_candidate(
        user=request.user, complaint=complaint, pk=candidate_pk
    )
    if candidate is None:
        raise Http404
    return complaint, candidate


@login_required
@require_POST
def duplicate_merge(request, pk: int, candidate_pk: int):
    """Merge this complaint into the likely duplicate ``candidate_pk`` (its master)."""
    complaint, candidate = _duplicate_request(request, pk, candidate_pk)
    version = request.POST.get("expected_version", "")
    if not version.isdigit():
        messages.error(request, _("页面已过期，请刷新后再操作。"))
        return redirect("complaints:detail", pk=complaint.pk)
    try:
        services.complaint_transition(
            actor=request.user,
            complaint=complaint,
            to=State.MERGED,
            master=candidate.pk,
            expected_version=int(version),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已合并至 %(code)s。") % {"code": candidate.tracking_code})
    return redirect("complaints:detail", pk=complaint.pk)


@login_required
@require_POST
def duplicate_dismiss(request, pk: int, candidate_pk: int):
    """Say the candidate is not a duplicate: it is no longer listed."""
    complaint, candidate = _duplicate_request(request, pk, candidate_pk)
    try:
        duplicate_services.duplicate_dismiss(
            actor=request.user, complaint=complaint, candidate=candidate
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, _("已确认 %(code)s 不是重复申诉。") % {"code": candidate.tracking_code}
        )
    return redirect("complaints:detail", pk=complaint.pk)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """An attachment of a complaint the user can see (404 otherwise), always downloaded,
    never shown inline; each download audited. Files the complainant sent may hold personal
    data, so like the name and phone they go only to the people handling the complaint."""
    user = request.user
    if not user.has_perm("complaints.view_complaint"):
        raise Http404
    attachment = web_selectors.complaint_attachment(user=user, complaint_pk=pk, pk=attachment_pk)
    if attachment is None:
        raise Http404
    if attachment.kind == Attachment.Kind.COMPLAINT and not services.handles(
        user, attachment.complaint
    ):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    with transaction.atomic():
        audit_record(
            actor=user,
            action="complaint.attachment_download",
            obj=attachment.complaint,
            changes={"attachment": attachment.pk, "kind": attachment.kind},
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Intake -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def complaint_intake(request):
    user = request.user
    if not user.has_perm("complaints.add_complaint"):
        raise PermissionDenied
    kwargs = {
        "categories": selectors.categories(),
        "operators": web_selectors.basic_operators(),
        "building_lookup": lambda code: building_selectors.intake_building(code=code),
    }
    if request.method == "POST":
        form = IntakeForm(request.POST, **kwargs)
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = IntakeForm(initial={"received_at": now}, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            complaint, secret = services.complaint_create(
                actor=user, intake=Intake(**form.service_data())
            )
        except ValidationError as exc:
            add_service_errors(form, exc, building="building_code")
        else:
            request.session[SECRET_SESSION_KEY.format(pk=complaint.pk)] = secret
            messages.success(
                request, _("已登记申诉，受理编号 %(code)s。") % {"code": complaint.tracking_code}
            )
            if selectors.complaint_list(user=user).filter(pk=complaint.pk).exists():
                return redirect("complaints:detail", pk=complaint.pk)
            messages.info(
                request,
                _("查询码：%(secret)s（请告知申诉人，仅显示一次）。该申诉由 %(handler)s 承办。")
                % {"secret": secret, "handler": complaint.handler.name},
            )
            request.session.pop(SECRET_SESSION_KEY.format(pk=complaint.pk), None)
            return redirect("complaints:queue")
    return render(
        request,
        "complaints/intake.html",
        {"nav_active": "complaints", "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Letters ------------------------------------------------------------------------------


@login_required
@require_GET
def complaint_letter(request, pk: int, kind: str):
    """A printable letter to the complainant. It carries the complainant's name, so only
    the handling organisation's staff may issue it, and each printing is audited."""
    complaint = get_complaint(request, pk)
    user = request.user
    if kind not in letters.KINDS or not letters.available(complaint, kind):
        raise Http404
    if not (services.can_handle(user, complaint) and services.handles(user, complaint)):
        raise PermissionDenied
    letter = letters.letter_issue(actor=user, complaint=complaint, kind=kind)
    pdf = letters.render(letter)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.tracking_code}-{kind}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
