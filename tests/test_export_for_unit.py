"""SERVES_ON's ``for_unit`` (the member unit that delegates a committee seat) is an id, so
the XLSX export shows the unit's name beside it, as it does beside ``from_id``/``to_id``
(issue 28, item 7: names beside ids); the import passes over that name column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.tables import NODE_TABLES, REL_TABLES
from graph_service.services.exports import export_graph
from graph_service.services.imports import import_files
from loaders.readers import read_tables
from loaders.rows import RawTable
from loaders.sheets import NAME_BESIDE
from tests.test_readers import write_csv


def test_the_delegating_units_name_stands_beside_for_unit(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "units.csv", [["id", "name", "kind"], ["U-KX", "济南市科学技术协会", "机关"],
                                     ["U-GS", "市中区工商联", "机关"]])  # fmt: skip
    write_csv(folder / "committees.csv", [["id", "name", "kind"],
                                          ["CM-BIG", "二七新村大工委", "街道大工委"]])
    write_csv(folder / "persons.csv", [["id", "name"], ["P-1", "张示例"], ["P-2", "李示例"],
                                       ["P-3", "王示例"]])  # fmt: skip
    write_csv(folder / "serves_on.csv", [["from_id", "to_id", "role", "for_unit"],
                                         ["P-1", "CM-BIG", "兼职委员", "U-KX"],
                                         ["P-2", "CM-BIG", "兼职委员", "U-GS"],
                                         ["P-3", "CM-BIG", "主任", ""]])  # fmt: skip
    assert import_files(db, [folder]).ok
    out = export_graph(db, "xlsx", tmp_path / "demo.xlsx", personal=True,
                       as_of=dt.date(2026, 6, 30))  # fmt: skip
    book = openpyxl.load_workbook(out)  # not read-only: trailing blank cells kept
    units = book[NODE_TABLES[NodeKind.UNIT].zh]
    names = {row[0]: row[1] for row in units.iter_rows(min_row=3, values_only=True)}
    table = REL_TABLES[RelKind.SERVES_ON]
    seats = list(book[table.zh].iter_rows(min_row=2, values_only=True))
    header = list(seats[0])
    book.close()
    for_unit = header.index(next(c.header for c in table.columns if c.field == "for_unit"))
    assert header[for_unit + 1] == NAME_BESIDE["for_unit"] == "代表单位名称 for_unit_name"
    delegated = [row for row in seats[1:] if row[for_unit]]
    assert len(delegated) == 2
    for row in delegated:
        assert row[for_unit + 1] == names[row[for_unit]], row
    assert all(row[for_unit + 1] is None for row in seats[1:] if not row[for_unit])

    # the reader passes over the name column: the rows read as the table's own fields
    rows = [row for item in read_tables(out) if isinstance(item, RawTable)
            and item.table is table for row in item.rows]  # fmt: skip
    assert rows and all(not row.problems for row in rows)
    assert all(set(row.values) <= {c.field for c in table.columns} for row in rows)
