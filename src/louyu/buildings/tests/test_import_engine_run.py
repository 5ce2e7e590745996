"""``run_import`` on tables: counts, matching re-imports, rejected rows, scope, operators'
presence lists, and all-or-nothing writes."""

from unittest import mock

import pytest

from louyu.buildings import services
from louyu.buildings.import_engine import writer
from louyu.buildings.import_engine.errors import ImportFileError
from louyu.buildings.import_engine.readers import Table
from louyu.buildings.import_engine.run import run_import
from louyu.buildings.models import Building, Presence, PresenceEvent
from louyu.buildings.tests.import_engine_data import GOOD, table_of
from louyu.core.models import AuditEvent


def test_missing_required_columns(importers):
    table = Table(headers=["楼宇名称", "楼层数"], rows=[(2, ["甲", "3"])], header_row=1)
    with pytest.raises(ImportFileError, match="地址"):
        run_import(table=table, actor=None, dry_run=True)
    table = Table(headers=["地址", "楼层数"], rows=[(2, ["甲", "3"])], header_row=1)
    with pytest.raises(ImportFileError, match="楼宇名称"):
        run_import(table=table, actor=None, dry_run=True)


def test_dry_run_counts_and_writes_nothing(importers):
    result = run_import(table=table_of(GOOD), actor=None, dry_run=True)
    assert result.counts == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert not Building.objects.exists()
    assert not AuditEvent.objects.filter(action="building.import").exists()


def test_commit_then_reimport_is_unchanged_then_changes_update(importers):
    first = run_import(table=table_of(GOOD), actor=None, dry_run=False)
    assert first.counts["new"] == 3
    guomao = Building.objects.get(name="国贸大厦")
    assert guomao.region_id == "110105" and guomao.jurisdiction.code == "110000"
    assert guomao.operator_count == 2
    assert set(guomao.presences.values_list("operator__operator_key", flat=True)) == {
        "telecom",
        "mobile",
    }
    assert Building.objects.get(name="星海广场").jurisdiction.code == "210200"
    assert PresenceEvent.objects.filter(source="import").count() == 3
    again = run_import(table=table_of(GOOD), actor=None, dry_run=False)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert Building.objects.count() == 3
    changed = [list(r) for r in GOOD]
    changed[0][3] = "40"
    changed[0][4] = "电信"  # mobile withdrew
    changed[1][0] = "中关村软件园（一期）"  # fuzzy name, same address
    result = run_import(table=table_of(changed), actor=None, dry_run=False)
    assert result.counts == {"new": 0, "updated": 2, "unchanged": 1, "rejected": 0}
    guomao.refresh_from_db()
    assert guomao.floors == 40 and guomao.operator_count == 1
    assert guomao.presences.get(operator__operator_key="mobile").status == "withdrawn"
    assert Building.objects.count() == 3
    assert AuditEvent.objects.filter(action="building.import").count() == 3


def test_matching_by_code_and_by_existing_building_from_the_web(importers):
    existing = services.building_create(
        actor=None, name="华贸中心", address="北京市朝阳区建国路81号"
    )
    rows = [[existing.code, "华贸中心写字楼", "北京市朝阳区建国路81号"]]
    result = run_import(
        table=table_of(rows, headers=["楼宇编码", "楼宇名称", "地址"]), actor=None, dry_run=False
    )
    assert result.counts["updated"] == 1 and Building.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name == "华贸中心写字楼"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["", "北京市朝阳区建国路1号", "", "", "", ""], "缺少楼宇名称"),
        (["甲大厦", "火星基地", "", "", "", ""], "无法从地址识别"),
        (["乙大厦", "北京市", "", "", "", ""], "只识别到省级"),
        (["丙大厦", "北京市朝阳区建国路1号", "宫殿", "", "", ""], "楼宇类型"),
        (["丁大厦", "北京市朝阳区建国路1号", "", "很多", "", ""], "楼层数"),
        (["戊大厦", "北京市朝阳区建国路1号", "", "", "长城宽带", ""], "无法识别的运营商"),
        (["己大厦", "北京市朝阳区建国路1号", "", "", "", "也许"], "应填“是”或“否”"),
    ],
)
def test_bad_rows_are_rejected_with_row_number_and_reason(importers, row, reason):
    result = run_import(table=table_of([GOOD[0], row]), actor=None, dry_run=False)
    assert result.counts["new"] == 1 and result.counts["rejected"] == 1
    assert result.rejected[0].row == 3
    assert reason in result.rejected[0].reason


