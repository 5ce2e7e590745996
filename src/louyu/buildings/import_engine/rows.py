"""One data row: its cells parsed into building fields and operator presence, with the
value words clerks write (是/否, 电信、移动, 在建, 被拒 …). A new spelling of a value is one
more word here. A cell that cannot be read rejects the row with a Chinese reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from louyu.buildings.import_engine.errors import RowError
from louyu.buildings.import_engine.headers import FIELD_LABELS
from louyu.buildings.models import BuildingType, PresenceStatus
from louyu.core.models import Region

OPERATOR_WORDS = {
    "telecom": ("电信",),
    "mobile": ("移动",),
    "unicom": ("联通",),
    "broadnet": ("广电", "广播电视"),
}
NONE_WORDS = {"无", "没有", "无运营商", "暂无", "0", "否", "-", "—", "/"}
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已", "已进驻", "进驻", "服务", "在用"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", "×", "✗", "未", "未进驻", "没有", ""}
REFUSED_WORDS = ("拒", "阻")
BUILDING_IN_WORDS = ("在建", "建设中", "进场中", "施工")
TYPE_WORDS = [
    (BuildingType.BUSINESS_PARK, ("园区", "产业园", "科技园", "园")),
    (BuildingType.COMMERCIAL_COMPLEX, ("综合体", "商业", "购物", "广场")),
    (BuildingType.MIXED_USE, ("商住", "混合")),
    (BuildingType.OFFICE_TOWER, ("写字楼", "办公", "商务楼", "大厦", "楼宇")),
    (BuildingType.OTHER, ("其他", "其它")),
]


@dataclass
class RejectedRow:
    row: int
    reason: str
    values: list[str]


def _parse_bool(text: str) -> bool | None:
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    return None


def _parse_int(text: str, *, low: int, high: int) -> int | None:
    match = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    if not match:
        raise ValueError
    number = float(match.group())
    if not number.is_integer() or not (low <= number <= high):
        raise ValueError
    return int(number)


def _parse_decimal(text: str, *, low: float, high: float, places: int) -> Decimal:
    match = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    if not match:
        raise ValueError
    value = Decimal(match.group())
    if not (Decimal(str(low)) <= value <= Decimal(str(high))):
        raise ValueError
    return value.quantize(Decimal(1).scaleb(-places))


def _parse_operator_list(text: str) -> set[str] | None:
    value = text.strip()
    if not value or value in NONE_WORDS:
        return set()
    found = {key for key, words in OPERATOR_WORDS.items() if any(w in value for w in words)}
    return found or None


def _parse_operator_cell(text: str) -> str | None:
    """One operator's column: serving / building_in / refused / "" (absent) / None (bad)."""
    value = text.strip()
    if any(w in value for w in REFUSED_WORDS):
        return PresenceStatus.REFUSED
    if any(w in value for w in BUILDING_IN_WORDS):
        return PresenceStatus.BUILDING_IN
    flag = _parse_bool(value)
    if flag is None:
        return None
    return PresenceStatus.SERVING if flag else ""


def _parse_type(text: str) -> str | None:
    value = text.strip()
    if not value:
        return BuildingType.OTHER
    if value in BuildingType.values:
        return value
    for building_type, words in TYPE_WORDS:
        if any(w in value for w in words):
            return building_type
    return None


@dataclass
class ParsedRow:
    row: int
    values: list[str]
    data: dict[str, Any]
    presence: dict[str, str] | None  # operator key -> status ("" = not present); None = no info
    region: Region | None = None
    match_id: int | None = None


def parse_row(cells: list[str], mapping: dict[int, str]) -> tuple[dict[str, Any], dict | None]:
    raw = {key: cells[i].strip() for i, key in mapping.items() if key and i < len(cells)}
    data: dict[str, Any] = {}
    name = raw.get("name", "")
    if not name:
        raise RowError("缺少楼宇名称")
    if len(name) > 200:
        raise RowError("楼宇名称超过 200 字")
    data["name"] = name
    address = raw.get("address", "")
    if len(address) > 300:
        raise RowError("地址超过 300 字")
    data["address"] = address
    data["code"] = raw.get("code", "")[:32]
    data["region_code"] = raw.get("region", "")
    data["place_text"] = "".join(raw.get(k, "") for k in ("province", "city", "district"))
    if "aliases" in raw:
        data["aliases"] = [a for a in re.split(r"[、,，;；/|]", raw["aliases"]) if a.strip()]
    if "building_type" in raw:
        building_type = _parse_type(raw["building_type"])
        if building_type is None:
            raise RowError(f"无法识别的楼宇类型“{raw['building_type'][:20]}”")
        data["building_type"] = building_type
    numeric = [
        ("floors", "楼层数", lambda t: _parse_int(t, low=1, high=300)),
        ("tenant_count", "入驻企业数", lambda t: _parse_int(t, low=0, high=1_000_000)),
        ("year_completed", "竣工年份", lambda t: _parse_int(t[:4], low=1900, high=2100)),
        ("floor_area", "建筑面积", lambda t: _parse_decimal(t, low=0, high=1e9, places=2)),
        ("longitude", "经度", lambda t: _parse_decimal(t, low=73, high=136, places=6)),
        ("latitude", "纬度", lambda t: _parse_decimal(t, low=3, high=54, places=6)),
    ]
    for key, label, parse in numeric:
        text = raw.get(key, "")
        if text:
            try:
                data[key] = parse(text)
            except (ValueError, InvalidOperation):
                raise RowError(f"{label}“{text[:20]}”不是合理的数值")
    if ("longitude" in data) != ("latitude" in data):
        raise RowError("经纬度须同时填写")
    if "facility_notes" in raw:
        data["facility_notes"] = raw["facility_notes"][:2000]
    for flag in ("exclusive_deal_known", "entry_fee_charged", "notice_posted", "friendly_pledge"):
        if flag in raw:
            value = _parse_bool(raw[flag])
            if value is None:
                raise RowError(f"{FIELD_LABELS[flag]}应填“是”或“否”")
            data[flag] = value
    for org_field in ("property_company", "access_agent"):
        if raw.get(org_field):
            data[org_field] = raw[org_field][:128]
    presence: dict[str, str] | None = None
    if "operators" in raw:
        listed = _parse_operator_list(raw["operators"])
        if listed is None:
            raise RowError(f"无法识别的运营商“{raw['operators'][:30]}”（可写“电信、移动”或“无”）")
        presence = {
            key: (PresenceStatus.SERVING if key in listed else "") for key in OPERATOR_WORDS
        }
    for key in OPERATOR_WORDS:
        column = f"op:{key}"
        if column in raw:
            status = _parse_operator_cell(raw[column])
            if status is None:
                raise RowError(f"{FIELD_LABELS[column]}列应填“是/否/在建/被拒”")
            presence = presence if presence is not None else {}
            presence[key] = status
    return data, presence


def data_status(cells: list[str], mapping: dict[int, str]) -> str:
    """An operator's own status on a presence-list row: the status column when there is
    one (blank = serving), else serving (the row lists a building it serves)."""
    for index, key in mapping.items():
        if key == "status" and index < len(cells):
            text = cells[index].strip()
            if not text:
                return PresenceStatus.SERVING
            if "退" in text:
                return PresenceStatus.WITHDRAWN
            status = _parse_operator_cell(text)
            if status is None:
                raise RowError("入驻状态应填“已进驻/在建/被拒/已退出”")
            return status or PresenceStatus.WITHDRAWN
    return PresenceStatus.SERVING
