import pytest
from django.core.exceptions import ValidationError

from louyu.search.indexing import index_objects, reindex, remove_objects
from louyu.search.models import Document
from louyu.search.query import SearchRequest, document_search, exact_target, hits, query_words
from louyu.search.tests.conftest import KIND

pytestmark = pytest.mark.django_db


def _search(user, text, **kwargs):
    documents, words = document_search(user=user, request=SearchRequest(text=text, **kwargs))
    return hits(documents, words)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请输入要搜索的文字，不能只有标点符号。"),
        ("楼", "搜索内容至少需要两个字。"),
        ("a", "搜索内容至少需要两个字。"),
        ("。，！？——", "请输入要搜索的文字，不能只有标点符号。"),
        ("!!! ** ()", "请输入要搜索的文字，不能只有标点符号。"),
        ("楼" * 101, "搜索内容不能超过100个字符。"),
    ],
)
def test_bad_queries_get_a_chinese_message(text, message):
    with pytest.raises(ValidationError) as raised:
        query_words(text)
    assert raised.value.message_dict == {"q": [message]}


def test_operators_of_sql_and_of_both_engines_are_plain_words():
    words = query_words('独家协议" OR 1=1; DROP TABLE search_document; -- NEAR(a b) * ^ :')
    tokens = [token for term in words for token in term]
    assert all(token.isalnum() for token in tokens)
    assert "or" in tokens and "near" in tokens


def test_ranked_results_with_highlighted_snippets(test_kind):
    reindex()
    found = _search(test_kind["ministry"], "独家协议整治")
    assert {h.object_id for h in found} == {test_kind["org_a"].pk, test_kind["org_b"].pk}
    first = found[0]
    assert (
        "<mark>独家</mark><mark>协议</mark>" in first.snippet or "<mark>独家协议" in first.snippet
    )
    assert first.url.startswith("/organizations/")


def test_each_user_finds_only_its_jurisdiction(test_kind):
    reindex()
    a = {h.object_id for h in _search(test_kind["user_a"], "宽带接入")}
    b = {h.object_id for h in _search(test_kind["user_b"], "宽带接入")}
    assert a == {test_kind["org_a"].pk}
    assert b == {test_kind["org_b"].pk}


def test_anonymous_and_unaffiliated_users_find_nothing(test_kind):
    from django.contrib.auth.models import AnonymousUser

    from louyu.core.tests.factories import UserFactory

    reindex()
    assert _search(AnonymousUser(), "宽带接入") == []
    assert _search(UserFactory(organization=None), "宽带接入") == []


def test_filters_by_jurisdiction_and_kind(test_kind):
    reindex()
    ministry = test_kind["ministry"]
    only_b = _search(ministry, "宽带接入", jurisdiction="970002")
    assert {h.object_id for h in only_b} == {test_kind["org_b"].pk}
    assert _search(ministry, "宽带接入", jurisdiction="000000") == []
    with pytest.raises(ValidationError) as raised:
        _search(ministry, "宽带接入", kinds=("nonsense",))
    assert "kind" in raised.value.message_dict


def test_markup_in_indexed_text_is_escaped(test_kind):
    org = test_kind["org_a"]
    org.name = "<script>alert(1)</script>甲省宽带"
    org.save()
    reindex()
    found = _search(test_kind["user_a"], "甲省宽带")
    assert "<script>" not in found[0].title and "&lt;script&gt;" in found[0].title


def test_reindexing_replaces_rows_and_drops_vanished_objects(test_kind):
    assert reindex(batch_size=1) == {KIND: 2}
    assert reindex() == {KIND: 2}
    assert Document.objects.filter(kind=KIND).count() == 2
    org_b = test_kind["org_b"]
    org_b.jurisdiction = None
    org_b.save()
    assert index_objects(KIND, [org_b.pk]) == 0
    assert Document.objects.filter(kind=KIND).count() == 1
    assert remove_objects(KIND, [test_kind["org_a"].pk]) == 1


def test_exact_identifier_jumps_only_within_scope(test_kind):
    assert exact_target(user=test_kind["user_a"], text="ca-970001").startswith("/organizations/")
    assert exact_target(user=test_kind["user_a"], text="ca-970002") is None


def test_the_better_match_comes_first(test_kind):
    strong = test_kind["org_a"]
    strong.name = "宽带 宽带 宽带 接入 接入"
    strong.save()
    reindex()
    found = _search(test_kind["ministry"], "宽带接入")
    assert [h.object_id for h in found] == [strong.pk, test_kind["org_b"].pk]


def test_reindex_command_rebuilds_a_kind_and_refuses_unknown_ones(test_kind):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("search_reindex", "--kind", KIND, "--batch-size", "1", stdout=out)
    assert out.getvalue().strip() == f"{KIND}: 2"
    before = Document.objects.count()
    with pytest.raises(CommandError, match="未知的搜索类型：nonsense"):
        call_command("search_reindex", "--kind", "nonsense")
    with pytest.raises(CommandError, match="批量大小必须是正整数"):
        call_command("search_reindex", "--batch-size", "0")
    assert Document.objects.count() == before


def _row(jurisdiction, text, *, date=None, object_id=1, organization=None):
    from louyu.search.segment import index_tokens

    return Document.objects.create(
        kind=KIND,
        object_id=object_id,
        jurisdiction=jurisdiction,
        organization=organization,
        title=text[:20],
        body=text,
        tokens=index_tokens(text),
        date=date,
    )


