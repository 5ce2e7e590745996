"""The domain's error vocabulary, shared by every app.

Services raise Django's ``ValidationError`` for bad input (per field where they can),
``PermissionDenied`` when the actor may see the object but not do this to it, and a
``Conflict`` when the input is fine but the object's state does not allow the step now.
The web views show all three as messages; the API's exception handler
(``louyu.core.rest.errors``) answers 400, 403 and 409 respectively."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The step is not possible in the object's current state (API: 409). ``extra`` holds
    fields the answer carries beside ``detail`` (e.g. the existing object's id)."""

    def __init__(self, message, *args, extra: dict[str, Any] | None = None, **kwargs) -> None:
        super().__init__(message, *args, **kwargs)
        self.extra = dict(extra or {})


class InvalidTransition(Conflict):
    """The workflow does not allow this transition (or action) from the current state."""


class ConcurrentEdit(Conflict):
    """Someone changed the object since the caller read it (``expected_version``)."""
