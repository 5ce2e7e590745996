"""The client address (``core.middleware.client_ip``): with N trusted proxies it is the Nth
X-Forwarded-For entry from the right, the one the outermost trusted proxy appended;
entries to its left are the client's own and never read."""

import pytest
from django.test import RequestFactory

from louyu.core.middleware import client_ip

CASES = [
    # trusted proxies, X-Forwarded-For, REMOTE_ADDR, expected
    (0, None, "10.0.0.1", "10.0.0.1"),
    (0, "6.6.6.6", "10.0.0.1", "10.0.0.1"),
    (1, None, "10.0.0.1", "10.0.0.1"),
    (1, "", "10.0.0.1", "10.0.0.1"),
    (1, "203.0.113.7", "10.0.0.1", "203.0.113.7"),
    (1, "6.6.6.6, 203.0.113.7", "10.0.0.1", "203.0.113.7"),
    (1, "6.6.6.6,7.7.7.7,  203.0.113.7 ", "10.0.0.1", "203.0.113.7"),
    (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "10.0.0.1", "203.0.113.7"),
    (2, "203.0.113.7, 10.0.0.2", "10.0.0.1", "203.0.113.7"),
    (2, "10.0.0.2", "10.0.0.1", "10.0.0.1"),  # fewer entries than proxies
    (1, "2001:db8::1", "10.0.0.1", "2001:db8::1"),
    (1, "6.6.6.6, not-an-address", "10.0.0.1", None),
    (1, "6.6.6.6, 203.0.113.7:4711", "10.0.0.1", "203.0.113.7"),
    (1, "6.6.6.6, [2001:db8::1]:443", "10.0.0.1", "2001:db8::1"),
    (1, "6.6.6.6, 2001:db8::1", "10.0.0.1", "2001:db8::1"),
    (0, None, "garbage", None),
    (0, None, None, None),
]


@pytest.mark.parametrize(("proxies", "forwarded", "remote", "expected"), CASES)
def test_client_ip(settings, proxies, forwarded, remote, expected):
    settings.LOUYU_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    if remote is not None:
        request.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(request) == expected


def test_rotating_forged_entries_do_not_escape_the_public_limit(settings, client):
    """The attack of issue 14: a fresh fake first entry on every request."""
    settings.LOUYU_TRUSTED_PROXY_COUNT = 1
    settings.LOUYU_PUBLIC_RATE_LIMITS = {
        **settings.LOUYU_PUBLIC_RATE_LIMITS,
        "building_search_ip": (3, 60),
    }
    statuses = [
        client.get(
            "/public/buildings/search/",
            {"q": "x"},
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.7",
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
