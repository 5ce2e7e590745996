"""Bulk import of the building registry from the spreadsheets administrations keep.

The engine reads XLSX/XLS (python-calamine) and CSV (UTF-8 or GBK/GB18030), finds the header
row under any title rows, maps the usual Chinese column names to fields, normalises values,
places each building by region code or address, matches it against the registry (same code;
else same county and normalised name; else a fuzzy name match among the county's buildings
at the same normalised address or with a very close name) and either reports what would
change (dry run) or writes everything in one transaction.

Guarantees: a file-level problem raises ImportFileError with a Chinese message and writes
nothing; a bad row is rejected with its source row number and a Chinese reason and never
stops the others; a committed import is all-or-nothing and concurrent commits are
serialised (the registry is re-read under the lock, so importing one file twice at once
cannot create duplicates).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rapidfuzz import fuzz, process

from louyu.buildings.models import (
    FIBRE_RULE_FIRST_YEAR,
    Building,
    BuildingType,
    Presence,
    PresenceEvent,
    PresenceSource,
    PresenceStatus,
)
from louyu.buildings.permissions import import_rights
from louyu.buildings.services import alias_text, new_building_code, normalize_name
from louyu.buildings.signals import presence_events_imported
from louyu.core.audit import audit_record
from louyu.core.bulk import bulk_insert
from louyu.core.exports import Column, write_xlsx
from louyu.core.models import Jurisdiction, Organization, OrganizationType, Region, RegionLevel
from louyu.core.regions import normalize_address, resolve_address, resolve_code

MAX_IMPORT_BYTES: int = getattr(settings, "LOUYU_IMPORT_MAX_BYTES", 30 * 1024 * 1024)
MAX_ROWS = 500_000
HEADER_SCAN_ROWS = 15
FUZZY_NAME_CUTOFF = 90
WRITE_BATCH = 2000


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the clerk, in Chinese."""


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
NOTE_PREFIXES = ("注", "备注", "说明", "填表", "填报", "制表", "审核", "联系人")


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


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, datetime.time | datetime.timedelta):
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        raw = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except Exception as exc:  # calamine raises several types for corrupt or foreign files
        raise ImportFileError(
            "文件不是有效的 Excel 工作簿（可能已损坏，或是改了扩展名的其他文件）。"
        ) from exc
    rows = [[_cell_text(v) for v in row] for row in raw]
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if not row[c]:
                    row[c] = value
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence
        raise ImportFileError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。")
    if "\x00" in text[:4096]:
        raise ImportFileError("文件不是文本格式的 CSV（含有二进制内容）。")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [[_cell_text(v) for v in row] for row in reader]


