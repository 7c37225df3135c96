"""A first load's relationship rows checked in a second process are the rows the importer
would check itself, table by table and row by row, whether the process runs to its end or
fails part-way."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from graph_service.services.rels_beside import RelRows

ids = st.sampled_from(["U-1", "U-2", "B-1", "A-1", "O-1", "bad id!", ""])
dates = st.sampled_from(["", "2024-05-24", "2024/5/24", "2024年5月24日", "soon", "2023-01-01"])
rows = st.lists(st.tuples(ids, ids, dates, dates), min_size=1, max_size=25)


def taken(rel_rows: RelRows) -> list[tuple[Any, ...]]:
    """Every table (type, file, sheet) with its rows, taken up in order."""
    out: list[tuple[Any, ...]] = []
    for raw, checked in rel_rows.tables():
        out.append((raw.table.key, raw.file, raw.sheet, [
            (number, list(problems), from_id, to_id, props)
            for number, problems, from_id, to_id, props in checked
        ]))  # fmt: skip
    return out


def bundle(folder: Path, located: list[Any], covers: list[Any], sheet: list[Any]) -> Path:
    folder.mkdir()
    head = "起点编号 from_id,终点编号 to_id,开始日期 since,结束日期 until\n"
    for name, table in (("located_in.csv", located), ("covers.csv", covers)):
        (folder / name).write_text(head + "".join(f"{','.join(r)}\n" for r in table),
                                   encoding="utf-8")  # fmt: skip
    book = Workbook()
    book.active.title = "part_of"
    book.active.append(head.strip().split(","))
    for row in sheet:
        book.active.append(list(row))
    book.save(folder / "more.xlsx")
    return folder


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(located=rows, covers=rows, sheet=rows, chunk=st.integers(1, 7), fail=st.booleans())
def test_rows_from_the_second_process_are_the_rows_checked_here(
    tmp_path_factory: Any, located: list[Any], covers: list[Any], sheet: list[Any],
    chunk: int, fail: bool,
) -> None:  # fmt: skip
    folder = bundle(tmp_path_factory.mktemp("in") / "bundle", located, covers, sheet)
    sources = [(folder, "bundle")]
    with closing(RelRows(sources, beside=False)) as here:
        expected = taken(here)
    assert [key for key, *_ in expected] == ["covers", "located_in", "part_of"]
    with closing(RelRows(sources, beside=True, chunk_rows=chunk)) as beside:
        if fail:  # the process dies after its first frames, perhaps mid-table
            tables = beside.tables()
            first = next(tables)
            got = [(first[0].table.key, first[0].file, first[0].sheet, [])]
            for number, problems, from_id, to_id, props in first[1]:
                if beside.process is not None and beside.process.poll() is None:
                    beside.process.kill()
                got[0][3].append((number, list(problems), from_id,
                                  to_id, props))  # fmt: skip
            for raw, checked in tables:
                got.append((raw.table.key, raw.file, raw.sheet, [
                    (n, list(ps), f, t, pr) for n, ps, f, t, pr in checked
                ]))  # fmt: skip
        else:
            got = taken(beside)
            assert not beside.failed
    assert got == expected
