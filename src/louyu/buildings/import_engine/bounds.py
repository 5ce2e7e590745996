"""What an XLSX may hold before any spreadsheet reader opens it.

A workbook is a zip of XML parts. Two small files kill a reader that trusts them: a sheet
whose declared range (``<dimension ref="A1:XFD1048576"/>``) or one far cell makes it
allocate the whole rectangle (hundreds of GiB), and a zip bomb — a few MB of highly
compressible XML — expands to gigabytes. ``check_xlsx`` reads only the zip directory and
streams each worksheet through a fixed-size buffer, so it needs a few MB whatever the file
says, and refuses with a Chinese message when:

- a part's declared uncompressed size, or all parts together, exceed
  ``LOUYU_IMPORT_MAX_UNCOMPRESSED_BYTES`` (the streaming read stops there too, since a
  zip's declared sizes can lie);
- a sheet's declared range, or any cell holding a value, lies beyond ``MAX_ROWS`` rows (plus
  the title rows the header search allows) or ``MAX_COLUMNS`` columns.

The parse itself then runs in a child process with a memory limit (``isolated``), for
whatever these checks cannot foresee."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from django.conf import settings

from louyu.buildings.import_engine.errors import ImportFileError

MAX_COLUMNS = 200
CHUNK_BYTES = 1 << 20
# An element's attributes fit in this much of the previous chunk.
OVERLAP_BYTES = 512

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([A-Z0-9:$]{1,40})"')
_CORNER = re.compile(rb"([A-Z]{1,4})\$?(\d{1,9})$")
# A cell with content (not self-closing ``<c r="B2" s="1"/>``, which holds only a style).
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)(?<!/)>")
_REF = re.compile(rb'\br="([A-Z]{1,4})(\d{1,9})"')


def max_uncompressed_bytes() -> int:
    return int(settings.LOUYU_IMPORT_MAX_UNCOMPRESSED_BYTES)


def max_rows() -> int:
    from louyu.buildings.import_engine.readers import HEADER_SCAN_ROWS, MAX_ROWS

    return MAX_ROWS + HEADER_SCAN_ROWS


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _mb(size: int) -> str:
    return f"{size / 1048576:.0f} MB"


def _too_large(name: str, size: int, limit: int) -> ImportFileError:
    return ImportFileError(
        f"文件解压后过大（“{name}”达 {_mb(size)} 以上，上限为 {_mb(limit)}），"
        "可能是异常压缩的文件。请删除多余内容、另存为新文件后重新导入。"
    )


def _out_of_bounds(sheet: str, what: str) -> ImportFileError:
    return ImportFileError(
        f"工作表“{sheet}”{what}超出上限（最多 {max_rows():,} 行、{MAX_COLUMNS} 列）。"
        "请删除表格右侧和下方多余的行列（含只有格式的空白区域），另存后重新导入。"
    )


def _check_position(sheet: str, what: str, column: bytes, row: bytes) -> None:
    if (row and int(row) > max_rows()) or (column and column_number(column) > MAX_COLUMNS):
        raise _out_of_bounds(sheet, what)


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Stream one worksheet, checking its declared range and every cell holding a value;
    returns how many bytes it expanded to."""
    sheet = info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    total = 0
    tail = b""
    seen_dimension = False
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            total += len(chunk)
            if total > budget:
                raise _too_large(info.filename, total, max_uncompressed_bytes())
            text = tail + chunk
            if not seen_dimension and (found := _DIMENSION.search(text)):
                seen_dimension = True
                ref = found.group(1)
                if corner := _CORNER.search(ref):
                    _check_position(sheet, f"声明的范围 {ref.decode()} ", *corner.groups())
            for cell in _CELL.finditer(text):
                if ref := _REF.search(cell.group(1)):
                    where = f"的单元格 {ref.group(0)[3:-1].decode()} "
                    _check_position(sheet, where, ref.group(1), ref.group(2))
            tail = text[-OVERLAP_BYTES:]
    return total


def check_xlsx(data: bytes) -> None:
    """Refuse an XLSX whose parts would expand beyond the limit or whose sheets reach
    beyond the rows and columns an import reads (see the module docstring). Files that are
    not zips (XLS, CSV) pass unchanged: the child process's limits cover them."""
    if data[:4] != b"PK\x03\x04":
        return
    limit = max_uncompressed_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            declared = 0
            for info in members:
                declared += info.file_size
                if info.file_size > limit or declared > limit:
                    raise _too_large(info.filename, max(info.file_size, declared), limit)
            left = limit
            for info in members:
                name = info.filename
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    left -= _scan_sheet(archive, info, left)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise ImportFileError(
            "文件不是有效的 Excel 工作簿（可能已损坏，或是改了扩展名的其他文件）。"
        ) from exc
