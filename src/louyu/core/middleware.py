import ipaddress
import uuid

from django.conf import settings

from louyu.core import context


def client_ip(request) -> str | None:
    """The client address: REMOTE_ADDR, or the first X-Forwarded-For hop when the deployment
    says it runs behind a trusted proxy (LOUYU_TRUSTED_PROXY_COUNT > 0)."""
    candidate = request.META.get("REMOTE_ADDR")
    if getattr(settings, "LOUYU_TRUSTED_PROXY_COUNT", 0):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            candidate = hops[0]
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
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
