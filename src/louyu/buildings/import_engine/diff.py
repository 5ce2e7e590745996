"""What an import would change: for each matched row the attributes that differ from the
registry and the presence changes (a listed operator now serving, building in or refused;
an operator no longer listed withdrawn); for each new building its listed operators."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from louyu.buildings.import_engine.registry import COMPARE_FIELDS, Registry
from louyu.buildings.import_engine.rows import ParsedRow
from louyu.buildings.models import Presence, PresenceStatus


@dataclass
class Changes:
    updated_ids: set[int]
    field_updates: dict[int, dict[str, Any]]
    presence: list[tuple[ParsedRow, str, str]]  # (row, operator key, status)
    # The status each changed presence of an existing building had ("" = none).
    presence_before: dict[tuple[int, str], str] = field(default_factory=dict)


def _normalise_for_compare(key: str, value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, float):
        return Decimal(str(value)).normalize()
    return value


def diff_rows(
    accepted: list[ParsedRow], registry: Registry, operators, *, attributes: bool = True
) -> Changes:
    """What each matched row would change (attributes unless ``attributes`` is False, and
    presence)."""
    field_updates: dict[int, dict[str, Any]] = {}
    updated: set[int] = set()
    presence_changes: list[tuple[ParsedRow, str, str]] = []
    presence_before: dict[tuple[int, str], str] = {}
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
                presence_before[(parsed.match_id, key)] = old
                updated.add(parsed.match_id)
    return Changes(
        updated_ids=updated,
        field_updates=field_updates,
        presence=presence_changes,
        presence_before=presence_before,
    )
