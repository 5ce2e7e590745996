"""What the library's pages share: the 404 for anything outside the user's scope, the
service call that turns a service's errors into messages or form errors, and the file
download."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404

from louyu.core.errors import Conflict
from louyu.core.forms import add_service_errors


def get_or_404(select: Callable, *, user, pk):
    try:
        return select(user=user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def call_service(request, form, call: Callable, **renames: str):
    """Run ``call``; on bad input put its field errors on ``form`` (a refusal or a state
    conflict becomes a message) and return None, so the page is shown again with nothing
    changed."""
    try:
        return call()
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "您无权进行此操作。")
    except ValidationError as exc:
        if form is not None and hasattr(exc, "error_dict") and not isinstance(exc, Conflict):
            add_service_errors(form, exc, **renames)
        else:  # a state conflict is about the page, not a field: say it at the top
            messages.error(request, " ".join(exc.messages))
    return None


def file_response(field, name: str, content_type: str) -> FileResponse:
    response = FileResponse(field.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = content_type or "application/octet-stream"
    return response
