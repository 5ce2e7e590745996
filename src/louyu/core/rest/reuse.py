"""One serializer instance per thread, reused for every request of a hot endpoint.

DRF builds a serializer's fields anew for every instance (``copy.deepcopy`` of each
declared field, and for a ModelSerializer the model introspection on top): on complaint
intake that cost about a tenth of the request. The fields hold no per-call state once
bound, so one bound instance can parse and render any number of requests, as long as the
context (the request) is set for each call. ``ReusedSerializer`` does exactly that and
nothing else: what it renders and the errors it raises are the serializer's own, so the
serializer class stays the one source of truth for the endpoint's shape and schema."""

from __future__ import annotations

import threading
from typing import Any

from rest_framework import serializers


class ReusedSerializer:
    """``ReusedSerializer(ComplaintSerializer).render(obj, context={"request": request})``
    gives what ``ComplaintSerializer(obj, context=...).data`` gives; ``parse(data)``
    gives ``validated_data`` or raises the ``ValidationError`` that
    ``is_valid(raise_exception=True)`` raises."""

    def __init__(self, serializer_class: type[serializers.Serializer]) -> None:
        self.serializer_class = serializer_class
        self._local = threading.local()

    def _instance(self, context: dict[str, Any] | None) -> serializers.Serializer:
        serializer = getattr(self._local, "serializer", None)
        if serializer is None:
            serializer = self._local.serializer = self.serializer_class()
        serializer._context = context or {}
        return serializer

    def render(self, instance, *, context: dict[str, Any] | None = None) -> dict:
        return self._instance(context).to_representation(instance)

    def parse(self, data, *, context: dict[str, Any] | None = None) -> dict:
        serializer = self._instance(context)
        try:
            return serializer.run_validation(data)
        except serializers.ValidationError:
            # The rare failing request: let a fresh serializer shape the errors exactly as
            # ``is_valid`` does.
            fresh = self.serializer_class(data=data, context=context or {})
            fresh.is_valid(raise_exception=True)
            raise  # pragma: no cover - a fresh serializer failed where the reused one did not
