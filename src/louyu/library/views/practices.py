"""Pages of the practice library: the list, writing and editing a draft, the practice
with its rendered body, attachments, metric trends, history, comments and adoptions, and
the forms that review, publish, comment and adopt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.scope import scope_for
from louyu.library import selectors
from louyu.library.forms import (
    AdoptForm,
    CommentForm,
    PracticeFilterForm,
    PracticeForm,
    TransitionForm,
)
from louyu.library.markdown import render_markdown
from louyu.library.services import practices as services
from louyu.library.views.common import call_service, file_response, get_or_404
from louyu.library.workflow import PracticeState, practice_targets

PAGE_SIZE = 25
STATE_CSS = {
    PracticeState.DRAFT: "ly-tag-provisional",
    PracticeState.REVIEWED: "ly-tag-open",
    PracticeState.PUBLISHED: "ly-tag-done",
}
TRANSITION_LABELS = {
    (PracticeState.DRAFT, PracticeState.REVIEWED): gettext_lazy("审核通过"),
    (PracticeState.REVIEWED, PracticeState.PUBLISHED): gettext_lazy("发布"),
    (PracticeState.REVIEWED, PracticeState.DRAFT): gettext_lazy("退回修改"),
    (PracticeState.PUBLISHED, PracticeState.DRAFT): gettext_lazy("撤回发布"),
}


def _require_view(user) -> None:
    if not user.has_perm("library.view_practice"):
        raise PermissionDenied


def _jurisdictions(user):
    return selectors.writable_jurisdictions(user=user)


def _practice_form(user, data=None, files=None, initial=None):
    return PracticeForm(
        data,
        files,
        initial=initial,
        jurisdictions=_jurisdictions(user),
        metric_choices=selectors.metric_choices(),
    )


@login_required
@require_GET
def practice_list(request):
    _require_view(request.user)
    form = PracticeFilterForm(request.GET)
    qs = selectors.practice_filter(
        selectors.practice_list(user=request.user), **form.filters()
    ).prefetch_related("tags")
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for practice in page:
        practice.css = STATE_CSS.get(practice.state, "")
    return render(
        request,
        "library/practice_list.html",
        {
            "nav_active": "library",
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_create": request.user.has_perm("library.add_practice")
            and _jurisdictions(request.user).exists(),
        },
    )


def _jurisdiction_of(request, form):
    code = form.cleaned_data.get("jurisdiction")
    choices = _jurisdictions(request.user)
    if code:
        return choices.filter(pk=code).first()
    return choices.first() if not scope_for(request.user).is_national else None


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request):
    user = request.user
    if not user.has_perm("library.add_practice"):
        raise PermissionDenied
    form = _practice_form(user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        practice = call_service(
            request,
            form,
            lambda: services.practice_create(
                actor=user,
                jurisdiction=_jurisdiction_of(request, form),
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                tags=data["tags"],
                metrics=data["metrics"],
                started_on=data["started_on"],
                attachments=data["attachments"],
            ),
        )
        if practice is not None:
            messages.success(request, _("经验做法已保存为草稿。"))
            return redirect("library:practice_detail", pk=practice.pk)
    return render(
        request,
        "library/practice_form.html",
        {"nav_active": "library", "form": form, "practice": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request, pk: int):
    _require_view(request.user)
    practice = get_or_404(selectors.practice_get, user=request.user, pk=pk)
    if not services.can_edit_practice(request.user, practice):
        raise PermissionDenied
    initial = {
        "title": practice.title,
        "jurisdiction": str(practice.jurisdiction_id),
        "summary": practice.summary,
        "body": practice.body,
        "tags": ", ".join(t.name for t in practice.tags.all()),
        "started_on": practice.started_on,
        "metrics": practice.metrics,
    }
    form = _practice_form(request.user, request.POST or None, request.FILES or None, initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = ("title", "summary", "body", "tags", "metrics", "started_on")
        done = call_service(
            request,
            form,
            lambda: services.practice_update(
                actor=request.user,
                practice=practice,
                attachments=data["attachments"],
                **{name: data[name] for name in fields},
            ),
        )
        if done is not None:
            messages.success(request, _("经验做法已更新。"))
            return redirect("library:practice_detail", pk=practice.pk)
    return render(
        request,
        "library/practice_form.html",
        {"nav_active": "library", "form": form, "practice": practice},
    )


def _detail(request, practice, *, comment_form=None, adopt_form=None, transition_form=None):
    user = request.user
    transitions = [
        {
            "to": to,
            "label": TRANSITION_LABELS[(practice.state, to)],
            "needs_reason": to == PracticeState.DRAFT,
        }  # fmt: skip
        for to in sorted(practice_targets(practice.state))
        if services.can_transition(user, practice, to)
    ]
    adopted = any(a.organization_id == user.organization_id for a in practice.adoptions.all())
    can_adopt = services.can_adopt(user, practice) and not adopted
    return render(
        request,
        "library/practice_detail.html",
        {
            "nav_active": "library",
            "practice": practice,
            "state_css": STATE_CSS.get(practice.state, ""),
            "body_html": render_markdown(practice.body),
            "trends": selectors.practice_trends(user=user, practice=practice),
            "transitions": transitions,
            "transition_form": transition_form,
            "can_edit": services.can_edit_practice(user, practice),
            "comment_form": comment_form
            or (CommentForm() if user.has_perm("library.add_practicecomment") else None),
            "adopt_form": adopt_form or (AdoptForm() if can_adopt else None),
        },
        status=400
        if any(f is not None for f in (comment_form, adopt_form, transition_form))
        else 200,
    )


@login_required
@require_GET
def practice_detail(request, pk: int):
    _require_view(request.user)
    return _detail(request, get_or_404(selectors.practice_get, user=request.user, pk=pk))


@login_required
@require_POST
def practice_transition(request, pk: int):
    _require_view(request.user)
    practice = get_or_404(selectors.practice_get, user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("无效的操作。"))
        return redirect("library:practice_detail", pk=pk)
    data = form.cleaned_data
    done = call_service(
        request,
        form,
        lambda: services.practice_transition(
            actor=request.user,
            practice=practice,
            to=data["to"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
    )
    if done is None:
        if form.errors:
            return _detail(request, practice, transition_form=form)
        return redirect("library:practice_detail", pk=pk)
    messages.success(
        request, _("经验做法已转为“%(state)s”。") % {"state": done.get_state_display()}
    )
    return redirect("library:practice_detail", pk=pk)


@login_required
@require_POST
def practice_comment(request, pk: int):
    _require_view(request.user)
    practice = get_or_404(selectors.practice_get, user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid() and call_service(
        request,
        form,
        lambda: services.practice_comment(
            actor=request.user, practice=practice, text=form.cleaned_data["text"]
        ),
    ):
        messages.success(request, _("评论已发表。"))
        return redirect(reverse("library:practice_detail", args=[pk]) + "#comments")
    return _detail(request, practice, comment_form=form)


@login_required
@require_POST
def practice_adopt(request, pk: int):
    _require_view(request.user)
    practice = get_or_404(selectors.practice_get, user=request.user, pk=pk)
    form = AdoptForm(request.POST)
    if form.is_valid() and call_service(
        request,
        form,
        lambda: services.practice_adopt(
            actor=request.user, practice=practice, what=form.cleaned_data["what"]
        ),
    ):
        messages.success(request, _("已标记借鉴。"))
        return redirect(reverse("library:practice_detail", args=[pk]) + "#adoptions")
    return _detail(request, practice, adopt_form=form)


@login_required
@require_GET
def attachment_download(request, pk: int):
    _require_view(request.user)
    attachment = get_or_404(selectors.attachment_get, user=request.user, pk=pk)
    if not attachment.file:
        raise Http404
    return file_response(attachment.file, attachment.name, attachment.content_type)
