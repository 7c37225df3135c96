"""Readers: turn the files an organizer uploads into tables of raw rows, or into problems.

One file holds one table (CSV: the file name names it), one table per sheet (XLSX: the
sheet name names it) or a bundle of tables (JSON, YAML). Headers may be English field
names, Chinese titles or both (``名称 name``); see :mod:`graph_service.domain.tables`.

Nothing here raises on bad input: whatever is wrong with a file, a sheet or a cell comes
back as a :class:`~loaders.problems.Problem` naming the file, sheet, row and column, so
the importer can report everything at once. The readers check the *shape* of the input
(names, headers, cells); the importer validates the values with the models.

Rows are streamed. Like :func:`itertools.groupby`, a table's rows must be consumed before
the reader is asked for the next item: moving past a file closes it.

>>> for item in read_tables(Path("region/")):  # doctest: +SKIP
...     if isinstance(item, Problem):
...         report.problems.append(item)
...     else:
...         for row in item.rows:
...             ...
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from pathlib import Path, PurePath
from typing import Any, NamedTuple, TextIO, cast

import charset_normalizer
import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from graph_service.domain.echo import clip
from graph_service.domain.models import LONG_FIELDS
from graph_service.domain.tables import (
    AREA_BOUNDARIES,
    TABLES,
    Table,
    suggest_table,
    table_named,
)
from loaders.cells import unneutralise
from loaders.problems import Problem, shown_value
from loaders.rows import RawRow, RawTable
from loaders.sheets import ERROR_SUMMARY_SHEET, is_reference_header

SUPPORTED_SUFFIXES = frozenset({".csv", ".xlsx", ".json", ".yaml", ".yml"})
#: A GeoJSON FeatureCollection beside the tables: the boundaries of areas (read_boundaries)
BOUNDARY_SUFFIX = ".geojson"
# Spreadsheet formats an organizer may drop into a folder by mistake: reported, not skipped.
_SPREADSHEET_LIKE = frozenset({".xls", ".xlsm", ".xlsb", ".ods", ".tsv", ".et", ".numbers"})
# Sheets for people, not data, passed over: a template's notes, and the error workbook's
# summary of problems (that workbook, its rows fixed, is imported again).
README_SHEETS = frozenset({"readme", "说明", "说明 readme", "readme 说明", ERROR_SUMMARY_SHEET})
BUNDLE_FORMAT = "regional-party-network"
BUNDLE_VERSION = 1

MAX_CELL_CHARS = 2000
MIB = 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 200 * MIB
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 10 * MIB
# JSON and YAML are parsed whole; above this a bundle would need gigabytes of objects.
MAX_BUNDLE_BYTES = 100 * MIB
_CHUNK = 256 * 1024
# Files read whole to weigh two possible encodings (see _utf8_or_gb18030).
MAX_DETECTED_BYTES = 8 * MIB

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .et
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

_OUT_OF_ORDER = (
    "rows of a table were read after the reader moved past its file; "
    "consume each table's rows before asking for the next table"
)

RawItem = RawTable | Problem
# Generators that also return whether they found a data row.
_Reading = Generator[RawItem, None, bool]


def read_tables(path: Path, *, display_name: str | None = None) -> Iterator[RawItem]:
    """Stream the tables of one input file, or of every supported file in a directory.

    ``display_name`` is the name the organizer knows the file by (uploads are saved under
    temporary names); it is reported in problems, and its extension and stem decide the
    format and, for CSV, the table. It defaults to ``path.name``.
    """
    name = display_name or path.name or str(path)
    if path.is_dir():
        yield from _read_directory(path, name)
    elif not path.is_file():
        yield _Where(name).problem("file not found", "找不到文件")
    else:
        yield from _read_file(path, name)


# ---- where a problem is ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """The file and sheet being read, so every problem names them."""

    file: str
    sheet: str | None = None

    def problem(
        self,
        reason: str,
        reason_zh: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> Problem:
        # names come from the input too (a bundle's keys, a header): clipped like values
        sheet = None if self.sheet is None else clip(self.sheet)
        column = None if column is None else clip(column)
        return Problem(clip(self.file), reason, reason_zh, sheet, row, column, shown_value(value))

    def in_sheet(self, sheet: str) -> _Where:
        return _Where(self.file, sheet)


# ---- files and directories -------------------------------------------------------------------


GENERATOR_MANIFEST = "manifest.json"


def _children(directory: Path) -> Iterator[Path]:
    """A folder's files, sorted by name; hidden files, Excel's lock files (``~$``) and the
    region generator's ``manifest.json`` (its ground truth, not data) left out."""
    for child in sorted(directory.iterdir(), key=lambda p: p.name):
        hidden = child.name.startswith((".", "~$")) or child.name == GENERATOR_MANIFEST
        if child.is_file() and not hidden:
            yield child


def _read_directory(directory: Path, name: str) -> Iterator[RawItem]:
    """Every supported file, sorted by name. Stray spreadsheets in another format are
    reported, since skipping them would silently lose data; ``.geojson`` files are
    :func:`read_boundaries`'; anything else (a README.md) is ignored."""
    for child in _children(directory):
        suffix = child.suffix.lower()
        if suffix in SUPPORTED_SUFFIXES or suffix in _SPREADSHEET_LIKE:
            yield from _read_file(child, f"{name}/{child.name}")


