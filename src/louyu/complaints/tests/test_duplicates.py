import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from louyu.buildings import services as building_services
from louyu.complaints import duplicates
from louyu.complaints.models import Category

pytestmark = pytest.mark.django_db

TEXT = "物业不让联通进场施工，只能用指定代理商的宽带。"
ADDRESS = "北京市朝阳区建国路88号"


@pytest.fixture
def denv(cenv):
    cenv["building"] = building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号", building_type="office_tower"
    )
    cenv["other_building"] = building_services.building_create(
        actor=None, name="嘉里中心", address="北京市朝阳区光华路1号", building_type="office_tower"
    )
    return cenv


NOW = timezone.now()


@pytest.mark.parametrize(
    ("base", "other", "found", "min_score"),
    [
        ({"building": "building"}, {"building": "building"}, True, 90),
        (
            {"building": "building"},
            {"building": "building", "complainant_phone": "13700000000"},
            True,
            80,
        ),
        (
            {"building": "building"},
            {"building": "building", "description": "网速很慢，经常断网，装机也拖了一个月"},
            True,
            20,
        ),
        ({"building": "building"}, {"building": "other_building"}, False, None),
        (
            {"building": "building"},
            {"building": "building", "category": "service_quality"},
            False,
            None,
        ),
        ({"building": "building"}, {"building": "building", "days_ago": 120}, False, None),
        ({"address": ADDRESS}, {"address": "北京市朝阳区建国路 88 号"}, True, 80),
        ({"address": ADDRESS}, {"address": "北京市朝阳区建国路99号"}, False, None),
    ],
)
def test_candidates(denv, base, other, found, min_score):
    def make(spec, phone):
        spec = dict(spec)
        days = spec.pop("days_ago", 1)
        if "building" in spec:
            spec["building"] = denv[spec["building"]]
            spec["address"] = ""
        if "category" in spec:
            spec["category"] = Category.objects.get(code=spec["category"])
        spec.setdefault("complainant_phone", phone)
        spec.setdefault("description", TEXT)
        return denv["file"](received_at=NOW - datetime.timedelta(days=days), **spec)[0]

    earlier = make(other, "13800138000")
    complaint = make(base, "13800138000")
    result = duplicates.duplicate_candidates(complaint)
    if not found:
        assert result == [] or all(c.pk != earlier.pk for c, _ in result)
        return
    assert [c.pk for c, _ in result] == [earlier.pk]
    assert min_score <= result[0][1] <= 100


def test_best_first_and_limited(denv):
    base = denv["file"](building=denv["building"], address="", description=TEXT)[0]
    for i in range(7):
        denv["file"](
            building=denv["building"],
            address="",
            description=TEXT if i % 2 else "物业收取高额进场费，运营商无法进场。",
            complainant_phone=f"1370000{i:04d}",
            received_at=NOW - datetime.timedelta(days=i + 1),
        )
    result = duplicates.duplicate_candidates(base, limit=3)
    assert len(result) == 3
    scores = [s for _, s in result]
    assert scores == sorted(scores, reverse=True)


def test_candidates_are_capped_and_read_in_one_query(denv, monkeypatch):
    monkeypatch.setattr(duplicates, "CANDIDATE_CAP", 3)
    for i in range(5):
        denv["file"](building=denv["building"], address="", complainant_phone=f"1370000{i:04d}")
    base = denv["file"](building=denv["building"], address="")[0]
    with CaptureQueriesContext(connection) as queries:
        result = duplicates.duplicate_candidates(base, limit=10)
    assert len(queries) == 1
    assert len(result) == 3


def test_no_place_no_candidates(denv):
    base = denv["file"]()[0]
    base.normalized_address = ""
    assert duplicates.duplicate_candidates(base) == []
