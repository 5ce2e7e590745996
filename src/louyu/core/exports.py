"""Spreadsheet exports shared by every list: one XLSX writer (constant memory, text cells
neutralised against formula injection, a note when the list was cut) and one download
response that audits the export in the same request."""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

from louyu.core.audit import audit_record

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SPOOL_BYTES = 8 * 1024 * 1024


def neutralise_cell(value) -> str:
    """A text cell that a spreadsheet will never evaluate: values that would start a
    formula (= + - @, or a leading tab/CR, OWASP "CSV injection") get a leading quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


@dataclasses.dataclass(frozen=True)
class Column:
    title: str
    width: float = 12


@dataclasses.dataclass(frozen=True)
class Sheet:
    """One worksheet of a workbook: ``rows`` under a bold header of ``columns``, at most
    ``max_rows`` of them, ``truncated_note`` below when there were more."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    max_rows: int
    truncated_note: str = ""
    freeze_columns: int | None = 1


def write_xlsx(
    fileobj: IO[bytes],
    *,
    sheet_name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    max_rows: int,
    truncated_note: str = "",
    freeze_columns: int | None = 1,
    header_color: str = "#E9EEF5",
    in_memory: bool = False,
) -> tuple[int, bool]:
    """Write ``rows`` under a bold header row; returns (rows written, truncated).

    A row's values are written by type: ``int``/``float`` (not ``bool``) as numbers, a
    ``datetime`` as a local date-time cell, everything else as neutralised text (``None``
    as empty). At most ``max_rows`` rows are written; when ``rows`` holds more, the
    ``truncated_note`` is written below them. Nothing but the current row is held in
    memory (xlsxwriter's constant-memory mode) unless ``in_memory`` is set."""
    sheet = Sheet(sheet_name, columns, rows, max_rows, truncated_note, freeze_columns)
    (result,) = write_xlsx_sheets(fileobj, [sheet], header_color=header_color, in_memory=in_memory)
    return result


def write_xlsx_sheets(
    fileobj: IO[bytes],
    sheets: Sequence[Sheet],
    *,
    header_color: str = "#E9EEF5",
    in_memory: bool = False,
) -> list[tuple[int, bool]]:
    """Write a workbook of ``sheets``, in order, each as ``write_xlsx`` writes its one
    sheet; returns (rows written, truncated) per sheet. Sheet names are cut to Excel's 31
    characters and must differ."""
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False}
    options["in_memory" if in_memory else "constant_memory"] = True
    workbook = xlsxwriter.Workbook(fileobj, options)
    bold = workbook.add_format({"bold": True, "bg_color": header_color, "border": 1})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    results = [_write_sheet(workbook, sheet, bold=bold, when=when) for sheet in sheets]
    workbook.close()
    return results


def _write_sheet(workbook, spec: Sheet, *, bold, when) -> tuple[int, bool]:
    sheet = workbook.add_worksheet(spec.name[:31])
    for col, column in enumerate(spec.columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, column.title, bold)
    if spec.freeze_columns is not None:
        sheet.freeze_panes(1, spec.freeze_columns)
    written, truncated = 0, False
    for values in spec.rows:
        if written >= spec.max_rows:
            truncated = True
            break
        written += 1
        for col, value in enumerate(values):
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(written, col, value)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(
                    written, col, timezone.localtime(value).replace(tzinfo=None), when
                )
            else:
                sheet.write_string(written, col, neutralise_cell(value))
    if truncated and spec.truncated_note:
        sheet.write_string(written + 1, 0, spec.truncated_note, bold)
    return written, truncated


def audit_filters(filters, *, drop: tuple = ("", None), as_text: bool = False) -> dict:
    """The filters of an export as the audit records them: a dataclass's or dict's fields
    without the values in ``drop`` (those that filter nothing)."""
    items = dataclasses.asdict(filters) if dataclasses.is_dataclass(filters) else dict(filters)
    return {
        key: str(value) if as_text else value for key, value in items.items() if value not in drop
    }


def xlsx_download(
    *,
    actor,
    action: str,
    filters: dict,
    write: Callable[[IO[bytes]], tuple[int, bool]],
    filename: str,
) -> tuple[FileResponse, int, bool]:
    """Write an export with ``write`` (returning rows and truncated), audit it as
    ``action`` with its filters and size, and answer it as a download named
    ``<filename>-<local date>.xlsx``. Returns the response, the rows and whether the list
    was cut, so the caller may warn about the cut."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    rows, truncated = write(spool)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action,
            changes={"filters": filters, "rows": rows, "truncated": truncated},
        )
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
    return response, rows, truncated
