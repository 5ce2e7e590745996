"""Demo building registry: realistic, deterministic buildings and operator presence at any
size from a thousand to a million, written with bulk inserts in bounded batches.

The same ``seed`` gives the same buildings (codes, names, places, attributes, presence).
Codes are ``<county code>-D<seed><index>`` in the registry's code alphabet, so they never
collide with codes the registry hands out (those have six random characters after the dash)
nor with another seed's demo data."""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from louyu.buildings import selectors
from louyu.buildings.models import (
    FIBRE_RULE_FIRST_YEAR,
    Building,
    BuildingType,
    Presence,
    PresenceEvent,
    PresenceSource,
    PresenceStatus,
)
from louyu.buildings.services import CODE_ALPHABET, alias_text, normalize_name
from louyu.buildings.suggest import index_buildings
from louyu.core.audit import audit_record
from louyu.core.bulk import bulk_insert
from louyu.core.models import Jurisdiction, Region, RegionLevel
from louyu.core.reference import load_reference_organizations
from louyu.core.regions import normalize_address

# A rough share of commercial buildings by jurisdiction (bigger, richer provinces more).
JURISDICTION_WEIGHTS = {
    "440000": 12,
    "320000": 10,
    "330000": 9,
    "310000": 9,
    "110000": 9,
    "370000": 7,
    "510000": 5,
    "420000": 5,
    "410000": 5,
    "350000": 5,
    "500000": 4,
    "430000": 4,
    "340000": 4,
    "120000": 4,
    "130000": 4,
    "610000": 3,
    "210000": 3,
    "210200": 2,
    "360000": 2.5,
    "450000": 2.5,
    "530000": 2,
    "140000": 2,
    "230000": 2,
    "220000": 1.5,
    "150000": 1.5,
    "520000": 1.5,
    "650000": 1.5,
    "620000": 1,
    "460000": 1,
    "640000": 0.5,
    "630000": 0.5,
    "540000": 0.3,
}
DEFAULT_WEIGHT = 1.0

# Rough bounding boxes (lat_min, lat_max, lon_min, lon_max) of each jurisdiction's built-up
# area; good enough to put demo points on a map, not to geocode anything.
BOUNDING_BOXES = {
    "110000": (39.75, 40.10, 116.15, 116.65),
    "120000": (38.95, 39.25, 117.05, 117.45),
    "130000": (36.5, 41.5, 114.0, 119.0),
    "140000": (35.5, 40.0, 111.0, 114.0),
    "150000": (40.0, 45.0, 106.0, 122.0),
    "210000": (40.0, 42.5, 121.0, 125.0),
    "210200": (38.85, 39.45, 121.3, 122.1),
    "220000": (42.0, 45.5, 123.0, 129.0),
    "230000": (44.5, 48.0, 124.0, 131.0),
    "310000": (31.05, 31.40, 121.25, 121.70),
    "320000": (31.0, 34.5, 117.5, 121.0),
    "330000": (28.0, 30.8, 119.0, 122.0),
    "340000": (30.0, 34.0, 115.5, 119.0),
    "350000": (24.0, 27.5, 116.5, 120.0),
    "360000": (25.5, 29.5, 114.0, 118.0),
    "370000": (35.0, 37.8, 115.5, 122.0),
    "410000": (32.5, 36.0, 111.0, 116.0),
    "420000": (29.5, 32.5, 109.5, 116.0),
    "430000": (25.5, 29.5, 109.5, 114.0),
    "440000": (21.5, 24.5, 110.0, 116.5),
    "450000": (21.5, 25.5, 105.5, 111.5),
    "460000": (18.3, 20.0, 108.7, 111.0),
    "500000": (29.0, 31.5, 105.5, 109.0),
    "510000": (28.0, 32.5, 102.0, 108.0),
    "520000": (25.0, 28.5, 104.0, 109.0),
    "530000": (22.0, 27.5, 98.5, 105.0),
    "540000": (28.5, 32.0, 85.0, 97.0),
    "610000": (32.0, 38.5, 106.0, 110.5),
    "620000": (34.0, 40.0, 97.0, 106.0),
    "630000": (35.0, 38.0, 95.0, 102.0),
    "640000": (36.0, 39.0, 105.5, 107.0),
    "650000": (37.0, 46.0, 78.0, 90.0),
}
COORDINATE_SHARE = 0.15

