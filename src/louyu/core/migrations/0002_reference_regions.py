"""Load the GB/T 2260 regions and the communications administrations' jurisdictions.

Reads ``core/data/regions.csv`` and ``core/data/jurisdictions.csv`` (see ``core/data/README.md``),
inserts them with ``bulk_create`` (provinces, then prefectures, then counties) and sets
``Region.jurisdiction`` to the jurisdiction that owns the region's nearest ancestor-or-self.
The reverse operation deletes what the forward one inserted.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BATCH_SIZE = 500


def _read_csv(name):
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_data():
    regions = {}
    for row in _read_csv("regions.csv"):
        code = row["code"].strip()
        if len(code) != 6 or not code.isdigit() or code in regions:
            raise ValueError(f"regions.csv: bad or duplicate code {code!r}")
        regions[code] = {
            "name": row["name"].strip(),
            "level": int(row["level"]),
            "parent": row["parent_code"].strip() or None,
        }
    for code, region in regions.items():
        parent = region["parent"]
        if parent is not None and (
            parent not in regions or regions[parent]["level"] >= region["level"]
        ):
            raise ValueError(f"regions.csv: {code} has an invalid parent {parent!r}")
        if parent is None and region["level"] != 1:
            raise ValueError(f"regions.csv: {code} is not a province but has no parent")

    jurisdictions = []
    owner = {}
    for row in _read_csv("jurisdictions.csv"):
        code = row["code"].strip()
        owned = [c.strip() for c in row["region_codes"].split(";") if c.strip()]
        for region_code in owned:
            if region_code not in regions:
                raise ValueError(f"jurisdictions.csv: {code} owns unknown region {region_code}")
            if region_code in owner:
                raise ValueError(f"jurisdictions.csv: {region_code} owned twice")
            owner[region_code] = code
        jurisdictions.append(
            {
                "code": code,
                "name": row["name"].strip(),
                "short_name": row["short_name"].strip(),
                "sort_order": int(row["sort_order"]),
                "regions": owned,
            }
        )
    return regions, jurisdictions, owner


def _chain(regions, code):
    while code is not None:
        yield code
        code = regions[code]["parent"]


def load(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    Jurisdiction = apps.get_model("core", "Jurisdiction")
    Ownership = Jurisdiction.regions.through
    db = schema_editor.connection.alias

    regions, jurisdictions, owner = _read_data()

    Jurisdiction.objects.using(db).bulk_create(
        [
            Jurisdiction(
                code=j["code"],
                name=j["name"],
                short_name=j["short_name"],
                sort_order=j["sort_order"],
            )
            for j in jurisdictions
        ],
        batch_size=BATCH_SIZE,
    )
    jurisdiction_ids = dict(
        Jurisdiction.objects.using(db)
        .filter(code__in=[j["code"] for j in jurisdictions])
        .values_list("code", "id")
    )

    objects = []
    for code in sorted(regions, key=lambda c: (regions[c]["level"], c)):
        region = regions[code]
        chain = list(_chain(regions, code))
        owning = next((owner[c] for c in chain if c in owner), None)
        objects.append(
            Region(
                code=code,
                name=region["name"],
                level=region["level"],
                parent_id=region["parent"],
                full_name="".join(regions[c]["name"] for c in reversed(chain)),
                jurisdiction_id=jurisdiction_ids[owning] if owning else None,
            )
        )
    Region.objects.using(db).bulk_create(objects, batch_size=BATCH_SIZE)

    Ownership.objects.using(db).bulk_create(
        [
            Ownership(jurisdiction_id=jurisdiction_ids[j["code"]], region_id=region_code)
            for j in jurisdictions
            for region_code in j["regions"]
        ],
        batch_size=BATCH_SIZE,
    )


def unload(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    Jurisdiction = apps.get_model("core", "Jurisdiction")
    Ownership = Jurisdiction.regions.through
    db = schema_editor.connection.alias

    regions, jurisdictions, _owner = _read_data()
    jurisdiction_codes = [j["code"] for j in jurisdictions]

    Ownership.objects.using(db).filter(jurisdiction__code__in=jurisdiction_codes).delete()
    Region.objects.using(db).filter(code__in=list(regions)).update(jurisdiction=None)
    for level in (3, 2, 1):
        codes = [c for c, r in regions.items() if r["level"] == level]
        for start in range(0, len(codes), BATCH_SIZE):
            Region.objects.using(db).filter(code__in=codes[start : start + BATCH_SIZE]).delete()
    Jurisdiction.objects.using(db).filter(code__in=jurisdiction_codes).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload, elidable=False),
    ]
