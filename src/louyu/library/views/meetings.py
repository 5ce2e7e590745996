"""Pages of exchange meetings: the list, recording a meeting, the meeting with its agenda,
minutes, action items and the overview of which organisations have acted, and the action
item page where the assigned organisation responds (linked from its inbox)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.scope import scope_for
from louyu.library import selectors
from louyu.library.forms import ActionItemForm, AgendaForm, MeetingForm, ResponseForm
from louyu.library.models import Meeting
from louyu.library.services import meetings as services
from louyu.library.views.common import call_service, file_response, get_or_404
from louyu.library.workflow import ActionState, PracticeState

PAGE_SIZE = 25


def _require_view(user) -> None:
    if not user.has_perm("library.view_meeting"):
        raise PermissionDenied


def _pick(qs, value):
    return qs.filter(pk=value).first() if value else None


@login_required
@require_GET
def meeting_list(request):
    _require_view(request.user)
    q = (request.GET.get("q") or "").strip()[:100]
    qs = selectors.meeting_filter(selectors.meeting_list(user=request.user), q=q)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "library/meeting_list.html",
        {
            "nav_active": "library",
            "page": page,
            "q": q,
            "query": query_without_page(request),
            "can_create": services.can_manage_meeting(request.user),
        },
    )


def _meeting_form(data=None, initial=None):
    return MeetingForm(data, initial=initial, organizations=selectors.presenter_choices())


def _save_meeting(request, form, meeting: Meeting | None):
    data = form.cleaned_data
    participants = list(selectors.presenter_choices().filter(pk__in=data["participants"]))
    values = {
        "title": data["title"],
        "date": data["date"],
        "kind": data["kind"],
        "minutes": data["minutes"],
        "participants": participants,
    }
    if meeting is None:
        return call_service(
            request,
            form,
            lambda: services.meeting_create(
                actor=request.user, organizer=request.user.organization, **values
            ),
        )
    return call_service(
        request,
        form,
        lambda: services.meeting_update(actor=request.user, meeting=meeting, **values),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    _require_view(request.user)
    if not services.can_manage_meeting(request.user):
        raise PermissionDenied
    form = _meeting_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = _save_meeting(request, form, None)
        if meeting is not None:
            messages.success(request, _("会议已记录。"))
            return redirect("library:meeting_detail", pk=meeting.pk)
    return render(request, "library/meeting_form.html", {"nav_active": "library", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    _require_view(request.user)
    meeting = get_or_404(selectors.meeting_get, user=request.user, pk=pk)
    if not services.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    initial = {
        "title": meeting.title,
        "date": meeting.date,
        "kind": meeting.kind,
        "minutes": meeting.minutes,
        "participants": [str(o.pk) for o in meeting.participants.all()],
    }
    form = _meeting_form(request.POST or None, initial)
    if request.method == "POST" and form.is_valid() and _save_meeting(request, form, meeting):
        messages.success(request, _("会议已更新。"))
        return redirect("library:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "library/meeting_form.html",
        {"nav_active": "library", "form": form, "meeting": meeting},
    )


def _agenda_form(request, data=None):
    return AgendaForm(
        data,
        presenters=selectors.presenter_choices(),
        practices=selectors.practice_list(user=request.user).filter(state=PracticeState.PUBLISHED),
        bulletins=selectors.bulletin_choices(user=request.user),
    )


def _render_meeting(request, meeting, *, agenda_form=None, action_form=None):
    can_manage = services.can_manage_meeting(request.user, meeting)
    bound = agenda_form is not None or action_form is not None
    return render(
        request,
        "library/meeting_detail.html",
        {
            "nav_active": "library",
            "meeting": meeting,
            "can_manage": can_manage,
            "overview": selectors.acted_overview(meeting),
            "agenda_form": (agenda_form or _agenda_form(request)) if can_manage else None,
            "action_form": (action_form or ActionItemForm(assignees=meeting.participants.all()))
            if can_manage
            else None,
        },
        status=400 if bound else 200,
    )


@login_required
@require_GET
def meeting_detail(request, pk: int):
    _require_view(request.user)
    return _render_meeting(request, get_or_404(selectors.meeting_get, user=request.user, pk=pk))


@login_required
@require_POST
def agenda_add(request, pk: int):
    _require_view(request.user)
    meeting = get_or_404(selectors.meeting_get, user=request.user, pk=pk)
    form = _agenda_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            request,
            form,
            lambda: services.agenda_item_add(
                actor=request.user,
                meeting=meeting,
                kind=data["kind"],
                title=data["title"],
                presenter=_pick(selectors.presenter_choices(), data["presenter"]),
                practice=_pick(selectors.practice_list(user=request.user), data["practice"]),
                bulletin=_pick(selectors.bulletin_choices(user=request.user), data["bulletin"]),
            ),
        )
        if done is not None:
            messages.success(request, _("议程已添加。"))
            return redirect("library:meeting_detail", pk=pk)
    return _render_meeting(request, meeting, agenda_form=form)


@login_required
@require_POST
def action_add(request, pk: int):
    _require_view(request.user)
    meeting = get_or_404(selectors.meeting_get, user=request.user, pk=pk)
    form = ActionItemForm(request.POST, assignees=meeting.participants.all())
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            request,
            form,
            lambda: services.action_item_add(
                actor=request.user,
                meeting=meeting,
                requirement=data["requirement"],
                assignee=_pick(meeting.participants.all(), data["assignee"]),
                due_date=data["due_date"],
            ),
        )
        if done is not None:
            messages.success(request, _("落实事项已交办。"))
            return redirect("library:meeting_detail", pk=pk)
    return _render_meeting(request, meeting, action_form=form)


def _render_action(request, item, form=None):
    can_respond = item.state == ActionState.OPEN and services.can_respond(request.user, item)
    return render(
        request,
        "library/action_detail.html",
        {
            "nav_active": "library",
            "item": item,
            "form": (form or ResponseForm(initial={"version": item.version}))
            if can_respond
            else None,
            "national": scope_for(request.user).is_national,
        },
        status=400 if form is not None else 200,
    )


@login_required
@require_GET
def action_detail(request, pk: int):
    _require_view(request.user)
    return _render_action(request, get_or_404(selectors.action_item_get, user=request.user, pk=pk))


@login_required
@require_POST
def action_respond(request, pk: int):
    _require_view(request.user)
    item = get_or_404(selectors.action_item_get, user=request.user, pk=pk)
    if not services.can_respond(request.user, item):
        raise PermissionDenied
    form = ResponseForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            request,
            form,
            lambda: services.action_item_transition(
                actor=request.user,
                item=item,
                to=ActionState.DONE,
                response=data["response"],
                evidence=data["evidence"],
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, _("落实情况已提交。"))
            return redirect("library:action_detail", pk=pk)
    return _render_action(request, item, form)


@login_required
@require_GET
def action_evidence(request, pk: int):
    _require_view(request.user)
    item = get_or_404(selectors.action_item_get, user=request.user, pk=pk)
    if not item.evidence:
        raise Http404
    return file_response(item.evidence, item.evidence_name, item.evidence_content_type)
