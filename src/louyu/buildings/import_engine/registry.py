"""The part of the registry an import touches: the county each row belongs to, the lock on
the jurisdictions being written, and the existing buildings of the file's counties (read
under that lock, so two imports of one file cannot both create a building)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection

from louyu.buildings.import_engine.errors import RowError
from louyu.buildings.import_engine.rows import ParsedRow
from louyu.buildings.models import Building
from louyu.core.models import Jurisdiction, Region, RegionLevel
from louyu.core.regions import resolve_address, resolve_code


def placeable_regions() -> dict[str, Region]:
    """Prefectures and counties by code, read once per import for ``place_row``."""
    return {r.code: r for r in Region.objects.filter(level__gte=RegionLevel.PREFECTURE)}


def place_row(parsed: ParsedRow, regions: dict[str, Region]) -> Region:
    data = parsed.data
    if data["region_code"]:
        found = resolve_code(data["region_code"][:6])
        if found is None:
            raise RowError(f"区划代码“{data['region_code'][:12]}”不存在")
        region = found.county or found.region
    else:
        text = data["place_text"] + data["address"]
        found = resolve_address(text) if text else None
        if found is None:
            raise RowError("无法从地址识别所在区县，请补充区县或区划代码")
        region = found.county or found.region
    region = regions.get(region.code, region)
    if region.level == RegionLevel.PROVINCE:
        raise RowError("地址只识别到省级，请补充地市和区县")
    if region.jurisdiction_id is None:
        raise RowError("该地区不属于任何管辖范围")
    return region


def lock_registry(jurisdiction_ids: set[int] | None) -> None:
    """Serialise concurrent imports: on PostgreSQL lock the jurisdictions' rows (all of
    them for a national import); SQLite's IMMEDIATE transactions already serialise writers."""
    if connection.vendor == "sqlite":
        return
    qs = Jurisdiction.objects.select_for_update().order_by("pk")
    if jurisdiction_ids is not None:
        qs = qs.filter(pk__in=jurisdiction_ids)
    list(qs.values_list("pk", flat=True))


# The attributes an import may change, read with each building so the diff can compare them.
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


class Registry:
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
