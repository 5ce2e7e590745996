"""Cases in the platform search: found by code, title, summary and building within the
caller's reach (``case_list``), reindexed when opened or edited, and an exact case number
opens the case."""

import pytest
from rest_framework.test import APIClient

from louyu.cases.services.details import case_update
from louyu.search.indexing import reindex

pytestmark = pytest.mark.django_db


def found(user, q):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/search/", {"q": q, "kind": "case"})
    assert response.status_code == 200, response.content
    return {hit["object_id"] for hit in response.json()["results"]}


@pytest.fixture
def case(kenv):
    opened = kenv["open_case"](title="物业阻挠运营商进场", summary="物业公司收取进场费用。")
    reindex(keys=["case"])
    return opened


def test_each_caller_finds_only_the_cases_it_may_see(kenv, case):
    assert found(kenv["bj"], "阻挠 进场") == {case.pk}
    assert found(kenv["ministry"], "国贸测试大厦") == {case.pk}
    assert found(kenv["dl"], "阻挠 进场") == set()
    assert found(kenv["pm_user"], "阻挠 进场") == set()
    kenv["measure"](case)
    assert found(kenv["pm_user"], "阻挠 进场") == {case.pk}
    assert found(kenv["samr"], "阻挠 进场") == set()


def test_exact_case_number_opens_the_case_within_reach(client, kenv, case):
    client.force_login(kenv["bj"])
    response = client.get("/search/", {"q": case.code})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    client.force_login(kenv["dl"])
    assert client.get("/search/", {"q": case.code}).status_code == 200


def test_opened_and_edited_cases_are_indexed_after_commit(kenv, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = kenv["open_case"](title="独家协议整治")
    assert found(kenv["bj"], "独家协议") == {case.pk}
    with django_capture_on_commit_callbacks(execute=True):
        case_update(actor=kenv["bj"], case=case, summary="代理商加价转售带宽。")
    assert found(kenv["bj"], "加价转售") == {case.pk}