def read_boundaries(path: Path, *, display_name: str | None = None) -> Iterator[RawItem]:
    """The area boundaries of a ``.geojson`` file, or of every one in a directory (other
    files are :func:`read_tables`'): a table :data:`AREA_BOUNDARIES` per file, a row per
    Feature (numbered from 1, as a bundle's rows), or problems.

    The file is a FeatureCollection; each Feature gives an area's id in
    ``properties.id`` (or ``properties.编号``) and its boundary as its geometry. The
    collection's ``coord_system`` (the foreign member the GeoJSON export writes for
    GCJ-02 or BD-09) or a Feature's ``properties.coord_system`` / ``坐标系`` names the
    system its positions are in; RFC 7946 says WGS-84, the default."""
    name = display_name or path.name or str(path)
    if path.is_dir():
        for child in _children(path):
            if child.suffix.lower() == BOUNDARY_SUFFIX:
                yield from _read_geojson(child, _Where(f"{name}/{child.name}"))
    elif PurePath(name).suffix.lower() == BOUNDARY_SUFFIX:
        if path.is_file():
            yield from _read_geojson(path, _Where(name))
        else:
            yield _Where(name).problem("file not found", "找不到文件")


def _read_file(path: Path, name: str) -> Iterator[RawItem]:
    where = _Where(name)
    suffix = PurePath(name).suffix.lower()
    if suffix == BOUNDARY_SUFFIX:
        yield from _read_geojson(path, where)
    elif suffix == ".csv":
        yield from _read_csv(path, where)
    elif suffix == ".xlsx":
        yield from _read_xlsx(path, where)
    elif suffix in (".xls", ".ods"):
        yield from _read_calamine(path, where)
    elif suffix == ".json":
        yield from _read_bundle(path, where, _parse_json)
    elif suffix in (".yaml", ".yml"):
        yield from _read_bundle(path, where, _parse_yaml)
    else:
        yield where.problem(
            f"unsupported file type '{clip(suffix or name)}': use .csv, .xlsx, .xls, .ods, "
            ".json or .yaml",
            f"不支持的文件类型“{clip(suffix or name)}”："
            "请使用 .csv、.xlsx、.xls、.ods、.json 或 .yaml",
        )


def _table_or_problem(name: str, where: _Where, what: str, what_zh: str) -> Table | Problem:
    """The table a file or sheet name names, or a problem suggesting the closest name."""
    table = table_named(name)
    if table is not None:
        return table
    close = suggest_table(name)
    if close is not None:
        hint, hint_zh = f"did you mean '{close}'?", f"是否应为“{close}”？"
    else:
        keys = ", ".join(t.key for t in TABLES)
        hint, hint_zh = f"expected one of: {keys}", f"应为以下之一：{keys}"
    return where.problem(
        f"unknown {what} name '{clip(name)}': {hint}",
        f"无法识别的{what_zh}名“{clip(name)}”，{hint_zh}",
    )


# ---- headers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """What each column of a sheet holds: its header as written and its field (None for a
    column without a header)."""

    headers: tuple[str, ...]
    fields: tuple[str | None, ...]

    @cached_property
    def plain(self) -> bool:
        """Whether every column is either a field's or a name written beside an id: then a
        row of short text cells needs no check of its own (:func:`_plain_csv_row`)."""
        return all(field is not None or (header and is_reference_header(header))
                   for header, field in zip(self.headers, self.fields, strict=True))  # fmt: skip

    def column(self, index: int) -> tuple[str, str | None]:
        """The column's name for a problem (its header, or its letter) and its field."""
        if index < len(self.headers) and self.headers[index]:
            return self.headers[index], self.fields[index]
        return get_column_letter(index + 1), None


def _header_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, _Formula | _CellError):
        return cell.text
    return str(cell).strip()


#: title rows an organizer may put above a table's header (its caption, a date, a unit)
TITLE_ROWS = 3

Record = tuple[int, Sequence[object]]


def _first_filled(records: Iterator[Record]) -> Record | None:
    return next(((n, cells) for n, cells in records if not _is_blank(cells)), None)


def _past_titles(
    table: Table, header: Record | None, records: Iterator[Record]
) -> tuple[Record | None, Iterator[Record]]:
    """The header row and the records after it, past up to TITLE_ROWS title rows.

    A title is a row with one filled cell that names no column of the table (a merged
    caption such as 二七新村街道辖区单位名单（2026年）, a date); the titles must be followed by a
    row that names at least one column. Otherwise the first row is the header, as before:
    a sheet whose single header cell is misspelt still gets its "unknown column" problem."""
    titles: list[Record] = []
    row = header
    while row is not None and len(titles) < TITLE_ROWS and _is_title(table, row):
        titles.append(row)
        row = _first_filled(records)
    if titles and row is not None and _names_a_column(table, row):
        return row, records
    consumed = titles[1:] + ([row] if titles and row is not None else [])
    return header, chain(consumed, records) if consumed else records


def _is_title(table: Table, row: Record) -> bool:
    filled = [text for text in map(_header_text, row[1]) if text]
    return len(filled) == 1 and table.field_for(filled[0]) is None


def _names_a_column(table: Table, row: Record) -> bool:
    return any(table.field_for(text) for text in map(_header_text, row[1]) if text)


def _layout(
    table: Table, cells: Sequence[object], row: int, where: _Where
) -> _Layout | list[Problem]:
    """Map a header row to fields; every unknown, duplicate or missing column is a problem."""
    headers = tuple(_header_text(cell) for cell in cells)
    fields: list[str | None] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for header in headers:
        field = table.field_for(header) if header else None
        if header and field is None and is_reference_header(header):
            pass  # a name an export wrote beside an id, for reading only
        elif header and field is None:
            problems.append(_unknown_column(table, header, row, where))
        elif field is not None and field in seen:
            problems.append(_duplicate_column(header, row, where))
        elif field is not None:
            seen.add(field)
        fields.append(field)
    problems.extend(_missing_columns(table, seen, where))
    return problems or _Layout(headers, tuple(fields))


