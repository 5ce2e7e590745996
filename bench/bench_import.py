"""Building import at scale: 100,000 XLSX rows against 100,000 existing buildings.

Half the rows are buildings already in the registry (a third of those with a changed
attribute or operator list), half are new. Measures reading + normalising + resolving +
matching + the atomic commit (``read_table`` + ``run_import``) and, in the same run, the
baseline the issue names: reading the same XLSX and bulk-inserting the same rows with no
processing at all. Prints rows/s and the ratio import/baseline (target ≥ 0.25, < 60 s).

    .venv/bin/python bench/bench_import.py                 # SQLite in /tmp/louyu-bench-import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/louyu_bench_import \\
        .venv/bin/python bench/bench_import.py             # PostgreSQL (database must exist)

Options: --rows N (default 100000), --existing N (default 100000).
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("LOUYU_VAR_DIR", "/tmp/louyu-bench-import")
os.environ.setdefault("LOUYU_TASK_BACKEND", "immediate")

import django  # noqa: E402

django.setup()

import python_calamine  # noqa: E402
import xlsxwriter  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from louyu.buildings.demo import generate_buildings  # noqa: E402
from louyu.buildings.import_engine.readers import read_table  # noqa: E402
from louyu.buildings.import_engine.run import run_import  # noqa: E402
from louyu.buildings.models import Building, Presence, PresenceEvent  # noqa: E402
from louyu.core.models import Region, RegionLevel  # noqa: E402
from louyu.core.reference import load_reference_organizations  # noqa: E402

OPERATORS = {"telecom": "电信", "mobile": "移动", "unicom": "联通", "broadnet": "广电"}
HEADERS = ["楼宇名称", "地址", "楼宇类型", "楼层数", "入驻企业数", "已进驻运营商", "是否收取进场费"]
TYPES = {
    "office_tower": "写字楼",
    "business_park": "产业园区",
    "commercial_complex": "商业综合体",
    "mixed_use": "商住混合",
    "other": "其他",
}


class Rollback(Exception):
    """Raised to roll a measured write back, so the bench can be rerun on the same data."""


def prepare(existing: int) -> None:
    call_command("migrate", verbosity=0)
    load_reference_organizations()
    have = Building.objects.count()
    if have < existing:
        print(f"generating {existing - have:,} existing buildings (setup, not measured)…")
        generate_buildings(count=existing - have, seed=4242 + have)


def make_rows(n: int) -> list[list]:
    rng = random.Random(20261128)
    half = n // 2
    existing = list(
        Building.objects.order_by("id").values_list(
            "id", "name", "address", "building_type", "floors", "tenant_count", "entry_fee_charged"
        )[:half]
    )
    serving: dict[int, list[str]] = {}
    for building_id, key in Presence.objects.filter(
        building_id__in=[e[0] for e in existing], status="serving"
    ).values_list("building_id", "operator__operator_key"):
        serving.setdefault(building_id, []).append(key)
    rows = []
    for index, (bid, name, address, btype, floors, tenants, fee) in enumerate(existing):
        ops = sorted(serving.get(bid, []))
        if index % 3 == 0:
            floors = (floors or 10) + 1
        if index % 7 == 0:
            ops = ops[:-1]
        rows.append(
            [
                name,
                address,
                TYPES[btype],
                floors or "",
                tenants or "",
                "、".join(OPERATORS[o] for o in ops) or "无",
                "是" if fee else "否",
            ]
        )
    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY, jurisdiction__isnull=False).values_list(
            "full_name", flat=True
        )
    )
    words = ["国际", "科技", "金融", "创新", "中央", "环球", "未来", "星河", "海港", "东方"]
    kinds = ["大厦", "中心", "广场", "科技园", "商务楼"]
    for i in range(n - len(rows)):
        county = rng.choice(counties)
        ops = rng.sample(list(OPERATORS.values()), rng.randint(0, 3))
        rows.append(
            [
                f"{rng.choice(words)}{rng.choice(words)}{rng.choice(kinds)}新{i}号楼",
                f"{county}创业路{rng.randint(1, 999)}号",
                rng.choice(list(TYPES.values())),
                rng.randint(3, 60),
                rng.randint(0, 500),
                "、".join(ops) or "无",
                rng.choice(["是", "否"]),
            ]
        )
    rng.shuffle(rows)
    return rows


def write_xlsx(rows: list[list]) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["某省商务楼宇名录（导入性能测试）"])
    sheet.write_row(1, 0, HEADERS)
    for r, row in enumerate(rows, start=2):
        sheet.write_row(r, 0, row)
    workbook.close()
    return output.getvalue()


def baseline(data: bytes) -> float:
    """Read the XLSX and bulk-insert the same rows with no processing (rolled back)."""
    county = Region.objects.filter(level=RegionLevel.COUNTY, jurisdiction__isnull=False).first()
    started = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    raw = sheet.to_python()[2:]
    try:
        with transaction.atomic():
            Building.objects.bulk_create(
                [
                    Building(
                        code=f"BASE-{i}",
                        name=str(row[0]),
                        address=str(row[1]),
                        normalized_name="",
                        normalized_address="",
                        region_id=county.code,
                        jurisdiction_id=county.jurisdiction_id,
                    )
                    for i, row in enumerate(raw)
                ],
                batch_size=2000,
            )
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:  # the measured rows are rolled back on purpose
        pass
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=100_000)
    args = parser.parse_args()
    prepare(args.existing)
    rows = make_rows(args.rows)
    data = write_xlsx(rows)
    print(
        f"database: {connection.vendor}; existing buildings: {Building.objects.count():,}; "
        f"file: {len(rows):,} rows, {len(data) / 1048576:.1f} MB"
    )
    base = baseline(data)
    before_buildings = Building.objects.count()
    before_events = PresenceEvent.objects.count()
    started = time.perf_counter()
    table = read_table(data, filename="bench.xlsx")
    read_done = time.perf_counter()
    result = None
    try:
        with transaction.atomic():
            result = run_import(table=table, actor=None, dry_run=False)
            elapsed = time.perf_counter() - started
            created = Building.objects.count() - before_buildings
            events = PresenceEvent.objects.count() - before_events
            raise Rollback  # keep the registry as it was, so the bench can be rerun
    except Rollback:  # the measured rows are rolled back on purpose
        pass
    print(
        f"import counts: {result.counts}; buildings created {created:,}; presence events {events:,}"
    )
    print(f"read_table: {read_done - started:.1f} s")
    print(
        f"import (read + normalise + resolve + match + commit): {elapsed:.1f} s, "
        f"{len(rows) / elapsed:,.0f} rows/s"
    )
    print(f"baseline (read + plain bulk insert): {base:.1f} s, {len(rows) / base:,.0f} rows/s")
    print(f"ratio import/baseline (rows/s): {base / elapsed:.2f}")


if __name__ == "__main__":
    main()
