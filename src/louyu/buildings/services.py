"""Writes to the building registry. Each service is one transaction with its audit event;
presence changes also append a PresenceEvent and refresh the building's operator count."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

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
from louyu.buildings.suggest import index_buildings, normalize_name
from louyu.core.audit import audit_record, model_changes
from louyu.core.models import Organization, Region, RegionLevel, User
from louyu.core.regions import normalize_address, resolve_address
from louyu.core.scope import check_organization_reference, scope_for
from louyu.search.indexing import index_later

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

EDITABLE_FIELDS = [
    "name",
    "aliases",
    "address",
    "building_type",
    "property_company",
    "access_agent",
    "floors",
    "floor_area",
    "tenant_count",
    "year_completed",
    "latitude",
    "longitude",
    "facility_notes",
    "exclusive_deal_known",
    "entry_fee_charged",
    "notice_posted",
    "friendly_pledge",
]


def alias_text(aliases) -> str:
    """The searchable form of a building's aliases: normalised names joined by "|"."""
    return "|".join(normalize_name(str(a)) for a in (aliases or []) if str(a).strip())[:500]


def new_building_code(region_code: str) -> str:
    """A stable, unguessable-enough external code: county code + 6 random characters."""
    return f"{region_code}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(6))}"


def _place(*, address: str, region: Region | str | None) -> tuple[Region, Any]:
    """The county-level region and jurisdiction of a building, from ``region`` when given,
    else from the address. Raises ValidationError in Chinese when it cannot be placed."""
    if region is not None and not isinstance(region, Region):
        region = Region.objects.select_related("jurisdiction").filter(code=str(region)).first()
        if region is None:
            raise ValidationError({"region": "未知的行政区划代码。"})
    if region is None:
        found = resolve_address(address or "")
        if found is None:
            raise ValidationError({"address": "无法从地址识别所在区县，请填写区划代码。"})
        region = found.county or found.region
    if region.level == RegionLevel.PROVINCE:
        raise ValidationError({"region": "楼宇须落到地市或区县一级，请补充地址中的区县。"})
    if region.jurisdiction_id is None:
        raise ValidationError({"region": "该区划不属于任何管辖范围。"})
    return region, region.jurisdiction


ORGANIZATION_FIELDS = ("property_company", "access_agent")


def _check_fields(data: dict[str, Any], *, actor: User | None, before=None) -> None:
    """Field errors in Chinese; an organisation (property company, access agent) must exist
    and be one ``actor`` may name (``core.scope.may_reference``) unless it is unchanged
    from ``before``."""
    errors = {}
    if "name" in data and not (data.get("name") or "").strip():
        errors["name"] = "请填写楼宇名称。"
    if "address" in data and not (data.get("address") or "").strip():
        errors["address"] = "请填写地址。"
    if data.get("building_type") and data["building_type"] not in BuildingType.values:
        errors["building_type"] = "未知的楼宇类型。"
    year = data.get("year_completed")
    if year is not None and not (1900 <= int(year) <= timezone.localdate().year + 5):
        errors["year_completed"] = "竣工年份不合理。"
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        errors["latitude"] = "经纬度须同时填写。"
    elif lat is not None and not (3 <= float(lat) <= 54 and 73 <= float(lon) <= 136):
        errors["latitude"] = "坐标不在中国境内。"
    for key in ORGANIZATION_FIELDS:
        org = data.get(key)
        if org is not None and not isinstance(org, Organization):
            errors[key] = "机构不存在。"
        elif before is None or getattr(before, f"{key}_id") != getattr(org, "pk", None):
            try:
                check_organization_reference(actor=actor, field=key, organization=org)
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)


def _require_editor(actor: User | None, jurisdiction_id: int) -> None:
    if actor is None:
        return  # system jobs (imports run by a worker carry their own checks)
    scope = scope_for(actor)
    if not scope.can_see_jurisdiction(jurisdiction_id) or not actor.has_perm(
        "buildings.change_building"
    ):
        raise PermissionDenied("您无权在该管辖范围内维护楼宇名录。")


@transaction.atomic
def building_create(*, actor: User | None, code: str = "", region=None, **data) -> Building:
    """Register a building. Region and jurisdiction come from ``region`` or the address."""
    data.setdefault("aliases", [])
    _check_fields({"name": data.get("name"), "address": data.get("address"), **data}, actor=actor)
    county, jurisdiction = _place(address=data["address"], region=region)
    _require_editor(actor, jurisdiction.pk)
    building = Building(
        region=county,
        jurisdiction=jurisdiction,
        normalized_address=normalize_address(data["address"])[:300],
        normalized_name=normalize_name(data["name"])[:200],
        alias_text=alias_text(data.get("aliases")),
        **{k: v for k, v in data.items() if k in EDITABLE_FIELDS},
    )
    building.fibre_rule_applies = bool(
        building.year_completed and building.year_completed >= FIBRE_RULE_FIRST_YEAR
    )
    for _attempt in range(5):
        building.code = code or new_building_code(county.code)
        try:
            with transaction.atomic():
                building.save()
            break
        except IntegrityError:
            if code:
                raise ValidationError({"code": "楼宇编码已存在。"})
    index_buildings([building])
    audit_record(
        actor=actor,
        action="building.create",
        obj=building,
        changes={"name": building.name, "code": building.code, "region": county.code},
    )
    index_later(SEARCH_KIND, [building.pk])
    return building