def _unknown_column(table: Table, header: str, row: int | None, where: _Where) -> Problem:
    close = table.suggest(header)
    if close is not None:
        hint, hint_zh = f"; did you mean '{close}'?", f"，是否应为“{close}”？"
    else:
        hint, hint_zh = f" in table '{table.key}'", f"（表“{table.zh}”）"
    return where.problem(
        f"unknown column '{clip(header)}'{hint}",
        f"无法识别的列“{clip(header)}”{hint_zh}",
        row=row,
        column=header,
    )


def _duplicate_column(header: str, row: int | None, where: _Where) -> Problem:
    return where.problem(
        f"duplicate column: '{clip(header)}' names a field another column already names",
        f"重复的列：“{clip(header)}”与另一列对应同一字段",
        row=row,
        column=header,
    )


def _missing_columns(table: Table, present: set[str], where: _Where) -> list[Problem]:
    return [
        where.problem(
            f"missing required column '{column.header}'",
            f"缺少必填列“{column.header}”",
            column=column.header,
        )
        for column in table.columns
        if column.required and column.field not in present
    ]


# ---- cells -----------------------------------------------------------------------------------


class _Formula(NamedTuple):
    """A formula cell: its text, never its value (which is whatever Excel last cached)."""

    text: str


class _CellError(NamedTuple):
    """An Excel error value (#N/A, #DIV/0! …) standing where data should be."""

    text: str


