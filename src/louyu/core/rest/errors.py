"""The API's one exception handler: a clear message in Chinese, the domain errors mapped
once for every endpoint, and 404 (never 403) for objects outside scope.

- ``louyu.core.errors.Conflict`` (invalid transition, concurrent edit, duplicate...) → 409
  ``{"detail": "...", **extra}``;
- Django's ``ValidationError`` → 400 with the field errors (``{"field": ["..."]}``) or
  ``{"detail": ["..."]}``;
- Django's ``PermissionDenied`` → 403 with its message (or a general one);
- ``Http404`` → 404;
- ``Throttled`` → 429 ``{"detail": "请求过于频繁…"}`` with ``Retry-After``;
- a transient database error (``OperationalError``, ``InterfaceError``: connection lost,
  failover, serialization failure) → 503 with ``Retry-After``: the request's transaction
  was rolled back, so repeating it (with the same ``Idempotency-Key`` where it takes one)
  is safe."""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from louyu.core.errors import Conflict as DomainConflict

FORBIDDEN_MESSAGE = "没有权限执行此操作。"
NOT_FOUND_MESSAGE = "未找到该对象，或不在您的管辖范围内。"
THROTTLED_MESSAGE = "请求过于频繁，请 {seconds} 秒后再试。"
UNAVAILABLE_MESSAGE = (
    "数据库暂时不可用，本次请求未生效，请稍后重试；"
    "登记申诉请带同一 Idempotency-Key 重试，不会重复登记。"
)
UNAVAILABLE_RETRY_SECONDS = 5


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "当前状态不允许此操作。"
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, DomainConflict):
        body = {"detail": " ".join(exc.messages) or Conflict.default_detail, **exc.extra}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or FORBIDDEN_MESSAGE)
    if isinstance(exc, exceptions.Throttled):
        seconds = max(1, math.ceil(exc.wait or 1))
        return Response(
            {"detail": THROTTLED_MESSAGE.format(seconds=seconds)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(seconds)},
        )
    if isinstance(exc, OperationalError | InterfaceError):
        set_rollback()
        return Response(
            {"detail": UNAVAILABLE_MESSAGE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)
    return drf_exception_handler(exc, context)
