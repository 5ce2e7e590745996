"""Applying an import's changes with bulk statements: new buildings and presence rows by
bulk insert (``COPY`` on PostgreSQL), updates by ``executemany``, one PresenceEvent per
presence change, and the operator counts of every touched building recomputed. Called
inside the import's transaction, under its lock."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from louyu.buildings.import_engine.diff import Changes
from louyu.buildings.import_engine.registry import Registry
from louyu.buildings.models import (
    FIBRE_RULE_FIRST_YEAR,
    Building,
    BuildingType,
    Presence,
    PresenceEvent,
    PresenceSource,
    PresenceStatus,
)
from louyu.buildings.search import KIND as SEARCH_KIND
from louyu.buildings.services import alias_text, new_building_code, normalize_name
from louyu.buildings.signals import presence_events_imported
from louyu.buildings.suggest import index_buildings
from louyu.core.bulk import bulk_insert
from louyu.core.models import Region
from louyu.core.regions import normalize_address
from louyu.search.indexing import index_later

WRITE_BATCH = 2000


def write_changes(accepted, changes: Changes, registry: Registry, operators, actor) -> list[int]:
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
    index_buildings(created)
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
    index_later(SEARCH_KIND, [*(b.pk for b in created), *changes.field_updates])
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
    index_buildings(objs)


def _refresh_counts(serving: dict[int, int]) -> None:
    """Store the number of basic operators serving each touched building (computed from the
    presence rows the import just read and wrote, all under the import's lock)."""
    objs = [Building(pk=pk, operator_count=count) for pk, count in serving.items()]
    _update_rows(Building, objs, ["operator_count"])
