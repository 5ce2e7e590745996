"""Staff pages of the reference articles: the list with its filter, an article, and the
import of several files at once with a result per file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from louyu.articles import selectors, services
from louyu.articles.forms import ArticleFilterForm, ArticleImportForm
from louyu.articles.models import Article
from louyu.articles.parsing import sanitize_paragraphs
from louyu.core.forms import add_service_errors
from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.selectors import jurisdiction_list

PAGE_SIZE = 25
OUTCOME_CSS = {
    services.Outcome.CREATED: "ly-tag-done",
    services.Outcome.UPDATED: "ly-tag-open",
    services.Outcome.REFUSED: "ly-tag-overdue",
}


def _require_view(user) -> None:
    if not selectors.can_view(user):
        raise PermissionDenied


@login_required
@require_GET
def article_list(request):
    user = request.user
    _require_view(user)
    form = ArticleFilterForm(
        request.GET, jurisdictions=jurisdiction_list(user=user).order_by("sort_order", "code")
    )
    qs = selectors.article_list(user=user, filters=form.filters())
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/list.html",
        {
            "nav_active": "articles",
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_import": services.can_import(user),
        },
    )


@login_required
@require_GET
def article_detail(request, pk: int):
    _require_view(request.user)
    try:
        article = selectors.article_get(user=request.user, pk=pk)
    except Article.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "articles/detail.html",
        {
            "nav_active": "articles",
            "article": article,
            # Sanitised at import and once more here, so that no edit outside the import
            # (the admin, a database fix) can put markup on the page that the import refuses.
            "body": mark_safe(sanitize_paragraphs(article.body_html)),  # noqa: S308
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_import(request):
    if not services.can_import(request.user):
        raise PermissionDenied
    results = None
    if request.method != "POST":
        form = ArticleImportForm()
    elif (form := ArticleImportForm(request.POST, request.FILES)).is_valid():
        try:
            results = services.article_import_files(
                actor=request.user, uploads=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    rows = [{"result": r, "css": OUTCOME_CSS[r.outcome]} for r in results or []]
    return render(
        request,
        "articles/import.html",
        {
            "nav_active": "articles",
            "form": form,
            "results": results,
            "rows": rows,
            "max_files": services.max_article_files(),
            "max_size": services.size_text(services.max_article_bytes()),
        },
        status=400 if form.errors else 200,
    )