def _is_blank(cells: Iterable[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _put_cell(
    values: dict[str, Any],
    problems: list[Problem],
    field: str | None,
    column: str,
    cell: object,
    row: int,
    where: _Where,
) -> None:
    """Keep one cell's value under its field, or record why it cannot be kept.

    Strings are stripped and empty ones left out, so the model's default applies. A huge
    cell is dropped at once and only its clipped beginning survives in the problem.
    """
    if isinstance(cell, str):
        cell = cell.strip()
        if not cell:
            return
        if field is not None and len(cell) <= MAX_CELL_CHARS:  # the common case, first
            values[field] = cell
            return
    if cell is None:
        return
    problem: tuple[str, str] | None = None
    limit = LONG_FIELDS.get(field or "", MAX_CELL_CHARS)
    if isinstance(cell, _Formula):
        problem = ("formula cells are not accepted; paste values", "不接受公式，请粘贴为数值")
    elif isinstance(cell, _CellError):
        problem = (
            f"the cell holds an Excel error {clip(cell.text)}",
            f"单元格为 Excel 错误值 {clip(cell.text)}",
        )
    elif isinstance(cell, str) and len(cell) > limit:
        problem = (
            f"cell too long: {len(cell)} characters (at most {limit})",
            f"单元格过长：{len(cell)} 个字符（最多 {limit}）",
        )
    elif field is None:
        problem = ("a value in a column without a header", "该列没有表头，却填有数据")
    if problem is not None:
        shown = cell.text if isinstance(cell, _Formula | _CellError) else cell
        problems.append(where.problem(*problem, row=row, column=column, value=shown))
    elif field is not None:
        values[field] = cell


def _build_row(number: int, cells: Sequence[object], layout: _Layout, where: _Where) -> RawRow:
    """A spreadsheet row (CSV or XLSX). Exports put one apostrophe before formula-like text
    (``'=1+1``) against CSV injection; it comes off here, so the round trip is exact."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    headers, fields = layout.headers, layout.fields
    for index, cell in enumerate(cells):
        if type(cell) is str:
            if cell.startswith("'"):
                cell = unneutralise(cell)
            text = cell.strip()
            if not text:
                continue  # an empty cell: the field's default applies
            if index < len(headers) and headers[index] and len(text) <= MAX_CELL_CHARS and \
                    (field := fields[index]) is not None:  # fmt: skip
                values[field] = text  # the common case, as _put_cell keeps it
                continue
        column, field = layout.column(index)
        if field is None and cell is not None and is_reference_header(column):
            continue  # a name an export wrote beside an id, for reading only
        _put_cell(values, problems, field, column, cell, number, where)
    return RawRow(number, values, problems)


def _empty(where: _Where, *, header: bool) -> Problem:
    if header:
        return where.problem("empty: no header row", "内容为空：没有表头行")
    return where.problem("no data rows below the header", "表头下没有数据行")


# ---- text: encoding detection ----------------------------------------------------------------


# What GB18030 text read as UTF-8 turns into: 1,920 common characters (一 为 业 专 伟 …)
# are GB18030 byte pairs that are also UTF-8, for one character below U+0800 each (Latin-1,
# Greek, Cyrillic, Hebrew, Arabic …: 伟业专为 reads as ΰҵרΪ). A file whose UTF-8 reading
# holds such characters is a suspect; it holds *unlikely text* when a run of them mixes
# scripts (ΰҵרΪ), or holds what no name is written in: C1 controls, IPA and combining
# marks, Armenian, Syriac, Thaana, NKo, unassigned code points, the private use area.
_SUSPECT = re.compile("[\u0080-\u07ff\ue000-\uf8ff]+")
_SCRIPTS = (  # (first code point past the range, script; "" = unlikely in a name)
    (0xA0, ""), (0x250, "latin"), (0x370, ""), (0x400, "greek"), (0x530, "cyrillic"),
    (0x590, ""), (0x600, "hebrew"), (0x700, "arabic"), (0x750, ""), (0x780, "arabic"),
    (0x800, ""),
)  # fmt: skip


def _script(char: str) -> str:
    code = ord(char)
    if code >= 0x800 or unicodedata.category(char) == "Cn":
        return ""
    return next(script for end, script in _SCRIPTS if code < end)


def _unlikely_run(run: str) -> bool:
    scripts = {_script(char) for char in run}
    return "" in scripts or len(scripts) > 1


class _Scan(NamedTuple):
    """Where a decoding pass stopped: the first byte it could not decode, or a NUL; and
    whether the text decoded is a suspect, or unlikely text (see _SUSPECT)."""

    bad_offset: int | None
    nul_offset: int | None = None
    suspect: bool = False
    unlikely: bool = False


def _scan(path: Path, encoding: str, chunk_size: int = _CHUNK) -> _Scan:
    """Decode the whole file strictly in chunks, keeping nothing: memory stays flat."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    suspect = unlikely = False
    with path.open("rb") as stream:
        while chunk := stream.read(chunk_size):
            nul = chunk.find(b"\x00")
            if nul >= 0:
                return _Scan(None, offset + nul)
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # error.object is the decoder's pending bytes followed by this chunk
                return _Scan(offset - (len(error.object) - len(chunk)) + error.start)
            offset += len(chunk)
            if not unlikely and not text.isascii():  # (a run split by a chunk is two runs)
                runs = _SUSPECT.findall(text)
                suspect = suspect or bool(runs)
                unlikely = any(map(_unlikely_run, runs))
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return _Scan(offset - len(error.object) + error.start)
    return _Scan(None, suspect=suspect, unlikely=unlikely)


def _sniff(head: bytes, where: _Where, expected: str) -> Problem | None:
    """Refuse a file whose first bytes show it is not the text its extension promises."""
    if head.startswith(_ZIP_MAGIC):
        found, found_zh = "an XLSX workbook or zip archive", "XLSX 工作簿或 zip 压缩包"
    elif head.startswith(_OLE2_MAGIC):
        found, found_zh = "a legacy Excel .xls workbook", "旧版 Excel .xls 工作簿"
    elif head.startswith(_UTF16_BOMS):
        found, found_zh = "UTF-16 text", "UTF-16 编码文本"
    else:
        return None
    return where.problem(
        f"not {expected} text: the file is {found}; save it as {expected} (UTF-8) or .xlsx",
        f"不是 {expected} 文本：该文件是{found_zh}，请另存为 {expected}（UTF-8）或 .xlsx",
    )


def _text_encoding(path: Path, where: _Where, expected: str, *, gb18030: bool) -> str | Problem:
    """The file's encoding, decided from the whole file, never from a sample.

    A UTF-8 BOM means UTF-8. Otherwise the whole file is decoded, strictly and in chunks:

    - as UTF-8; if that works and nothing in it is a suspect, it is UTF-8 (nearly every
      file: Chinese, English, a · or an é);
    - else as GB18030 (what Chinese Excel and WPS write, a superset of GBK); if only that
      works, it is GB18030;
    - if both work: a file whose UTF-8 reading is unlikely text (see _SUSPECT: GB18030
      Chinese read as UTF-8 becomes ΰҵרΪ) is not UTF-8; for a mere suspect (Москва, or
      its GB18030 reading 袦芯褋泻胁邪? Café or Caf茅?) charset-normalizer weighs both
      readings of the whole file;
    - if neither works, a problem gives the offset of the first byte each could not decode.
    """
    with path.open("rb") as stream:
        head = stream.read(8)
    refusal = _sniff(head, where, expected)
    if refusal is not None:
        return refusal
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"] if gb18030 else ["utf-8"]
    failures: list[str] = []
    utf8: _Scan | None = None  # a valid UTF-8 reading that is a suspect
    for encoding in candidates:
        scan = _scan(path, encoding)
        if scan.nul_offset is not None:
            return where.problem(
                f"not {expected} text: binary data (NUL byte at byte offset {scan.nul_offset})",
                f"不是 {expected} 文本：含二进制数据（字节偏移 {scan.nul_offset} 处为 NUL）",
            )
        if scan.bad_offset is not None:
            failures.append(
                f"{encoding.upper().removesuffix('-SIG')} at byte offset {scan.bad_offset}"
            )
        elif encoding == "utf-8" and scan.suspect and len(candidates) > 1:
            utf8 = scan  # valid, but maybe GB18030 in disguise: see below
        elif encoding == "gb18030" and utf8 is not None:
            return "gb18030" if utf8.unlikely else _utf8_or_gb18030(path)
        else:
            return encoding
    if utf8 is not None:  # and not GB18030: UTF-8 after all
        return "utf-8"
    tried = "; ".join(failures)
    return where.problem(
        f"cannot decode the text ({tried}); save it as UTF-8",
        f"无法识别文本编码（{tried}），请另存为 UTF-8",
    )


def _utf8_or_gb18030(path: Path) -> str:
    """For a file that decodes both ways, its UTF-8 reading a suspect: charset-normalizer's
    verdict over the whole file (one chunk, the two encodings only). Files this ambiguous
    are rare and small (a few rows whose every Chinese character is one of the 1,920);
    above MAX_DETECTED_BYTES, or without a verdict, GB18030: Chinese Excel's default."""
    if path.stat().st_size <= MAX_DETECTED_BYTES:
        data = path.read_bytes()
        best = charset_normalizer.from_bytes(
            data, steps=1, chunk_size=max(len(data), 1), cp_isolation=["utf_8", "gb18030"]
        ).best()
        if best is not None and best.encoding == "utf_8":
            return "utf-8"
    return "gb18030"


# ---- CSV -------------------------------------------------------------------------------------


def _read_csv(path: Path, where: _Where) -> Iterator[RawItem]:
    """One table, named by the file's stem. Row numbers count CSV records as Excel shows
    them (a quoted cell spanning lines is still one row), the header being row 1."""
    encoding = _text_encoding(path, where, "CSV", gb18030=True)
    if isinstance(encoding, Problem):
        yield encoding
        return
    table = _table_or_problem(PurePath(where.file).stem, where, "file", "文件")
    if isinstance(table, Problem):
        yield table
        return
    with path.open(encoding=encoding, newline="") as handle:
        records: Iterator[Record] = enumerate(csv.reader(handle), start=1)
        try:
            header, records = _past_titles(table, _first_filled(records), records)
        except csv.Error as error:
            yield _malformed_csv(error, where)
            return
        if header is None:
            yield _empty(where, header=True)
            return
        layout = _layout(table, header[1], header[0], where)
        if isinstance(layout, list):
            yield from layout
            return
        rows = _csv_rows(records, layout, where, handle, header[0])
        first = next(rows, None)
        if first is None:
            yield _empty(where, header=False)
            return
        yield RawTable(table, where.file, None, chain([first], rows), encoding)


def _csv_rows(
    records: Iterator[Record],
    layout: _Layout,
    where: _Where,
    handle: TextIO,
    number: int,
) -> Iterator[RawRow]:
    """The data rows after the header, which is row ``number``."""
    while True:
        if handle.closed:
            raise RuntimeError(_OUT_OF_ORDER)
        try:
            item = next(records, None)
        except csv.Error as error:
            # the csv module cannot resynchronise after an error: report it and stop
            yield RawRow(number + 1, {}, [_malformed_csv(error, where, number + 1)])
            return
        if item is None:
            return
        number, cells = item
        values = _plain_csv_row(cast(list[str], cells), layout)  # csv.reader: text cells
        if values is not None:
            if values:  # else a blank row
                yield RawRow(number, values, [])
        elif not _is_blank(cells):
            yield _build_row(number, cells, layout, where)


def _plain_csv_row(cells: list[str], layout: _Layout) -> dict[str, str] | None:
    """The common CSV row, at a fraction of :func:`_build_row`'s cost: no cell past the
    header, none longer than any cell may be, no apostrophe anywhere (the mark an export
    puts before formula-like text) and every column a field's or a name beside an id. Its
    values are what :func:`_build_row` would keep (stripped, empty ones left out); None
    for any other row, which :func:`_build_row` reads."""
    if len(cells) > len(layout.fields) or not layout.plain:
        return None
    joined = "".join(cells)
    if "'" in joined or len(joined) > MAX_CELL_CHARS:
        return None
    return {field: text for field, cell in zip(layout.fields, cells, strict=False)
            if field is not None and (text := cell.strip())}  # fmt: skip


def _malformed_csv(error: csv.Error, where: _Where, row: int | None = None) -> Problem:
    return where.problem(
        f"malformed CSV ({clip(error)}); the rest of the file was not read",
        f"CSV 格式错误（{clip(error)}），其后内容未读取",
        row=row,
    )


# ---- XLSX ------------------------------------------------------------------------------------


class _DamagedWorkbook(Exception):
    """openpyxl failed on the package. It raises almost anything on a damaged file (OSError
    for a missing workbook part, IndexError for a style index out of range, KeyError,
    ValueError, zlib.error …; a fuzzer finds new ones), so whatever it raises is wrapped
    here, at the calls into openpyxl, and only there: an error of this module's own code
    is never mistaken for a damaged file."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


_WORKBOOK_ERRORS = (_DamagedWorkbook,)


def _open_workbook(path: Path) -> Any:
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # see _DamagedWorkbook
        raise _DamagedWorkbook(error) from error


def _sheet_records(sheet: Any) -> Iterator[tuple[int, tuple[object, ...]]]:
    """A sheet's rows, numbered from 1, with openpyxl's errors wrapped (_DamagedWorkbook)."""
    try:
        sheet.reset_dimensions()  # read-only mode trusts the stored size, which may be wrong
        rows = iter(sheet.iter_rows())
    except Exception as error:  # see _DamagedWorkbook
        raise _DamagedWorkbook(error) from error
    number = 0
    while True:
        try:
            row = next(rows, None)
            cells = None if row is None else _xlsx_cells(row)
        except Exception as error:  # see _DamagedWorkbook
            raise _DamagedWorkbook(error) from error
        if cells is None:
            return
        number += 1
        yield number, cells


class _Tally:
    """Over a file's tables: whether any held a data row, whether any problem was reported."""

    def __init__(self) -> None:
        self.found_data = self.reported = False

    def count(self, reading: _Reading) -> Iterator[RawItem]:
        """Pass one table's items on, noting both (a reader's error passes through)."""
        while True:
            try:
                item = next(reading)
            except StopIteration as done:
                self.found_data = self.found_data or bool(done.value)
                return
            self.reported = self.reported or isinstance(item, Problem)
            yield item


class _Lifetime:
    """Whether the workbook a sheet's rows come from is still open."""

    closed = False


def _read_xlsx(path: Path, where: _Where) -> Iterator[RawItem]:
    """One table per sheet, named by the sheet; a ``说明 README`` sheet is skipped."""
    refusal = _refuse_workbook(path, where)
    if refusal is not None:
        yield refusal
        return
    try:
        workbook = _open_workbook(path)
    except _WORKBOOK_ERRORS as error:
        yield _unreadable_workbook(error, where)
        return
    lifetime, tally = _Lifetime(), _Tally()
    try:
        for sheet in workbook.worksheets:
            try:
                yield from tally.count(_read_sheet(sheet, where.in_sheet(sheet.title), lifetime))
            except _WORKBOOK_ERRORS as error:
                tally.reported = True
                yield _unreadable_workbook(error, where.in_sheet(sheet.title))
    finally:
        lifetime.closed = True
        workbook.close()
    if not tally.found_data and not tally.reported:
        yield where.problem("no data rows in any sheet", "所有工作表均无数据行")


def _read_calamine(path: Path, where: _Where) -> Iterator[RawItem]:
    """An ``.xls`` (Excel 97-2003) or ``.ods`` (WPS, LibreOffice) workbook, read by calamine:
    one table per sheet as for ``.xlsx``. calamine gives each cell's value (a formula's
    last result), whole numbers as integers and blank cells as ''."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in workbook.sheet_names if not _is_readme(name)]  # fmt: skip
    except Exception as error:  # calamine raises its own error kinds for a damaged file
        yield _unreadable_workbook(error, where)
        return
    lifetime, tally = _Lifetime(), _Tally()
    for name, rows in sheets:
        records = enumerate(
            (tuple(None if cell == "" else cell for cell in row) for row in rows), start=1
        )
        yield from tally.count(_read_sheet_records(name, records, where.in_sheet(name), lifetime))
    if not tally.found_data and not tally.reported:
        yield where.problem("no data rows in any sheet", "所有工作表均无数据行")


def _refuse_workbook(path: Path, where: _Where) -> Problem | None:
    """Refuse what is not an OOXML workbook, or would inflate to an absurd size (a zip bomb),
    before openpyxl decompresses anything."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    if not head:
        return _empty(where, header=True)
    if head.startswith(_OLE2_MAGIC):
        return where.problem(
            "not an XLSX workbook: it is a legacy .xls file; save it as .xlsx",
            "不是 XLSX 工作簿：这是旧版 .xls 文件，请另存为 .xlsx",
        )
    if not zipfile.is_zipfile(path):
        looks_like_text = b"\x00" not in head and _decodes(head)
        found = "it looks like CSV or other text" if looks_like_text else "it is not a zip file"
        found_zh = "看起来是 CSV 或其他文本" if looks_like_text else "不是 zip 格式"
        return where.problem(
            f"not an XLSX workbook (OOXML zip): {found}; save it as .xlsx, or name it .csv",
            f"不是 XLSX 工作簿：{found_zh}；请另存为 .xlsx，或将文件改名为 .csv",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except Exception as error:  # a damaged directory: BadZipFile, OSError, UnicodeDecodeError …
        return _unreadable_workbook(error, where)
    return _zip_bomb(members, where) or _not_ooxml(members, where)


def _decodes(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            decoder.decode(head)  # not final: the sample may end inside a character
        except UnicodeDecodeError:
            continue
        return True
    return False


def _zip_bomb(members: Sequence[zipfile.ZipInfo], where: _Where) -> Problem | None:
    total = sum(member.file_size for member in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        return where.problem(
            f"refused: the workbook would expand to {total // MIB} MiB"
            f" (at most {MAX_XLSX_UNCOMPRESSED // MIB} MiB); split it or use CSV",
            f"已拒绝：工作簿解压后为 {total // MIB} MiB"
            f"（上限 {MAX_XLSX_UNCOMPRESSED // MIB} MiB），请拆分或改用 CSV",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_COMPRESSION_RATIO:
            return where.problem(
                f"refused: '{clip(member.filename)}' is compressed {ratio:.0f}:1"
                f" (at most {MAX_COMPRESSION_RATIO}:1), which only a zip bomb does",
                f"已拒绝：“{clip(member.filename)}”压缩比为 {ratio:.0f}:1"
                f"（上限 {MAX_COMPRESSION_RATIO}:1），疑似压缩炸弹",
            )
    return None


def _not_ooxml(members: Sequence[zipfile.ZipInfo], where: _Where) -> Problem | None:
    names = {member.filename for member in members}
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return None
    return where.problem(
        "not an XLSX workbook: a zip archive without an Excel workbook inside",
        "不是 XLSX 工作簿：是 zip 压缩包，但其中没有 Excel 工作簿",
    )


def _unreadable_workbook(error: Exception, where: _Where, row: int | None = None) -> Problem:
    cause = error.cause if isinstance(error, _DamagedWorkbook) else error
    found = clip(f"{type(cause).__name__}: {cause}")
    return where.problem(
        f"the workbook is damaged or not an XLSX file ({found});"
        " open it in Excel or WPS and save it again as .xlsx",
        f"工作簿已损坏或不是有效的 XLSX 文件（{found}），请用 Excel 或 WPS 打开后重新另存为 .xlsx",
        row=row,
    )


def _is_readme(title: str) -> bool:
    return " ".join(title.lower().split()) in README_SHEETS


def _xlsx_cells(row: Sequence[Any]) -> tuple[object, ...]:
    """Cell values, with formulas and Excel errors marked so they become problems."""
    values: list[object] = []
    for cell in row:
        kind = getattr(cell, "data_type", None)
        if kind == "f":
            values.append(_Formula(str(getattr(cell.value, "text", cell.value))))
        elif kind == "e":
            values.append(_CellError(str(cell.value)))
        else:
            values.append(cell.value)
    return tuple(values)


def _read_sheet(sheet: Any, where: _Where, lifetime: _Lifetime) -> _Reading:
    """One openpyxl sheet: see :func:`_read_sheet_records`."""
    if _is_readme(sheet.title):
        return False
    return (yield from _read_sheet_records(sheet.title, _sheet_records(sheet), where, lifetime))


def _read_sheet_records(
    title: str, records: Iterator[Record], where: _Where, lifetime: _Lifetime
) -> _Reading:
    """One sheet's rows: its table, or problems. Returns whether it holds a data row.

    A blank sheet with an unknown name (Excel's default ``Sheet1``) is skipped silently;
    a sheet with a header and no rows is an empty table (organizers delete the template's
    example row from the kinds they do not fill), not a problem.
    """
    header = _first_filled(records)
    table = _table_or_problem(title, where, "sheet", "工作表")
    if isinstance(table, Problem):
        if header is not None:
            yield table
        return False
    header, records = _past_titles(table, header, records)
    if header is None:
        yield _empty(where, header=True)
        return False
    layout = _layout(table, header[1], header[0], where)
    if isinstance(layout, list):
        yield from layout
        return False
    rows = _sheet_rows(records, layout, where, lifetime, header[0])
    first = next(rows, None)
    yield RawTable(
        table, where.file, where.sheet, iter(()) if first is None else chain([first], rows)
    )
    return first is not None


def _sheet_rows(
    records: Iterator[Record],
    layout: _Layout,
    where: _Where,
    lifetime: _Lifetime,
    number: int,
) -> Iterator[RawRow]:
    """The data rows after the header, which is row ``number``."""
    while True:
        if lifetime.closed:
            raise RuntimeError(_OUT_OF_ORDER)
        try:
            item = next(records, None)
        except _WORKBOOK_ERRORS as error:
            # the sheet's XML is damaged past this row: report it and stop
            yield RawRow(number + 1, {}, [_unreadable_workbook(error, where, number + 1)])
            return
        if item is None:
            return
        number, cells = item
        if not _is_blank(cells):
            yield _build_row(number, cells, layout, where)


# ---- JSON and YAML bundles -------------------------------------------------------------------


def _document(
    path: Path, where: _Where, kind: str, parse: Callable[[str, _Where], object | Problem], *,
    for_what: str = "", advice: tuple[str, str] = ("", ""),
) -> tuple[object, str] | Problem:  # fmt: skip
    """A JSON, YAML or GeoJSON file parsed, with the encoding it was read in; or the problem
    that stops it: larger than :data:`MAX_BUNDLE_BYTES`, not UTF-8, or not parseable."""
    size = path.stat().st_size
    if size > MAX_BUNDLE_BYTES:
        return where.problem(
            f"refused: {size // MIB} MiB is too large{for_what}"
            f" (at most {MAX_BUNDLE_BYTES // MIB} MiB){advice[0]}",
            f"已拒绝：文件 {size // MIB} MiB 过大（上限 {MAX_BUNDLE_BYTES // MIB} MiB）{advice[1]}",
        )
    encoding = _text_encoding(path, where, kind, gb18030=False)
    if isinstance(encoding, Problem):
        return encoding
    document = parse(path.read_text(encoding=encoding), where)
    if isinstance(document, Problem):
        return document
    return document, encoding


def _read_bundle(
    path: Path, where: _Where, parse: Callable[[str, _Where], object | Problem]
) -> Iterator[RawItem]:
    """A bundle ``{"format": ..., "version": 1, "tables": {name: [row, ...]}}``, or a plain
    mapping of table name to rows. Rows are numbered by their 1-based place in the list."""
    kind = "JSON" if parse is _parse_json else "YAML"
    read = _document(path, where, kind, parse, for_what=" for a bundle",
                     advice=("; split it or use CSV", "，请拆分或改用 CSV"))  # fmt: skip
    if isinstance(read, Problem):
        yield read
        return
    document, encoding = read
    tables = _bundle_tables(document, where)
    if isinstance(tables, Problem):
        yield tables
        return
    tally = _Tally()
    for name, rows in tables.items():
        yield from tally.count(_bundle_table(str(name), rows, where.in_sheet(str(name)), encoding))
    if not tally.found_data and not tally.reported:
        yield where.problem("no rows in any table", "所有表均无数据行")


def _read_geojson(path: Path, where: _Where) -> Iterator[RawItem]:
    """See :func:`read_boundaries`."""
    read = _document(path, where, "GeoJSON", _parse_json)
    if isinstance(read, Problem):
        yield read
        return
    document, encoding = read
    features = document.get("features") if isinstance(document, dict) else None
    if (not isinstance(document, dict) or document.get("type") != "FeatureCollection"
            or not isinstance(features, list)):  # fmt: skip
        yield where.problem(
            "not a GeoJSON FeatureCollection: expected {\"type\": \"FeatureCollection\", "
            "\"features\": [...]}, each Feature an area's boundary with its id in properties.id",
            "不是 GeoJSON 要素集合（FeatureCollection）：应为 {\"type\": \"FeatureCollection\", "
            "\"features\": [...]}，每个要素为一个区域的边界，properties.id 为区域编号",
        )
        return
    if not features:
        yield where.problem("no Features in the FeatureCollection", "要素集合中没有要素")
        return
    system = document.get("coord_system")
    sheet = where.in_sheet("features")
    yield RawTable(AREA_BOUNDARIES, where.file, sheet.sheet, _features(features, system, sheet),
                   encoding)  # fmt: skip


def _features(features: list[Any], system: object, where: _Where) -> Iterator[RawRow]:
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or feature.get("type") != "Feature" or not (
            properties is None or isinstance(properties, dict)
        ):
            yield RawRow(number, {}, [where.problem(
                "not a GeoJSON Feature: expected {\"type\": \"Feature\", \"properties\": "
                "{\"id\": ...}, \"geometry\": {...}}",
                "不是 GeoJSON 要素（Feature）：应为 {\"type\": \"Feature\", \"properties\": "
                "{\"id\": ...}, \"geometry\": {...}}",
                row=number, value=feature,
            )])  # fmt: skip
            continue
        properties = properties or {}
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        cells = {
            "id": properties.get("id", properties.get("编号")),
            "coord_system": properties.get("coord_system", properties.get("坐标系", system)),
            "boundary": feature.get("geometry"),
        }
        for field, cell in cells.items():
            _put_cell(values, problems, field, field, cell, number, where)
        yield RawRow(number, values, problems)


def _parse_json(text: str, where: _Where) -> object | Problem:
    try:
        document: object = json.loads(text)
        return document
    except json.JSONDecodeError as error:
        return where.problem(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            f"JSON 格式错误：第 {error.lineno} 行第 {error.colno} 列（{error.msg}）",
        )
    except RecursionError:
        return where.problem("not valid JSON: nested too deeply", "JSON 格式错误：嵌套过深")
    except ValueError as error:  # a number of more digits than Python converts (4,300)
        return where.problem(f"not valid JSON: {clip(error)}", "JSON 格式错误：数字位数过多")


class _BundleLoader(yaml.SafeLoader):
    """Safe YAML as plain data: aliases are refused (they can expand exponentially, a
    "billion laughs"), and numbers and yes/no stay text, so an id ``0123`` or a name ``no``
    arrives as written; the models convert what should be numbers or flags."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not accepted", mark)
        return super().compose_node(parent, index)


_TEXT_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"}
_BundleLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_yaml(text: str, where: _Where) -> object | Problem:
    try:
        document: object = yaml.load(text, Loader=_BundleLoader)  # a SafeLoader: plain data
        return document
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        at_zh = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        return where.problem(
            f"not valid YAML: {clip(error.problem or error.context)}{at}",
            f"YAML 格式错误：{at_zh}（{clip(error.problem or error.context)}）",
        )
    except (yaml.YAMLError, RecursionError) as error:
        return where.problem(f"not valid YAML: {clip(error)}", "YAML 格式错误")


def _bundle_tables(document: object, where: _Where) -> Mapping[object, object] | Problem:
    """The bundle's tables: under ``tables``, or the document itself without its header."""
    if not isinstance(document, dict):
        return where.problem(
            "the top level must be a mapping of table names to lists of rows",
            "顶层应为“表名 → 行列表”的映射",
        )
    if "format" in document and document["format"] != BUNDLE_FORMAT:
        return where.problem(
            f"unknown format '{clip(document['format'])}': expected '{BUNDLE_FORMAT}'",
            f"无法识别的格式“{clip(document['format'])}”，应为“{BUNDLE_FORMAT}”",
            column="format",
        )
    if "version" in document and str(document["version"]) != str(BUNDLE_VERSION):
        return where.problem(
            f"unsupported version {clip(document['version'])}: this service reads version"
            f" {BUNDLE_VERSION}",
            f"不支持的版本 {clip(document['version'])}，应为 {BUNDLE_VERSION}",
            column="version",
        )
    if "tables" not in document:
        return {k: v for k, v in document.items() if k not in ("format", "version")}
    tables = document["tables"]
    if not isinstance(tables, dict):
        return where.problem(
            "'tables' must be a mapping of table names to lists of rows",
            "“tables”应为“表名 → 行列表”的映射",
            column="tables",
        )
    return tables


def _bundle_table(name: str, rows: object, where: _Where, encoding: str) -> _Reading:
    table = _table_or_problem(name, where, "table", "表")
    if isinstance(table, Problem):
        yield table
        return False
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        yield where.problem("a table must be a list of row objects", "表的内容应为行对象的列表")
        return False
    problems = _bundle_columns(table, rows, where)
    if problems:
        yield from problems
        return False
    yield RawTable(table, where.file, where.sheet, _bundle_rows(table, rows, where), encoding)
    return bool(rows)


def _bundle_columns(table: Table, rows: list[Any], where: _Where) -> list[Problem]:
    """The keys of all rows, checked like a header: each unknown or duplicate key once, at
    the first row that has it; a required field no row has is a missing column."""
    problems: list[Problem] = []
    reported: set[str] = set()
    present: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            continue
        in_row: set[str] = set()
        for key in map(str, row):
            field = table.field_for(key)
            if field is None and key not in reported:
                problems.append(_unknown_column(table, key, number, where))
                reported.add(key)
            elif field is not None and field in in_row and key not in reported:
                problems.append(_duplicate_column(key, number, where))
                reported.add(key)
            elif field is not None:
                in_row.add(field)
        present |= in_row
    if rows:
        problems.extend(_missing_columns(table, present, where))
    return problems


def _bundle_rows(table: Table, rows: list[Any], where: _Where) -> Iterator[RawRow]:
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problem = where.problem(
                "a row must be an object of column: value", "每一行应为“列: 值”的对象",
                row=number, value=row,
            )  # fmt: skip
            yield RawRow(number, {}, [problem])
            continue
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for key, cell in row.items():
            _put_cell(values, problems, table.field_for(str(key)), str(key), cell, number, where)
        yield RawRow(number, values, problems)
