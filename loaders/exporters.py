"""The export formats: tables of rows written as CSV, XLSX, JSON or GraphML.

What is exported (the graph, or one area's part of it) and how it is read from Neo4j is
:mod:`graph_service.services.exports`; this module only writes rows it is given. Every
format holds the tables of :mod:`graph_service.domain.tables` and nothing else, so
an export imported into an empty database and exported again gives the same files
(docs/exports.md describes the files for their users):

``csv``
    Plain data. A folder with one UTF-8 file (with a byte-order mark, so Excel shows
    Chinese) per non-empty table, ``<table key>.csv`` (``units.csv``, ``assigned_to.csv``:
    file names stay ASCII, so a zip of them opens anywhere). The header, in the first row
    (no title row), is every column's bilingual header (``编号 id``) in the table's column
    order. Rows are sorted by ``id`` (relationships by ``from_id``, then ``to_id``). Dates
    are ISO (``2024-05-24``), booleans ``true``/``false``, a missing value is an empty
    cell, a location is the ``latitude``/``longitude`` columns; an enumerated value
    (a unit's kind, a role, an area's level …) is written in Chinese (``非公企业``, not
    ``non_public_enterprise``), as organizers type it; the import reads both. A
    ``<key>.csv`` of a table that is now empty, left by an earlier export to the same
    folder, is removed. The files are renamed into place only once every table is written:
    an export failing part way leaves the folder as it was.
``xlsx``
    One sheet per non-empty table, named in Chinese (``单位``, ``联系包挂``; the import reads
    Chinese and English sheet names), laid out as a report (:mod:`loaders.sheets`): a title
    row (the table, the area, the export's date), the header row frozen with an
    autofilter, columns as wide as their contents. Same header and rows as CSV, enumerated
    values in Chinese, dates as ISO text, numbers as numbers, booleans as Excel booleans.
    A relationship sheet has the names of its two ends beside their ids (``起点名称
    from_name``, ``终点名称 to_name``), for reading: the import passes over them. Written
    in openpyxl's write-only mode, so memory stays flat. (A graph with no data gives one
    header-only areas sheet, as a workbook needs a sheet.)
``json``
    ``{"format": "regional-party-network", "version": 1, "tables": {key: [row, …]}}``, rows
    with English field names in column order, missing values left out, enumerated values
    as their English codes (what the API sends and scripts compare against); the text is
    exactly ``json.dumps(document, ensure_ascii=False, indent=1)`` plus a newline, written
    as it streams.
``graphml``
    For Gephi, yEd and networkx (:func:`to_networkx` gives the graph itself). A node's
    GraphML id is its ``id``; its attributes are ``kind`` (the label: ``Unit``), ``id``,
    ``name``, ``name_en`` and its other columns, except that the column named ``kind``
    (a unit's or organization's type) is called ``subkind`` here. An edge has ``type``
    (``LOCATED_IN``) and its properties; its GraphML id, unique in the file, is
    ``TYPE:from_id->to_id``, with ``@since`` after it when the term has a start date.
    Dates are ISO strings, coordinates floats, missing values
    left out, enumerated values English codes. The graph is built in memory before it is
    written (networkx's writer needs it whole).

Provenance (``src_file``, ``src_row``, ``src_at``) is never exported; properties that are
not columns of the format are not exported either.

**CSV injection.** A spreadsheet treats a cell beginning with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula. In CSV and XLSX exports such a text cell gets one
leading apostrophe (``'=1+1``), which Excel shows as text; the readers take exactly one
apostrophe off again. A text that already begins with apostrophes followed by one of those
characters (``'=x``) gets one more, so the round trip is exact. Both directions are
:func:`loaders.cells.neutralise` and :func:`loaders.cells.unneutralise`. JSON and GraphML
are not neutralised.

>>> write_json([], Path("empty.json"))                             # doctest: +SKIP
PosixPath('empty.json')
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import suppress
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from openpyxl import Workbook

from graph_service.domain.kinds import BilingualEnum, NodeKind, RelKind
from graph_service.domain.tables import NODE_TABLES, TABLES, Table
from loaders.cells import neutralise
from loaders.sheets import HEAD_ROWS, NAME_BESIDE, SheetTooLong, write_sheet

if TYPE_CHECKING:  # networkx is slow to import; only the GraphML export needs it
    import networkx as nx

FORMATS = ("csv", "xlsx", "json", "graphml")
JSON_FORMAT = "regional-party-network"
JSON_VERSION = 1

Row = dict[str, Any]
#: The tables to write, in the order of :data:`~graph_service.domain.tables.TABLES`, each
#: with its rows (every column's field, in column order, None where there is no value). The
#: writers leave a table with no rows out of the file.
Tables = Iterable[tuple[Table, Iterator[Row]]]
#: The names of the entities with the given ids (those it knows): what a relationship
#: sheet shows beside ``from_id`` and ``to_id``.
NameLookup = Callable[[Collection[str]], Mapping[str, str]]
#: relationship rows whose ends' names are looked up at once
NAME_BATCH = 1_000


class SheetFull(ValueError):
    """A table has more rows than an Excel sheet holds."""

    def __init__(self, table: Table) -> None:
        self.table = table
        super().__init__(
            f"table {table.key} has more than {XLSX_MAX_ROWS - HEAD_ROWS:,} rows, more than an "
            f"Excel sheet holds: export it as csv or json, or one area at a time / "
            f"{table.key} 超过 Excel 工作表行数上限，请导出为 csv 或 json，或按区域导出"
        )


def _with_rows(tables: Tables) -> Iterator[tuple[Table, Iterator[Row]]]:
    """Each table that has rows, with its rows (the first one fetched to know)."""
    for table, rows in tables:
        first = next(rows, None)
        if first is not None:
            yield table, chain([first], rows)


@cache
def enum_columns(table: Table) -> dict[str, type[BilingualEnum]]:
    """The columns of ``table`` holding an enumerated value (a unit's kind, an area's
    level, an officer's role …), with their enumeration."""
    found: dict[str, type[BilingualEnum]] = {}
    for field, info in table.model.model_fields.items():
        for candidate in get_args(info.annotation) or (info.annotation,):
            if isinstance(candidate, type) and issubclass(candidate, BilingualEnum):
                found[field] = candidate
    return found


def in_chinese(table: Table, row: Row) -> Row:
    """``row`` with its enumerated values in Chinese (``非公企业``), as the spreadsheets
    write them; a value that is no member (data written around the service) is kept."""
    columns = enum_columns(table)
    if not columns:
        return row
    out = dict(row)
    for field, enum in columns.items():
        value = out.get(field)
        if isinstance(value, str) and value in enum._value2member_map_:
            out[field] = enum(value).zh
    return out


def _text(value: Any) -> Any:
    """Dates as ISO text; everything else unchanged."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return neutralise(value)
    return str(_text(value))


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    return _text(value)


def _json_row(row: Row) -> Row:
    return {field: _text(value) for field, value in row.items() if value is not None}


# ---- writing -------------------------------------------------------------------------------


def _replace_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside ``target``, then rename: a failed export leaves
    no half-written file behind."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def write_csv(tables: Tables, folder: Path) -> Path:
    """Write one ``<table key>.csv`` per table that has rows into ``folder``; return it.

    Every table is written to a temporary file first and the files are renamed into place
    only once all are written, so an export that fails part way leaves the folder as it
    was: never some tables new and others old or missing."""
    folder.mkdir(parents=True, exist_ok=True)
    partials: dict[str, Path] = {}
    try:
        for table, rows in _with_rows(tables):
            partial = folder / f".{table.key}.csv.partial"
            partials[table.key] = partial
            with partial.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([column.header for column in table.columns])
                for row in rows:
                    writer.writerow([_csv_cell(value) for value in in_chinese(table, row).values()])
        for key, partial in partials.items():
            os.replace(partial, folder / f"{key}.csv")
    finally:
        for partial in partials.values():
            partial.unlink(missing_ok=True)
    for table in TABLES:  # an earlier export's file of a table now empty would be re-imported
        if table.key not in partials:
            (folder / f"{table.key}.csv").unlink(missing_ok=True)
    return folder


def write_xlsx(
    tables: Tables, path: Path, *, caption: str = "", names: NameLookup | None = None
) -> Path:
    """Write one sheet per table into the workbook ``path``; return it. ``caption`` follows
    each table's name in its title row (the area, the date); ``names`` gives the names
    written beside a relationship's ids (none without it). Raises :class:`SheetFull` (and
    leaves ``path`` as it was) for a table longer than a sheet."""

    def write(target: Path) -> None:
        workbook = Workbook(write_only=True)
        try:
            for table, rows in _with_rows(tables):
                _append_sheet(workbook, table, rows, caption, names)
            if not workbook.worksheets:
                _append_sheet(workbook, NODE_TABLES[NodeKind.AREA], iter(()), caption, None)
        except BaseException:
            _discard(workbook)
            raise
        workbook.save(target)

    _replace_atomically(path, write)
    return path


def _discard(workbook: Workbook) -> None:
    """Close the sheets of a write-only workbook that will not be saved, and remove their
    temporary files: left to the garbage collector, each sheet's writer ends by writing
    to a file already closed (an error on stderr) and its temporary file stays."""
    for sheet in workbook.worksheets:
        with suppress(Exception):
            sheet.close()
        writer = getattr(sheet, "_writer", None)  # openpyxl's; holds the temporary file
        if writer is not None:
            with suppress(Exception):
                writer.cleanup()


#: The rows of an Excel sheet, the title and header rows included.
XLSX_MAX_ROWS = 1_048_576


def sheet_name(table: Table) -> str:
    """The sheet a table is written to: its Chinese name (``单位``); the import reads it,
    and the English key (``units``) of older exports."""
    return table.zh


def sheet_headers(table: Table, names: bool) -> list[str]:
    """The header row of ``table``'s sheet: its columns', with the reference columns
    (names beside ids) after ``from_id`` and ``to_id`` when ``names``."""
    headers: list[str] = []
    for column in table.columns:
        headers.append(column.header)
        if names and column.field in NAME_BESIDE:
            headers.append(NAME_BESIDE[column.field])
    return headers


def _append_sheet(
    workbook: Workbook, table: Table, rows: Iterator[Row], caption: str, names: NameLookup | None
) -> None:
    named = names is not None and not table.is_node
    title = f"{table.zh}（{table.key}）" + (f" · {caption}" if caption else "")
    cells = (
        _named_cells(table, rows, names) if named and names is not None
        else ([_xlsx_cell(v) for v in in_chinese(table, row).values()] for row in rows)
    )  # fmt: skip
    try:
        write_sheet(workbook, sheet_name(table), title, sheet_headers(table, named), cells,
                    max_rows=XLSX_MAX_ROWS)  # fmt: skip
    except SheetTooLong:
        raise SheetFull(table) from None


def _named_cells(table: Table, rows: Iterator[Row], names: NameLookup) -> Iterator[list[Any]]:
    """A relationship table's cells with the names of both ends beside their ids, looked
    up :data:`NAME_BATCH` rows at a time."""
    while batch := list(islice(rows, NAME_BATCH)):
        known = names({row[end] for row in batch for end in NAME_BESIDE if row.get(end)})
        for row in batch:
            cells: list[Any] = []
            for field, value in in_chinese(table, row).items():
                cells.append(_xlsx_cell(value))
                if field in NAME_BESIDE:
                    cells.append(_xlsx_cell(known.get(value or "")))
            yield cells


def write_json(tables: Tables, path: Path) -> Path:
    """Write the JSON document (see the module docstring) to ``path``; return it.

    The text equals ``json.dumps(document, ensure_ascii=False, indent=1) + "\\n"``, but it
    is written row by row.
    """

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=1)

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8", newline="\n") as out:
            out.write("{\n")
            out.write(f' "format": {dump(JSON_FORMAT)},\n "version": {JSON_VERSION},\n')
            out.write(' "tables": {')
            first_table = True
            for table, rows in _with_rows(tables):
                out.write("\n" if first_table else ",\n")
                first_table = False
                out.write(f"  {dump(table.key)}: [")
                for number, row in enumerate(rows):
                    out.write("\n" if number == 0 else ",\n")
                    out.write("   " + dump(_json_row(row)).replace("\n", "\n   "))
                out.write("\n  ]")
            out.write("}\n}\n" if first_table else "\n }\n}\n")

    _replace_atomically(path, write)
    return path


def to_networkx(tables: Tables) -> nx.MultiDiGraph:
    """The tables as a networkx ``MultiDiGraph``, in their order.

    Nodes are keyed by ``id``, edges by :func:`edge_key`; attributes are those of
    the GraphML export (see the module docstring).
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    for table, rows in tables:
        if isinstance(table.kind, NodeKind):
            for row in rows:
                graph.add_node(row["id"], **_node_attributes(table.kind, row))
        else:
            assert isinstance(table.kind, RelKind)
            for row in rows:
                graph.add_edge(
                    row["from_id"],
                    row["to_id"],
                    key=edge_key(table.kind, row),
                    **_edge_attributes(table.kind, row),
                )
    return graph


