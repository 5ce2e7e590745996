"""The row preview of an import: the first rows of the file with what the import does to
each (new, updated with old → new, unchanged, rejected with the reason), at most 50 rows
whatever the file's size, shown in the reader's language."""

from django.utils import translation

from louyu.buildings.import_engine.preview import PREVIEW_ROWS, describe_change
from louyu.buildings.import_engine.run import run_import
from louyu.buildings.models import Building
from louyu.buildings.tests.import_engine_data import GOOD, table_of


def _mixed_file():
    """Row 2 updates 国贸大厦 (floors, type, mobile gone), row 3 is 中关村软件园 unchanged, row
    4 a new building, row 5 has no name and row 6 an address in no county."""
    updated = list(GOOD[0])
    updated[2], updated[3], updated[4] = "商业综合体", "40", "电信"
    return table_of(
        [
            updated,
            GOOD[1],
            ["望京创新大厦", "北京市朝阳区望京街10号", "写字楼", "28", "联通", "否"],
            ["", "北京市朝阳区建国路1号", "", "", "", ""],
            ["无处大厦", "火星某地1号", "写字楼", "3", "", ""],
        ]
    )


def test_the_preview_says_what_each_row_does(importers):
    run_import(table=table_of(GOOD), actor=None, dry_run=False)
    guomao = Building.objects.get(name="国贸大厦")

    result = run_import(table=_mixed_file(), actor=None, dry_run=True)

    assert result.counts == {"new": 1, "updated": 1, "unchanged": 1, "rejected": 2}
    rows = {row["row"]: row for row in result.preview}
    assert [row["row"] for row in result.preview] == [2, 3, 4, 5, 6]
    assert {r: rows[r]["action"] for r in rows} == {
        2: "updated",
        3: "unchanged",
        4: "new",
        5: "rejected",
        6: "rejected",
    }
    update = rows[2]
    assert update["code"] == guomao.code and update["name"] == "国贸大厦"
    assert update["address"] == "北京市朝阳区建国门外大街1号"
    assert update["district"].endswith("朝阳区") and update["jurisdiction"] == "北京"
    assert update["reason"] == ""
    assert sorted(update["changes"], key=lambda c: c["field"]) == [
        {"field": "building_type", "old": "office_tower", "new": "commercial_complex"},
        {"field": "floors", "old": 38, "new": 40},
        {"field": "op:mobile", "old": "serving", "new": "withdrawn"},
    ]
    assert rows[3]["changes"] == [] and rows[3]["code"]
    new = rows[4]
    assert new["name"] == "望京创新大厦" and new["code"] == "" and new["jurisdiction"] == "北京"
    assert new["changes"] == [{"field": "op:unicom", "old": "", "new": "serving"}]
    assert rows[5]["reason"] == "缺少楼宇名称" and rows[5]["address"] == "北京市朝阳区建国路1号"
    assert "无法从地址识别所在区县" in rows[6]["reason"] and rows[6]["name"] == "无处大厦"
    assert rows[6]["changes"] == [] and rows[6]["jurisdiction"] == ""
    # a dry run changed nothing
    guomao.refresh_from_db()
    assert guomao.floors == 38


def test_a_committed_import_keeps_the_same_preview_with_the_new_codes(importers):
    run_import(table=table_of(GOOD), actor=None, dry_run=False)
    dry = run_import(table=_mixed_file(), actor=None, dry_run=True)
    committed = run_import(table=_mixed_file(), actor=None, dry_run=False)
    assert Building.objects.get(name="国贸大厦").floors == 40
    created = Building.objects.get(name="望京创新大厦")
    assert committed.preview[2]["row"] == 4 and committed.preview[2]["code"] == created.code
    assert created.code and dry.preview[2]["code"] == ""
    dry.preview[2]["code"] = created.code
    assert committed.preview == dry.preview


def test_the_preview_keeps_exactly_the_first_50_rows(importers):
    rows = [[f"测试大厦{i}号楼", f"北京市朝阳区建国路{i}号", "", "", "", ""] for i in range(120)]
    rows[70][0] = ""  # a rejected row after the first 50 does not push in
    rows[10][1] = "火星某地1号"  # one before does, in its place
    result = run_import(table=table_of(rows), actor=None, dry_run=True)
    assert sum(result.counts.values()) == 120
    assert len(result.preview) == PREVIEW_ROWS == 50
    assert [row["row"] for row in result.preview] == list(range(2, 52))
    assert [row["action"] for row in result.preview].count("rejected") == 1
    assert result.preview[10]["action"] == "rejected"


def test_a_file_with_no_readable_row_has_an_all_rejected_preview(importers):
    result = run_import(table=table_of([["", "", "", "", "", ""]]), actor=None, dry_run=True)
    assert result.preview == [
        {
            "row": 2,
            "action": "rejected",
            "code": "",
            "name": "",
            "address": "",
            "district": "",
            "jurisdiction": "",
            "changes": [],
            "reason": "缺少楼宇名称",
        }
    ]


def test_changes_read_in_the_active_language():
    cases = [
        ({"field": "floors", "old": 38, "new": 40}, ("楼层数", "38", "40"), ("Floors", "38", "40")),
        (
            {"field": "entry_fee_charged", "old": False, "new": True},
            ("收取进场费", "否", "是"),
            ("Entry fee charged", "No", "Yes"),
        ),
        (
            {"field": "op:mobile", "old": "", "new": "refused"},
            ("中国移动", "—", "被拒绝进场"),
            ("中国移动", "—", "Refused entry"),
        ),
        (
            {"field": "building_type", "old": "office_tower", "new": "business_park"},
            ("楼宇类型", "写字楼", "产业园区"),
            ("Building type", "Office tower", "Business park"),
        ),
        (
            {"field": "aliases", "old": [], "new": ["甲", "乙"]},
            ("别名", "—", "甲、乙"),
            ("Aliases", "—", "甲、乙"),
        ),
    ]
    for change, chinese, english in cases:
        with translation.override("zh-hans"):
            described = describe_change(change)
            assert (described["label"], described["old"], described["new"]) == chinese
        with translation.override("en"):
            described = describe_change(change)
            assert (described["label"], described["old"], described["new"]) == english
            assert described["field"] == change["field"]
