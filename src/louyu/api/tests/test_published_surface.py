"""What API clients and users see from outside: the OpenAPI schema and the list of URL
patterns. Both are compared with snapshots in ``snapshots/`` so that a refactoring cannot
change them unnoticed; a deliberate change regenerates them with
``LOUYU_UPDATE_SNAPSHOTS=1 .venv/bin/pytest src/louyu/api/tests/test_published_surface.py``
and commits the difference with the change that makes it."""

import json
import os
import pathlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

SNAPSHOTS = pathlib.Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("LOUYU_UPDATE_SNAPSHOTS") == "1"


def _compare(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"snapshot {name} missing: run with LOUYU_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its snapshot (see the module docstring)"


def _url_lines(patterns, prefix: str = "", namespace: str = "") -> list[str]:
    lines = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = namespace
            if entry.namespace:
                space = f"{namespace}{entry.namespace}:"
            lines += _url_lines(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            lines.append(f"{prefix}{entry.pattern}  {name}".rstrip())
    return lines


def test_the_url_list_is_the_published_one():
    # Development-only routes (media files when DEBUG is on) are not published.
    lines = [line for line in _url_lines(get_resolver().url_patterns) if "media/" not in line]
    _compare("urls.txt", "\n".join(lines) + "\n")


@pytest.mark.django_db
def test_the_openapi_schema_is_the_published_one():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    text = json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    _compare("openapi.json", text + "\n")
