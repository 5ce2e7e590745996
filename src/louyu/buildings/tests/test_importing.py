"""The import engine: reading real spreadsheets, mapping, normalising, matching, writing."""

import io
from unittest import mock

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from louyu.buildings import importing, services
from louyu.buildings.importing import ImportFileError, read_table, run_import
from louyu.buildings.models import Building, Presence, PresenceEvent
from louyu.core import roles
from louyu.core.models import AuditEvent, Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory

HEADERS = ["楼宇名称", "详细地址", "楼宇类型", "楼层数", "已进驻运营商", "是否收取进场费"]


def xlsx(rows, *, title_rows=(), merge=None, notes=()):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    r = 0
    for title in title_rows:
        sheet.write_row(r, 0, [title])
        r += 1
    for row in rows:
        sheet.write_row(r, 0, row)
        r += 1
    for note in notes:
        sheet.write_row(r + 1, 0, [note])
        r += 1
    if merge:
        first_row, first_col, last_row, last_col, value = merge
        sheet.merge_range(first_row, first_col, last_row, last_col, value)
    workbook.close()
    return output.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode(encoding)


@pytest.fixture
def env(db):
    load_reference_organizations()
    return {
        "beijing": UserFactory(
            organization=Organization.objects.get(code="ca-110000"),
            roles=[roles.ADMINISTRATION_STAFF],
        ),
        "operator": UserFactory(
            organization=Organization.objects.get(code="op-telecom-110000"),
            roles=[roles.OPERATOR_STAFF],
        ),
    }


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("楼宇名称", "name"),
        ("名称", "name"),
        ("楼宇名称（必填）", "name"),
        ("*楼宇名称", "name"),
        ("详细地址", "address"),
        ("所在区县", "district"),
        ("区/县", "district"),
        ("建筑面积（平方米）", "floor_area"),
        ("已进驻运营商", "operators"),
        ("中国电信", "op:telecom"),
        ("是否收取进场费", "entry_fee_charged"),
        ("ＮＡＭＥ", "name"),
        ("联系人电话", ""),
        ("", ""),
    ],
)
def test_header_names(header, key):
    assert importing.header_key(header) == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电信、移动", {"telecom", "mobile"}),
        ("中国联通,中国广电", {"unicom", "broadnet"}),
        ("电信/移动/联通/广电", {"telecom", "mobile", "unicom", "broadnet"}),
        ("无", set()),
        ("", set()),
        ("长城宽带", None),
    ],
)
def test_operator_lists(text, expected):
    assert importing._parse_operator_list(text) == expected


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_cell_parsers_never_crash(text):
    importing._parse_operator_list(text)
    importing._parse_operator_cell(text)
    importing._parse_bool(text)
    importing._parse_type(text)
    importing.header_key(text)


def test_reads_title_rows_merged_cells_and_notes(db):
    data = xlsx(
        [
            ["序号", "所在区县", "楼宇名称", "地址"],
            [1, "", "国贸大厦", "建国门外大街1号"],
            [2, "", "银泰中心", "建国门外大街2号"],
        ],
        title_rows=["北京市商务楼宇名录", "填报单位：北京市通信管理局"],
        merge=(3, 1, 4, 1, "朝阳区"),
        notes=["注：本表由各区汇总。"],
    )
    table = read_table(data, filename="名录.xlsx")
    assert table.header_row == 3
    assert [row for _n, row in table.rows] == [
        ["1", "朝阳区", "国贸大厦", "建国门外大街1号"],
        ["2", "朝阳区", "银泰中心", "建国门外大街2号"],
    ]
    assert [n for n, _row in table.rows] == [4, 5]


