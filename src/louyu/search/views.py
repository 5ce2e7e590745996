"""The search page: an exact identifier the user may open jumps to its page; otherwise the
ranked results within the user's scope, with filters and pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.selectors import jurisdiction_list
from louyu.search.forms import SearchForm
from louyu.search.query import RESULT_CAP, document_search, exact_target, hits

PAGE_SIZE = 20


@login_required
@require_GET
def search(request):
    user = request.user
    form = SearchForm(request.GET or None, jurisdictions=jurisdiction_list(user=user))
    context = {"form": form, "page": None, "hits": [], "query": query_without_page(request)}
    if form.is_bound and "page" not in request.GET:
        target = exact_target(user=user, text=request.GET.get("q", ""))
        if target:
            return redirect(target)
    if form.is_bound and form.is_valid():
        documents, words = document_search(user=user, request=form.request())
        page = CappedPaginator(documents, PAGE_SIZE, cap=RESULT_CAP).get_page(
            request.GET.get("page")
        )
        context.update(page=page, hits=hits(page, words))
    return render(request, "search/results.html", context)
