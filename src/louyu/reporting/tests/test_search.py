"""Bulletins in the platform search: drafts only for their editors (the ministry),
published ones for every reporting user, nothing for anyone else."""

import datetime

import pytest
from rest_framework.test import APIClient

from louyu.reporting.models import Bulletin
from louyu.reporting.services import bulletins
from louyu.reporting.tests.test_dashboard import users  # noqa: F401  (fixture)
from louyu.search.indexing import reindex

pytestmark = pytest.mark.django_db


def found(user, q):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/search/", {"q": q})
    assert response.status_code == 200, response.content
    return {hit["object_id"] for hit in response.json()["results"]}


def test_drafts_for_editors_published_bulletins_for_reporting_users(
    users,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    bulletin = Bulletin.objects.create(
        period=datetime.date(2026, 3, 1),
        title="2026年3月商务楼宇宽带接入整治进展通报",
        summary="各地扎实推进入场费清理工作。",
    )
    reindex(keys=["bulletin"])
    assert found(users["ministry"], "入场费清理") == {bulletin.pk}
    assert found(users["bj"], "入场费清理") == set()
    with django_capture_on_commit_callbacks(execute=True):
        bulletins.bulletin_update(
            actor=users["ministry"], bulletin=bulletin, problems="个别地区光纤到户标准落实不到位。"
        )
    assert found(users["ministry"], "光纤到户") == {bulletin.pk}
    Bulletin.objects.filter(pk=bulletin.pk).update(state="published")
    assert found(users["bj"], "入场费清理") == {bulletin.pk}
    assert found(users["dl"], "光纤到户") == {bulletin.pk}
    assert found(users["operator"], "入场费清理") == set()
    assert found(users["samr"], "入场费清理") == set()
