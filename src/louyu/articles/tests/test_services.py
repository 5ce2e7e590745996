import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from louyu.articles import services
from louyu.articles.models import Article
from louyu.articles.tests import samples
from louyu.articles.tests.conftest import upload
from louyu.core.models import AuditEvent
from louyu.core.tests.unchanged import assert_unchanged


def _import(actor, *files):
    return services.article_import_files(
        actor=actor, uploads=[upload(name, text) for name, text in files]
    )


def test_import_creates_and_tags_the_article(art):
    [result] = _import(art.dalian, ("news.html", samples.NEWS_PAGE))
    assert result.outcome == services.Outcome.CREATED
    article = result.article
    assert set(article.jurisdictions.values_list("code", flat=True)) == {
        "210200", "110000", "120000", "130000",
    }  # fmt: skip
    assert "210000" not in set(article.jurisdictions.values_list("code", flat=True))
    assert art.orgs["210200"] in article.organizations.all()
    assert article.published_on.isoformat() == "2024-03-05"
    assert article.imported_by == art.dalian
    assert article.original_filename == "news.html"
    event = AuditEvent.objects.get(action="article.import")
    assert event.object_id == str(article.pk) and event.actor == art.dalian


def test_reimport_by_source_address_updates(art):
    [first] = _import(art.ministry, ("news.html", samples.NEWS_PAGE))
    changed = samples.NEWS_PAGE.replace("检查发现部分物业收取进场费。", "检查发现收费问题。")
    changed = changed.replace("<h1>大连整治商务楼宇宽带接入</h1>", "<h1>新标题</h1>")
    [second] = _import(art.ministry, ("news-again.html", changed))
    assert second.outcome == services.Outcome.UPDATED
    assert second.article.pk == first.article.pk
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert article.title == "新标题" and "收费问题" in article.body_text
    event = AuditEvent.objects.get(action="article.reimport")
    assert event.changes["title"] == ["大连整治商务楼宇宽带接入", "新标题"]
    assert event.changes["body"] == ["…", "…"]


def test_reimport_by_title_and_date_updates(art):
    text = samples.front_matter("同题文章", date="2024-02-01", body="第一版。")
    _import(art.ministry, ("a.md", text))
    [again] = _import(
        art.ministry,
        (
            "b.md",
            samples.front_matter("同题文章", date="2024-02-01T10:00:00+08:00", body="第二版。"),
        ),
    )
    assert again.outcome == services.Outcome.UPDATED
    assert Article.objects.get().body_text == "第二版。"
    _import(art.ministry, ("c.md", samples.front_matter("同题文章", date="2024-02-02")))
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("none.md", samples.NO_FRONT_MATTER),
        ("broken.md", samples.BROKEN_YAML),
        ("date.md", samples.BAD_DATE),
        ("empty.md", samples.EMPTY_BODY),
        ("scripts.html", samples.ONLY_SCRIPTS),
        ("zero.md", b""),
    ],
)
def test_bad_file_is_refused_and_changes_nothing(art, name, content):
    with assert_unchanged():
        [result] = _import(art.dalian, (name, content))
    assert result.outcome == services.Outcome.REFUSED
    assert result.article is None and result.reason


@override_settings(LOUYU_ARTICLE_MAX_BYTES=5 * 1024 * 1024)
def test_a_20_mb_article_is_refused_unread(art):
    huge = samples.front_matter("巨大", body="<p>" + "字" * (7 * 1024 * 1024) + "</p>")
    assert len(huge.encode()) > 20 * 1024 * 1024
    with assert_unchanged():
        [result] = _import(art.dalian, ("huge.html", huge))
    assert result.outcome == services.Outcome.REFUSED
    assert "超过 5 MB" in result.reason


def test_many_files_are_atomic_per_file(art):
    results = _import(
        art.ministry,
        ("good.md", samples.front_matter("好文章")),
        ("bad.md", samples.BAD_DATE),
        ("news.html", samples.NEWS_PAGE),
    )
    assert [r.outcome for r in results] == ["created", "refused", "created"]
    assert Article.objects.count() == 2


def test_no_files_or_too_many_are_refused(art):
    with pytest.raises(ValidationError):
        services.article_import_files(actor=art.ministry, uploads=[])
    with override_settings(LOUYU_ARTICLE_MAX_FILES=2), pytest.raises(ValidationError) as caught:
        _import(art.ministry, *[(f"{i}.md", samples.front_matter(str(i))) for i in range(3)])
    assert "一次最多导入 2 个文件" in caught.value.messages[0]


@pytest.mark.parametrize("who", ["operator", "samr"])
def test_readers_may_not_import(art, who):
    with assert_unchanged(), pytest.raises(PermissionDenied):
        _import(art[who], ("good.md", samples.front_matter("好文章")))


def test_the_same_article_twice_in_one_import_is_created_then_updated(art):
    results = _import(
        art.ministry,
        ("news.html", samples.NEWS_PAGE),
        ("copy.html", samples.NEWS_PAGE.replace("进场费", "入场费")),
    )
    assert [r.outcome for r in results] == ["created", "updated"]
    assert results[0].article.pk == results[1].article.pk
    article = Article.objects.get()
    assert "入场费" in article.body_text and article.original_filename == "copy.html"
    assert article.jurisdictions.count() == 4


def test_batches_and_two_files_that_are_one_stored_article(art, monkeypatch):
    monkeypatch.setattr(services, "STORE_BATCH", 2)
    _import(art.ministry, ("x.md", samples.front_matter("旧文", source_url="https://a.cn/1")))
    results = _import(
        art.ministry,
        # Both are the stored article: one by its address, the other by title and date.
        ("by-url.md", samples.front_matter("改名", source_url="https://a.cn/1")),
        ("by-title.md", samples.front_matter("旧文", body="北京市通信管理局。")),
        *[(f"{i}.md", samples.front_matter(f"新文{i}")) for i in range(3)],
    )
    assert [r.outcome for r in results] == ["updated", "updated", *["created"] * 3]
    assert Article.objects.count() == 4
    stored = Article.objects.get(source_url="https://a.cn/1")
    assert [j.code for j in stored.jurisdictions.all()] == ["110000"]


def test_a_parser_crash_refuses_only_that_file(art, monkeypatch):
    real = services.parse_article

    def flaky(data, *, filename):
        if filename == "crash.md":
            raise RecursionError("too deep")
        return real(data, filename=filename)

    monkeypatch.setattr(services, "parse_article", flaky)
    results = _import(
        art.ministry,
        ("crash.md", samples.front_matter("崩溃")),
        ("good.md", samples.front_matter("好文章")),
    )
    assert [r.outcome for r in results] == ["refused", "created"]
    assert results[0].reason == services.UNREADABLE