def test_duplicates_inside_one_file(importers):
    rows = [GOOD[0], GOOD[1], ["国贸大厦", "北京市朝阳区建国门外大街1号", "", "", "", ""]]
    result = run_import(table=table_of(rows), actor=None, dry_run=False)
    assert result.counts["rejected"] == 1
    assert "与第 2 行重复" in result.rejected[0].reason
    assert Building.objects.filter(name="国贸大厦").count() == 1


def test_an_administration_imports_only_its_jurisdiction(importers):
    result = run_import(table=table_of(GOOD), actor=importers["beijing"], dry_run=False)
    assert result.counts["new"] == 2 and result.counts["rejected"] == 1
    assert "不在您的管辖范围" in result.rejected[0].reason
    assert not Building.objects.filter(jurisdiction__code="210200").exists()


def test_an_operator_branch_uploads_its_presence_list(importers):
    run_import(table=table_of(GOOD), actor=None, dry_run=False)  # the registry
    zgc = Building.objects.get(name="中关村软件园")
    headers = ["楼宇名称", "地址", "楼层数", "移动", "入驻状态"]
    rows = [
        ["国贸大厦", "北京市朝阳区建国门外大街1号", "99", "否", "已退出"],
        ["中关村软件园", "北京市海淀区东北旺西路8号", "99", "是", ""],
        ["不存在的大厦", "北京市朝阳区建国路1号", "", "", ""],
        ["星海广场", "辽宁省大连市沙河口区星海广场1号", "", "", ""],
        ["银泰中心", "北京市朝阳区建国门外大街2号", "", "", "也许"],
    ]
    result = run_import(
        table=table_of(rows, headers=headers), actor=importers["operator"], dry_run=False
    )
    assert result.counts == {"new": 0, "updated": 2, "unchanged": 0, "rejected": 3}
    reasons = {r.row: r.reason for r in result.rejected}
    assert "名录中未找到该楼宇" in reasons[4]
    assert "不在您的管辖范围" in reasons[5]
    assert "入驻状态" in reasons[6]
    guomao = Building.objects.get(name="国贸大厦")
    assert guomao.presences.get(operator__operator_key="telecom").status == "withdrawn"
    assert guomao.presences.get(operator__operator_key="mobile").status == "serving"  # untouched
    assert guomao.floors == 38  # attributes untouched by an operator's list
    zgc.refresh_from_db()
    assert zgc.operator_count == 1
    assert zgc.presences.get().operator.operator_key == "telecom"


def test_operator_columns(importers):
    headers = ["楼宇名称", "地址", "电信", "移动", "联通", "广电"]
    rows = [["甲楼", "北京市朝阳区建国路1号", "是", "被拒", "在建", "否"]]
    run_import(table=table_of(rows, headers=headers), actor=None, dry_run=False)
    statuses = dict(
        Presence.objects.filter(building__name="甲楼").values_list(
            "operator__operator_key", "status"
        )
    )
    assert statuses == {"telecom": "serving", "mobile": "refused", "unicom": "building_in"}
    assert Building.objects.get(name="甲楼").operator_count == 1


def test_an_interrupted_import_writes_nothing(importers):
    with (
        mock.patch.object(writer, "_refresh_counts", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        run_import(table=table_of(GOOD), actor=None, dry_run=False)
    assert not Building.objects.exists()
    assert not Presence.objects.exists()
    assert not AuditEvent.objects.filter(action="building.import").exists()
