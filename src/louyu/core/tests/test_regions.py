"""Region reference data (migration 0002) and address/code resolution."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from louyu.core.models import Jurisdiction, Region, RegionLevel
from louyu.core.regions import (
    Resolution,
    assign_jurisdictions,
    clear_region_cache,
    jurisdiction_for_region,
    normalize_address,
    resolve_address,
    resolve_code,
)

MAINLAND_EXCLUDED_PREFIXES = ("71", "81", "82")


@pytest.fixture(autouse=True)
def fresh_index():
    clear_region_cache()
    yield
    clear_region_cache()


ADDRESS_CASES = [
    ("北京市朝阳区", "110105", "110000"),
    ("北京朝阳区", "110105", "110000"),
    ("北京朝阳", "110105", "110000"),
    ("中国北京市海淀区中关村大街1号", "110108", "110000"),
    ("ＢＥＩＪＩＮＧ　北京市，，海淀区", "110108", "110000"),
    ("大连市中山区", "210202", "210200"),
    ("辽宁省大连市中山区人民路", "210202", "210200"),
    ("辽宁大连甘井子区", "210211", "210200"),
    ("辽宁省大连市瓦房店市", "210281", "210200"),
    ("大连", "210200", "210200"),
    ("中山路8号 大连市中山区", "210202", "210200"),
    ("沈阳市和平区", "210102", "210000"),
    ("沈阳", "210100", "210000"),
    ("辽宁朝阳", "211300", "210000"),
    ("深圳南山区", "440305", "440000"),
    ("广东省深圳市南山区科技园", "440305", "440000"),
    ("广东省广州市越秀区北京路100号", "440104", "440000"),
    ("上海市浦东新区", "310115", "310000"),
    ("上海浦东", "310115", "310000"),
    ("天津滨海新区", "120116", "120000"),
    ("重庆市渝中区解放碑", "500103", "500000"),
    ("新疆乌鲁木齐市天山区", "650102", "650000"),
    ("新疆石河子市", "659001", "650000"),
    ("内蒙古呼和浩特市", "150100", "150000"),
    ("西藏拉萨市城关区", "540102", "540000"),
    ("广西南宁市青秀区", "450103", "450000"),
    ("宁夏银川", "640100", "640000"),
    ("延边州延吉市", "222401", "220000"),
    ("湖北省仙桃市", "429004", "420000"),
    ("仙桃市", "429004", "420000"),
    ("河南济源", "419001", "410000"),
    ("广东东莞长安镇", "441900", "440000"),
    ("中山市石岐街道", "442000", "440000"),
    ("甘肃嘉峪关", "620200", "620000"),
    ("海南省儋州市那大镇", "460400", "460000"),
    ("山东济南市中区", "370103", "370000"),
    ("吉林省吉林市", "220200", "220000"),
    ("吉林", "220000", "220000"),
    ("青海海南", "632500", "630000"),
    ("河北桥西区", "130000", "130000"),
    ("桥西区", "130000", "130000"),
    ("江苏昆山", "320583", "320000"),
    ("北京市朝阳区" + "啊" * 100_000, "110105", "110000"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("address", "region_code", "jurisdiction_code"), ADDRESS_CASES)
def test_resolve_address(address, region_code, jurisdiction_code):
    found = resolve_address(address)
    assert found is not None
    assert found.region.code == region_code
    assert found.jurisdiction is not None
    assert found.jurisdiction.code == jurisdiction_code
    assert found.matched_text
    assert found.matched_text in normalize_address(address[:1000])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "",
        None,
        "   \t\n",
        "abc",
        "12345",
        "！！！",
        "朝阳区",
        "通州区",
        "新华区",
        "城区",
        "啊" * 100_000,
    ],
)
def test_resolve_address_finds_nothing(address):
    assert resolve_address(address) is None


@pytest.mark.django_db
def test_resolution_levels():
    found = resolve_address("辽宁省大连市中山区人民路1号")
    assert isinstance(found, Resolution)
    assert (found.province.code, found.prefecture.code, found.county.code) == (
        "210000",
        "210200",
        "210202",
    )
    assert found.matched_text == "辽宁省大连市中山区"

    municipal = resolve_address("北京市朝阳区")
    assert municipal.province.code == "110000"
    assert municipal.prefecture is None
    assert municipal.county.code == "110105"

    prefecture_only = resolve_address("广东东莞")
    assert prefecture_only.county is None
    assert prefecture_only.prefecture.code == "441900"


@pytest.mark.django_db
def test_resolve_outside_mainland_has_no_jurisdiction():
    found = resolve_address("香港特别行政区")
    assert found.region.code == "810000"
    assert found.jurisdiction is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "region_code", "jurisdiction_code"),
    [
        ("110105", "110105", "110000"),
        ("210202", "210202", "210200"),
        ("210102", "210102", "210000"),
        (" 210200 ", "210200", "210200"),
        ("440305", "440305", "440000"),
        ("500000", "500000", "500000"),
        ("650000", "650000", "650000"),
        ("429004", "429004", "420000"),
        ("110100", "110000", "110000"),
        ("500200", "500000", "500000"),
        ("429000", "420000", "420000"),
    ],
)
def test_resolve_code(code, region_code, jurisdiction_code):
    found = resolve_code(code)
    assert found.region.code == region_code
    assert found.jurisdiction.code == jurisdiction_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", ["", None, 110105, "999999", "000000", "11010", "1101055", "１１０１０５", "abcdef"]
)
def test_resolve_code_rejects(code):
    assert resolve_code(code) is None


@pytest.mark.django_db
def test_jurisdiction_for_region():
    assert jurisdiction_for_region("210202").short_name == "大连"
    assert jurisdiction_for_region("210200").short_name == "大连"
    assert jurisdiction_for_region(Region.objects.get(code="210102")).short_name == "辽宁"
    assert jurisdiction_for_region("710000") is None
    assert jurisdiction_for_region("999999") is None
    assert jurisdiction_for_region(None) is None


@pytest.mark.django_db
def test_reference_counts_and_shape():
    levels = {level: Region.objects.filter(level=level).count() for level in RegionLevel.values}
    mainland_provinces = Region.objects.filter(level=RegionLevel.PROVINCE).exclude(
        code__regex=r"^(71|81|82)"
    )
    assert mainland_provinces.count() == 31
    assert levels[RegionLevel.PROVINCE] >= 31
    assert levels[RegionLevel.PREFECTURE] >= 330
    assert levels[RegionLevel.COUNTY] >= 2800
    assert not Region.objects.exclude(level=RegionLevel.PROVINCE).filter(parent=None).exists()
    assert not Region.objects.filter(level=RegionLevel.PROVINCE, parent__isnull=False).exists()
    for code, name in [
        ("110105", "朝阳区"),
        ("210202", "中山区"),
        ("210200", "大连市"),
        ("440300", "深圳市"),
        ("440305", "南山区"),
        ("500000", "重庆市"),
        ("650000", "新疆维吾尔自治区"),
        ("429004", "仙桃市"),
        ("419001", "济源市"),
        ("441900", "东莞市"),
        ("442000", "中山市"),
        ("460400", "儋州市"),
        ("620200", "嘉峪关市"),
    ]:
        assert Region.objects.get(code=code).name == name
    assert Region.objects.get(code="110105").parent_id == "110000"
    assert Region.objects.get(code="210202").full_name == "辽宁省大连市中山区"

    unowned = Region.objects.filter(jurisdiction=None)
    assert all(
        code.startswith(MAINLAND_EXCLUDED_PREFIXES)
        for code in unowned.values_list("code", flat=True)
    )
    assert Jurisdiction.objects.count() == 32
    assert set(Jurisdiction.objects.get(code="210200").regions.values_list("code", flat=True)) == {
        "210200"
    }
    assert Region.objects.get(code="210202").jurisdiction.code == "210200"
    assert Region.objects.get(code="210102").jurisdiction.code == "210000"


@pytest.mark.django_db
def test_assign_jurisdictions_follows_ownership():
    assert assign_jurisdictions() == 0
    shenyang = Jurisdiction.objects.create(code="210100", name="沈阳测试局", short_name="沈阳")
    shenyang.regions.add("210100")
    # the m2m signal has already moved 沈阳's regions; a second pass changes nothing
    assert Region.objects.get(code="210102").jurisdiction == shenyang
    assert assign_jurisdictions() == 0
    assert resolve_address("沈阳市和平区").jurisdiction == shenyang
    assert jurisdiction_for_region("210202").code == "210200"


@pytest.mark.django_db
def test_every_county_full_name_resolves_to_itself():
    """Speed is measured by bench/bench_regions.py; here every county's full name (plus a
    street) must come back as that county."""
    counties = Region.objects.filter(level=RegionLevel.COUNTY).exclude(
        parent__code__in=["710000", "810000", "820000"]
    )
    wrong = [
        r.code
        for r in counties
        if (found := resolve_address(f"{r.full_name}人民路1号")) is None
        or found.region.code != r.code
    ]
    assert wrong == []


FULL_WIDTH_ASCII = {chr(c) for c in range(0xFF01, 0xFF5F)}


@given(st.text())
@settings(max_examples=300)
def test_normalize_address_properties(text):
    once = normalize_address(text)
    assert normalize_address(once) == once
    assert not FULL_WIDTH_ASCII.intersection(once)
    assert not any(ch.isspace() for ch in once)
    assert not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in once)
    assert not once.startswith("中国")


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=50))
@settings(max_examples=200)
def test_normalize_address_handles_mixed_scripts(text):
    once = normalize_address("　中华人民共和国，" + text + "！！")
    assert normalize_address(once) == once


NAME_PIECES = [
    "北京",
    "市",
    "朝阳区",
    "大连",
    "中山",
    "区",
    "路",
    "吉林",
    "省",
    "新疆",
    "州",
    "县",
    "号",
]


@pytest.mark.django_db
@given(st.one_of(st.text(max_size=200), st.lists(st.sampled_from(NAME_PIECES)).map("".join)))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_resolve_address_never_raises(text):
    found = resolve_address(text)
    if found is not None:
        assert found.region.code in {
            found.province.code,
            getattr(found.prefecture, "code", None),
            getattr(found.county, "code", None),
        }
