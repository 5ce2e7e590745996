"""The archive checks before any reader opens an XLSX (``import_engine.bounds``)."""

import io
import zipfile

import pytest

from louyu.buildings.import_engine import bounds
from louyu.buildings.import_engine.bounds import MAX_COLUMNS, check_xlsx, column_number
from louyu.buildings.import_engine.errors import ImportFileError
from louyu.buildings.tests import hostile_files as hostile


def test_column_letters():
    assert [column_number(x) for x in (b"A", b"Z", b"AA", b"GR", b"XFD")] == [1, 26, 27, 200, 16384]


def test_an_ordinary_workbook_passes():
    check_xlsx(hostile.xlsx_with_cells({**hostile.HEADER, (500, MAX_COLUMNS - 1): "最后一列"}))


def test_a_far_cell_is_refused_before_reading():
    data = hostile.far_cell_xlsx()
    assert len(data) < 8 * 1024
    with pytest.raises(ImportFileError, match="超出上限"):
        check_xlsx(data)


@pytest.mark.parametrize(
    "cell", [(600_000, 0), (5, MAX_COLUMNS)], ids=["past-the-rows", "past-the-columns"]
)
def test_a_cell_just_past_the_bounds_is_refused_even_when_the_declared_range_lies(cell):
    data = hostile.with_declared_range(
        hostile.xlsx_with_cells({**hostile.HEADER, cell: "x"}), "A1:B2"
    )
    with pytest.raises(ImportFileError, match="单元格"):
        check_xlsx(data)


def test_a_declared_range_past_the_bounds_is_refused():
    with pytest.raises(ImportFileError, match="声明的范围 A1:XFD1048576"):
        check_xlsx(hostile.declared_range_xlsx())


def test_a_styled_empty_cell_far_away_is_not_data():
    styled = hostile.rewrite_sheet(
        hostile.xlsx_with_cells(hostile.HEADER),
        lambda xml: xml.replace(b"</row>", b'<c r="XFD1" s="0"/></row>', 1),
    )
    sheet = zipfile.ZipFile(io.BytesIO(styled)).read("xl/worksheets/sheet1.xml")
    assert b'<c r="XFD1" s="0"/>' in sheet
    check_xlsx(styled)


def test_a_zip_bomb_is_refused_by_its_expanded_size(settings):
    settings.LOUYU_IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    bomb = hostile.zip_bomb_xlsx(4 * 1024 * 1024)
    assert len(bomb) < 64 * 1024
    with pytest.raises(ImportFileError, match="解压后过大"):
        check_xlsx(bomb)


def test_the_streamed_size_is_bounded_whatever_the_directory_declares():
    # The directory's sizes can lie; the streaming read counts what actually comes out.
    archive = zipfile.ZipFile(io.BytesIO(hostile.zip_bomb_xlsx(2 * 1024 * 1024)))
    with pytest.raises(ImportFileError, match="解压后过大"):
        bounds._scan_sheet(archive, archive.getinfo("xl/worksheets/sheet1.xml"), 1024 * 1024)


def test_files_that_are_not_zips_pass_to_their_reader():
    check_xlsx("楼宇名称,地址\n".encode())
