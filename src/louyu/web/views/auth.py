"""The login page's lockout answer (``AXES_LOCKOUT_CALLABLE``, docs/adr/0014)."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _


def login_locked_out(request, original_response=None, credentials=None):
    """The login page again, with the lockout explained, as 429 with ``Retry-After``."""
    seconds = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds())
    form = AuthenticationForm(request)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form.initial["username"] = username
    message = _(
        "登录失败次数过多，该账号已在本地址暂停登录 %(minutes)d 分钟。"
        "请稍后再试，或联系本单位系统管理员解除锁定。"
    ) % {"minutes": math.ceil(seconds / 60)}
    response = render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
