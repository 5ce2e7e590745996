"""``run_import``: one import from a read table to counts, rejected rows and, unless it is a
dry run, the registry changed in one transaction with one audit event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from louyu.buildings.import_engine.diff import diff_rows
from louyu.buildings.import_engine.errors import ImportFileError, RowError
from louyu.buildings.import_engine.headers import guess_mapping
from louyu.buildings.import_engine.matching import match_rows
from louyu.buildings.import_engine.preview import PREVIEW_ROWS, build_preview
from louyu.buildings.import_engine.readers import Table
from louyu.buildings.import_engine.registry import (
    Registry,
    lock_registry,
    place_row,
    placeable_regions,
)
from louyu.buildings.import_engine.rows import ParsedRow, RejectedRow, data_status, parse_row
from louyu.buildings.import_engine.writer import write_changes
from louyu.buildings.models import Building
from louyu.buildings.permissions import import_rights
from louyu.buildings.services import normalize_name
from louyu.core.audit import audit_record
from louyu.core.models import Organization
from louyu.core.regions import normalize_address


@dataclass
class ImportResult:
    counts: dict[str, int]
    rejected: list[RejectedRow]
    mapping: dict[int, str]
    unknown_columns: list[str]
    created_ids: list[int] = field(default_factory=list)
    # The first rows of the file with what the import does to each (preview.build_preview).
    preview: list[dict] = field(default_factory=list)


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

    Returns counts of new, updated, unchanged and rejected rows and the first
    ``PREVIEW_ROWS`` rows with what the import does to each. With ``dry_run`` nothing is
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

    def parsing(done: int) -> None:
        progress(done // 2, total)

    def matching(done: int) -> None:
        progress(total // 2 + done // 2, total)

    parsed_rows, rejected = _parse_rows(
        table,
        mapping,
        own_operator=own_operator,
        allowed=allowed,
        progress=parsing if progress else None,
        step=step,
    )

    def plan_and_write() -> ImportResult:
        registry = Registry({p.region.code for p in parsed_rows})
        accepted, refused = match_rows(
            parsed_rows,
            registry,
            allowed=allowed,
            operator_list=own_operator is not None,
            progress=matching if progress and dry_run else None,
            step=step,
        )
        rejected.extend(refused)
        operators = {o.operator_key: o for o in Organization.objects.filter(is_basic_operator=True)}
        changes = diff_rows(accepted, registry, operators, attributes=own_operator is None)
        counts = {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        counts["new"] = sum(1 for p in accepted if p.match_id is None)
        counts["updated"] = len(changes.updated_ids)
        counts["unchanged"] = len(accepted) - counts["new"] - counts["updated"]
        counts["rejected"] = len(rejected)
        result = ImportResult(
            counts=counts,
            rejected=sorted(rejected, key=lambda r: r.row),
            mapping=mapping,
            unknown_columns=unknown,
            preview=build_preview(
                accepted=accepted,
                rejected=rejected,
                changes=changes,
                registry=registry,
                mapping=mapping,
                limit=PREVIEW_ROWS,
            ),
        )
        if not dry_run:
            result.created_ids = write_changes(accepted, changes, registry, operators, actor)
            _fill_new_codes(result.preview, accepted)
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
            lock_registry(allowed)
            result = plan_and_write()
    if progress:
        progress(total, total)
    return result


def _parse_rows(
    table: Table,
    mapping: dict[int, str],
    *,
    own_operator: Organization | None,
    allowed: set[int] | None,
    progress: Callable[[int], None] | None,
    step: int,
) -> tuple[list[ParsedRow], list[RejectedRow]]:
    """Parse, place and normalise every row. A row that fails, lies outside ``allowed`` or
    repeats an earlier row of the file (same code, or same county and name) is refused with
    its reason. An operator's list keeps only what identifies the building and the
    operator's own status. Returns the parsed rows and the refused ones."""
    parsed_rows: list[ParsedRow] = []
    rejected: list[RejectedRow] = []
    regions = placeable_regions()
    seen_codes: dict[str, int] = {}
    seen_keys: dict[tuple[str, str], int] = {}
    for done, (row_number, cells) in enumerate(table.rows, start=1):
        if progress and done % step == 0:
            progress(done)
        try:
            data, presence = parse_row(cells, mapping)
            if own_operator is not None:
                data = {
                    k: data[k] for k in ("name", "address", "code", "region_code", "place_text")
                }
                presence = {own_operator.operator_key: data_status(cells, mapping)}
            parsed = ParsedRow(row=row_number, values=cells, data=data, presence=presence)
            parsed.region = place_row(parsed, regions)
            if allowed is not None and parsed.region.jurisdiction_id not in allowed:
                raise RowError("该楼宇不在您的管辖范围内")
            data["normalized_name"] = normalize_name(data["name"])[:200]
            data["normalized_address"] = normalize_address(data["address"])[:300]
            key = (parsed.region.code, data["normalized_name"])
            if data["code"] and data["code"] in seen_codes:
                raise RowError(f"与第 {seen_codes[data['code']]} 行楼宇编码重复")
            if key in seen_keys:
                raise RowError(f"与第 {seen_keys[key]} 行重复（同一区县同名楼宇）")
            if data["code"]:
                seen_codes[data["code"]] = row_number
            seen_keys[key] = row_number
            parsed_rows.append(parsed)
        except RowError as exc:
            rejected.append(RejectedRow(row=row_number, reason=str(exc), values=cells))
    return parsed_rows, rejected


def _fill_new_codes(preview: list[dict], accepted: list[ParsedRow]) -> None:
    """Give the new buildings in the preview the codes they were written with (a row
    without a code gets one when written): one query for at most the preview's rows."""
    shown = {row["row"] for row in preview if row["action"] == "new" and not row["code"]}
    if not shown:
        return
    ids = {p.row: p.match_id for p in accepted if p.row in shown}
    codes = dict(Building.objects.filter(pk__in=ids.values()).values_list("pk", "code"))
    for row in preview:
        if row["row"] in ids:
            row["code"] = codes.get(ids[row["row"]], "")
