"""Reading real spreadsheets: title rows, merged cells, notes, CSV encodings, formulas, and
the files the engine refuses as a whole."""

import io

import pytest
import xlsxwriter

from louyu.buildings.import_engine import readers
from louyu.buildings.import_engine.errors import ImportFileError
from louyu.buildings.import_engine.headers import guess_mapping
from louyu.buildings.import_engine.readers import Table, read_table
from louyu.buildings.import_engine.run import run_import
from louyu.buildings.models import Building
from louyu.buildings.tests.import_engine_data import HEADERS


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
    monkeypatch.setattr(readers, "MAX_IMPORT_BYTES", 1000)
    with pytest.raises(ImportFileError, match="文件过大"):
        read_table(b"x" * 1001, filename="a.csv")


def test_a_full_xlsx_round_trip_with_user_mapping(importers):
    data = xlsx(
        [
            ["大厦名", "坐落位置", "备用列"],
            ["世纪大厦", "北京市朝阳区东三环中路1号", "x"],
        ]
    )
    with pytest.raises(ImportFileError, match="未找到表头行"):  # too few known names
        read_table(data, filename="a.xlsx")
    table = Table(
        headers=["大厦名", "坐落", "备用列"],
        rows=[(2, ["世纪大厦", "北京市朝阳区东三环中路1号", "x"])],
        header_row=1,
    )
    assert guess_mapping(table.headers) == {0: "", 1: "address", 2: ""}
    result = run_import(
        table=table, actor=None, dry_run=False, mapping={0: "name", 1: "address", 2: ""}
    )
    assert result.counts["new"] == 1
    assert result.unknown_columns == ["备用列"]


def test_formulas_in_cells_are_read_as_their_values(importers):
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