@transaction.atomic
def building_update(*, actor: User | None, building: Building, **data) -> Building:
    """Change a building's attributes; a changed address re-derives region and jurisdiction
    unless ``region`` is given. Writes only the fields that changed."""
    locked = Building.objects.select_for_update().get(pk=building.pk)
    _require_editor(actor, locked.jurisdiction_id)
    region = data.pop("region", None)
    _check_fields(data, actor=actor, before=locked)
    before = {k: getattr(locked, k) for k in [*EDITABLE_FIELDS, "region_id", "jurisdiction_id"]}
    for key, value in data.items():
        if key in EDITABLE_FIELDS:
            setattr(locked, key, value)
    if region is not None or ("address" in data and data["address"] != before["address"]):
        county, jurisdiction = _place(address=locked.address, region=region)
        _require_editor(actor, jurisdiction.pk)
        locked.region, locked.jurisdiction = county, jurisdiction
    locked.normalized_address = normalize_address(locked.address)[:300]
    locked.normalized_name = normalize_name(locked.name)[:200]
    locked.alias_text = alias_text(locked.aliases)
    locked.fibre_rule_applies = bool(
        locked.year_completed and locked.year_completed >= FIBRE_RULE_FIRST_YEAR
    )
    after = {k: getattr(locked, k) for k in before}
    changes = model_changes(before, after)
    if not changes:
        return locked
    locked.save()
    if {"name", "aliases", "jurisdiction_id"} & set(changes):
        index_buildings([locked])
    audit_record(actor=actor, action="building.update", obj=locked, changes=changes)
    index_later(SEARCH_KIND, [locked.pk])
    return locked


def refresh_operator_count(building: Building) -> int:
    count = Presence.objects.filter(
        building=building, status=PresenceStatus.SERVING, operator__is_basic_operator=True
    ).count()
    Building.objects.filter(pk=building.pk).update(operator_count=count)
    building.operator_count = count
    return count


def _require_presence_reporter(actor: User | None, building: Building, operator: Organization):
    if actor is None:
        return
    scope = scope_for(actor)
    if scope.can_see_jurisdiction(building.jurisdiction_id) and actor.has_perm(
        "buildings.change_presence"
    ):
        return
    if scope.is_operator and actor.has_perm("buildings.change_presence"):
        own = actor.organization
        same_operator = own.operator is not None and own.operator.pk == operator.pk
        in_area = own.jurisdiction_id is None or own.jurisdiction_id == building.jurisdiction_id
        if same_operator and in_area:
            return
    raise PermissionDenied("您无权报送该企业在此楼宇的入驻情况。")


@transaction.atomic
def presence_set(
    *,
    actor: User | None,
    building: Building,
    operator: Organization,
    status: str,
    source: str,
    since: datetime.date | None = None,
    note: str = "",
) -> Presence | None:
    """Record an operator's status in a building. Appends a PresenceEvent when the status
    or since-date changes, refreshes the building's operator count and audits the change.
    Returns None (and writes nothing) when nothing changed."""
    if not operator.is_basic_operator:
        raise ValidationError({"operator": "只能登记基础电信企业的入驻情况。"})
    if status not in PresenceStatus.values:
        raise ValidationError({"status": "未知的入驻状态。"})
    if source not in PresenceSource.values:
        raise ValidationError({"source": "未知的信息来源。"})
    if since is not None and since > timezone.localdate():
        raise ValidationError({"since": "起始日期不能晚于今天。"})
    locked_building = Building.objects.select_for_update().get(pk=building.pk)
    _require_presence_reporter(actor, locked_building, operator)
    presence = (
        Presence.objects.select_for_update()
        .filter(building=locked_building, operator=operator)
        .first()
    )
    old_status = presence.status if presence else ""
    if presence and presence.status == status and (since is None or presence.since == since):
        return None
    if presence is None:
        presence = Presence(building=locked_building, operator=operator)
    presence.status = status
    presence.since = since or presence.since or timezone.localdate()
    presence.source = source
    presence.updated_at = timezone.now()
    presence.save()
    PresenceEvent.objects.create(
        building=locked_building,
        operator=operator,
        old_status=old_status,
        new_status=status,
        since=presence.since,
        source=source,
        note=note[:500],
        actor=actor if actor is not None and actor.pk else None,
    )
    refresh_operator_count(locked_building)
    building.operator_count = locked_building.operator_count
    audit_record(
        actor=actor,
        action="presence.set",
        obj=locked_building,
        changes={"operator": operator.operator_key, "status": [old_status, status]},
    )
    return presence
