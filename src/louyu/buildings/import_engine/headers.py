"""The fields an import fills, the Chinese column names each is known by, and the guess of
which column holds which field. A new spelling of a column name is one more alias here."""

from __future__ import annotations

import re
import unicodedata

FIELD_LABELS: dict[str, str] = {
    "code": "楼宇编码",
    "name": "楼宇名称",
    "aliases": "别名",
    "address": "地址",
    "region": "区划代码",
    "province": "省份",
    "city": "地市",
    "district": "区县",
    "building_type": "楼宇类型",
    "property_company": "物业公司",
    "access_agent": "接入代理商",
    "floors": "楼层数",
    "floor_area": "建筑面积",
    "tenant_count": "入驻企业数",
    "year_completed": "竣工年份",
    "longitude": "经度",
    "latitude": "纬度",
    "facility_notes": "设施情况",
    "operators": "已进驻基础电信企业",
    "op:telecom": "中国电信",
    "op:mobile": "中国移动",
    "op:unicom": "中国联通",
    "op:broadnet": "中国广电",
    "status": "本企业入驻状态（运营商上报）",
    "exclusive_deal_known": "存在排他协议",
    "entry_fee_charged": "收取进场费",
    "notice_posted": "已公示服务信息",
    "friendly_pledge": "友好楼宇承诺",
}

HEADER_ALIASES: dict[str, list[str]] = {
    "code": ["楼宇编码", "楼宇编号", "编码", "楼宇代码", "code"],
    "name": ["楼宇名称", "名称", "楼宇", "项目名称", "大厦名称", "商务楼宇名称", "楼宇名", "name"],
    "aliases": ["别名", "曾用名", "又名", "其他名称"],
    "address": ["地址", "详细地址", "楼宇地址", "所在地址", "坐落", "address"],
    "region": ["区划代码", "行政区划代码", "区县代码", "区县编码"],
    "province": ["省", "省份", "所在省", "省级"],
    "city": ["市", "地市", "所在市", "城市", "所在地市", "地级市"],
    "district": ["区县", "区", "县", "所在区县", "区/县", "县区"],
    "building_type": ["楼宇类型", "类型", "类别", "楼宇类别"],
    "property_company": ["物业公司", "物业", "物业管理单位", "物业服务企业"],
    "access_agent": ["接入代理商", "代理商", "驻地网运营商", "宽带代理商"],
    "floors": ["楼层数", "层数", "楼层", "地上层数"],
    "floor_area": ["建筑面积", "面积", "建筑面积平方米", "建筑面积㎡", "建筑面积m2"],
    "tenant_count": ["入驻企业数", "企业数", "租户数", "入驻企业数量", "入驻单位数"],
    "year_completed": ["竣工年份", "建成年份", "竣工时间", "建成时间", "竣工日期", "建成日期"],
    "longitude": ["经度", "lng", "lon"],
    "latitude": ["纬度", "lat"],
    "facility_notes": ["设施情况", "备注", "说明", "设施说明"],
    "operators": [
        "已进驻运营商",
        "进驻运营商",
        "入驻运营商",
        "已进驻基础电信企业",
        "进驻基础电信企业",
        "基础电信企业",
        "运营商",
        "已入驻运营商",
    ],
    "op:telecom": ["电信", "中国电信", "电信是否进驻", "电信进驻"],
    "op:mobile": ["移动", "中国移动", "移动是否进驻", "移动进驻"],
    "op:unicom": ["联通", "中国联通", "联通是否进驻", "联通进驻"],
    "op:broadnet": ["广电", "中国广电", "广电是否进驻", "广电进驻"],
    "status": ["入驻状态", "服务状态", "状态", "是否进驻", "进驻情况", "进驻状态"],
    "exclusive_deal_known": ["排他协议", "是否存在排他协议", "存在排他协议", "是否排他"],
    "entry_fee_charged": ["进场费", "是否收取进场费", "收取进场费"],
    "notice_posted": ["是否公示", "公示", "已公示服务信息", "服务信息公示"],
    "friendly_pledge": ["友好楼宇", "友好楼宇承诺", "是否承诺友好楼宇"],
}


def _clean_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    return re.sub(r"[\s\*:：]+", "", text)


_ALIAS_INDEX = {
    _clean_header(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases
}


def header_key(header: str) -> str:
    """The canonical field of a column header, or "" when it is not a known name."""
    cleaned = _clean_header(header)
    if not cleaned:
        return ""
    if cleaned in _ALIAS_INDEX:
        return _ALIAS_INDEX[cleaned]
    stripped = cleaned.removeprefix("所在").removesuffix("名称")
    return _ALIAS_INDEX.get(stripped, "")


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """Column index → canonical key ("" for unknown). A key is used by its first column."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = header_key(header)
        if key and key not in used:
            mapping[index] = key
            used.add(key)
        else:
            mapping[index] = ""
    return mapping
