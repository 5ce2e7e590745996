"""The shared XLSX writer: text cells never become formulas, numbers and dates keep their
types, and a list longer than the limit is cut with a note."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from louyu.core.exports import (
    Column,
    Sheet,
    audit_filters,
    neutralise_cell,
    write_xlsx,
    write_xlsx_sheets,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("甲=乙", "甲=乙"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def _read(data: bytes):
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_cells_keep_their_types_and_text_is_neutralised(settings):
    moment = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30))
    out = io.BytesIO()
    written, truncated = write_xlsx(
        out,
        sheet_name="表",
        columns=[Column("甲"), Column("乙"), Column("丙"), Column("丁"), Column("戊")],
        rows=[["=HYPERLINK(1)", 3, 2.5, moment, None], ["@x", True, "", "", "正常"]],
        max_rows=10,
    )
    assert (written, truncated) == (2, False)
    rows = _read(out.getvalue())
    assert rows[0] == ("甲", "乙", "丙", "丁", "戊")
    assert rows[1][:3] == ("'=HYPERLINK(1)", 3, 2.5)
    assert rows[1][3] == datetime.datetime(2026, 12, 1, 9, 30)
    assert rows[2][:2] == ("'@x", "True")


def test_a_longer_list_is_cut_with_a_note():
    out = io.BytesIO()
    written, truncated = write_xlsx(
        out,
        sheet_name="表",
        columns=[Column("编号")],
        rows=([n] for n in range(5)),
        max_rows=3,
        truncated_note="仅导出前 3 行",
    )
    assert (written, truncated) == (3, True)
    rows = _read(out.getvalue())
    assert [r[0] for r in rows] == ["编号", 0, 1, 2, "仅导出前 3 行"]


@pytest.mark.parametrize("in_memory", [False, True])
def test_a_workbook_holds_each_sheet_in_order(in_memory):
    out = io.BytesIO()
    results = write_xlsx_sheets(
        out,
        [
            Sheet("甲表", [Column("名称")], [["=1+1"], ["北京"]], max_rows=10),
            Sheet("乙表", [Column("数")], ([n] for n in range(5)), 2, truncated_note="截断"),
        ],
        in_memory=in_memory,
    )
    assert results == [(2, False), (2, True)]
    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert workbook.sheetnames == ["甲表", "乙表"]
    first, second = (list(sheet.iter_rows(values_only=True)) for sheet in workbook)
    assert first == [("名称",), ("'=1+1",), ("北京",)]
    assert second == [("数",), (0,), (1,), ("截断",)]


def test_audit_filters_drop_what_filters_nothing():
    filters = {"q": "", "state": "open", "overdue": False, "page": None, "days": 0}
    assert audit_filters(filters) == {"state": "open", "overdue": False, "days": 0}
    assert audit_filters(filters, drop=("", None, False)) == {"state": "open"}
