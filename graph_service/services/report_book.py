"""Report files of several tables: an XLSX workbook (a sheet a table, Chinese sheet names, the
header frozen, columns sized) or one CSV (UTF-8 with BOM, for Excel).

Text cells that a spreadsheet would run as a formula get a leading apostrophe, by the one
rule every file the service writes follows (:func:`loaders.cells.neutralise`); numbers stay
numbers, so columns add up.

>>> sheet = Sheet("新增问题", ["编号 id", "影响 impact"], [["=HYPERLINK(1)", 3]], [20, 10])
>>> csv_bytes(sheet.headers, sheet.rows).decode("utf-8-sig").splitlines()[1]
"'=HYPERLINK(1),3"
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from loaders.cells import neutralise

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"
# Rows of a worksheet below its header (Excel's limit is 1,048,576 rows in all).
SHEET_ROWS = 1_048_575

Cell = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    """One table of a report: its sheet's title, headers, rows and column widths (characters)."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    widths: Sequence[int] = ()


class TooManyRows(ValueError):
    """A table does not fit in one worksheet."""


def safe(value: Cell) -> str | int | float:
    """A cell as a spreadsheet should get it (None: empty)."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    return neutralise(value)


def _title(text: str) -> str:
    shown = "".join(ch for ch in text if ch.isprintable())
    return re.sub(r"[\\/?*\[\]:]", " ", shown).strip()[:31] or "report"


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """One table as CSV, UTF-8 with a BOM (Excel then reads the Chinese right)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows([safe(value) for value in row] for row in rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one workbook: the header row frozen, each column as wide as given.
    Raises :class:`TooManyRows` for a sheet beyond Excel's rows."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        if len(sheet.rows) > SHEET_ROWS:
            raise TooManyRows(f"{sheet.title}: {len(sheet.rows):,} rows > {SHEET_ROWS:,}")
        out = workbook.create_sheet(title=_title(sheet.title))
        out.freeze_panes = "A2"
        for index, width in enumerate(sheet.widths, start=1):
            out.column_dimensions[get_column_letter(index)].width = width
        out.append(list(sheet.headers))
        for row in sheet.rows:
            out.append([safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
