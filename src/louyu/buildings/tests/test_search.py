"""Buildings in the platform search: found by name, address and alias within the caller's
reach (``building_list``), indexed after every write including the bulk import, and an
exact building code opens the building."""

import pytest
from rest_framework.test import APIClient

from louyu.buildings import services
from louyu.buildings.import_engine.run import run_import
from louyu.buildings.tests.import_engine_data import GOOD, table_of
from louyu.core import roles
from louyu.core.models import Organization, OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.search.indexing import reindex
from louyu.search.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(importers):
    """A 北京 building managed by a property company, a 大连 building, and users of 大连's
    administration and of the property company besides ``importers``."""
    beijing = Organization.objects.get(code="ca-110000").jurisdiction
    pm = OrganizationFactory(
        code="pm-search", type=OrganizationType.PROPERTY_COMPANY, jurisdiction=beijing
    )
    env = dict(importers)
    env["guomao"] = services.building_create(
        actor=None,
        name="国贸写字楼",
        address="北京市朝阳区建国路88号",
        aliases=["中国国际贸易中心"],
        property_company=pm,
    )
    env["xinghai"] = services.building_create(
        actor=None, name="星海写字楼", address="辽宁省大连市中山区人民路1号"
    )
    env["dalian"] = UserFactory(
        organization=Organization.objects.get(code="ca-210200"),
        roles=[roles.ADMINISTRATION_STAFF],
    )
    env["pm"] = UserFactory(organization=pm, roles=[roles.PROPERTY_STAFF])
    reindex(keys=["building"])
    return env


def found(user, q):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/search/", {"q": q, "kind": "building"})
    assert response.status_code == 200, response.content
    return {hit["object_id"] for hit in response.json()["results"]}


def test_each_caller_finds_only_the_buildings_it_may_see(registry):
    guomao, xinghai = registry["guomao"].pk, registry["xinghai"].pk
    assert found(registry["beijing"], "写字楼") == {guomao}
    assert found(registry["operator"], "写字楼") == {guomao}
    assert found(registry["dalian"], "写字楼") == {xinghai}
    assert found(registry["pm"], "写字楼") == {guomao}
    assert found(registry["beijing"], "国际贸易") == {guomao}
    assert found(registry["beijing"], "建国路") == {guomao}


def test_exact_building_code_opens_the_building_within_reach(client, registry):
    code = registry["guomao"].code
    client.force_login(registry["beijing"])
    response = client.get("/search/", {"q": code})
    assert response.status_code == 302
    assert response["Location"] == f"/buildings/{registry['guomao'].pk}/"
    client.force_login(registry["dalian"])
    assert client.get("/search/", {"q": code}).status_code == 200


def test_edits_and_bulk_imports_are_indexed_after_commit(
    registry, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.building_update(
            actor=registry["beijing"], building=registry["guomao"], name="国贸三期"
        )
    assert found(registry["beijing"], "三期") == {registry["guomao"].pk}
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(table=table_of(GOOD), actor=None, dry_run=False)
    assert Document.objects.filter(kind="building", object_id__in=result.created_ids).count() == 3
    assert len(found(registry["beijing"], "软件园")) == 1
