"""The building picker's suggestions: two typed characters find a building by its name or an
alias (through the bigram index, kept in step by the services and the import writer), longer
text and codes as the list finds them, and only the caller's buildings."""

import pytest
from rest_framework.test import APIClient

from louyu.buildings import services
from louyu.buildings.import_engine.run import run_import
from louyu.buildings.models import BuildingBigram
from louyu.buildings.selectors import building_suggest, intake_building_suggest
from louyu.buildings.suggest import bigrams_of
from louyu.buildings.tests.import_engine_data import GOOD, table_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(rivals):
    dalian = services.building_create(
        actor=None, name="金茂中心", aliases=["大连金茂"], address="辽宁省大连市中山区人民路1号"
    )
    jinmao = services.building_create(
        actor=None, name="北京金茂大厦", aliases=["金茂府"], address="北京市东城区建国门内大街1号"
    )
    return {**rivals, "dalian": dalian, "jinmao": jinmao}


def _names(rows) -> list[str]:
    return [b.name for b in rows]


def test_bigrams_cover_the_name_and_each_alias_without_crossing_them(registry):
    assert bigrams_of(registry["jinmao"]) == {"北京", "京金", "金茂", "茂大", "大厦", "茂府"}
    assert set(
        BuildingBigram.objects.filter(building=registry["jinmao"]).values_list("bigram", flat=True)
    ) == bigrams_of(registry["jinmao"])


def test_two_characters_suggest_within_the_callers_scope(registry):
    ca = registry["ca"]
    assert _names(building_suggest(user=ca, q="金茂", limit=10)) == ["北京金茂大厦"]
    assert _names(building_suggest(user=ca, q="茂府", limit=10)) == ["北京金茂大厦"]
    assert _names(building_suggest(user=ca, q="国贸", limit=10)) == ["国贸大厦"]
    assert building_suggest(user=ca, q="金", limit=10) == []
    national = _names(intake_building_suggest("金茂", limit=10))
    assert sorted(national) == ["北京金茂大厦", "金茂中心"]
    assert national[0] == "金茂中心"  # a name starting with the text comes first


def test_longer_text_addresses_and_codes(registry):
    ca, shared = registry["ca"], registry["shared"]
    assert _names(building_suggest(user=ca, q="建国路88", limit=10)) == ["国贸大厦"]
    assert _names(building_suggest(user=ca, q=shared.code, limit=10)) == ["国贸大厦"]
    assert _names(building_suggest(user=ca, q="国贸大厦", limit=10)) == ["国贸大厦"]


def test_renaming_and_importing_keep_the_index_in_step(registry, importers):
    ca, jinmao = registry["ca"], registry["jinmao"]
    services.building_update(actor=None, building=jinmao, name="银泰中心", aliases=[])
    assert building_suggest(user=ca, q="金茂", limit=10) == []
    assert _names(building_suggest(user=ca, q="银泰", limit=10)) == ["银泰中心"]
    run_import(table=table_of(GOOD), actor=None, dry_run=False)
    assert _names(building_suggest(user=ca, q="关村", limit=10)) == ["中关村软件园"]
    changed = [list(r) for r in GOOD]
    changed[1][0] = "中关村软件园（一期）"
    run_import(table=table_of(changed), actor=None, dry_run=False)
    assert _names(building_suggest(user=ca, q="一期", limit=10)) == ["中关村软件园（一期）"]


def test_suggest_api_answers_the_callers_buildings_only(registry, two_jurisdictions):
    client = APIClient()
    client.force_authenticate(registry["ca"])
    answer = client.get("/api/v1/buildings/suggest/", {"q": "金茂"})
    assert answer.status_code == 200
    (row,) = answer.json()["results"]
    assert set(row) == {"id", "code", "name", "address", "operator_count"}
    assert row["name"] == "北京金茂大厦"
    outsider = APIClient()
    outsider.force_authenticate(two_jurisdictions["user_a"])
    assert outsider.get("/api/v1/buildings/suggest/", {"q": "金茂"}).json() == {"results": []}
    assert APIClient().get("/api/v1/buildings/suggest/", {"q": "金茂"}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "请输入楼宇名称"),
        ({"q": "金" * 101}, "最多 100 个字"),
        ({"q": "金茂", "limit": "x"}, ""),
    ],
)
def test_suggest_api_refuses_bad_input(registry, params, message):
    client = APIClient()
    client.force_authenticate(registry["ca"])
    answer = client.get("/api/v1/buildings/suggest/", params)
    assert answer.status_code == 400
    assert message in str(answer.json())