def _looks_like_zip_or_ole(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(data: bytes, *, filename: str) -> Table:
    """Read the first sheet (or the CSV) into a header and data rows with source row numbers.

    Title rows above the header are skipped (the header is the row among the first 15 that
    names the most known fields); merged cells are filled from their top-left value; empty
    rows and notes under the table (a row whose only text starts with 注/备注/说明…) are
    dropped."""
    if not data or not data.strip():
        raise ImportFileError("文件为空。")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {MAX_IMPORT_BYTES // 1048576} MB，"
            "请拆分后分批导入。"
        )
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("xlsx", "xlsm", "xls") or _looks_like_zip_or_ole(data):
        rows = _read_xlsx(data)
    elif suffix in ("csv", "txt", ""):
        rows = _read_csv(data)
    else:
        raise ImportFileError("只支持 .xlsx、.xls 和 .csv 文件。")
    if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
        raise ImportFileError(f"行数超过上限 {MAX_ROWS:,} 行，请拆分后分批导入。")
    best_index, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = {header_key(cell) for cell in row} - {""}
        score = len(keys) + (2 if "name" in keys else 0)
        if score > best_score:
            best_index, best_score = index, score
    if best_index < 0 or best_score < 3:
        raise ImportFileError(
            "未找到表头行：请确认前 15 行中有一行列名，至少包含“楼宇名称”和“地址”（或“区县”）。"
        )
    headers = rows[best_index]
    width = len(headers)
    data_rows: list[tuple[int, list[str]]] = []
    for offset, row in enumerate(rows[best_index + 1 :], start=best_index + 2):
        cells = (row + [""] * width)[:width]
        filled = [c for c in cells if c]
        if not filled:
            continue
        if len(filled) == 1 and filled[0].startswith(NOTE_PREFIXES):
            continue
        data_rows.append((offset, cells))
    if not data_rows:
        raise ImportFileError("表头下没有数据行。")
    return Table(headers=[h.strip() for h in headers], rows=data_rows, header_row=best_index + 1)


@dataclass
class RejectedRow:
    row: int
    reason: str
    values: list[str]


@dataclass
class ImportResult:
    counts: dict[str, int]
    rejected: list[RejectedRow]
    mapping: dict[int, str]
    unknown_columns: list[str]
    created_ids: list[int] = field(default_factory=list)


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


class _RowError(Exception):
    """One row cannot be imported; the message is its reason, in Chinese."""


def _parse_row(cells: list[str], mapping: dict[int, str]) -> tuple[dict[str, Any], dict | None]:
    raw = {key: cells[i].strip() for i, key in mapping.items() if key and i < len(cells)}
    data: dict[str, Any] = {}
    name = raw.get("name", "")
    if not name:
        raise _RowError("缺少楼宇名称")
    if len(name) > 200:
        raise _RowError("楼宇名称超过 200 字")
    data["name"] = name
    address = raw.get("address", "")
    if len(address) > 300:
        raise _RowError("地址超过 300 字")
    data["address"] = address
    data["code"] = raw.get("code", "")[:32]
    data["region_code"] = raw.get("region", "")
    data["place_text"] = "".join(raw.get(k, "") for k in ("province", "city", "district"))
    if "aliases" in raw:
        data["aliases"] = [a for a in re.split(r"[、,，;；/|]", raw["aliases"]) if a.strip()]
    if "building_type" in raw:
        building_type = _parse_type(raw["building_type"])
        if building_type is None:
            raise _RowError(f"无法识别的楼宇类型“{raw['building_type'][:20]}”")
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
                raise _RowError(f"{label}“{text[:20]}”不是合理的数值")
    if ("longitude" in data) != ("latitude" in data):
        raise _RowError("经纬度须同时填写")
    if "facility_notes" in raw:
        data["facility_notes"] = raw["facility_notes"][:2000]
    for flag in ("exclusive_deal_known", "entry_fee_charged", "notice_posted", "friendly_pledge"):
        if flag in raw:
            value = _parse_bool(raw[flag])
            if value is None:
                raise _RowError(f"{FIELD_LABELS[flag]}应填“是”或“否”")
            data[flag] = value
    for org_field in ("property_company", "access_agent"):
        if raw.get(org_field):
            data[org_field] = raw[org_field][:128]
    presence: dict[str, str] | None = None
    if "operators" in raw:
        listed = _parse_operator_list(raw["operators"])
        if listed is None:
            raise _RowError(f"无法识别的运营商“{raw['operators'][:30]}”（可写“电信、移动”或“无”）")
        presence = {
            key: (PresenceStatus.SERVING if key in listed else "") for key in OPERATOR_WORDS
        }
    for key in OPERATOR_WORDS:
        column = f"op:{key}"
        if column in raw:
            status = _parse_operator_cell(raw[column])
            if status is None:
                raise _RowError(f"{FIELD_LABELS[column]}列应填“是/否/在建/被拒”")
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
                raise _RowError("入驻状态应填“已进驻/在建/被拒/已退出”")
            return status or PresenceStatus.WITHDRAWN
    return PresenceStatus.SERVING


def _place(parsed: ParsedRow, regions: dict[str, Region]) -> Region:
    data = parsed.data
    if data["region_code"]:
        found = resolve_code(data["region_code"][:6])
        if found is None:
            raise _RowError(f"区划代码“{data['region_code'][:12]}”不存在")
        region = found.county or found.region
    else:
        text = data["place_text"] + data["address"]
        found = resolve_address(text) if text else None
        if found is None:
            raise _RowError("无法从地址识别所在区县，请补充区县或区划代码")
        region = found.county or found.region
    region = regions.get(region.code, region)
    if region.level == RegionLevel.PROVINCE:
        raise _RowError("地址只识别到省级，请补充地市和区县")
    if region.jurisdiction_id is None:
        raise _RowError("该地区不属于任何管辖范围")
    return region


def _lock_registry(jurisdiction_ids: set[int] | None) -> None:
    """Serialise concurrent imports: on PostgreSQL lock the jurisdictions' rows (all of
    them for a national import); SQLite's IMMEDIATE transactions already serialise writers."""
    if connection.vendor == "sqlite":
        return
    qs = Jurisdiction.objects.select_for_update().order_by("pk")
    if jurisdiction_ids is not None:
        qs = qs.filter(pk__in=jurisdiction_ids)
    list(qs.values_list("pk", flat=True))


COMPARE_FIELDS = [
    "name",
    "address",
    "aliases",
    "building_type",
    "floors",
    "floor_area",
    "tenant_count",
    "year_completed",
    "longitude",
    "latitude",
    "facility_notes",
    "exclusive_deal_known",
    "entry_fee_charged",
    "notice_posted",
    "friendly_pledge",
]


REGISTRY_FIELDS = [
    "id",
    "code",
    "region_id",
    "jurisdiction_id",
    "normalized_name",
    "normalized_address",
]


class _Registry:
    """The existing buildings of the import's counties, indexed for matching."""

    def __init__(self, region_codes: set[str]):
        self.by_id: dict[int, dict[str, Any]] = {}
        self.by_code: dict[str, int] = {}
        self.by_name: dict[tuple[str, str], int] = {}
        self.by_region: dict[str, list[int]] = defaultdict(list)
        fields = [*REGISTRY_FIELDS, *COMPARE_FIELDS]
        region_list = sorted(region_codes)
        for start in range(0, len(region_list), 500):
            chunk = region_list[start : start + 500]
            for row in Building.objects.filter(region_id__in=chunk, is_active=True).values(*fields):
                self._add(row)

    def _add(self, row: dict[str, Any]) -> None:
        self.by_id[row["id"]] = row
        self.by_code[row["code"]] = row["id"]
        self.by_name.setdefault((row["region_id"], row["normalized_name"]), row["id"])
        self.by_region[row["region_id"]].append(row["id"])

    def codes_for(self, codes: set[str]) -> dict[str, int]:
        """Existing buildings with these codes anywhere (a code is unique nationally)."""
        found: dict[str, int] = {}
        code_list = sorted(c for c in codes if c)
        for start in range(0, len(code_list), 500):
            chunk = code_list[start : start + 500]
            for row in Building.objects.filter(code__in=chunk).values(
                *REGISTRY_FIELDS, *COMPARE_FIELDS
            ):
                if row["id"] not in self.by_id:
                    self._add(row)
                found[row["code"]] = row["id"]
        return found

    def match(self, region_code: str, name_key: str, address_key: str) -> int | None:
        exact = self.by_name.get((region_code, name_key))
        if exact is not None:
            return exact
        candidates = self.by_region.get(region_code)
        if not candidates:
            return None
        same_address = [
            i
            for i in candidates
            if address_key and self.by_id[i]["normalized_address"] == address_key
        ]
        pool = same_address or candidates
        cutoff = 80 if same_address else FUZZY_NAME_CUTOFF
        choices = {i: self.by_id[i]["normalized_name"] for i in pool}
        best = process.extractOne(name_key, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        return best[2] if best else None


def _organizations_by_name() -> dict[str, Organization]:
    return {
        org.name: org
        for org in Organization.objects.filter(
            type__in=[OrganizationType.PROPERTY_COMPANY, OrganizationType.ACCESS_AGENT],
            is_active=True,
        )
    }


def run_import(
    *,
    table: Table,
    actor,
    mapping: dict[int, str] | None = None,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
    source_label: str = "",
) -> ImportResult:
    """Import ``table`` as ``actor`` (None = a national system import).

    Returns counts of new, updated, unchanged and rejected rows. With ``dry_run`` nothing is
    written. Otherwise every change is written in one transaction together with one audit
    event; presence changes append PresenceEvents with source "import"."""
    mapping = {int(k): v for k, v in (mapping or guess_mapping(table.headers)).items()}
    mapped = set(mapping.values()) - {""}
    if "name" not in mapped:
        raise ImportFileError("缺少必需的列“楼宇名称”，请在列对应关系中指定。")
    if not ({"address", "region", "district"} & mapped):
        raise ImportFileError("缺少必需的列“地址”（或“区县”“区划代码”），无法确定楼宇所在地。")
    unknown = [
        table.headers[i] for i, key in sorted(mapping.items()) if not key and table.headers[i]
    ]
    rights = import_rights(actor)
    if not rights.allowed:
        raise ImportFileError(rights.refusal)
    # An operator reports its own presence list: rows must name registered buildings in its
    # area; building attributes and other operators' columns are not touched.
    own_operator = rights.own_operator
    allowed = None if rights.jurisdiction_ids is None else set(rights.jurisdiction_ids)

    total = len(table.rows)
    step = max(1, total // 100)
    rejected: list[RejectedRow] = []
    parsed_rows: list[ParsedRow] = []
    regions = {r.code: r for r in Region.objects.filter(level__gte=RegionLevel.PREFECTURE)}
    seen_codes: dict[str, int] = {}
    seen_keys: dict[tuple[str, str], int] = {}
    for done, (row_number, cells) in enumerate(table.rows, start=1):
        if progress and done % step == 0:
            progress(done // 2, total)
        try:
            data, presence = _parse_row(cells, mapping)
            if own_operator is not None:
                data = {
                    k: data[k] for k in ("name", "address", "code", "region_code", "place_text")
                }
                presence = {own_operator.operator_key: data_status(cells, mapping)}
            parsed = ParsedRow(row=row_number, values=cells, data=data, presence=presence)
            parsed.region = _place(parsed, regions)
            if allowed is not None and parsed.region.jurisdiction_id not in allowed:
                raise _RowError("该楼宇不在您的管辖范围内")
            data["normalized_name"] = normalize_name(data["name"])[:200]
            data["normalized_address"] = normalize_address(data["address"])[:300]
            key = (parsed.region.code, data["normalized_name"])
            if data["code"] and data["code"] in seen_codes:
                raise _RowError(f"与第 {seen_codes[data['code']]} 行楼宇编码重复")
            if key in seen_keys:
                raise _RowError(f"与第 {seen_keys[key]} 行重复（同一区县同名楼宇）")
            if data["code"]:
                seen_codes[data["code"]] = row_number
            seen_keys[key] = row_number
            parsed_rows.append(parsed)
        except _RowError as exc:
            rejected.append(RejectedRow(row=row_number, reason=str(exc), values=cells))

    def plan_and_write() -> ImportResult:
        registry = _Registry({p.region.code for p in parsed_rows})
        by_code = registry.codes_for({p.data["code"] for p in parsed_rows})
        organizations = _organizations_by_name()
        operators = {o.operator_key: o for o in Organization.objects.filter(is_basic_operator=True)}
        counts = {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        accepted: list[ParsedRow] = []
        for done, parsed in enumerate(parsed_rows, start=1):
            if progress and dry_run and done % step == 0:
                progress(total // 2 + done // 2, total)
            data = parsed.data
            match_id = by_code.get(data["code"]) if data["code"] else None
            if match_id is not None:
                existing = registry.by_id[match_id]
                if allowed is not None and existing["jurisdiction_id"] not in allowed:
                    rejected.append(
                        RejectedRow(parsed.row, "楼宇编码属于其他管辖范围的楼宇", parsed.values)
                    )
                    continue
            else:
                match_id = registry.match(
                    parsed.region.code, data["normalized_name"], data["normalized_address"]
                )
            for org_field in ("property_company", "access_agent"):
                if org_field in data:
                    org = organizations.get(data[org_field])
                    data[org_field] = org.pk if org else None
            if own_operator is not None and match_id is None:
                rejected.append(
                    RejectedRow(
                        parsed.row, "名录中未找到该楼宇，请先由通信管理局登记", parsed.values
                    )
                )
                continue
            parsed.match_id = match_id
            accepted.append(parsed)
        changes = _diff(accepted, registry, operators, attributes=own_operator is None)
        counts["new"] = sum(1 for p in accepted if p.match_id is None)
        counts["updated"] = len(changes.updated_ids)
        counts["unchanged"] = len(accepted) - counts["new"] - counts["updated"]
        counts["rejected"] = len(rejected)
        result = ImportResult(
            counts=counts,
            rejected=sorted(rejected, key=lambda r: r.row),
            mapping=mapping,
            unknown_columns=unknown,
        )
        if not dry_run:
            result.created_ids = _write(accepted, changes, registry, operators, actor)
            audit_record(
                actor=actor,
                action="building.import",
                obj=None,
                jurisdiction=next(iter(allowed)) if allowed and len(allowed) == 1 else None,
                object_repr=source_label[:200] or "楼宇名录导入",
                changes={"counts": counts, "rows": total},
            )
        return result

    # Progress is reported outside the write transaction only (another connection could not
    # see it before the commit anyway).
    if dry_run:
        result = plan_and_write()
    else:
        with transaction.atomic():
            _lock_registry(allowed)
            result = plan_and_write()
    if progress:
        progress(total, total)
    return result


@dataclass
class _Changes:
    updated_ids: set[int]
    field_updates: dict[int, dict[str, Any]]
    presence: list[tuple[ParsedRow, str, str]]  # (row, operator key, status)


def _normalise_for_compare(key: str, value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, float):
        return Decimal(str(value)).normalize()
    return value


def _diff(
    accepted: list[ParsedRow], registry: _Registry, operators, *, attributes: bool = True
) -> _Changes:
    """What each matched row would change (attributes unless ``attributes`` is False, and
    presence)."""
    field_updates: dict[int, dict[str, Any]] = {}
    updated: set[int] = set()
    presence_changes: list[tuple[ParsedRow, str, str]] = []
    matched_ids = [p.match_id for p in accepted if p.match_id is not None]
    current: dict[tuple[int, str], str] = {}
    for start in range(0, len(matched_ids), 500):
        chunk = matched_ids[start : start + 500]
        for building_id, key, status in Presence.objects.filter(building_id__in=chunk).values_list(
            "building_id", "operator__operator_key", "status"
        ):
            current[(building_id, key)] = status
    for parsed in accepted:
        data = parsed.data
        if parsed.match_id is None:
            if parsed.presence:
                for key, status in parsed.presence.items():
                    if status and key in operators:
                        presence_changes.append((parsed, key, status))
            continue
        existing = registry.by_id[parsed.match_id]
        diff: dict[str, Any] = {}
        for key in COMPARE_FIELDS if attributes else ():
            if key in data and _normalise_for_compare(key, data[key]) != _normalise_for_compare(
                key, existing.get(key)
            ):
                if key in ("address",) and not data[key]:
                    continue
                diff[key] = data[key]
        if attributes and existing["region_id"] != parsed.region.code and data["address"]:
            diff["region_id"] = parsed.region.code
        if diff:
            field_updates[parsed.match_id] = diff
            updated.add(parsed.match_id)
        if parsed.presence:
            for key, status in parsed.presence.items():
                if key not in operators:
                    continue
                old = current.get((parsed.match_id, key), "")
                if status == old or (status == PresenceStatus.WITHDRAWN and not old):
                    continue
                if not status:
                    if old in (PresenceStatus.SERVING, PresenceStatus.BUILDING_IN):
                        status = PresenceStatus.WITHDRAWN
                    else:
                        continue
                presence_changes.append((parsed, key, status))
                updated.add(parsed.match_id)
    return _Changes(updated_ids=updated, field_updates=field_updates, presence=presence_changes)


def _write(accepted, changes: _Changes, registry: _Registry, operators, actor) -> list[int]:
    """Apply the plan with bulk statements; recompute operator counts of touched buildings."""
    now = timezone.now()
    today = timezone.localdate()
    taken = set(registry.by_code)
    new_rows = [p for p in accepted if p.match_id is None]
    buildings = []
    for parsed in new_rows:
        data = parsed.data
        code = data["code"]
        while not code or code in taken:
            code = new_building_code(parsed.region.code)
        taken.add(code)
        year = data.get("year_completed")
        buildings.append(
            Building(
                code=code,
                name=data["name"],
                aliases=data.get("aliases", []),
                alias_text=alias_text(data.get("aliases", [])),
                address=data["address"] or parsed.region.full_name,
                normalized_address=data["normalized_address"]
                or normalize_address(parsed.region.full_name),
                normalized_name=data["normalized_name"],
                region_id=parsed.region.code,
                jurisdiction_id=parsed.region.jurisdiction_id,
                building_type=data.get("building_type", BuildingType.OTHER),
                property_company_id=data.get("property_company"),
                access_agent_id=data.get("access_agent"),
                floors=data.get("floors"),
                floor_area=data.get("floor_area"),
                tenant_count=data.get("tenant_count"),
                year_completed=year,
                fibre_rule_applies=bool(year and year >= FIBRE_RULE_FIRST_YEAR),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                facility_notes=data.get("facility_notes", ""),
                exclusive_deal_known=data.get("exclusive_deal_known", False),
                entry_fee_charged=data.get("entry_fee_charged", False),
                notice_posted=data.get("notice_posted", False),
                friendly_pledge=data.get("friendly_pledge", False),
                created_at=now,
            )
        )
    created = bulk_insert(Building, buildings, batch_size=WRITE_BATCH)
    for parsed, building in zip(new_rows, created, strict=True):
        parsed.match_id = building.pk
    if changes.field_updates:
        _apply_field_updates(changes.field_updates)
    touched: set[int] = set()
    presence_objs: dict[tuple[int, int], Presence] = {}
    keys = {(p.match_id, operators[k].pk) for p, k, _s in changes.presence}
    building_ids = sorted({b for b, _o in keys})
    for start in range(0, len(building_ids), 500):
        for presence in Presence.objects.filter(building_id__in=building_ids[start : start + 500]):
            presence_objs[(presence.building_id, presence.operator_id)] = presence
    to_create, to_update, events = [], [], []
    for parsed, key, status in changes.presence:
        operator = operators[key]
        existing = presence_objs.get((parsed.match_id, operator.pk))
        old = existing.status if existing else ""
        if existing is None:
            existing = Presence(
                building_id=parsed.match_id,
                operator=operator,
                status=status,
                since=today,
                source=PresenceSource.IMPORT,
                updated_at=now,
            )
            to_create.append(existing)
        else:
            existing.status, existing.since = status, today
            existing.source, existing.updated_at = PresenceSource.IMPORT, now
            to_update.append(existing)
        events.append(
            PresenceEvent(
                building_id=parsed.match_id,
                operator=operator,
                old_status=old,
                new_status=status,
                since=today,
                source=PresenceSource.IMPORT,
                note=f"导入第 {parsed.row} 行",
                actor=actor if actor is not None and actor.pk else None,
                created_at=now,
            )
        )
        touched.add(parsed.match_id)
    bulk_insert(Presence, to_create, batch_size=WRITE_BATCH)
    _update_rows(Presence, to_update, ["status", "since", "source", "updated_at"])
    bulk_insert(PresenceEvent, events, batch_size=WRITE_BATCH)
    if events:
        presence_events_imported.send(sender=PresenceEvent, events=events)
    basic = {o.pk for o in operators.values()}
    serving: dict[int, int] = dict.fromkeys(touched, 0)
    for (building_id, operator_id), presence in presence_objs.items():
        if (
            building_id in serving
            and operator_id in basic
            and presence.status == PresenceStatus.SERVING
        ):
            serving[building_id] += 1
    for presence in to_create:
        if presence.operator_id in basic and presence.status == PresenceStatus.SERVING:
            serving[presence.building_id] += 1
    _refresh_counts(serving)
    return [b.pk for b in created]


def _update_rows(model, objs: list, fields: list[str]) -> None:
    """``UPDATE … SET f = %s … WHERE id = %s`` with executemany: the same result as
    ``bulk_update`` without its per-row CASE expressions, which dominate a large import."""
    if not objs:
        return
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in model_fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), WRITE_BATCH):
            cursor.executemany(sql, params[start : start + WRITE_BATCH])


def _apply_field_updates(updates: dict[int, dict[str, Any]]) -> None:
    ids = sorted(updates)
    regions = {
        r.code: r
        for r in Region.objects.filter(
            code__in={u["region_id"] for u in updates.values() if "region_id" in u}
        )
    }
    objs = []
    fields: set[str] = set()
    for start in range(0, len(ids), 500):
        for building in Building.objects.filter(pk__in=ids[start : start + 500]):
            diff = updates[building.pk]
            for key, value in diff.items():
                setattr(building, key, value)
            if "region_id" in diff:
                building.jurisdiction_id = regions[diff["region_id"]].jurisdiction_id
                fields.add("jurisdiction_id")
            building.normalized_name = normalize_name(building.name)[:200]
            building.normalized_address = normalize_address(building.address)[:300]
            building.alias_text = alias_text(building.aliases)
            building.fibre_rule_applies = bool(
                building.year_completed and building.year_completed >= FIBRE_RULE_FIRST_YEAR
            )
            building.updated_at = timezone.now()
            fields.update(diff)
            objs.append(building)
    fields.update(
        {"normalized_name", "normalized_address", "alias_text", "fibre_rule_applies", "updated_at"}
    )
    _update_rows(Building, objs, sorted(fields))


def _refresh_counts(serving: dict[int, int]) -> None:
    """Store the number of basic operators serving each touched building (computed from the
    presence rows the import just read and wrote, all under the import's lock)."""
    objs = [Building(pk=pk, operator_count=count) for pk, count in serving.items()]
    _update_rows(Building, objs, ["operator_count"])


def rejected_rows_xlsx(result: ImportResult, headers: list[str]) -> bytes:
    """The rejected rows as an XLSX: 行号, 原因, then the original columns (formula-safe)."""
    output = io.BytesIO()
    write_xlsx(
        output,
        sheet_name="未导入的行",
        columns=[Column("行号", 8.43), Column("原因", 40), *(Column(h, 8.43) for h in headers)],
        rows=([r.row, r.reason, *map(str, r.values)] for r in result.rejected),
        max_rows=len(result.rejected),
        freeze_columns=None,
        header_color="#F2F2F2",
        in_memory=True,
    )
    return output.getvalue()
