import pytest

from louyu.articles.demo import create_demo_articles
from louyu.articles.models import Article
from louyu.core.reference import load_reference_organizations

pytestmark = pytest.mark.django_db


def test_demo_articles_are_imported_once_and_tagged():
    load_reference_organizations()
    assert create_demo_articles() == 3
    assert create_demo_articles() == 0
    dalian = Article.objects.get(source_url="https://demo.louyu.invalid/news/dalian-0412.html")
    assert set(dalian.jurisdictions.values_list("code", flat=True)) == {"210200"}
    assert "扫码" not in dalian.body_text
    notice = Article.objects.get(title__startswith="工业和信息化部")
    assert {"110000", "120000", "210000", "210200"} <= set(
        notice.jurisdictions.values_list("code", flat=True)
    )
