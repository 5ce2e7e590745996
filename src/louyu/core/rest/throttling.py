"""The API's throttles, per client address (``core.middleware.client_ip``), counted in the
shared cache by ``core.ratelimit``; rates come from ``REST_FRAMEWORK
["DEFAULT_THROTTLE_RATES"]`` (DRF's ``"10/min"`` notation).

- ``AnonAddressThrottle``: requests without credentials (the public schema and docs).
- ``TokenFailureThrottle``: failed token authentications. Once an address has failed
  the rate, every token it sends is refused with 429 until the window ends, before the
  token is looked up, so a guess that would have been right tells the guesser nothing."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from louyu.core import ratelimit
from louyu.core.middleware import client_ip


def rate(scope: str) -> tuple[int, int]:
    """The ``(requests, seconds)`` of a configured DRF rate."""
    requests, seconds = SimpleRateThrottle.parse_rate(
        None, api_settings.DEFAULT_THROTTLE_RATES[scope]
    )
    return requests, seconds


def address(request: HttpRequest) -> str:
    return client_ip(getattr(request, "_request", request)) or "unknown"


class AnonAddressThrottle(BaseThrottle):
    scope = "anon"

    def allow_request(self, request, view) -> bool:
        if request.user and request.user.is_authenticated:
            return True
        self._wait = ratelimit.hit(self.scope, address(request), rate(self.scope))
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class TokenFailureThrottle:
    scope = "token_failure"

    @classmethod
    def check(cls, request: HttpRequest) -> None:
        """Raise ``Throttled`` while the address is over its failure rate."""
        wait = ratelimit.blocked(cls.scope, address(request), rate(cls.scope))
        if wait is not None:
            raise exceptions.Throttled(wait)

    @classmethod
    def record_failure(cls, request: HttpRequest) -> None:
        ratelimit.hit(cls.scope, address(request), rate(cls.scope))
