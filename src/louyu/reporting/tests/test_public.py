"""The public progress pages: only published bulletins (page, PDF, Atom feed), aggregate
statistics without personal data or complaint texts, the friendly buildings."""

import datetime

import pytest
from django.core.cache import cache

from louyu.buildings.models import Building
from louyu.reporting.rollup import refresh
from louyu.reporting.services import bulletins
from louyu.reporting.tests.test_dashboard import users  # noqa: F401  (fixture)
from louyu.reporting.tests.test_figures import build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_pages():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(history, users):  # noqa: F811
    objects = build(history)
    refresh.refresh()
    ministry = users["ministry"]
    draft = bulletins.bulletin_create(actor=ministry, period=datetime.date(2026, 4, 1))
    done = bulletins.bulletin_create(actor=ministry, period=datetime.date(2026, 3, 1))
    bulletins.bulletin_update(
        actor=ministry, bulletin=done, number="工信厅通信函〔2026〕7号", summary="总体情况良好。"
    )
    bulletins.bulletin_transition(actor=ministry, bulletin=done, to="reviewed")
    bulletins.bulletin_transition(actor=ministry, bulletin=done, to="published")
    return {"draft": draft, "done": done, **objects}


def test_only_published_bulletins_are_public(client, published):
    listing = client.get("/public/bulletins/").content.decode()
    assert published["done"].title in listing and published["draft"].title not in listing
    assert client.get(f"/public/bulletins/{published['done'].pk}/").status_code == 200
    assert client.get(f"/public/bulletins/{published['draft'].pk}/").status_code == 404
    assert client.get(f"/public/bulletins/{published['draft'].pk}/bulletin.pdf").status_code == 404
    pdf = client.get(f"/public/bulletins/{published['done'].pk}/bulletin.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_atom_feed_lists_published_bulletins(client, published):
    response = client.get("/public/bulletins/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<feed" in body and published["done"].title in body
    assert published["draft"].title not in body


def test_statistics_hold_no_personal_data_or_complaint_text(client, published):
    content = client.get("/public/statistics/").content.decode()
    assert 'data-testid="public-statistics"' in content and "北京" in content
    assert "张三" not in content and "13800138000" not in content
    assert "物业不让电信进场" not in content


def test_friendly_buildings_list_only_pledged_buildings(client, published):
    Building.objects.filter(pk=published["a"].pk).update(friendly_pledge=True)
    content = client.get("/public/friendly-buildings/").content.decode()
    assert published["a"].name in content and published["b"].name not in content
    assert client.get("/public/friendly-buildings/", {"jurisdiction": "210200"}).status_code == 200
    assert client.get("/public/friendly-buildings/", {"page": "x", "q": "=1+1"}).status_code == 200
