"""The error workbook: an import's problems written back onto the rows that caused them.

What an organizer forwards to whoever filled the sheet. For every table (CSV file, sheet,
table of a JSON/YAML bundle) with a problem in one of its rows, one sheet holding **every
row of that table in its original order**: first a ``错误原因 reason`` column (each of the
row's problems, Chinese first), then ``行号 row`` (the row's number in the uploaded file, as
Excel shows it: header = 1; the 1-based place in a JSON/YAML list), then the table's
columns with their bilingual headers (``名称 name``). A bad cell is filled light red and
carries a comment with its reasons. Columns are those of the table the rows fill, any
column a problem names, and the required ones; a problem naming a column that is no
field of the table (a cell with no header, reported by its letter) gets its own column
after them. Values are the cells as read (a formula's text, an Excel error's code: what
the problem shows).

A first sheet ``错误汇总`` lists every problem of the report (those of whole files and
sheets as well: an unknown sheet name, a missing column) with file, sheet, row, column,
value, reason and the sheet of this workbook that shows the row.

Every header is frozen, filtered and given a width. Every text cell is neutralised
against formula injection (:func:`loaders.cells.neutralise`), and characters XML cannot
hold are replaced by U+FFFD, so no uploaded value can run in the recipient's Excel.

The tables are read again from the uploaded files (twice: once to learn the columns and
their widths, once to write), streaming, so memory stays flat however long the sheets.

>>> write_error_workbook(report.problems, [(Path("units.csv"), "units.csv")],
...                      Path("errors.xlsx"))                       # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from graph_service.domain.echo import clip
from graph_service.domain.tables import Table
from loaders.cells import neutralise
from loaders.problems import Problem
from loaders.readers import read_tables
from loaders.rows import RawRow, RawTable
from loaders.sheets import ERROR_SUMMARY_SHEET, REASON_HEADER, ROW_HEADER

# one definition: the reader passes over this sheet and these columns (loaders/sheets.py)
SUMMARY_SHEET = ERROR_SUMMARY_SHEET
SUMMARY_HEADERS = (
    "文件 file", "工作表 sheet", "行号 row", "列 column", "值 value", "错误原因 reason",
    "见工作表 see sheet",
)  # fmt: skip

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "bad" style
BAD_FONT = Font(color="9C0006")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
COMMENT_AUTHOR = "graph-service"

MIN_WIDTH, MAX_WIDTH, REASON_WIDTH = 8, 50, 60
#: an Excel cell holds at most this many characters
EXCEL_CELL_CHARS = 32_767
#: characters an XLSX (XML 1.0) cell cannot hold; openpyxl refuses them
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31

Source = tuple[Path, str]  # where the file is, the name the organizer knows it by
_Key = tuple[str, str | None]  # (file, sheet) as a problem names them


def reason_text(problem: Problem) -> str:
    """One problem as the 错误原因 cell says it: the column, then Chinese, then English.

    >>> reason_text(Problem("u.csv", "a value is required", "必填项为空", row=2, column="名称"))
    '名称：必填项为空 / a value is required'
    """
    both = _chinese_first(problem)
    return f"{problem.column}：{both}" if problem.column else both


def _chinese_first(problem: Problem) -> str:
    if problem.reason == problem.reason_zh:
        return problem.reason_zh
    return f"{problem.reason_zh} / {problem.reason}"


def write_error_workbook(
    problems: Sequence[Problem], sources: Sequence[Source], out: Path
) -> list[str]:
    """Write the error workbook of ``problems`` (an import report's, in its order) over
    the uploaded ``sources`` to ``out`` (replaced whole, or left as it was if writing
    fails); return the names of its sheets. The caller decides whether a report without
    problems deserves a workbook (the CLI and the API write none)."""
    index = _ProblemIndex.of(problems)
    wanted = [s for s in sources if index.concerns(s[1])]
    layouts = _scan(wanted, index)

    def write(target: Path) -> list[str]:
        workbook = Workbook(write_only=True)
        try:
            summary = workbook.create_sheet(SUMMARY_SHEET)
            names = _NameBook({SUMMARY_SHEET})
            shown: dict[_Key, str] = {}
            for raw in _tables(wanted, index):
                layout = layouts.get(_key(raw.file, raw.sheet))
                if layout is None or layout.table is not raw.table or layout.key in shown:
                    continue
                title = names.take(raw.sheet or PurePath(raw.file).stem)
                _write_rows(workbook.create_sheet(title), raw.rows, layout, index)
                shown[layout.key] = title
            _write_summary(summary, problems, shown)
        except BaseException:
            _discard(workbook)
            raise
        workbook.save(target)
        return [SUMMARY_SHEET, *shown.values()]

    return _replace_atomically(out, write)


# ---- which problems belong to which rows ------------------------------------------------------


def _key(file: str, sheet: str | None) -> _Key:
    # readers clip the names they report, the importer does not: compare both clipped
    return clip(file), None if sheet is None else clip(sheet)


@dataclass
class _ProblemIndex:
    by_row: dict[_Key, dict[int, list[Problem]]]

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> _ProblemIndex:
        by_row: dict[_Key, dict[int, list[Problem]]] = defaultdict(lambda: defaultdict(list))
        for problem in problems:
            if problem.row is not None:
                by_row[_key(problem.file, problem.sheet)][problem.row].append(problem)
        return cls(dict(by_row))

    def concerns(self, name: str) -> bool:
        """Whether a source (a file, or a folder read as ``folder/child``) has row problems."""
        return any(file == clip(name) or file.startswith(name + "/") for file, _ in self.by_row)

    def rows(self, raw: RawTable) -> dict[int, list[Problem]] | None:
        return self.by_row.get(_key(raw.file, raw.sheet))


def _tables(sources: Sequence[Source], index: _ProblemIndex) -> Iterator[RawTable]:
    """The tables of the sources that have a row problem; the others' rows are not read."""
    for path, name in sources:
        for item in read_tables(path, display_name=name):
            if isinstance(item, RawTable) and index.rows(item) is not None:
                yield item


# ---- the columns of a sheet ------------------------------------------------------------------


@dataclass
class _Layout:
    """A table's sheet: which columns it shows, their headers and widths."""

    key: _Key
    table: Table
    fields: list[str]  # the table's fields shown, in the table's order
    extras: list[str]  # problem columns that are no field, in order of appearance
    widths: dict[int, float] = field(default_factory=dict)  # by 0-based column index

    @property
    def headers(self) -> list[str]:
        by_field = {column.field: column.header for column in self.table.columns}
        return [REASON_HEADER, ROW_HEADER, *(by_field[f] for f in self.fields), *self.extras]

    def where(self, problem: Problem) -> int | None:
        """The 0-based column of the sheet a problem marks, if it names one."""
        if problem.column is None:
            return None
        named = self.table.field_for(problem.column)
        if named is not None and named in self.fields:
            return 2 + self.fields.index(named)
        if problem.column in self.extras:
            return 2 + len(self.fields) + self.extras.index(problem.column)
        return None


def _scan(sources: Sequence[Source], index: _ProblemIndex) -> dict[_Key, _Layout]:
    """The first reading: for each table with row problems, the fields its rows fill and
    the widths its columns need."""
    layouts: dict[_Key, _Layout] = {}
    for raw in _tables(sources, index):
        key = _key(raw.file, raw.sheet)
        if key in layouts:  # the same file given twice: the first reading is the one shown
            continue
        filled: set[str] = set()
        longest: dict[str, int] = defaultdict(int)
        named: list[str] = []  # problem columns, in order
        reasons = 0
        by_row = index.rows(raw) or {}
        for row in raw.rows:
            for name, value in row.values.items():
                filled.add(name)
                longest[name] = max(longest[name], _width_of(_cell_value(value)))
            for problem in by_row.get(row.number, ()):
                if problem.column is not None and problem.column not in named:
                    named.append(problem.column)
                if problem.column is not None and problem.value is not None:
                    longest[problem.column] = max(longest[problem.column],
                                                  _width_of(problem.value))  # fmt: skip
            reasons = max(reasons, *(
                _width_of(reason_text(p)) for p in by_row.get(row.number, ())
            ), 0)  # fmt: skip
        fields = [
            c.field for c in raw.table.columns
            if c.field in filled or c.required
            or any(raw.table.field_for(name) == c.field for name in named)
        ]  # fmt: skip
        extras = [name for name in named if raw.table.field_for(name) is None]
        layout = _Layout(key, raw.table, fields, extras)
        for number, header in enumerate(layout.headers):
            need = _width_of(header)
            if number == 0:
                need = min(max(need, reasons), REASON_WIDTH)
            elif number >= 2:
                name = fields[number - 2] if number - 2 < len(fields) else header
                same = [k for k in longest if k == name or raw.table.field_for(k) == name]
                need = max([need, *(longest[k] for k in same)])
            layout.widths[number] = float(min(max(need, MIN_WIDTH), MAX_WIDTH))
        layouts[key] = layout
    return layouts


def _width_of(text: object) -> int:
    """Columns a text takes in Excel: a CJK character is two, the longest line counts."""
    shown = str(text)
    return max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in shown.split("\n")),
               default=0) + 2  # fmt: skip