def test_reads_gbk_and_utf8_csv(db):
    rows = [HEADERS, ["测试大厦", "北京市朝阳区建国路88号", "写字楼", "30", "电信、移动", "否"]]
    for encoding in ("utf-8", "gbk", "utf-8-sig"):
        table = read_table(csv_bytes(rows, encoding), filename="a.csv")
        assert table.rows[0][1][0] == "测试大厦"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.xlsx", "文件为空"),
        (b"   \n ", "a.csv", "文件为空"),
        (b"this is not a spreadsheet", "a.xlsx", "不是有效的 Excel"),
        (b"PK\x03\x04garbage-zip", "a.xlsx", "不是有效的 Excel"),
        ("甲,乙\n1,2".encode(), "a.csv", "未找到表头行"),
        ("楼宇名称,地址\n".encode(), "a.csv", "没有数据行"),
        (b"%PDF-1.4", "a.pdf", "只支持"),
    ],
)
def test_file_level_errors(db, data, filename, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(data, filename=filename)


def test_oversized_file_is_refused(db, monkeypatch):
    monkeypatch.setattr(importing, "MAX_IMPORT_BYTES", 1000)
    with pytest.raises(ImportFileError, match="文件过大"):
        read_table(b"x" * 1001, filename="a.csv")


def test_missing_required_columns(env):
    table = importing.Table(headers=["楼宇名称", "楼层数"], rows=[(2, ["甲", "3"])], header_row=1)
    with pytest.raises(ImportFileError, match="地址"):
        run_import(table=table, actor=None, dry_run=True)
    table = importing.Table(headers=["地址", "楼层数"], rows=[(2, ["甲", "3"])], header_row=1)
    with pytest.raises(ImportFileError, match="楼宇名称"):
        run_import(table=table, actor=None, dry_run=True)


def _table(rows, headers=HEADERS):
    return importing.Table(
        headers=headers,
        rows=[(i + 2, [str(c) for c in r]) for i, r in enumerate(rows)],
        header_row=1,
    )


GOOD = [
    ["国贸大厦", "北京市朝阳区建国门外大街1号", "写字楼", "38", "电信、移动", "否"],
    ["中关村软件园", "北京市海淀区东北旺西路8号", "产业园区", "6", "无", "是"],
    ["星海广场", "辽宁省大连市沙河口区星海广场1号", "商业综合体", "20", "联通", "否"],
]


def test_dry_run_counts_and_writes_nothing(env):
    result = run_import(table=_table(GOOD), actor=None, dry_run=True)
    assert result.counts == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert not Building.objects.exists()
    assert not AuditEvent.objects.filter(action="building.import").exists()


def test_commit_then_reimport_is_unchanged_then_changes_update(env):
    first = run_import(table=_table(GOOD), actor=None, dry_run=False)
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
    again = run_import(table=_table(GOOD), actor=None, dry_run=False)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert Building.objects.count() == 3
    changed = [list(r) for r in GOOD]
    changed[0][3] = "40"
    changed[0][4] = "电信"  # mobile withdrew
    changed[1][0] = "中关村软件园（一期）"  # fuzzy name, same address
    result = run_import(table=_table(changed), actor=None, dry_run=False)
    assert result.counts == {"new": 0, "updated": 2, "unchanged": 1, "rejected": 0}
    guomao.refresh_from_db()
    assert guomao.floors == 40 and guomao.operator_count == 1
    assert guomao.presences.get(operator__operator_key="mobile").status == "withdrawn"
    assert Building.objects.count() == 3
    assert AuditEvent.objects.filter(action="building.import").count() == 3


def test_matching_by_code_and_by_existing_building_from_the_web(env):
    existing = services.building_create(
        actor=None, name="华贸中心", address="北京市朝阳区建国路81号"
    )
    rows = [[existing.code, "华贸中心写字楼", "北京市朝阳区建国路81号"]]
    result = run_import(
        table=_table(rows, headers=["楼宇编码", "楼宇名称", "地址"]), actor=None, dry_run=False
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
def test_bad_rows_are_rejected_with_row_number_and_reason(env, row, reason):
    result = run_import(table=_table([GOOD[0], row]), actor=None, dry_run=False)
    assert result.counts["new"] == 1 and result.counts["rejected"] == 1
    assert result.rejected[0].row == 3
    assert reason in result.rejected[0].reason


def test_duplicates_inside_one_file(env):
    rows = [GOOD[0], GOOD[1], ["国贸大厦", "北京市朝阳区建国门外大街1号", "", "", "", ""]]
    result = run_import(table=_table(rows), actor=None, dry_run=False)
    assert result.counts["rejected"] == 1
    assert "与第 2 行重复" in result.rejected[0].reason
    assert Building.objects.filter(name="国贸大厦").count() == 1


def test_an_administration_imports_only_its_jurisdiction(env):
    result = run_import(table=_table(GOOD), actor=env["beijing"], dry_run=False)
    assert result.counts["new"] == 2 and result.counts["rejected"] == 1
    assert "不在您的管辖范围" in result.rejected[0].reason
    assert not Building.objects.filter(jurisdiction__code="210200").exists()


def test_an_operator_branch_uploads_its_presence_list(env):
    run_import(table=_table(GOOD), actor=None, dry_run=False)  # the registry
    zgc = Building.objects.get(name="中关村软件园")
    headers = ["楼宇名称", "地址", "楼层数", "移动", "入驻状态"]
    rows = [
        ["国贸大厦", "北京市朝阳区建国门外大街1号", "99", "否", "已退出"],
        ["中关村软件园", "北京市海淀区东北旺西路8号", "99", "是", ""],
        ["不存在的大厦", "北京市朝阳区建国路1号", "", "", ""],
        ["星海广场", "辽宁省大连市沙河口区星海广场1号", "", "", ""],
        ["银泰中心", "北京市朝阳区建国门外大街2号", "", "", "也许"],
    ]
    result = run_import(table=_table(rows, headers=headers), actor=env["operator"], dry_run=False)
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


def test_operator_columns(env):
    headers = ["楼宇名称", "地址", "电信", "移动", "联通", "广电"]
    rows = [["甲楼", "北京市朝阳区建国路1号", "是", "被拒", "在建", "否"]]
    run_import(table=_table(rows, headers=headers), actor=None, dry_run=False)
    statuses = dict(
        Presence.objects.filter(building__name="甲楼").values_list(
            "operator__operator_key", "status"
        )
    )
    assert statuses == {"telecom": "serving", "mobile": "refused", "unicom": "building_in"}
    assert Building.objects.get(name="甲楼").operator_count == 1


def test_an_interrupted_import_writes_nothing(env):
    with (
        mock.patch.object(importing, "_refresh_counts", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        run_import(table=_table(GOOD), actor=None, dry_run=False)
    assert not Building.objects.exists()
    assert not Presence.objects.exists()
    assert not AuditEvent.objects.filter(action="building.import").exists()


def test_rejected_rows_file(env):
    result = run_import(
        table=_table([GOOD[0], ["=cmd|' /C calc'!A0", "火星", "", "", "", ""]]),
        actor=None,
        dry_run=True,
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(importing.rejected_rows_xlsx(result, HEADERS))).active
    assert [c.value for c in sheet[1]][:3] == ["行号", "原因", "楼宇名称"]
    assert sheet["A2"].value == 3
    assert sheet["C2"].value.startswith("'=")
    assert sheet["C2"].data_type == "s"


def test_a_full_xlsx_round_trip_with_user_mapping(env):
    data = xlsx(
        [
            ["大厦名", "坐落位置", "备用列"],
            ["世纪大厦", "北京市朝阳区东三环中路1号", "x"],
        ]
    )
    with pytest.raises(ImportFileError, match="未找到表头行"):  # too few known names
        read_table(data, filename="a.xlsx")
    table = importing.Table(
        headers=["大厦名", "坐落", "备用列"],
        rows=[(2, ["世纪大厦", "北京市朝阳区东三环中路1号", "x"])],
        header_row=1,
    )
    assert importing.guess_mapping(table.headers) == {0: "", 1: "address", 2: ""}
    result = run_import(
        table=table, actor=None, dry_run=False, mapping={0: "name", 1: "address", 2: ""}
    )
    assert result.counts["new"] == 1
    assert result.unknown_columns == ["备用列"]


def test_formulas_in_cells_are_read_as_their_values(env):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["楼宇名称", "地址", "楼层数"])
    sheet.write_formula(1, 0, '="国贸"&"大厦"', None, "国贸大厦")
    sheet.write(1, 1, "北京市朝阳区建国门外大街1号")
    sheet.write_formula(1, 2, "=30+8", None, 38)
    sheet.write_string(2, 0, "=危险公式")
    sheet.write(2, 1, "北京市朝阳区建国门外大街2号")
    workbook.close()
    table = read_table(output.getvalue(), filename="f.xlsx")
    assert table.rows[0][1] == ["国贸大厦", "北京市朝阳区建国门外大街1号", "38"]
    result = run_import(table=table, actor=None, dry_run=False)
    assert result.counts["new"] == 2
    assert Building.objects.get(floors=38).name == "国贸大厦"
    assert Building.objects.filter(name="=危险公式").exists()  # stored as text, never evaluated