TYPE_WEIGHTS = {
    BuildingType.OFFICE_TOWER: 50,
    BuildingType.BUSINESS_PARK: 15,
    BuildingType.COMMERCIAL_COMPLEX: 15,
    BuildingType.MIXED_USE: 15,
    BuildingType.OTHER: 5,
}
NAME_WORDS = [
    "金融", "国际", "环球", "世纪", "时代", "财富", "中央", "创新", "汇金", "嘉华", "远洋",
    "恒基", "银泰", "星光", "东方", "新城", "金茂", "华贸", "中信", "招商", "海航", "万通",
    "鼎盛", "天安", "信达", "富力", "泰禾", "融科", "锦绣", "凯德", "丰盛", "紫金", "华润",
    "明珠", "阳光", "未来", "数字", "智汇", "云谷", "光谷",
]  # fmt: skip
NAME_KINDS = {
    BuildingType.OFFICE_TOWER: ["大厦", "中心", "国际金融中心", "商务中心", "国际大厦", "广场"],
    BuildingType.BUSINESS_PARK: ["科技园", "产业园", "创意园", "软件园", "创新港"],
    BuildingType.COMMERCIAL_COMPLEX: ["广场", "购物中心", "天地", "商业中心", "城"],
    BuildingType.MIXED_USE: ["公馆", "国际公寓", "大厦", "中心"],
    BuildingType.OTHER: ["大楼", "综合楼", "会馆"],
}
TOWERS = ["A座", "B座", "C座", "1号楼", "2号楼", "3号楼", "T1", "T2", "东塔", "西塔"]
ROADS = [
    "人民", "建设", "解放", "中山", "和平", "新华", "长江", "黄河", "胜利", "文化", "光明",
    "友谊", "世纪", "科技", "金融", "滨江", "东风", "朝阳", "迎宾", "发展", "创业", "学府",
    "府前", "青年", "振兴", "团结", "工业", "站前", "湖滨", "高新",
]  # fmt: skip
ROAD_KINDS = ["路", "路", "路", "大道", "大街", "街"]

# How many basic operators serve a building: ~8% none, ~20% one, the rest two to four.
SERVING_COUNT_WEIGHTS = [8, 20, 38, 24, 10]
OPERATOR_WEIGHTS = {"telecom": 0.9, "mobile": 0.95, "unicom": 0.8, "broadnet": 0.25}
FLAG_RATES = {
    "exclusive_deal_known": 0.06,
    "entry_fee_charged": 0.08,
    "notice_posted": 0.55,
    "friendly_pledge": 0.25,
}
LAST_SINCE = datetime.date(2025, 12, 31)


@dataclass(frozen=True)
class _County:
    code: str
    short_name: str
    full_name: str
    jurisdiction_id: int


