"""The logic that keeps the building list fast at a million buildings: the capped count, the
paginator built on it (web: pages stop at the cap; API: every page stays reachable), and the
operator filter as an EXISTS subquery. Timings are measured by bench/, never here."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.urls import reverse
from rest_framework.test import APIClient

from louyu.buildings import selectors
from louyu.buildings.demo import generate_buildings
from louyu.buildings.models import Building, Presence
from louyu.core import pagination, roles
from louyu.core.models import Organization
from louyu.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COUNT = 12


@pytest.fixture
def registry(db):
    generate_buildings(count=COUNT, seed=21)
    return UserFactory(
        username="t-ministry",
        organization=Organization.objects.get(code="ministry"),
        roles=[roles.MINISTRY_ADMIN],
    )


def ordered():
    return Building.objects.order_by("normalized_name", "id")


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        (100, (COUNT, False)),
        (COUNT, (COUNT, False)),
        (COUNT - 1, (COUNT - 1, True)),
        (1, (1, True)),
    ],
)
def test_count_stops_at_the_cap(registry, cap, expected):
    assert pagination.count_capped(ordered(), cap=cap) == expected


def test_count_of_an_empty_set(registry):
    assert pagination.count_capped(Building.objects.none(), cap=5) == (0, False)


def test_under_the_cap_the_paginator_is_djangos():
    paginator = pagination.CappedPaginator(list(range(7)), 3, cap=10)
    assert (paginator.count, paginator.count_is_estimate, paginator.num_pages) == (7, False, 3)
    assert list(paginator.page(3)) == [6] and not paginator.page(3).has_next()
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_web_pages_stop_at_the_cap(registry):
    paginator = pagination.CappedPaginator(ordered(), 2, cap=5)
    assert (paginator.count, paginator.count_is_estimate, paginator.num_pages) == (5, True, 3)
    last = paginator.get_page(50)
    assert last.number == 3 and not last.has_next()
    assert [b.pk for b in last] == [ordered()[4].pk]


def test_api_pages_go_past_the_cap(registry):
    paginator = pagination.CappedPaginator(ordered(), 5, cap=4, beyond_cap=True)
    assert (paginator.count, paginator.count_is_estimate) == (4, True)
    everything = [b.pk for b in ordered()]
    first, second, third = paginator.page(1), paginator.page(2), paginator.page(3)
    assert [b.pk for b in first] == everything[:5] and first.has_next()
    assert [b.pk for b in second] == everything[5:10] and second.has_next()
    assert [b.pk for b in third] == everything[10:] and not third.has_next()
    assert third.has_previous() and second.next_page_number() == 3
    with pytest.raises(EmptyPage):
        paginator.page(4)
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(PageNotAnInteger):
        paginator.page("x")


def test_api_reports_an_estimated_count_and_keeps_every_page(registry, monkeypatch):
    client = APIClient()
    client.force_authenticate(registry)
    body = client.get("/api/v1/buildings/?page_size=5").json()
    assert (body["count"], body["count_is_estimate"]) == (COUNT, False)
    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 3)
    seen = []
    url = "/api/v1/buildings/?page_size=5"
    while url:
        body = client.get(url).json()
        assert (body["count"], body["count_is_estimate"]) == (3, True)
        seen += [row["code"] for row in body["results"]]
        url = body["next"]
    assert seen == list(ordered().values_list("code", flat=True))
    assert client.get("/api/v1/buildings/?page_size=5&page=4").status_code == 404


def test_web_list_marks_an_estimated_count(registry, client, monkeypatch):
    client.force_login(registry)
    response = client.get(reverse("buildings:list"))
    assert not response.context["page"].paginator.count_is_estimate
    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 3)
    response = client.get(reverse("buildings:list"))
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.count_is_estimate) == (3, True)


def test_operator_filter_lists_each_serving_building_once(registry):
    serving = set(
        Presence.objects.filter(operator__operator_key="telecom", status="serving").values_list(
            "building_id", flat=True
        )
    )
    assert serving
    found = list(
        selectors.building_filter(
            selectors.building_list(user=registry), selectors.BuildingFilters(operator="telecom")
        ).values_list("pk", flat=True)
    )
    assert sorted(found) == sorted(serving)
