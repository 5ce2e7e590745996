"""What an import does to each of the first rows of the file, for the clerk to check before
confirming: the row's number, its building as parsed, the action (new, updated, unchanged,
rejected), the fields an update changes (old → new) and a rejected row's reason.

``build_preview`` keeps only the ``limit`` rows with the smallest row numbers, whatever the
file's size, and stores plain JSON values (codes and keys, not labels), so the page and the
API show them in the reader's language with ``describe_change`` and ``ACTION_LABELS``."""

from __future__ import annotations

import heapq
from decimal import Decimal
from itertools import chain
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from louyu.buildings.import_engine.diff import Changes
from louyu.buildings.import_engine.registry import Registry
from louyu.buildings.import_engine.rows import ParsedRow, RejectedRow
from louyu.buildings.models import BuildingType, PresenceStatus
from louyu.core.models import Jurisdiction, Region

PREVIEW_ROWS = 50
ACTIONS = ("new", "updated", "unchanged", "rejected")
ACTION_LABELS = {
    "new": _("新增"),
    "updated": _("更新"),
    "unchanged": _("未变"),
    "rejected": _("未通过"),
}
# The fields an import can change, as the preview names them ("district" is the county the
# building moves to; "op:<key>" an operator's presence, named as the operator is: an
# organisation's name stays as it is in every language).
CHANGE_LABELS = {
    "name": _("楼宇名称"),
    "address": _("地址"),
    "district": _("所在区县"),
    "aliases": _("别名"),
    "building_type": _("楼宇类型"),
    "floors": _("楼层数"),
    "floor_area": _("建筑面积"),
    "tenant_count": _("入驻企业数"),
    "year_completed": _("竣工年份"),
    "longitude": _("经度"),
    "latitude": _("纬度"),
    "facility_notes": _("设施情况"),
    "exclusive_deal_known": _("存在排他协议"),
    "entry_fee_charged": _("收取进场费"),
    "notice_posted": _("已公示服务信息"),
    "friendly_pledge": _("友好楼宇承诺"),
    "op:telecom": "中国电信",
    "op:mobile": "中国移动",
    "op:unicom": "中国联通",
    "op:broadnet": "中国广电",
}


def _plain(value: Any) -> Any:
    """A value as JSON can hold it (decimals as text, tuples as lists)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def build_preview(
    *,
    accepted: list[ParsedRow],
    rejected: list[RejectedRow],
    changes: Changes,
    registry: Registry,
    mapping: dict[int, str],
    limit: int = PREVIEW_ROWS,
) -> list[dict[str, Any]]:
    """The first ``limit`` rows of the file (by row number) with what the import does to
    each. Reads the registry as ``diff_rows`` saw it, so call it before writing; at most
    two small queries (region and jurisdiction names of the rows shown)."""
    first = heapq.nsmallest(limit, chain(accepted, rejected), key=lambda r: r.row)
    columns = {key: index for index, key in mapping.items() if key}
    presence_by_row: dict[int, list[tuple[str, str]]] = {}
    for parsed, key, status in changes.presence:
        presence_by_row.setdefault(parsed.row, []).append((key, status))
    region_codes: set[str] = set()
    jurisdiction_ids: set[int] = set()
    for item in first:
        if isinstance(item, ParsedRow):
            jurisdiction_ids.add(item.region.jurisdiction_id)
            if item.match_id is not None:
                region_codes.add(registry.by_id[item.match_id]["region_id"])
    region_names = dict(
        Region.objects.filter(code__in=region_codes).values_list("code", "full_name")
    )
    jurisdiction_names = {
        pk: short or name
        for pk, short, name in Jurisdiction.objects.filter(pk__in=jurisdiction_ids).values_list(
            "pk", "short_name", "name"
        )
    }
    rows = []
    for item in first:
        if isinstance(item, RejectedRow):
            district = _cell(item.values, columns, "region") or "".join(
                _cell(item.values, columns, k) for k in ("province", "city", "district")
            )
            rows.append(
                {
                    "row": item.row,
                    "action": "rejected",
                    "code": _cell(item.values, columns, "code")[:32],
                    "name": _cell(item.values, columns, "name")[:200],
                    "address": _cell(item.values, columns, "address")[:300],
                    "district": district[:100],
                    "jurisdiction": "",
                    "changes": [],
                    "reason": item.reason,
                }
            )
            continue
        data = item.data
        entry = {
            "row": item.row,
            "action": "new",
            "code": data["code"],
            "name": data["name"],
            "address": data["address"],
            "district": item.region.full_name or item.region.name,
            "jurisdiction": jurisdiction_names.get(item.region.jurisdiction_id, ""),
            "changes": [],
            "reason": "",
        }
        presence = presence_by_row.get(item.row, [])
        if item.match_id is None:
            entry["changes"] = [
                {"field": f"op:{key}", "old": "", "new": status} for key, status in presence
            ]
        else:
            existing = registry.by_id[item.match_id]
            entry["code"] = existing["code"]
            found = []
            for key, value in changes.field_updates.get(item.match_id, {}).items():
                if key == "region_id":
                    found.append(
                        {
                            "field": "district",
                            "old": region_names.get(existing["region_id"], existing["region_id"]),
                            "new": entry["district"],
                        }
                    )
                else:
                    found.append(
                        {"field": key, "old": _plain(existing.get(key)), "new": _plain(value)}
                    )
            for key, status in presence:
                old = changes.presence_before.get((item.match_id, key), "")
                found.append({"field": f"op:{key}", "old": old, "new": status})
            entry["changes"] = found
            entry["action"] = "updated" if item.match_id in changes.updated_ids else "unchanged"
        rows.append(entry)
    return rows


def _display(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if field == "building_type" and value in BuildingType.values:
        return str(BuildingType(value).label)
    if field.startswith("op:") and value in PresenceStatus.values:
        return str(PresenceStatus(value).label)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def describe_change(change: dict[str, Any]) -> dict[str, str]:
    """One stored change as the reader sees it: the field's label and the old and new
    values as text, in the active language."""
    field = str(change.get("field", ""))
    return {
        "field": field,
        "label": str(CHANGE_LABELS.get(field, field)),
        "old": _display(field, change.get("old")),
        "new": _display(field, change.get("new")),
    }
