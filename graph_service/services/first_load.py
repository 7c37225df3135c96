"""A first load: validated rows written by Neo4j's offline importer.

Writing a whole region through transactions is bound by the transactions; Neo4j's own
``neo4j-admin database import`` writes the store directly, many times faster. It replaces
the whole database and needs the server stopped, so it is only for a first load into the
managed local server (``graph-service load --first-load``) of a graph without domain nodes.
The importer validates exactly as for any import (:mod:`graph_service.services.imports`);
only the write differs:

1. The rows the import would write go into CSV files in neo4j-admin's format (:class:`CsvGraph`):
   the same properties, types, locations and source columns as the transactional write.
2. The service's own records (accounts, the audit trail …) are set aside
   (:mod:`graph_service.db.first_load`), the server is stopped and the database's folders
   moved aside.
3. neo4j-admin imports the files; the server starts again; the records are put back and
   the schema applied, which stores every party organization's area.

If anything fails after the server stopped, the folders are moved back and the server
started again: the database is as it was; once the load is whole, they are removed. The
CSV files hold the rows in clear (so will the store); they live in the import's private
temporary folder, removed when it ends.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from graph_service.db import first_load as repo
from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.errors import Conflict

#: Python's types of stored properties, and neo4j-admin's names of them (bool before int,
#: datetime before date: each is a subclass of the next)
_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"), (int, "long"), (float, "double"), (dt.datetime, "datetime"),
    (dt.date, "date"), (str, "string"),
)  # fmt: skip
#: a node's number (neo4j-admin's --id-type=actual: the store's own id, no id map to
#: build and look every relationship's ends up in) and its id; a relationship's ends' numbers
_NODE_ID = (":ID", "id:string")
_ENDS = (":START_ID", ":END_ID")
_LOCATION = "location:point{crs:WGS-84}"
log = logging.getLogger(__name__)

_SOURCE = (("src_file", "string"), ("src_row", "long"), ("src_at", "datetime"))

NOT_EMPTY = (
    "the database already holds a graph: a first load replaces the whole database, so it "
    "is only for an empty one; import without --first-load to add to it / 数据库中已有数据："
    "首次导入会替换整个数据库，只用于空数据库；如要向现有数据追加，请不加 --first-load 导入"
)


class OfflineServer(Protocol):
    """What a first load asks of the managed server (:class:`LocalNeo4j`)."""

    def stop(self) -> bool: ...

    def start(self) -> object: ...

    def move_aside(self) -> Path: ...

    def move_back(self, aside: Path) -> None: ...

    def import_full(
        self, nodes: Sequence[tuple[str, Sequence[Path]]],
        relationships: Sequence[tuple[str, Sequence[Path]]], *, multiline: bool = True,
    ) -> str: ...  # fmt: skip


_TYPE_NAMES = dict(_TYPES)


def _type_name(key: str, kind: type) -> str:
    name = _TYPE_NAMES.get(kind)
    if name is not None:
        return name
    for python, name in _TYPES:  # a subclass (an enum made a str, say)
        if issubclass(kind, python):
            return name
    raise TypeError(f"property {key}: no neo4j-admin type for {kind.__name__}")


def _cell(value: object) -> str:
    """One CSV cell as neo4j-admin reads it: text always quoted (so that an empty text is
    not taken for no value), no value as an empty cell."""
    if value is None:
        return ""
    if type(value) is str or isinstance(value, str):
        return '"' + value.replace('"', '""') + '"' if '"' in value else '"' + value + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):  # and datetime: ISO 8601, with its offset
        return value.isoformat()
    return repr(value)


def _location(point: dict[str, float] | None) -> str:
    if point is None:
        return ""
    return f'"{{latitude:{point["latitude"]!r},longitude:{point["longitude"]!r}}}"'


@dataclass
class _Group:
    """The rows of one label set or type with the same columns: a header file and a body."""

    header: Path
    body: Path
    handle: IO[str]


@dataclass
class CsvGraph:
    """The graph as neo4j-admin's CSV files in ``folder``: a header file and a body file for
    each node kind (relationship type) and set of columns."""

    folder: Path
    imported_at: dt.datetime
    groups: dict[tuple[str, bool, tuple[tuple[str, str], ...]], _Group] = field(
        default_factory=dict
    )
    #: whether a cell spans lines: neo4j-admin then reads the files in one thread, not in
    #: parallel (--multiline-fields)
    multiline: bool = False
    #: each node's number, in the order written: every node before any relationship
    numbers: dict[str, int] = field(default_factory=dict)

    def _group(self, name: str, is_node: bool, columns: tuple[tuple[str, str], ...]) -> _Group:
        key = (name, is_node, columns)
        group = self.groups.get(key)
        if group is None:
            stem = self.folder / f"{'n' if is_node else 'r'}{len(self.groups)}-{name}"
            header = stem.with_suffix(".header.csv")
            head = list(_NODE_ID if is_node else _ENDS)
            head += [f"{k}:{t}" for k, t in columns if k != "id"]
            if is_node:
                head.append(_LOCATION)
            head += [f"{k}:{t}" for k, t in _SOURCE]
            header.write_text(",".join(head) + "\n", encoding="utf-8")
            body = stem.with_suffix(".csv")
            group = _Group(header, body, body.open("w", encoding="utf-8", newline=""))
            self.groups[key] = group
        return group

    @staticmethod
    def _columns(rows: Sequence[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
        types: dict[str, type] = {}
        for row in rows:
            for key, value in row["props"].items():
                kind = type(value)
                if types.setdefault(key, kind) is not kind:
                    raise TypeError(f"property {key}: both {types[key].__name__} and "
                                    f"{kind.__name__} values")  # fmt: skip
        return tuple(sorted((key, _type_name(key, kind)) for key, kind in types.items()))

    def add_nodes(self, kind: NodeKind, rows: Sequence[dict[str, Any]]) -> None:
        """Rows as the importer spools them: ``{props, location, src_file, src_row}``."""
        columns = self._columns(rows)
        keys = [k for k, _ in columns if k != "id"]
        handle = self._group(kind.value, True, columns).handle
        at = _cell(self.imported_at)
        numbers = self.numbers
        for row in rows:
            props = row["props"]
            number = len(numbers)
            if numbers.setdefault(props["id"], number) != number:
                raise ValueError(f"node {props['id']} is given twice")
            self._write(handle, [str(number), _cell(props["id"]),
                                 *(_cell(props.get(k)) for k in keys),
                                 _location(row["location"]), _cell(row["src_file"]),
                                 _cell(row["src_row"]), at])  # fmt: skip

    def add_relationships(self, rel: RelKind, rows: Sequence[dict[str, Any]]) -> None:
        """Rows as the importer writes them: ``{from_id, to_id, props, src_file, src_row}``."""
        columns = self._columns(rows)
        keys = [k for k, _ in columns]
        handle = self._group(rel.value, False, columns).handle
        at = _cell(self.imported_at)
        for row in rows:
            props = row["props"]
            self._write(handle, [self._number(row["from_id"]), self._number(row["to_id"]),
                                 *(_cell(props.get(k)) for k in keys), _cell(row["src_file"]),
                                 _cell(row["src_row"]), at])  # fmt: skip

    def _number(self, node_id: str) -> str:
        number = self.numbers.get(node_id)
        if number is None:
            raise ValueError(f"a relationship's end {node_id} is not a node written before it")
        return str(number)

    def _write(self, handle: IO[str], cells: list[str]) -> None:
        line = ",".join(cells)
        if not self.multiline and ("\n" in line or "\r" in line):
            self.multiline = True
        handle.write(line + "\n")

    def close(self) -> None:
        for group in self.groups.values():
            group.handle.close()

    def files(self) -> CsvFiles:
        """What neo4j-admin reads: ``--nodes`` and ``--relationships``, (labels or type,
        [header, body])."""
        nodes, rels = [], []
        for (name, is_node, _), group in self.groups.items():
            if is_node:
                nodes.append((f"Entity:{name}", [group.header, group.body]))
            else:
                rels.append((name, [group.header, group.body]))
        return CsvFiles(nodes, rels, self.multiline)


@dataclass(frozen=True)
class CsvFiles:
    """A graph's CSV files (:class:`CsvGraph`, written and closed), as neo4j-admin takes them."""

    nodes: list[tuple[str, list[Path]]]
    relationships: list[tuple[str, list[Path]]]
    multiline: bool  # whether a cell spans lines


class _Clock:
    """How long each step of the write took, for the log."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.laps.append((step, now - self.last))
        self.last = now

    def __str__(self) -> str:
        return ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.laps)


def load_offline(db: Database, server: OfflineServer, files: CsvFiles) -> None:
    """Replace the database with the graph in ``files`` through neo4j-admin, keeping
    the service's own records; on any failure, the database as it was."""
    aside = repo.set_aside(db)
    if repo.entities_stored(db):  # written since the import began
        raise Conflict(NOT_EMPTY)
    clock = _Clock()
    server.stop()
    before = server.move_aside()
    clock.lap("stop and set aside")
    try:
        server.import_full(files.nodes, files.relationships, multiline=files.multiline)
        clock.lap("neo4j-admin database import")
        server.start()
        clock.lap("start")
        repo.put_back(db, aside)
        db.apply_schema()  # constraints, indexes, every party organization's area
        clock.lap("schema and areas")
        log.info("first load written: %s", clock)
    except BaseException:
        server.stop()
        server.move_back(before)
        server.start()
        raise
    shutil.rmtree(before, ignore_errors=True)
