import ipaddress
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from louyu.core import context


def client_ip(request) -> str | None:
    """The client address, or None when it is not a valid IP address.

    Without trusted proxies (``LOUYU_TRUSTED_PROXY_COUNT`` = 0) it is ``REMOTE_ADDR``. With
    N trusted proxies it is the address the outermost trusted proxy appended to
    ``X-Forwarded-For``: the Nth entry counted from the right. Entries left of it were
    written by the client and can be anything, so they are never read. A header with fewer
    than N entries did not pass through all the proxies: ``REMOTE_ADDR`` is used.
    Axes (``AXES_CLIENT_IP_CALLABLE``), the rate limits and the audit trail all use this."""
    candidate = request.META.get("REMOTE_ADDR")
    trusted = getattr(settings, "LOUYU_TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",")]
        if len(hops) >= trusted and forwarded.strip():
            candidate = hops[-trusted]
    return _address(candidate)


def internal_request(request) -> bool:
    """Whether the client address (``client_ip``) is in ``LOUYU_INTERNAL_NETWORKS``: monitoring
    on the host or the private network, which may read health details and metrics."""
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(net) for net in settings.LOUYU_INTERNAL_NETWORKS)


def _address(value: str | None) -> str | None:
    """The IP address in ``value``, also when a proxy wrote it with a port
    (``203.0.113.7:4711``, ``[2001:db8::1]:443``); None if there is none."""
    if not value:
        return None
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        token = context.set_current(
            context.RequestContext(ip_address=client_ip(request), request_id=request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DefaultChineseLocaleMiddleware:
    """Chinese unless the user chose otherwise: the language comes from the language cookie
    set by the switcher, never from the browser's Accept-Language header, so an English
    browser in a government office still gets the Chinese interface by default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class NoStoreForSignedInMiddleware:
    """Every answer to a signed-in user — pages, exports, API answers to a token — is
    ``Cache-Control: no-store, private``, so neither a shared proxy nor the browser's cache
    keeps personal data after the user leaves. Anonymous answers keep their own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MACHINE_PREFIXES = ("/api/", "/open311/")


class RefuseNulCharactersMiddleware:
    """A NUL character in the path, a query parameter or a form field is refused with a 400
    before any view runs: PostgreSQL cannot store or compare text holding one, so a view
    that passed it to a query would fail with a 500. JSON bodies are checked by the
    serializers' fields (DRF refuses NUL in strings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request):
            message = _("请求中含有不可见的空字符（NUL），无法处理，请删除后重试。")
            if request.path.startswith(MACHINE_PREFIXES):
                return JsonResponse({"detail": message}, status=400)
            return render(request, "400.html", {"reason": message}, status=400)
        return self.get_response(request)


def _holds_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    if request.META.get("QUERY_STRING") and _any_nul(request.GET):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    return (
        request.method == "POST"
        and content_type.startswith(FORM_TYPES)
        and (_any_nul(request.POST) or any("\x00" in (f.name or "") for f in _files(request)))
    )


def _any_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


def _files(request):
    for key in request.FILES:
        yield from request.FILES.getlist(key)
