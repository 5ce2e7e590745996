"""Reading an uploaded file into a header row and numbered data rows: XLSX/XLS through
python-calamine (merged cells filled), CSV in UTF-8 or GBK/GB18030, title rows above the
header and notes under the table skipped."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from louyu.buildings.import_engine.errors import ImportFileError
from louyu.buildings.import_engine.headers import header_key

MAX_IMPORT_BYTES: int = getattr(settings, "LOUYU_IMPORT_MAX_BYTES", 30 * 1024 * 1024)
MAX_ROWS = 500_000
HEADER_SCAN_ROWS = 15
NOTE_PREFIXES = ("注", "备注", "说明", "填表", "填报", "制表", "审核", "联系人")


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, datetime.time | datetime.timedelta):
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        raw = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except Exception as exc:  # calamine raises several types for corrupt or foreign files
        raise ImportFileError(
            "文件不是有效的 Excel 工作簿（可能已损坏，或是改了扩展名的其他文件）。"
        ) from exc
    rows = [[_cell_text(v) for v in row] for row in raw]
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if not row[c]:
                    row[c] = value
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence
        raise ImportFileError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。")
    if "\x00" in text[:4096]:
        raise ImportFileError("文件不是文本格式的 CSV（含有二进制内容）。")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [[_cell_text(v) for v in row] for row in reader]


def _looks_like_zip_or_ole(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(data: bytes, *, filename: str) -> Table:
    """Read the first sheet (or the CSV) into a header and data rows with source row numbers.

    Title rows above the header are skipped (the header is the row among the first 15 that
    names the most known fields); merged cells are filled from their top-left value; empty
    rows and notes under the table (a row whose only text starts with 注/备注/说明…) are
    dropped."""
    if not data or not data.strip():
        raise ImportFileError("文件为空。")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {MAX_IMPORT_BYTES // 1048576} MB，"
            "请拆分后分批导入。"
        )
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("xlsx", "xlsm", "xls") or _looks_like_zip_or_ole(data):
        rows = _read_xlsx(data)
    elif suffix in ("csv", "txt", ""):
        rows = _read_csv(data)
    else:
        raise ImportFileError("只支持 .xlsx、.xls 和 .csv 文件。")
    if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
        raise ImportFileError(f"行数超过上限 {MAX_ROWS:,} 行，请拆分后分批导入。")
    best_index, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = {header_key(cell) for cell in row} - {""}
        score = len(keys) + (2 if "name" in keys else 0)
        if score > best_score:
            best_index, best_score = index, score
    if best_index < 0 or best_score < 3:
        raise ImportFileError(
            "未找到表头行：请确认前 15 行中有一行列名，至少包含“楼宇名称”和“地址”（或“区县”）。"
        )
    headers = rows[best_index]
    width = len(headers)
    data_rows: list[tuple[int, list[str]]] = []
    for offset, row in enumerate(rows[best_index + 1 :], start=best_index + 2):
        cells = (row + [""] * width)[:width]
        filled = [c for c in cells if c]
        if not filled:
            continue
        if len(filled) == 1 and filled[0].startswith(NOTE_PREFIXES):
            continue
        data_rows.append((offset, cells))
    if not data_rows:
        raise ImportFileError("表头下没有数据行。")
    return Table(headers=[h.strip() for h in headers], rows=data_rows, header_row=best_index + 1)
