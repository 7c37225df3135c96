"""The layout every XLSX sheet the service writes shares: a report people use as it is.

A sheet is

1. a **title row** (row 1): one cell saying what the sheet holds, of which area, as of
   when (``单位（units）· 二七新村街道（A-ERQI）· 导出日期 2026-06-30``), in bold;
2. the **header row** (row 2), bold on a grey fill, frozen together with the title (the
   sheet scrolls under them) and carrying an **autofilter** over the whole table;
3. the data, a row per record; a rate is a number shown as a percentage (``0.0%``), a
   date a date where the sheet is a report (exports keep ISO text, as the import reads it).

Each column is as wide as its header and the first :data:`SAMPLE_ROWS` rows need, a CJK
character counted as two (Excel's width unit is one digit of the default font, and a
Chinese character takes about two), between :data:`MIN_WIDTH` and :data:`MAX_WIDTH`.

The import reads such a sheet back: its reader passes over title rows above the header
(:func:`loaders.readers._past_titles`) and over the reference columns
(:data:`REFERENCE_HEADERS`: the names the export writes beside ids, and the error
workbook's reason and row number).

Sheets are written in openpyxl's write-only mode (memory stays flat): column widths and
the frozen panes must be set before the first row, so the first rows are held back until
the widths are known; the autofilter is written after the last row.

>>> display_width("二七新村街道 A-ERQI")
19
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from loaders.cells import neutralise

#: rows a column's width is measured on (the rest of a long sheet is not held back)
SAMPLE_ROWS = 200
MIN_WIDTH = 6.0
MAX_WIDTH = 60.0
#: the number format of a rate (0.579 shows as 57.9%)
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
#: the rows above the data: the title row and the header row
HEAD_ROWS = 2

_TITLE_FONT = Font(bold=True, size=13)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=False)

#: Columns the export writes beside an id for people to read (the name of the entity the
#: id names) and the import passes over: ``from_id`` and ``to_id`` of a relationship, and
#: the delegating unit of a committee seat (SERVES_ON's ``for_unit``).
NAME_BESIDE: dict[str, str] = {
    "from_id": "起点名称 from_name", "to_id": "终点名称 to_name",
    "for_unit": "代表单位名称 for_unit_name",
}  # fmt: skip

#: The error workbook's (:mod:`loaders.error_workbook`) first sheet, and the two columns it
#: puts before a table's own: what the import passes over when that workbook, its rows
#: fixed, is imported again.
ERROR_SUMMARY_SHEET = "错误汇总"
REASON_HEADER = "错误原因 reason"
ROW_HEADER = "行号 row"


def _norm(text: str) -> str:
    return re.sub(r"[\s_/·]+", " ", text.strip().lower())


#: The headers of reference columns, in every spelling a reader accepts (Chinese, English
#: or both): :func:`is_reference_header`. The error workbook's columns are passed over as
#: written or by their Chinese half (a bare ``row`` or ``reason`` in an organizer's own
#: sheet stays an unknown column).
REFERENCE_HEADERS: frozenset[str] = frozenset(
    [_norm(spelling) for header in NAME_BESIDE.values()
     for spelling in (header, *header.split(" ", 1))]
    + [_norm(spelling) for header in (REASON_HEADER, ROW_HEADER)
       for spelling in (header, header.split(" ", 1)[0])]
)  # fmt: skip


def is_reference_header(header: str) -> bool:
    """Whether ``header`` names a column written for reading only (a name beside an id, the
    error workbook's reason and row number), which an import passes over. A table's own
    column of that name wins: the reader asks only of headers that name no field."""
    return _norm(header) in REFERENCE_HEADERS


class SheetTooLong(ValueError):
    """More rows than a sheet holds (1,048,576 in all, the title and header included)."""


#: The rows of an Excel sheet, the title and header included.
MAX_ROWS = 1_048_576


def display_width(value: Any) -> int:
    """The width ``value`` takes in a cell, in Excel's units: its longest line, a wide
    (CJK) character counted as two."""
    if value is None:
        return 0
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return max(
        (sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
         for line in text.splitlines() or [""]),
        default=0,
    )  # fmt: skip


def column_widths(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], formats: Sequence[str | None] = ()
) -> list[float]:
    """Each column's width: its header's or its widest cell's, plus a margin, within
    [MIN_WIDTH, MAX_WIDTH]. A percentage needs its formatted width (``100.0%``)."""
    widths = [display_width(header) for header in headers]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            shown = 6 if index < len(formats) and formats[index] == PERCENT else None
            widths[index] = max(widths[index], shown or display_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2.0)) for width in widths]


def write_sheet(
    workbook: Any,
    name: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None] = (),
    *,
    max_rows: int | None = None,
) -> int:
    """Append the sheet ``name`` to the write-only ``workbook``: ``title`` in row 1, the
    ``headers`` in row 2, then ``rows`` (values already as the cells should hold them).
    ``formats``: a number format per column (:data:`PERCENT`, :data:`DATE`), None for
    none. Returns the number of data rows. Raises :class:`SheetTooLong` past ``max_rows``
    rows in all (default :data:`MAX_ROWS`)."""
    limit = MAX_ROWS if max_rows is None else max_rows
    sheet = workbook.create_sheet(title=name)
    rows = iter(rows)
    sample = list(islice(rows, SAMPLE_ROWS))
    for index, width in enumerate(column_widths(headers, sample, formats), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEAD_ROWS + 1}"
    # a title may hold a name from anyone's import: shown as text, never run as a formula
    heading = WriteOnlyCell(sheet, value=neutralise("".join(ch for ch in title
                                                            if ch.isprintable())) or None)
    heading.font = _TITLE_FONT
    sheet.append([heading])
    sheet.append([_header_cell(sheet, header) for header in headers])
    count = 0
    for count, row in enumerate(chain(sample, rows), start=1):
        if HEAD_ROWS + count > limit:
            raise SheetTooLong(f"more than {limit - HEAD_ROWS:,} rows")
        sheet.append(list(_cells(sheet, row, formats)))
    last = get_column_letter(max(1, len(headers)))
    sheet.auto_filter.ref = f"A{HEAD_ROWS}:{last}{HEAD_ROWS + count}"
    return count


def _header_cell(sheet: Any, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
    return cell


def _cells(sheet: Any, row: Sequence[Any], formats: Sequence[str | None]) -> Iterator[Any]:
    for index, value in enumerate(row):
        number_format = formats[index] if index < len(formats) else None
        if number_format is None or value is None or value == "":
            yield value
        else:
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = number_format
            yield cell
