"""Public pages (no login): file a complaint, track it with its two codes, rate the reply,
and the building type-ahead. They show no personal data and no internal notes; every
request that could be abused is rate limited in the cache."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.buildings import selectors as building_selectors
from louyu.complaints import attachments, codes, selectors, services
from louyu.complaints.models import Complaint, PublicRating
from louyu.complaints.public_forms import (
    PublicComplaintForm,
    RatingForm,
    TrackForm,
    started_token,
)
from louyu.complaints.services import Intake
from louyu.complaints.workflow import State
from louyu.core import ratelimit, uploads
from louyu.core.middleware import client_ip

SESSION_KEY = "public_tracked"
SEARCH_LIMIT = 10

# What each state means for the complainant, in plain words.
PUBLIC_STATE_TEXT = {
    State.SUBMITTED: gettext_lazy("已收到，等待受理审查"),
    State.ACCEPTED: gettext_lazy("已受理，正在安排核查"),
    State.REJECTED: gettext_lazy("不予受理"),
    State.VERIFYING: gettext_lazy("正在核查"),
    State.HANDLING: gettext_lazy("正在处理"),
    State.SUSPENDED: gettext_lazy("暂停办理（等待补充材料）"),
    State.REPLIED: gettext_lazy("已答复"),
    State.REOPENED: gettext_lazy("重新处理中"),
    State.CLOSED: gettext_lazy("已办结"),
    State.MERGED: gettext_lazy("已与其他申诉合并处理"),
}
STEP_TEXT = {
    State.SUBMITTED: gettext_lazy("提交申诉"),
    State.ACCEPTED: gettext_lazy("受理"),
    State.REJECTED: gettext_lazy("不予受理"),
    State.VERIFYING: gettext_lazy("开始核查"),
    State.HANDLING: gettext_lazy("进入处理"),
    State.SUSPENDED: gettext_lazy("暂停办理"),
    State.REPLIED: gettext_lazy("答复"),
    State.REOPENED: gettext_lazy("重新处理"),
    State.CLOSED: gettext_lazy("办结"),
    State.MERGED: gettext_lazy("合并处理"),
}


def _rate_limited(name: str, ident: str) -> int | None:
    """Count one request for ``ident`` under the limit ``name``: None within the limit,
    else the seconds to wait (``Retry-After``)."""
    return ratelimit.hit(name, ident, settings.LOUYU_PUBLIC_RATE_LIMITS[name])


def _retry_after(response, seconds: int):
    response["Retry-After"] = str(seconds)
    return response


def _fresh_started(form) -> None:
    """A fresh timing token in a form shown again (the one sent is expired, forged or used)."""
    form.data = form.data.copy()
    form.data["started"] = started_token()


def _ip(request) -> str:
    return client_ip(request) or "unknown"


def _phone_key(phone: str) -> str:
    return re.sub(r"\D", "", phone or "") or "none"


@require_GET
def building_search(request):
    """Active buildings whose name or address contains ``q``: at most 10 of
    ``{id, name, address}`` (public registry data, nothing else)."""
    if wait := _rate_limited("building_search_ip", _ip(request)):
        return _retry_after(
            JsonResponse({"results": [], "error": _("查询过于频繁，请稍后再试。")}, status=429),
            wait,
        )
    q = (request.GET.get("q") or "").strip()[:100]
    if len(q) < 2:
        return JsonResponse({"results": []})
    rows = building_selectors.intake_building_search(q, limit=SEARCH_LIMIT)
    return JsonResponse({"results": rows})


def _form_context(form) -> dict:
    return {"form": form, "max_files": uploads.max_files()}


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    if request.method == "GET":
        form = PublicComplaintForm(initial={"started": started_token()})
        return render(request, "complaints/public/complaint_form.html", _form_context(form))
    form = PublicComplaintForm(request.POST, request.FILES)
    if form.is_honeypot():
        return render(request, "complaints/public/accepted.html")
    if not form.is_valid() or not form.claim_started():
        _fresh_started(form)
        return render(
            request, "complaints/public/complaint_form.html", _form_context(form), status=400
        )
    data = form.cleaned_data
    wait = _rate_limited("complaint_ip", _ip(request)) or _rate_limited(
        "complaint_phone", _phone_key(data["complainant_phone"])
    )
    if wait:
        form.add_error(None, _("提交过于频繁，请稍后再试，或拨打 12300 电信用户申诉受理中心电话。"))
        _fresh_started(form)
        return _retry_after(
            render(
                request, "complaints/public/complaint_form.html", _form_context(form), status=429
            ),
            wait,
        )
    building = data.get("building")
    try:
        with attachments.discarded_on_failure(), transaction.atomic():
            complaint, secret = services.complaint_create(
                actor=None,
                intake=Intake(
                    channel="web",
                    category=data["category"],
                    description=data["description"],
                    complainant_name=data["complainant_name"],
                    complainant_phone=data["complainant_phone"],
                    complainant_company=data.get("complainant_company", ""),
                    complainant_address=data.get("complainant_address", ""),
                    building=building,
                    address="" if building else data.get("address", ""),
                ),
            )
            attachments.attachments_save(complaint=complaint, files=data["attachments"])
    except ValidationError as exc:
        for field, messages in getattr(exc, "message_dict", {None: exc.messages}).items():
            target = field if field in form.fields else None
            if field in ("address",) and building is None:
                target = "address"
            for message in messages:
                form.add_error(target, message)
        _fresh_started(form)
        return render(
            request, "complaints/public/complaint_form.html", _form_context(form), status=400
        )
    return render(
        request,
        "complaints/public/receipt.html",
        {
            "complaint": complaint,
            "secret": secret,
            "files": len(data["attachments"]),
            "due_last_day": _last_day(complaint.accept_due_at),
        },
    )


def _remember(request, complaint: Complaint) -> None:
    tracked = [p for p in request.session.get(SESSION_KEY, []) if p != str(complaint.public_id)]
    request.session[SESSION_KEY] = [*tracked[-9:], str(complaint.public_id)]


def _tracked(request, public_id) -> Complaint:
    """The complaint this browser proved it may see (by its two codes), else 404."""
    if str(public_id) not in request.session.get(SESSION_KEY, []):
        raise Http404
    complaint = (
        Complaint.objects.select_related("category", "merged_into")
        .filter(public_id=public_id)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    error = ""
    status = 200
    wait = None
    if request.method == "POST":
        if wait := _rate_limited("track_ip", _ip(request)):
            error, status = _("查询过于频繁，请一小时后再试。"), 429
        elif form.is_valid():
            complaint = Complaint.objects.filter(
                tracking_code=form.cleaned_data["tracking_code"]
            ).first()
            if complaint is not None and codes.check_secret(complaint, form.cleaned_data["secret"]):
                _remember(request, complaint)
                return HttpResponseRedirect(
                    reverse("public:track_status", args=[complaint.public_id])
                )
            error, status = _("未找到该申诉，请核对受理编号和查询码。"), 404
        else:
            error, status = _("未找到该申诉，请核对受理编号和查询码。"), 400
    response = render(
        request, "complaints/public/track.html", {"form": form, "error": error}, status=status
    )
    return _retry_after(response, wait) if wait else response


def _last_day(due_at):
    """A deadline is stored as the start of the next day; people read its last day."""
    if due_at is None:
        return None
    return timezone.localtime(due_at - datetime.timedelta(microseconds=1)).date()


def _public_result(complaint: Complaint) -> dict | None:
    if complaint.state in (State.REPLIED, State.CLOSED) and complaint.reply_result:
        return {
            "result": complaint.get_reply_result_display(),
            "text": complaint.reply_text,
            "replied_at": complaint.replied_at,
        }
    return None


def _steps(complaint: Complaint) -> list[dict]:
    steps = [{"label": STEP_TEXT[State.SUBMITTED], "at": complaint.received_at}]
    for change in selectors.public_timeline(complaint):
        if change.from_state == change.to_state or change.to_state not in STEP_TEXT:
            continue
        if change.to_state == State.SUBMITTED and not change.from_state:
            continue  # intake: shown above with the time the complaint was received
        steps.append({"label": STEP_TEXT[change.to_state], "at": change.created_at})
    return steps


@never_cache
@require_GET
def track_status(request, public_id):
    complaint = _tracked(request, public_id)
    master = complaint.merged_into if complaint.state == State.MERGED else None
    rated = complaint.public_ratings.exists()
    context = {
        "complaint": complaint,
        "state_text": PUBLIC_STATE_TEXT.get(complaint.state, complaint.get_state_display()),
        "steps": _steps(complaint),
        "due_at": complaint.current_due_at,
        "due_last_day": _last_day(complaint.current_due_at),
        "result": _public_result(complaint),
        "refusal": complaint.get_refusal_reason_display()
        if complaint.state == State.REJECTED
        else "",
        "master": master,
        "master_state_text": PUBLIC_STATE_TEXT.get(master.state, "") if master else "",
        "master_result": _public_result(master) if master else None,
        "can_rate": complaint.state in (State.REPLIED, State.CLOSED) and not rated,
        "rated": rated,
        "rating_form": RatingForm(),
    }
    return render(request, "complaints/public/status.html", context)


@require_POST
def track_rate(request, public_id):
    """Record the complainant's rating once; it does not change the complaint's state."""
    complaint = _tracked(request, public_id)
    if complaint.state not in (State.REPLIED, State.CLOSED):
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid() and not complaint.public_ratings.exists():
        PublicRating.objects.create(
            complaint=complaint,
            satisfaction=form.cleaned_data["satisfaction"],
            resolved=form.cleaned_data["resolved"],
            comment=form.cleaned_data.get("comment", "").strip(),
        )
    elif not form.is_valid():
        return render(
            request,
            "complaints/public/status.html",
            {
                "complaint": complaint,
                "state_text": PUBLIC_STATE_TEXT.get(complaint.state, ""),
                "steps": _steps(complaint),
                "result": _public_result(complaint),
                "can_rate": True,
                "rating_form": form,
            },
            status=400,
        )
    return HttpResponseRedirect(reverse("public:track_status", args=[complaint.public_id]))
