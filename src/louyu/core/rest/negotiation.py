"""Content negotiation: DRF's, answering the Accept headers that API clients send in the
common case without parsing them."""

from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """``DefaultContentNegotiation`` with a shortcut for a request that names no format and
    sends no Accept header, ``*/*`` (curl, requests, most HTTP libraries) or exactly the
    first renderer's ``application/json``: DRF picks the first renderer and its own media
    type for these, and spent about 3 % of an intake working that out by parsing the header
    into media types. Every other request goes through DRF's negotiation unchanged."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if renderers and not format_suffix:
            first = renderers[0]
            accept = request.META.get("HTTP_ACCEPT")
            if (
                accept is None
                or accept == "*/*"
                or (accept == "application/json" and first.media_type == accept)
            ) and not request.query_params.get(self.settings.URL_FORMAT_OVERRIDE):
                return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
