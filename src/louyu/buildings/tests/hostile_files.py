"""Small hostile workbooks, built in the tests: a far cell, a lying declared range and a
zip bomb of highly compressible sheet XML."""

import io
import re
import zipfile

import xlsxwriter


def xlsx_with_cells(cells: dict[tuple[int, int], str]) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for (row, col), value in cells.items():
        sheet.write(row, col, value)
    workbook.close()
    return output.getvalue()


HEADER = {(0, 0): "楼宇名称", (0, 1): "地址", (1, 0): "国贸大厦", (1, 1): "北京市朝阳区建国路88号"}


def far_cell_xlsx() -> bytes:
    """A 1.6 KB workbook whose only far cell is XFD1048576."""
    return xlsx_with_cells({**HEADER, (1048575, 16383): "x"})


def rewrite_sheet(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return output.getvalue()


def with_declared_range(data: bytes, ref: str) -> bytes:
    return rewrite_sheet(
        data,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml),
    )


def declared_range_xlsx(ref: str = "A1:XFD1048576") -> bytes:
    """A small sheet that declares a huge range (readers reserve memory for it)."""
    return with_declared_range(xlsx_with_cells(HEADER), ref)


def zip_bomb_xlsx(expanded_bytes: int) -> bytes:
    """A workbook whose sheet XML expands to ``expanded_bytes`` of padding inside a valid
    sheet; deflate shrinks it about a thousandfold."""
    padding = b" " * expanded_bytes
    return rewrite_sheet(
        xlsx_with_cells(HEADER), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + padding)
    )
