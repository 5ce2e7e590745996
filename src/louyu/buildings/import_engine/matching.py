"""Which existing building each row is: the building with the row's code anywhere; else the
one of the same county and normalised name; else the closest name among the county's
buildings (at the row's normalised address, or with a very close name anywhere in the
county). Rows the import may not touch are refused here: a code of a building in another
jurisdiction, and on an operator's own list a building the registry does not have."""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz, process

from louyu.buildings.import_engine.registry import Registry
from louyu.buildings.import_engine.rows import ParsedRow, RejectedRow
from louyu.core.models import Organization, OrganizationType
from louyu.core.scope import referable_organizations_q

FUZZY_NAME_CUTOFF = 90


def match_rows(
    parsed_rows: list[ParsedRow],
    registry: Registry,
    *,
    allowed: set[int] | None,
    operator_list: bool,
    progress: Callable[[int], None] | None = None,
    step: int = 1,
) -> tuple[list[ParsedRow], list[RejectedRow]]:
    """Set each row's ``match_id`` (None: a new building) and turn its property company and
    access agent names into organisation ids (None when not registered). ``allowed`` is the
    jurisdictions the import may touch (None: all); ``operator_list`` refuses rows that match
    no building. ``progress`` is called with the number of rows done every ``step`` rows.
    Returns the accepted rows and the refused ones."""
    by_code = registry.codes_for({p.data["code"] for p in parsed_rows})
    organizations = _organizations_by_name(allowed)
    accepted: list[ParsedRow] = []
    refused: list[RejectedRow] = []
    for done, parsed in enumerate(parsed_rows, start=1):
        if progress and done % step == 0:
            progress(done)
        data = parsed.data
        match_id = by_code.get(data["code"]) if data["code"] else None
        if match_id is not None:
            existing = registry.by_id[match_id]
            if allowed is not None and existing["jurisdiction_id"] not in allowed:
                refused.append(
                    RejectedRow(parsed.row, "楼宇编码属于其他管辖范围的楼宇", parsed.values)
                )
                continue
        else:
            match_id = match_name(
                registry, parsed.region.code, data["normalized_name"], data["normalized_address"]
            )
        for org_field in ("property_company", "access_agent"):
            if org_field in data:
                org = organizations.get(data[org_field])
                data[org_field] = org.pk if org else None
        if operator_list and match_id is None:
            refused.append(
                RejectedRow(parsed.row, "名录中未找到该楼宇，请先由通信管理局登记", parsed.values)
            )
            continue
        parsed.match_id = match_id
        accepted.append(parsed)
    return accepted, refused


def match_name(registry: Registry, region_code: str, name_key: str, address_key: str) -> int | None:
    """The building of this county with this normalised name, else the closest name (the
    cutoff is looser among buildings at the same normalised address)."""
    exact = registry.by_name.get((region_code, name_key))
    if exact is not None:
        return exact
    candidates = registry.by_region.get(region_code)
    if not candidates:
        return None
    same_address = [
        i
        for i in candidates
        if address_key and registry.by_id[i]["normalized_address"] == address_key
    ]
    pool = same_address or candidates
    cutoff = 80 if same_address else FUZZY_NAME_CUTOFF
    choices = {i: registry.by_id[i]["normalized_name"] for i in pool}
    best = process.extractOne(name_key, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    return best[2] if best else None


def _organizations_by_name(allowed: set[int] | None) -> dict[str, Organization]:
    """Property companies and access agents by name, among those the import may name
    (``core.scope.referable_organizations_q``): another jurisdiction's is "not registered"."""
    return {
        org.name: org
        for org in Organization.objects.filter(
            referable_organizations_q(allowed),
            type__in=[OrganizationType.PROPERTY_COMPANY, OrganizationType.ACCESS_AGENT],
            is_active=True,
        )
    }
