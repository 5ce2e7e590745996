import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from louyu.articles.models import Article
from louyu.articles.tests import samples
from louyu.articles.tests.conftest import upload
from louyu.core.tests.factories import UserFactory
from louyu.core.tests.unchanged import assert_unchanged

LIST = "/api/v1/articles/"
IMPORT = "/api/v1/articles/import/"


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_gets_nothing(api, article):
    assert api.get(LIST).status_code in (401, 403)
    assert api.get(f"{LIST}{article.pk}/").status_code in (401, 403)
    with assert_unchanged():
        response = api.post(IMPORT, {"files": [upload("a.md", samples.front_matter("x"))]})
    assert response.status_code in (401, 403)


def test_user_without_role_sees_nothing(api, article):
    api.force_authenticate(UserFactory(username="nobody"))
    assert api.get(LIST).json()["count"] == 0
    assert api.get(f"{LIST}{article.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["ministry", "dalian", "operator", "samr"])
def test_every_role_reads_articles(api, art, article, who):
    api.force_authenticate(art[who])
    body = api.get(LIST).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["title"] == "大连整治商务楼宇宽带接入"
    assert set(row["jurisdictions"]) == {"210200", "110000", "120000", "130000"}
    assert row["published_at"] == "2024-03-05T09:30:00+08:00"
    detail = api.get(f"{LIST}{article.pk}/").json()
    assert "ca-210200" in detail["organizations"]
    assert detail["image_urls"] == ["https://img.example.cn/2024/photo.jpg"]
    assert "检查发现部分物业收取进场费。" in detail["body_text"]


def test_filters(api, art, article):
    api.force_authenticate(art.operator)
    assert api.get(LIST, {"jurisdiction": "110000"}).json()["count"] == 1
    assert api.get(LIST, {"jurisdiction": "440000"}).json()["count"] == 0
    assert api.get(LIST, {"date_to": "2024-03-04"}).json()["count"] == 0
    assert api.get(LIST, {"q": "宽带"}).json()["count"] == 1
    response = api.get(LIST, {"date_from": "昨天"})
    assert response.status_code == 400 and "date_from" in response.json()


def test_import_reports_each_file(api, art):
    api.force_authenticate(art.dalian)
    response = api.post(
        IMPORT,
        {"files": [upload("news.html", samples.NEWS_PAGE), upload("d.md", samples.BAD_DATE)]},
        format="multipart",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["created", "refused"]
    assert results[0]["article"] == Article.objects.get().pk
    assert "发布日期“去年春天”无法识别" in results[1]["reason"]
    again = api.post(IMPORT, {"files": [upload("n.html", samples.NEWS_PAGE)]}, format="multipart")
    assert again.json()["results"][0]["outcome"] == "updated"
    assert Article.objects.count() == 1


def test_all_refused_is_400_and_changes_nothing(api, art):
    api.force_authenticate(art.dalian)
    with assert_unchanged():
        response = api.post(
            IMPORT,
            {
                "files": [
                    upload("a.md", samples.NO_FRONT_MATTER),
                    upload("b.md", samples.EMPTY_BODY),
                ]
            },
            format="multipart",
        )
        missing = api.post(IMPORT, {}, format="multipart")
    assert response.status_code == 400
    assert [r["outcome"] for r in response.json()["results"]] == ["refused", "refused"]
    assert missing.status_code == 400
    assert "请选择要导入的文章文件。" in str(missing.json())


@pytest.mark.parametrize("who", ["operator", "samr"])
def test_readers_may_not_import(api, art, who):
    api.force_authenticate(art[who])
    with assert_unchanged():
        response = api.post(
            IMPORT, {"files": [upload("a.md", samples.front_matter("x"))]}, format="multipart"
        )
    assert response.status_code == 403


@override_settings(LOUYU_ARTICLE_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(api, art):
    api.force_authenticate(art.dalian)
    big = samples.front_matter("大文件", body="字" * 2000)
    with assert_unchanged():
        response = api.post(IMPORT, {"files": [upload("big.md", big)]}, format="multipart")
    assert response.status_code == 400
    assert "文件超过 1 KB" in response.json()["results"][0]["reason"]
