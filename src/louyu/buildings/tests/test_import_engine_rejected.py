"""The rejected rows as an XLSX: row number, reason and the original cells, formula-safe."""

import io

from openpyxl import load_workbook

from louyu.buildings.import_engine.rejected import rejected_rows_xlsx
from louyu.buildings.import_engine.run import run_import
from louyu.buildings.tests.import_engine_data import GOOD, HEADERS, table_of


def test_rejected_rows_file(importers):
    result = run_import(
        table=table_of([GOOD[0], ["=cmd|' /C calc'!A0", "火星", "", "", "", ""]]),
        actor=None,
        dry_run=True,
    )
    sheet = load_workbook(io.BytesIO(rejected_rows_xlsx(result, HEADERS))).active
    assert [c.value for c in sheet[1]][:3] == ["行号", "原因", "楼宇名称"]
    assert sheet["A2"].value == 3
    assert sheet["C2"].value.startswith("'=")
    assert sheet["C2"].data_type == "s"
