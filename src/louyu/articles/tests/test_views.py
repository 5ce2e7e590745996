import pytest
from django.urls import reverse

from louyu.articles import services
from louyu.articles.models import Article
from louyu.articles.tests import samples
from louyu.articles.tests.conftest import upload
from louyu.core.tests.factories import UserFactory
from louyu.core.tests.unchanged import assert_unchanged


def test_anonymous_gets_nothing(client, article):
    for url in (
        reverse("articles:list"),
        reverse("articles:detail", args=[article.pk]),
        reverse("articles:import"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    with assert_unchanged():
        response = client.post(
            reverse("articles:import"), {"files": [upload("a.md", samples.front_matter("x"))]}
        )
    assert response.status_code == 302


def test_a_user_without_a_role_sees_nothing(client, article):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("articles:list")).status_code == 403
    assert client.get(reverse("articles:detail", args=[article.pk])).status_code == 403


@pytest.mark.parametrize("who", ["ministry", "dalian", "operator", "samr"])
def test_every_role_reads_every_article(client, art, article, who):
    client.force_login(art[who])
    page = client.get(reverse("articles:list")).content.decode()
    assert "大连整治商务楼宇宽带接入" in page
    detail = client.get(reverse("articles:detail", args=[article.pk]))
    body = detail.content.decode()
    assert "检查发现部分物业收取进场费。" in body
    assert "2024-03-05 09:30" in body  # shown in Asia/Shanghai
    assert "大连市通信管理局联合多部门整治楼宇宽带接入市场" in body  # original title
    assert (
        "https://img.example.cn/2024/photo.jpg" in body
        and "<img" not in body.split('data-testid="article-body"')[1].split("</div>")[0]
    )


def test_list_filters(client, art, article):
    services.article_import_files(
        actor=art.ministry,
        uploads=[upload("bj.html", samples.HTML_WITH_FRONT_MATTER)],
    )
    client.force_login(art.samr)
    url = reverse("articles:list")
    page = client.get(url, {"jurisdiction": "210200"}).content.decode()
    assert "大连整治" in page and "北京开展" not in page
    page = client.get(url, {"date_from": "2024-05-01"}).content.decode()
    assert "北京开展" in page and "大连整治" not in page
    page = client.get(url, {"q": "北京"}).content.decode()
    assert "北京开展" in page and "大连整治" not in page
    page = client.get(url, {"date_from": "not-a-date"}).content.decode()
    assert "大连整治" in page and "北京开展" in page


def test_import_page_reports_each_file(client, art):
    client.force_login(art.dalian)
    response = client.post(
        reverse("articles:import"),
        {
            "files": [
                upload("news.html", samples.NEWS_PAGE),
                upload("broken.md", samples.BROKEN_YAML),
            ]
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "新增" in page and "未导入" in page and "头信息（YAML）格式错误" in page
    assert Article.objects.count() == 1
    response = client.post(
        reverse("articles:import"), {"files": [upload("news.html", samples.NEWS_PAGE)]}
    )
    assert "更新" in response.content.decode()
    assert Article.objects.count() == 1


def test_import_without_files_says_so(client, art):
    client.force_login(art.dalian)
    with assert_unchanged():
        response = client.post(reverse("articles:import"), {})
    assert response.status_code == 400
    assert "请选择要导入的文章文件。" in response.content.decode()


@pytest.mark.parametrize("who", ["operator", "samr"])
def test_readers_cannot_open_the_import(client, art, who):
    client.force_login(art[who])
    assert client.get(reverse("articles:import")).status_code == 403
    with assert_unchanged():
        response = client.post(
            reverse("articles:import"), {"files": [upload("a.md", samples.front_matter("x"))]}
        )
    assert response.status_code == 403
    assert "导入文章" not in client.get(reverse("articles:list")).content.decode()
