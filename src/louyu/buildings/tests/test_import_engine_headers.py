"""The import's column names: the usual Chinese spellings map to the engine's fields."""

import pytest

from louyu.buildings.import_engine.headers import header_key


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("楼宇名称", "name"),
        ("名称", "name"),
        ("楼宇名称（必填）", "name"),
        ("*楼宇名称", "name"),
        ("详细地址", "address"),
        ("所在区县", "district"),
        ("区/县", "district"),
        ("建筑面积（平方米）", "floor_area"),
        ("已进驻运营商", "operators"),
        ("中国电信", "op:telecom"),
        ("是否收取进场费", "entry_fee_charged"),
        ("ＮＡＭＥ", "name"),
        ("联系人电话", ""),
        ("", ""),
    ],
)
def test_header_names(header, key):
    assert header_key(header) == key
