from louyu.articles.recognition import Gazetteer
from louyu.core.models import Jurisdiction


def _codes(mentions):
    return set(
        Jurisdiction.objects.filter(pk__in=mentions.jurisdiction_ids).values_list("code", flat=True)
    )


def test_dalian_is_dalian_not_liaoning(art):
    found = Gazetteer().mentions("大连市通信管理局组织检查。")
    assert _codes(found) == {"210200"}
    assert found.organization_ids == {art.orgs["210200"].pk}


def test_a_list_of_areas_names_each_administration(art):
    found = Gazetteer().mentions("北京市、天津市、河北省通信管理局参加交流。")
    assert _codes(found) == {"110000", "120000", "130000"}
    assert found.organization_ids == {art.orgs[c].pk for c in ("110000", "120000", "130000")}


def test_short_names_in_a_list(art):
    found = Gazetteer().mentions("北京、天津和辽宁通信管理局")
    assert _codes(found) == {"110000", "120000", "210000"}
    assert art.orgs["210000"].pk in found.organization_ids


def test_organisation_by_full_and_short_name(art):
    found = Gazetteer().mentions("工信部与大连市市场监督管理局联合部署。")
    names = {o for o in found.organization_ids}
    assert len(names) == 2
    assert _codes(found) == {"210200"}


def test_text_naming_nothing(art):
    found = Gazetteer().mentions("商务楼宇宽带接入。")
    assert not found.jurisdiction_ids and not found.organization_ids


def test_a_street_named_after_an_area_is_not_the_area(art):
    found = Gazetteer().mentions("广东省广州市越秀区北京路商圈的楼宇，大连街也有。")
    assert "110000" not in _codes(found) and "210200" not in _codes(found)