def _short(name: str) -> str:
    for suffix in ("自治县", "自治旗", "新区", "区", "县", "市", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _base32(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, len(CODE_ALPHABET))
        digits = CODE_ALPHABET[rest] + digits
        if number == 0:
            return digits


def demo_code(county_code: str, *, seed: int, index: int) -> str:
    return f"{county_code}-D{_base32(seed)}{_base32(index).rjust(5, CODE_ALPHABET[0])}"


def _counties() -> tuple[list[tuple[int, list[_County], list[float]]], list[float]]:
    """Counties grouped by jurisdiction (deterministic order) with cumulative weights:
    districts (区) weigh three times a county."""
    groups: dict[int, list[_County]] = {}
    codes: dict[int, str] = {}
    rows = (
        Region.objects.filter(level=RegionLevel.COUNTY, jurisdiction__isnull=False)
        .order_by("code")
        .values_list("code", "name", "full_name", "jurisdiction_id", "jurisdiction__code")
    )
    for code, name, full_name, jurisdiction_id, jurisdiction_code in rows:
        groups.setdefault(jurisdiction_id, []).append(
            _County(code, _short(name), full_name or name, jurisdiction_id)
        )
        codes[jurisdiction_id] = jurisdiction_code
    if not groups:
        raise ValueError("没有可用的区县（请先执行 migrate 载入行政区划）。")
    result = []
    for jurisdiction_id in sorted(groups):
        counties = groups[jurisdiction_id]
        weights = [3.0 if c.full_name.endswith("区") else 1.0 for c in counties]
        result.append((jurisdiction_id, counties, list(itertools.accumulate(weights))))
    weights = [JURISDICTION_WEIGHTS.get(codes[j], DEFAULT_WEIGHT) for j, _c, _w in result]
    return result, list(itertools.accumulate(weights))


@dataclass
class _Plan:
    building: Building
    presences: list[tuple[str, str, datetime.date]]  # operator key, status, since


def _plans(*, count: int, seed: int) -> Iterator[_Plan]:
    """The demo buildings, one at a time, all randomness from one ``random.Random(seed)``."""
    rng = random.Random(seed)
    groups, group_weights = _counties()
    jurisdiction_codes = dict(Jurisdiction.objects.values_list("pk", "code"))
    types = list(TYPE_WEIGHTS)
    type_weights = list(itertools.accumulate(TYPE_WEIGHTS.values()))
    serving_weights = list(itertools.accumulate(SERVING_COUNT_WEIGHTS))
    operator_keys = list(OPERATOR_WEIGHTS)
    now = timezone.now()
    for index in range(count):
        jurisdiction_id, counties, county_weights = rng.choices(groups, cum_weights=group_weights)[
            0
        ]
        county = rng.choices(counties, cum_weights=county_weights)[0]
        building_type = rng.choices(types, cum_weights=type_weights)[0]
        kind = rng.choice(NAME_KINDS[building_type])
        word = rng.choice(NAME_WORDS)
        tower = rng.choice(TOWERS) if rng.random() < 0.25 else ""
        name = f"{county.short_name}{word}{kind}{tower}"
        aliases = [f"{word}{kind}"] if rng.random() < 0.1 else []
        address = (
            f"{county.full_name}{rng.choice(ROADS)}{rng.choice(ROAD_KINDS)}{rng.randint(1, 999)}号"
        )
        if building_type == BuildingType.BUSINESS_PARK:
            floors = rng.randint(3, 15)
        elif building_type == BuildingType.OFFICE_TOWER:
            floors = rng.randint(8, 60) if rng.random() < 0.9 else rng.randint(61, 110)
        else:
            floors = rng.randint(4, 40)
        floor_area = Decimal(floors * rng.randint(800, 3000)).quantize(Decimal("1.00"))
        tenant_count = max(1, int(floors * rng.uniform(0.5, 8)))
        year = rng.randint(1990, 2025)
        coords = (None, None)
        box = BOUNDING_BOXES.get(jurisdiction_codes.get(jurisdiction_id, ""))
        if box and rng.random() < COORDINATE_SHARE:
            coords = (
                Decimal(f"{rng.uniform(box[0], box[1]):.6f}"),
                Decimal(f"{rng.uniform(box[2], box[3]):.6f}"),
            )
        flags = {flag: rng.random() < rate for flag, rate in FLAG_RATES.items()}
        serving = rng.choices(range(5), cum_weights=serving_weights)[0]
        chosen = _weighted_sample(rng, operator_keys, serving)
        first_day = datetime.date(max(year, 2000), 1, 1)
        span = max(1, (LAST_SINCE - first_day).days)
        presences = [
            (key, PresenceStatus.SERVING, first_day + datetime.timedelta(rng.randrange(span)))
            for key in chosen
        ]
        others = [k for k in operator_keys if k not in chosen]
        extra = rng.random()
        if others and (extra < (0.45 if serving == 0 else 0.08)):
            status = rng.choices(
                [PresenceStatus.REFUSED, PresenceStatus.BUILDING_IN, PresenceStatus.WITHDRAWN],
                weights=[5, 4, 1],
            )[0]
            since = LAST_SINCE - datetime.timedelta(rng.randrange(720))
            presences.append((rng.choice(others), status, since))
        building = Building(
            code=demo_code(county.code, seed=seed, index=index),
            name=name,
            aliases=aliases,
            alias_text=alias_text(aliases),
            address=address,
            normalized_address=normalize_address(address)[:300],
            normalized_name=normalize_name(name)[:200],
            region_id=county.code,
            jurisdiction_id=jurisdiction_id,
            building_type=building_type,
            floors=floors,
            floor_area=floor_area,
            tenant_count=tenant_count,
            year_completed=year,
            fibre_rule_applies=year >= FIBRE_RULE_FIRST_YEAR,
            latitude=coords[0],
            longitude=coords[1],
            operator_count=serving,
            created_at=now,
            **flags,
        )
        yield _Plan(building, presences)


def _weighted_sample(rng: random.Random, keys: list[str], k: int) -> list[str]:
    pool = list(keys)
    chosen = []
    for _ in range(k):
        pick = rng.choices(pool, weights=[OPERATOR_WEIGHTS[p] for p in pool])[0]
        pool.remove(pick)
        chosen.append(pick)
    return chosen


def _batches(iterable, size: int):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _insert(model, objs: list, *, batch_size: int) -> None:
    bulk_insert(model, objs, batch_size=batch_size)


def generate_buildings(
    *,
    count: int,
    seed: int = 1,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Insert ``count`` demo buildings with their presence and one presence event each
    (source ``import``), in one transaction, in batches of ``batch_size`` so memory stays
    bounded; writes one summary audit event ``building.generate``. Returns the number of
    buildings created. Raises ValueError (in Chinese) when this seed's data already exists.

    On PostgreSQL the rows go in with ``COPY`` (same values, primary keys taken from the
    tables' sequences); elsewhere with ``bulk_create``."""
    if count < 1:
        raise ValueError("数量须为正整数。")
    operators = {o.operator_key: o.pk for o in selectors.basic_operators()}
    if not set(OPERATOR_WEIGHTS) <= set(operators):
        load_reference_organizations()
        operators = {o.operator_key: o.pk for o in selectors.basic_operators()}
    created = presences_created = 0
    with transaction.atomic():
        for batch in _batches(_plans(count=count, seed=seed), batch_size):
            buildings = [plan.building for plan in batch]
            if created == 0 and Building.objects.filter(code=buildings[0].code).exists():
                raise ValueError(f"种子 {seed} 的演示楼宇已经生成过，请换一个种子。")
            _insert(Building, buildings, batch_size=batch_size)
            if any(b.pk is None for b in buildings):
                ids = dict(
                    Building.objects.filter(code__in=[b.code for b in buildings]).values_list(
                        "code", "pk"
                    )
                )
                for b in buildings:
                    b.pk = ids[b.code]
            index_buildings(buildings)
            now = timezone.now()
            presence_rows, event_rows = [], []
            for plan in batch:
                for key, status, since in plan.presences:
                    row = {
                        "building_id": plan.building.pk,
                        "operator_id": operators[key],
                        "since": since,
                        "source": PresenceSource.IMPORT,
                    }
                    presence_rows.append(Presence(status=status, updated_at=now, **row))
                    event_rows.append(
                        PresenceEvent(
                            old_status="",
                            new_status=status,
                            note="演示数据",
                            created_at=now,
                            **row,
                        )
                    )
            _insert(Presence, presence_rows, batch_size=batch_size)
            _insert(PresenceEvent, event_rows, batch_size=batch_size)
            created += len(buildings)
            presences_created += len(presence_rows)
            if progress is not None:
                progress(created, count)
        audit_record(
            actor=None,
            action="building.generate",
            changes={"count": created, "seed": seed, "presences": presences_created},
            object_repr=f"演示楼宇 {created} 栋（种子 {seed}）",
        )
    return created
