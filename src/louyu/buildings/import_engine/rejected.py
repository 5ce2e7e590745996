"""The rejected rows of an import as an XLSX for the clerk to correct and import again."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from louyu.core.exports import Column, write_xlsx

if TYPE_CHECKING:
    from louyu.buildings.import_engine.run import ImportResult


def rejected_rows_xlsx(result: ImportResult, headers: list[str]) -> bytes:
    """The rejected rows as an XLSX: 行号, 原因, then the original columns (formula-safe)."""
    output = io.BytesIO()
    write_xlsx(
        output,
        sheet_name="未导入的行",
        columns=[Column("行号", 8.43), Column("原因", 40), *(Column(h, 8.43) for h in headers)],
        rows=([r.row, r.reason, *map(str, r.values)] for r in result.rejected),
        max_rows=len(result.rejected),
        freeze_columns=None,
        header_color="#F2F2F2",
        in_memory=True,
    )
    return output.getvalue()
