"""Report files of several tables: an XLSX workbook (a sheet a table, laid out as every
report the service writes: :mod:`loaders.sheets` — a title row naming what, which area and
when, the header bold, frozen and filtered, columns sized to their contents, rates as
percent numbers, dates as dates, Chinese sheet names) or one CSV (UTF-8 with BOM, for
Excel).

Text cells that a spreadsheet would run as a formula get a leading apostrophe, by the one
rule every file the service writes follows (:func:`loaders.cells.neutralise`); numbers stay
numbers, so columns add up.

>>> sheet = Sheet("新增问题", ["编号 id", "影响 impact"], [["=HYPERLINK(1)", 3]])
>>> csv_bytes(sheet.headers, sheet.rows).decode("utf-8-sig").splitlines()[1]
"'=HYPERLINK(1),3"
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from loaders.cells import neutralise
from loaders.sheets import HEAD_ROWS, MAX_ROWS, PERCENT, SheetTooLong, write_sheet

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"
# Rows of a worksheet below its title and header (Excel's limit is 1,048,576 rows in all).
SHEET_ROWS = MAX_ROWS - HEAD_ROWS

#: a rate is a float in [0, 1] (formatted :data:`~loaders.sheets.PERCENT`), a date a date
Cell = str | int | float | dt.date | None


@dataclass(frozen=True)
class Sheet:
    """One table of a report: its tab (``title``, Chinese), headers and rows; ``formats`` a
    number format per column (:data:`~loaders.sheets.PERCENT` for a rate,
    :data:`~loaders.sheets.DATE` for a date, None for text and counts); ``heading`` the
    title row (what, which area, as of when; the tab when empty)."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    formats: Sequence[str | None] = ()
    heading: str = ""

    def text_rows(self, limit: int | None = None) -> list[list[str]]:
        """The rows as a terminal shows them: a rate as ``57.9%``, a date ISO, None empty."""
        return [[_shown(value, self.formats[index] if index < len(self.formats) else None)
                 for index, value in enumerate(row)]
                for row in self.rows[:limit]]  # fmt: skip


def _shown(value: Cell, number_format: str | None) -> str:
    if value is None:
        return ""
    if number_format == PERCENT and isinstance(value, int | float):
        return f"{value:.1%}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class TooManyRows(ValueError):
    """A table does not fit in one worksheet."""


def safe(value: Cell) -> str | int | float | dt.date:
    """A cell as a spreadsheet should get it (None: empty)."""
    if value is None:
        return ""
    if isinstance(value, int | float | dt.date):
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
    """The sheets as one workbook, each laid out by :func:`loaders.sheets.write_sheet`.
    Raises :class:`TooManyRows` for a sheet beyond Excel's rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        if len(sheet.rows) > SHEET_ROWS:
            raise TooManyRows(f"{sheet.title}: {len(sheet.rows):,} rows > {SHEET_ROWS:,}")
        try:
            write_sheet(workbook, _title(sheet.title), sheet.heading or sheet.title,
                        sheet.headers, ([safe(value) for value in row] for row in sheet.rows),
                        sheet.formats)  # fmt: skip
        except SheetTooLong as error:
            raise TooManyRows(f"{sheet.title}: {error}") from None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
