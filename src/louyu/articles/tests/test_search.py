"""Reference articles in the platform search: found by title, text and source by every
user who may read articles, indexed by the import after commit; nothing for anyone else."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from louyu.articles import services
from louyu.articles.tests import samples
from louyu.articles.tests.conftest import upload
from louyu.search.indexing import reindex
from louyu.search.query import visible_documents

pytestmark = pytest.mark.django_db


def found(user, q):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/search/", {"q": q, "kind": "article"})
    assert response.status_code == 200, response.content
    return {hit["object_id"]: hit["url"] for hit in response.json()["results"]}


def test_imported_articles_are_found_by_every_reader_after_commit(
    art, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [result] = services.article_import_files(
            actor=art.ministry, uploads=[upload("news.html", samples.NEWS_PAGE)]
        )
    article = result.article
    url = f"/articles/{article.pk}/"
    assert found(art.ministry, "商务楼宇 宽带") == {article.pk: url}
    assert found(art.dalian, "进场费") == {article.pk: url}  # the text
    assert found(art.operator, "大连新闻网") == {article.pk: url}  # the source
    assert found(art.samr, "联合检查") == {article.pk: url}
    assert not visible_documents(user=AnonymousUser()).exists()


def test_a_reimported_article_is_reindexed(art, django_capture_on_commit_callbacks):
    page = samples.front_matter("北京开展楼宇宽带专项检查", body="检查覆盖二十栋写字楼。")
    with django_capture_on_commit_callbacks(execute=True):
        [first] = services.article_import_files(actor=art.ministry, uploads=[upload("a.md", page)])
    assert set(found(art.dalian, "写字楼")) == {first.article.pk}
    page = samples.front_matter("北京开展楼宇宽带专项检查", body="检查覆盖三十栋园区楼宇。")
    with django_capture_on_commit_callbacks(execute=True):
        [second] = services.article_import_files(actor=art.ministry, uploads=[upload("a.md", page)])
    assert second.outcome == services.Outcome.UPDATED
    assert set(found(art.dalian, "园区")) == {first.article.pk}
    assert found(art.dalian, "写字楼") == {}


def test_reindex_includes_articles(art, article):
    reindex()
    assert set(found(art.operator, "商务楼宇")) == {article.pk}