def edge_key(kind: RelKind, row: Row) -> str:
    """An edge's id, unique in the file: ``TYPE:from_id->to_id``, and ``@since`` after it
    for a term with a start date (the same two nodes may be joined by several terms)."""
    since = row.get("since")
    return f"{kind.value}:{row['from_id']}->{row['to_id']}" + (f"@{since}" if since else "")


def _node_attributes(kind: NodeKind, row: Row) -> dict[str, Any]:
    attributes: dict[str, Any] = {"kind": kind.value}
    for field, value in row.items():
        if value is not None:
            attributes["subkind" if field == "kind" else field] = _text(value)
    return attributes


def _edge_attributes(rel: RelKind, row: Row) -> dict[str, Any]:
    attributes: dict[str, Any] = {"type": rel.value}
    for field, value in row.items():
        if value is not None and field not in ("from_id", "to_id"):
            attributes[field] = _text(value)
    return attributes


def write_graphml(tables: Tables, path: Path) -> Path:
    """Write the tables as GraphML to ``path``; return it. The graph is built in memory
    first (networkx's writer needs it whole)."""
    import networkx as nx

    graph = to_networkx(tables)
    _replace_atomically(
        path, lambda target: nx.write_graphml(graph, target, encoding="utf-8", prettyprint=True)
    )
    return path


#: Each format's writer: the tables and where to write them (a folder for csv).
WRITERS: dict[str, Callable[[Tables, Path], Path]] = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "json": write_json,
    "graphml": write_graphml,
}
