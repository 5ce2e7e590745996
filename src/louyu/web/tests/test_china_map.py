"""The committed map data for the dashboards (built by scripts/build_china_map.py) covers every
provincial-level division and every jurisdiction, under the platform's codes and names."""

import csv
import json
from pathlib import Path

import pytest

import louyu

PACKAGE = Path(louyu.__file__).parent
MAPS = PACKAGE / "web" / "static" / "louyu" / "maps"
CHINA = MAPS / "china.json"
CITIES = MAPS / "cities.json"
DATA = PACKAGE / "core" / "data"

# Roughly China's bounding box (the 南海诸岛 inset lies inside it too).
LNG = (73.0, 136.0)
LAT = (3.0, 54.0)


def _csv(name):
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def china():
    return json.loads(CHINA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def features(china):
    return {f["properties"]["code"]: f for f in china["features"]}


@pytest.fixture(scope="module")
def cities():
    return json.loads(CITIES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def region_names():
    return {row["code"]: row["name"] for row in _csv("regions.csv")}


def _polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return geometry["coordinates"]


def _inside(point, polygon):
    """Even-odd rule over the polygon's rings (exterior and holes)."""
    x, y = point
    inside = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def test_is_a_feature_collection_of_polygons(china):
    assert china["type"] == "FeatureCollection"
    assert china["features"]
    for feature in china["features"]:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"code", "name"}
        polygons = _polygons(feature["geometry"])
        assert polygons, feature["properties"]
        for polygon in polygons:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1], feature["properties"]


def test_codes_are_six_digits_or_southsea(china):
    codes = [f["properties"]["code"] for f in china["features"]]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert code == "southsea" or (len(code) == 6 and code.isdigit()), code
    assert codes == sorted(codes)


def test_every_provincial_division_has_a_feature_named_as_the_region(features, region_names):
    provincial = {row["code"] for row in _csv("regions.csv") if row["level"] == "1"}
    assert len(provincial) == 34
    assert {"710000", "810000", "820000"} <= provincial
    assert set(features) == provincial | {"southsea"}
    for code in provincial:
        assert features[code]["properties"]["name"] == region_names[code]
    assert features["southsea"]["properties"]["name"] == "南海诸岛"


def test_every_jurisdiction_is_on_the_map(features, cities, region_names):
    jurisdictions = _csv("jurisdictions.csv")
    assert any(row["code"] == "210200" for row in jurisdictions)
    for row in jurisdictions:
        for code in row["region_codes"].split(";"):
            code = code.strip()
            if code.endswith("0000"):
                assert code in features, row
            else:
                assert code in cities, row
                assert cities[code]["name"] == region_names[code]


def test_city_points_lie_in_their_province(features, cities):
    for code, city in cities.items():
        lng, lat = city["lnglat"]
        province = features[code[:2] + "0000"]
        assert any(_inside((lng, lat), p) for p in _polygons(province["geometry"])), code


def test_coordinates_lie_in_chinas_bounding_box(china, cities):
    points = [
        point
        for feature in china["features"]
        for polygon in _polygons(feature["geometry"])
        for ring in polygon
        for point in ring
    ]
    points += [city["lnglat"] for city in cities.values()]
    for lng, lat in points:
        assert LNG[0] <= lng <= LNG[1] and LAT[0] <= lat <= LAT[1], (lng, lat)


def test_files_are_small_enough_to_serve():
    assert CHINA.stat().st_size < 500 * 1024
    assert CITIES.stat().st_size < 10 * 1024
