"""An export's progress: rows written of the rows in all, for whoever asked to be told.

The command line sets a callback for the length of one export (:func:`reporting`); the
export service counts each table's rows as the writer takes them (:func:`counted`). It is
called ``progress("export", done, total)``, as the import's is (import_progress.py).
``total`` comes before the first row: the whole graph's from Neo4j's count store; an
area's nodes exactly (its export knows their ids), its relationships as an upper bound
(every relationship of a type leaving its nodes, ``export_count_relationships_from``),
made exact table by table as each is written. The API sets none, and costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeVar

from graph_service.domain.kinds import NodeKind, RelKind

if TYPE_CHECKING:
    from graph_service.db.database import Database
    from graph_service.db.exports import AreaExport
    from graph_service.domain.tables import Table

Progress = Callable[[str, int, "int | None"], None]
Row = TypeVar("Row")

_reporting: ContextVar[Progress | None] = ContextVar("export_progress", default=None)
#: ids of an area's export sent per count query
_PAGE = 5_000


@contextmanager
def reporting(progress: Progress) -> Iterator[None]:
    """Exports made in the block report to ``progress``."""
    token = _reporting.set(progress)
    try:
        yield
    finally:
        _reporting.reset(token)


def counted(
    db: Database, within: AreaExport | None
) -> Callable[[Table, Iterator[Row]], Iterator[Row]]:
    """A wrapper of each table's rows that reports them; the rows as they are when no
    one asked (:func:`reporting`)."""
    progress = _reporting.get()
    if progress is None:
        return lambda table, rows: rows
    expected = {table_kind: _expected(db, table_kind, within)
                for table_kind in [*NodeKind, *RelKind]}  # fmt: skip
    done = [0]
    progress("export", 0, sum(expected.values()))

    def left(current: NodeKind | RelKind, rows_in_it: int) -> int:
        """The rows still to come: the current table's rest, and the tables after it."""
        rest = sum(n for kind, n in expected.items() if kind != current)
        return rest + max(expected[current] - rows_in_it, 0)

    def wrap(table: Table, rows: Iterator[Row]) -> Iterator[Row]:
        rows_in_it = 0
        for row in rows:
            yield row
            done[0] += 1
            rows_in_it += 1
            if rows_in_it % 500 == 0:
                progress("export", done[0], done[0] + left(table.kind, rows_in_it))
        expected[table.kind] = 0  # written: its rows are in done
        progress("export", done[0], done[0] + left(table.kind, rows_in_it))

    return wrap


def _expected(db: Database, kind: NodeKind | RelKind, within: AreaExport | None) -> int:
    if within is not None and isinstance(kind, NodeKind):
        return len(within.by_label.get(kind.value, ()))
    if within is not None:
        return sum(
            db.read("export_count_relationships_from", placeholders={"rel": kind},
                    ids=list(within.ids[start : start + _PAGE]))[0]["n"] or 0
            for start in range(0, len(within.ids), _PAGE)
        )  # fmt: skip
    name = "export_count_nodes" if isinstance(kind, NodeKind) else "export_count_relationships"
    key = "label" if isinstance(kind, NodeKind) else "rel"
    return int(db.read(name, placeholders={key: kind})[0]["n"])
