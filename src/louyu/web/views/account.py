"""The user's own API token: see it, and replace it (the old one stops working at once)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from louyu.core.api_tokens import api_token_get, api_token_rotate, token_expires_at


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    user = request.user
    if request.method == "POST":
        api_token_rotate(actor=user, user=user)
        messages.success(request, _("已生成新的 API 令牌，原令牌已失效。"))
        return redirect("web:api_token")
    token = api_token_get(user=user)
    return render(
        request,
        "web/api_token.html",
        {"token": token, "expires_at": token_expires_at(token) if token else None},
    )
