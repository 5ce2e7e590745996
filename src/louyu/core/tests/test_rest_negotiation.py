"""The content negotiation shortcut picks what DRF's own negotiation picks."""

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory

from louyu.core.rest.negotiation import ContentNegotiation

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/xml",
    "",
    " */*",
]
RENDERER_LISTS = [
    [JSONRenderer, BrowsableAPIRenderer],
    [BrowsableAPIRenderer, JSONRenderer],
    [TemplateHTMLRenderer, JSONRenderer],
]


def _request(accept, query=""):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(APIRequestFactory().get(f"/api/v1/complaints/{query}", **headers))


def _pick(negotiation, request, renderers, suffix):
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers, suffix)
    except NotAcceptable:
        return "406"
    return type(renderer), media_type


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("classes", RENDERER_LISTS)
@pytest.mark.parametrize(("query", "suffix"), [("", None), ("?format=json", None), ("", "json")])
def test_same_choice_as_drf(accept, classes, query, suffix):
    renderers = [cls() for cls in classes]
    ours = _pick(ContentNegotiation(), _request(accept, query), renderers, suffix)
    drfs = _pick(DefaultContentNegotiation(), _request(accept, query), renderers, suffix)
    assert ours == drfs


def test_the_api_uses_it():
    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is ContentNegotiation