# ---- the cells -------------------------------------------------------------------------------


def _cell_value(value: Any) -> Any:
    """A value as an XLSX cell can hold it, never a formula."""
    if value is None or isinstance(value, bool | int | float):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
            return str(value)  # Excel keeps 15 digits: a long number as its text
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.isoformat()  # Excel has no time zones
    if isinstance(value, dt.date | dt.time):
        return value
    if isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return _text(text)


def _text(text: str) -> str:
    return neutralise(_ILLEGAL.sub("\ufffd", text)[:EXCEL_CELL_CHARS])


def _header_cells(sheet: Any, headers: Sequence[str]) -> list[WriteOnlyCell]:
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, _text(header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cells.append(cell)
    return cells


def _start_sheet(sheet: Any, headers: Sequence[str], widths: dict[int, float]) -> None:
    sheet.freeze_panes = "A2"
    for number, width in widths.items():
        sheet.column_dimensions[get_column_letter(number + 1)].width = width
    sheet.append(_header_cells(sheet, headers))


def _write_rows(
    sheet: Any, rows: Iterator[RawRow], layout: _Layout, index: _ProblemIndex
) -> None:
    headers = layout.headers
    _start_sheet(sheet, headers, layout.widths)
    by_row = index.by_row.get(layout.key, {})
    count = 0
    for row in rows:
        count += 1
        problems = by_row.get(row.number, [])
        values: list[Any] = [None, row.number]
        values += [row.values.get(name) for name in layout.fields]
        values += [None] * len(layout.extras)
        marks: dict[int, list[Problem]] = defaultdict(list)
        for problem in problems:
            column = layout.where(problem)
            if column is None:
                continue
            marks[column].append(problem)
            if values[column] is None and problem.value is not None:
                values[column] = problem.value  # a cell the reader could not keep
        cells = []
        for number, value in enumerate(values):
            cell = WriteOnlyCell(sheet, _cell_value(value))
            if number == 0 and problems:
                cell.value = _text("\n".join(reason_text(p) for p in problems))
                cell.font, cell.alignment = BAD_FONT, WRAP
            elif number in marks:
                cell.fill, cell.font = BAD_FILL, BAD_FONT
                cell.comment = _comment(marks[number])
            cells.append(cell)
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def _comment(problems: Sequence[Problem]) -> Comment:
    text = "\n".join(_chinese_first(p) for p in problems)
    text = _ILLEGAL.sub("\ufffd", text)[:EXCEL_CELL_CHARS]
    comment = Comment(text, COMMENT_AUTHOR)
    comment.width, comment.height = 320, min(60 + 20 * text.count("\n") + len(text) // 2, 400)
    return comment


def _write_summary(sheet: Any, problems: Sequence[Problem], shown: dict[_Key, str]) -> None:
    widths = {0: 24.0, 1: 16.0, 2: 8.0, 3: 18.0, 4: 24.0, 5: float(REASON_WIDTH), 6: 16.0}
    _start_sheet(sheet, SUMMARY_HEADERS, widths)
    for problem in problems:
        both = _chinese_first(problem)
        seen = shown.get(_key(problem.file, problem.sheet)) if problem.row is not None else None
        values = [problem.file, problem.sheet, problem.row, problem.column, problem.value,
                  both, seen]  # fmt: skip
        cells = [WriteOnlyCell(sheet, _cell_value(value)) for value in values]
        cells[5].alignment = WRAP
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_HEADERS))}{len(problems) + 1}"


# ---- sheet names and the file ----------------------------------------------------------------


class _NameBook:
    """Sheet names as Excel allows them (31 characters, none of ``[]:*?/\\``), unique
    whatever their case."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = {name.casefold() for name in taken}

    def take(self, wanted: str) -> str:
        base = _SHEET_NAME_BAD.sub("_", wanted).strip("' ") or "sheet"
        name, n = base[:_SHEET_NAME_MAX], 1
        while name.casefold() in self.taken:
            n += 1
            suffix = f" ({n})"
            name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
        self.taken.add(name.casefold())
        return name


def _discard(workbook: Workbook) -> None:
    """Close a write-only workbook's sheets that will not be saved, and remove their
    temporary files (see loaders.exporters._discard)."""
    for sheet in workbook.worksheets:
        with suppress(Exception):
            sheet.close()
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with suppress(Exception):
                writer.cleanup()


def _replace_atomically(path: Path, write: Any) -> list[str]:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    target = Path(name)
    try:
        sheets: list[str] = write(target)
        os.replace(target, path)
    finally:
        target.unlink(missing_ok=True)
    return sheets