def test_reach_keys_name_the_kind_its_jurisdictions_and_organisations():
    from louyu.search.fulltext import reach_keys
    from louyu.search.registry import EVERYTHING, Reach

    keys = reach_keys(
        [
            ("complaint", Reach(jurisdiction_ids=frozenset({3, 1}), organization_ids={7})),
            ("article", EVERYTHING),
            ("practice", Reach(jurisdiction_ids=frozenset({1}), object_ids=Document.objects.all())),
        ]
    )
    assert keys == [
        "~k:complaint:j:1",
        "~k:complaint:j:3",
        "~k:complaint:o:7",
        "~k:article",
        "~k:practice",
    ]


@pytest.mark.parametrize(
    "crafted",
    [
        "j{a}",
        "~k:test_org:j:{a}",
        "'~k:test_org:j:{a}' | '~k:test_org'",
        "宽带接入 j{a} ~k:test_org",
        "970001 ca-970001",
        "test_org:j:{a}",
    ],
)
def test_text_shaped_like_a_reach_key_finds_nothing_of_another_jurisdiction(test_kind, crafted):
    a = test_kind["ja"].pk
    org_a = test_kind["org_a"]
    org_a.name = f"甲 j{a} ~k:test_org:j:{a} test_org:j:{a} 宽带接入 970001"
    org_a.save()
    reindex()
    found = _search(test_kind["user_b"], crafted.format(a=a))
    assert org_a.pk not in {h.object_id for h in found}


def test_reach_keys_in_the_vector_cannot_be_forged_by_text(test_kind):
    """Without the SQL reach filter: on PostgreSQL the vector's keys alone narrow a match,
    so a row must carry only the keys of its own jurisdiction, whatever its text says."""
    from django.db import connection

    from louyu.search import fulltext

    if connection.vendor != "postgresql":
        pytest.skip("the reach keys are in the PostgreSQL vector only")
    a, b = test_kind["ja"].pk, test_kind["jb"].pk
    forged = f"宽带 j{b} ~k:{KIND}:j:{b} k {KIND} j {b} ~k:{KIND}"
    row = _row(test_kind["ja"], forged)
    key_a, key_b = f"~k:{KIND}:j:{a}", f"~k:{KIND}:j:{b}"

    def found(text, keys):
        terms = query_words(text)
        return list(
            Document.objects.filter(fulltext.matches(terms, reach=keys)).values_list(
                "pk", flat=True
            )
        )

    assert found("宽带", [key_a]) == [row.pk]
    assert found("宽带", [key_b]) == []
    assert found(f"宽带 ~k:{KIND}:j:{b}", [key_b]) == []
    assert found(f"~k:{KIND}:j:{a} 宽带", [key_b]) == []
    assert found("宽带", [f"~k:{KIND}"]) == [row.pk]
    assert found("宽带", []) == []
    with pytest.raises(ValueError):
        found("宽带", ["~k:x' | 'y"])


def test_few_and_many_matches_give_the_same_newest_candidates(test_kind, monkeypatch):
    import datetime

    from louyu.search import query

    ja = test_kind["ja"]
    day = datetime.date(2026, 11, 1)
    rows = [
        _row(ja, "宽带接入整治", date=day - datetime.timedelta(days=n % 5), object_id=n)
        for n in range(12)
    ]
    undated = _row(ja, "宽带接入整治", object_id=99)
    # Newer than every match, in the window, but of another jurisdiction.
    _row(test_kind["jb"], "宽带接入整治", date=day, object_id=100)
    monkeypatch.setattr(query, "CANDIDATES", 4)
    user = test_kind["user_a"]

    def candidates(probe):
        monkeypatch.setattr(query, "PROBE", probe)
        documents, _ = query.document_search(user=user, request=SearchRequest(text="宽带接入"))
        return set(documents.values_list("pk", flat=True))

    newest = {r.pk for r in sorted(rows, key=lambda r: (r.date, r.pk), reverse=True)[:4]}
    assert candidates(100) == candidates(2) == newest
    monkeypatch.setattr(query, "CANDIDATES", 14)
    assert candidates(100) == {r.pk for r in rows} | {undated.pk}
    # Beyond PROBE matches only the newest WINDOW rows are searched in full; older matches
    # come from the rows read first (a sample), never from another jurisdiction.
    monkeypatch.setattr(query, "WINDOW", 3)
    sampled = candidates(2)
    assert 2 <= len(sampled) <= 5
    assert sampled <= {r.pk for r in rows} | {undated.pk}


def test_a_national_user_gets_the_newest_matches_from_the_window_or_the_probe(
    test_kind, monkeypatch
):
    import datetime

    from louyu.search import query

    day = datetime.date(2026, 11, 1)
    rows = [
        _row(
            test_kind["ja" if n % 2 else "jb"],
            "宽带接入整治" if n % 3 else "无关内容",
            date=day - datetime.timedelta(days=n),
            object_id=n,
        )
        for n in range(12)
    ]
    matches = [r for r in rows if r.object_id % 3]
    newest = {r.pk for r in matches[:3]}
    monkeypatch.setattr(query, "CANDIDATES", 3)

    def candidates(window, probe):
        monkeypatch.setattr(query, "WINDOW", window)
        monkeypatch.setattr(query, "PROBE", probe)
        documents, _ = query.document_search(
            user=test_kind["ministry"], request=SearchRequest(text="宽带接入")
        )
        return set(documents.values_list("pk", flat=True))

    # Enough matches in the window; none in it, the probe holds them all; neither.
    assert candidates(100, 1) == candidates(2, 100) == newest
    sampled = candidates(2, 1)
    assert sampled <= {r.pk for r in matches} and {matches[0].pk} <= sampled
