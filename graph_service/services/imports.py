"""The import service: validate everything first, then upsert in batches.

The file formats are read by :mod:`loaders.readers`; this module adds what makes it a
service: the database's ids, the principal's scope, the transactions and the audit trail.

Phases, each streaming so memory stays flat as files grow:

1. *Nodes.* Every node table of every input is read and each row validated by its model.
   Valid rows are spooled (:class:`_Spool`: batches in a temporary folder, encrypted); ids
   are remembered
   (id → kind) to find duplicates and to resolve relationship ends. Ids already in the
   database under another kind are problems.
2. *Relationships.* Every relationship table is read and validated the same way; each end
   must be a node of an allowed kind, in the input or already in the database.
3. If any problem was found and ``partial`` is off, nothing is written: the report lists
   every problem. Otherwise (or with ``partial``, skipping the bad rows) the spooled rows
   are upserted in batches, nodes first, one managed transaction per batch.

Every batch is an idempotent MERGE, so an import interrupted at any point (the importer
killed, Neo4j stopped) loses nothing already committed, and running it again completes it.
The spool of an importer that was killed is removed by the next import on the machine
(:func:`remove_stale_spools`); it could not have been read anyway: its key was only ever in
the killed process's memory.

>>> report = import_files(db, [Path("region.xlsx")])          # doctest: +SKIP
>>> report.totals()["created"]                                 # doctest: +SKIP
1234
"""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import gc
import hashlib
import logging
import os
import pickle
import shutil
import struct
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from neo4j import ManagedTransaction
from neo4j.exceptions import ClientError
from pydantic import ValidationError

from graph_service.auth.principal import Principal
from graph_service.db import audit
from graph_service.db import boundaries as stored_boundaries
from graph_service.db import imports as repo
from graph_service.db.database import Database
from graph_service.db.first_load import entities_stored
from graph_service.db.scope import visible_ids
from graph_service.domain import terms
from graph_service.domain.boundaries import Outside
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import AreaBoundaryIn, AreaIn, NodeIn
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, Table
from graph_service.errors import Conflict, Forbidden, InvalidInput
from graph_service.services.csv_beside import CsvBeside
from graph_service.services.first_load import (
    NOT_EMPTY,
    CsvFiles,
    CsvGraph,
    OfflineServer,
    load_offline,
)
from graph_service.services.import_progress import PhaseCounter, Progress, estimate_rows
from graph_service.services.rels_beside import RelRows
from graph_service.services.row_checks import problems_of
from loaders.problems import ImportReport, Problem, shown_value
from loaders.readers import BOUNDARY_SUFFIX, read_boundaries, read_tables
from loaders.rows import RawRow, RawTable

BATCH_SIZE = 5_000
LOOKUP_BATCH = 10_000
SCOPED_IMPORT_MAX_ROWS = 50_000
#: an input of about this many rows or more has its relationship rows checked in a process
#: of its own (rels_beside.py) whatever the import; starting it takes about half a second
RELS_BESIDE_MIN_ROWS = 100_000
#: ids offered when a relationship's end is an ambiguous or unknown name ("did you mean")
MAX_SUGGESTED = 5
#: the input's names compared by spelling with an unknown one, at most (difflib is O(n))
MAX_SPELLING_CANDIDATES = 20_000
#: unknown names given suggestions in one import; the rest are only reported unknown
MAX_SUGGESTION_LOOKUPS = 100

log = logging.getLogger(__name__)

SPOOL_PREFIX = "graph-import-"
#: the API's copies of uploaded files while they are imported (organizers' data, in clear)
UPLOAD_PREFIX = "graph-upload-"
#: held locked (flock) by the process whose folder it is, for as long as it uses it
SPOOL_LOCK = "owner.lock"
#: a folder without its lock file is left alone this long (it may be being made)
SPOOL_GRACE_SECONDS = 60.0
_NONCE = 12
_FRAME = struct.Struct(">I")


@dataclass(frozen=True)
class Source:
    """One input: where it is on disk, and the name the organizer knows it by."""

    path: Path
    name: str

    @classmethod
    def of(cls, item: Path | Source) -> Source:
        return item if isinstance(item, Source) else cls(item, item.name)


@dataclass
class _Spool:
    """Validated rows in batches, one file per table, in a temporary folder: each batch
    pickled and sealed with AES-GCM under a key made for this import and held only in this
    process's memory. Rows hold personal data (phones, ID numbers, home addresses); a spool
    left behind by an importer that was killed is unreadable, and a batch changed on disk
    is refused rather than unpickled."""

    folder: Path
    files: dict[str, IO[bytes]] = field(default_factory=dict)
    buffers: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    sealer: AESGCM = field(default_factory=lambda: AESGCM(AESGCM.generate_key(bit_length=256)))
    #: also given each batch as it is sealed (a first load's CSV process, csv_beside.py)
    tee: Callable[[str, bytes], None] | None = None

    def add(self, key: str, item: Any) -> None:
        buffer = self.buffers[key]
        buffer.append(item)
        if len(buffer) >= BATCH_SIZE:
            self._flush(key)

    def _flush(self, key: str) -> None:
        if not self.buffers[key]:
            return
        if key not in self.files:
            self.files[key] = (self.folder / f"{key}.spool").open("wb")
        nonce = os.urandom(_NONCE)
        plain = pickle.dumps(self.buffers[key], protocol=pickle.HIGHEST_PROTOCOL)
        if self.tee is not None:
            self.tee(key, plain)
        sealed = self.sealer.encrypt(nonce, plain, key.encode())  # bound to its table
        self.files[key].write(_FRAME.pack(len(sealed)) + nonce + sealed)
        self.buffers[key] = []

    def flush(self) -> None:
        """Seal every table's rows so far (the tee then has them all)."""
        for key in list(self.buffers):
            self._flush(key)

    def close(self) -> None:
        self.flush()
        for handle in self.files.values():
            handle.close()

    def batches(self, key: str) -> Iterator[list[Any]]:
        path = self.folder / f"{key}.spool"
        if not path.exists():
            return
        with path.open("rb") as handle:
            while header := handle.read(_FRAME.size):
                (size,) = _FRAME.unpack(header)
                nonce = handle.read(_NONCE)
                plain = self.sealer.decrypt(nonce, handle.read(size), key.encode())
                yield pickle.loads(plain)  # sealed by this process: nothing else wrote it


@contextmanager
def import_folder(prefix: str = SPOOL_PREFIX) -> Iterator[Path]:
    """A temporary folder for one import's spool (or the API's copy of its uploads), locked
    as this process's while it is used, and removed when the import ends (normally, on an
    error, or on SIGTERM through the CLI's handler). Those of processes that died first
    are removed before it is made (:func:`remove_stale_spools`)."""
    remove_stale_spools()
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        handle = hold_folder(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(handle)


def hold_folder(folder: Path) -> int:
    """Lock ``folder`` as this process's (its ``SPOOL_LOCK`` file, flock) until the returned
    descriptor is closed, or the process ends however it ends. The lock file appears
    already locked: made aside, locked, then renamed into place, so no clean-up can see it
    unlocked (:func:`abandoned`)."""
    handle, aside = tempfile.mkstemp(dir=folder, prefix=".lock-")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        os.write(handle, str(os.getpid()).encode())
        os.rename(aside, folder / SPOOL_LOCK)
    except BaseException:
        os.close(handle)
        raise
    return handle


def abandoned(folder: Path) -> bool:
    """Whether no running process uses this import folder: nobody holds its lock (folders
    are never reused, so it cannot be taken again once free)."""
    lock = folder / SPOOL_LOCK
    if not lock.exists():  # being made, or left by a version without locks
        return time.time() - folder.stat().st_mtime >= SPOOL_GRACE_SECONDS
    with lock.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # its process is running
    return True


def remove_stale_spools(root: Path | None = None) -> list[Path]:
    """Remove the spool and upload folders (``graph-import-*``, ``graph-upload-*`` in
    ``root``, default the temporary folder) whose process is no longer running: killed
    (``kill -9``, a power cut) before it could remove its own. A running import holds its
    folder's lock; the lock is released when its process ends, however it ends. Returns the
    folders removed."""
    root = root or Path(tempfile.gettempdir())
    removed = []
    found = sorted(f for prefix in (SPOOL_PREFIX, UPLOAD_PREFIX) for f in root.glob(f"{prefix}*"))
    for folder in found:
        try:
            if folder.is_dir() and not folder.is_symlink() and abandoned(folder):
                shutil.rmtree(folder)
                removed.append(folder)
        except OSError as exc:  # another user's, or removed meanwhile
            log.debug("left spool %s alone: %s", folder, exc)
    if removed:
        log.warning("removed %d spool folder(s) of interrupted imports: %s", len(removed),
                    ", ".join(str(f) for f in removed))  # fmt: skip
    return removed


def _split_bilingual(problems: list[Problem]) -> list[Problem]:
    fixed = []
    for problem in problems:
        if " / " in problem.reason:
            english, _ = problem.reason.rsplit(" / ", 1)
            problem = Problem(
                file=problem.file, sheet=problem.sheet, row=problem.row, column=problem.column,
                value=problem.value, reason=english, reason_zh=problem.reason_zh,
            )  # fmt: skip
        fixed.append(problem)
    return fixed


_DATE_BITS, _FILE_BITS, _ROW_BITS = 22, 16, 32  # date.max's ordinal needs 22 bits
_ROW_MASK, _FILE_MASK = (1 << _ROW_BITS) - 1, (1 << _FILE_BITS) - 1
_WHERE_MASK = (1 << (_FILE_BITS + _ROW_BITS)) - 1
_NO_END = (1 << _DATE_BITS) - 1
#: the packed terms of one pair: one int for the one row most pairs have
_Terms = int | list[int]


def _pack(since: dt.date | None, until: dt.date | None, file: int, row: int) -> int:
    """A term (since, until) and where its row is (file number, row) as one int."""
    start = since.toordinal() if since else 0
    end = until.toordinal() if until else _NO_END
    return ((((start << _DATE_BITS) | end) << _FILE_BITS | file) << _ROW_BITS) | row


def _unpack_period(packed: int) -> terms.Period:
    dates = packed >> (_FILE_BITS + _ROW_BITS)
    start, end = dates >> _DATE_BITS, dates & _NO_END
    return (dt.date.fromordinal(start) if start else None,
            dt.date.fromordinal(end) if end != _NO_END else None)  # fmt: skip


@dataclass
class _Where:
    table: str
    file: str
    sheet: str | None
    row: int

    def __str__(self) -> str:
        sheet = f" [{self.sheet}]" if self.sheet else ""
        return f"{self.file}{sheet} row {self.row}"


@dataclass
class _Boundary:
    """An area's boundary given by the input: its stored text, and where it was given (an
    area row's 边界 column, or a Feature of a ``.geojson`` file)."""

    text: str
    where: _Where
    column: str

    def problem(self, en: str, zh: str) -> Problem:
        where = self.where
        return Problem(file=where.file, sheet=where.sheet, row=where.row, column=self.column,
                       value=shown_value(self.text), reason=en, reason_zh=zh)  # fmt: skip


class _Frozen:
    """The import's long-lived objects (ids, names, where each row is: millions of them
    for a city) kept out of the cyclic garbage collector's full passes while it runs: every
    ``EVERY`` rows, what exists so far is frozen (:func:`gc.freeze`); at the end it is
    handed back (:func:`gc.unfreeze`). Each full pass otherwise walks every one of them
    again, which took more than a quarter of a city's validation."""

    EVERY = 50_000

    def __init__(self) -> None:
        self.rows = 0

    def tick(self) -> None:
        self.rows += 1
        if self.rows >= self.EVERY:
            self.rows = 0
            gc.freeze()

    def __enter__(self) -> _Frozen:
        return self

    def __exit__(self, *exc: object) -> None:
        gc.unfreeze()


#: a node row waiting for the stored kinds' lookup: its id, kind, place and spooled item
_Pending = tuple[str, NodeKind, "_Where", dict[str, Any]]


class _Rows:
    """Rows of the input (a type's table in a file and sheet, by row number), a bit each:
    a city's millions fit in a few hundred kilobytes."""

    def __init__(self) -> None:
        self.bits: dict[tuple[str, str, str | None], bytearray] = {}

    def add(self, key: str, item: dict[str, Any]) -> None:
        bits = self.bits.setdefault((key, item["src_file"], item.get("src_sheet")), bytearray())
        byte, row = divmod(item["src_row"], 8)
        if byte >= len(bits):
            bits.extend(bytes(byte + 1 - len(bits)))
        bits[byte] |= 1 << row

    def __contains__(self, where: tuple[str, dict[str, Any]]) -> bool:
        key, item = where
        bits = self.bits.get((key, item["src_file"], item.get("src_sheet")))
        if bits is None:
            return False
        byte, row = divmod(item["src_row"], 8)
        return byte < len(bits) and bool(bits[byte] & (1 << row))


class Importer:
    """One import run over some inputs. Use :func:`import_files`."""

    def __init__(
        self,
        db: Database,
        sources: Sequence[Source],
        *,
        dry_run: bool = False,
        partial: bool = False,
        progress: Progress | None = None,
        now: dt.datetime | None = None,
        who: Principal | None = None,
        first_load: OfflineServer | None = None,
    ) -> None:
        self.db = db
        self.first_load = first_load  # the managed server, for a first load (first_load.py)
        self.who = who or Principal.cli()
        self.tx: ManagedTransaction | None = None  # set while an atomic (scoped) import writes
        self.created: frozenset[str] = frozenset()  # ids new to the graph (a scoped import)
        self.sources = list(sources)
        self.report = ImportReport(
            files=[s.name for s in self.sources], dry_run=dry_run, partial=partial
        )
        self.progress = PhaseCounter(progress)  # (phase, done, total): import_progress.py
        self.frozen = _Frozen()
        self.imported_at = now or dt.datetime.now(dt.UTC)
        self.kinds: dict[str, NodeKind] = {}  # valid node ids of the input
        self.first_seen: dict[str, _Where] = {}
        self.rejected_ids: set[str] = set()
        self.rel_rows = 0
        self.file_numbers: dict[str, int] = {}  # input file name -> its number in _pack
        self.bad_rows: set[tuple[str, str, int]] = set()  # (type, file, row) refused by terms
        # (type, file, row) -> the since of the stored term the row replaces, where not its own
        self.term_targets: dict[tuple[str, str, int], dt.date | None] = {}
        # what the lookups found already stored as the input gives it: left out of the write
        self.unchanged_ids: set[str] = set()
        self.unchanged_rows = _Rows()
        self.db_kinds: dict[str, NodeKind] = {}
        self.bad_refs: set[tuple[str, str]] = set()  # (relationship type, id) rejected
        # names of the input's valid nodes, and relationship ends given by a unique name:
        # (relationship type, "from_id"/"to_id", name) -> id
        self.names: dict[str, list[tuple[str, NodeKind]]] = defaultdict(list)
        self.aliases: dict[tuple[str, str, str], str] = {}
        self.examples: dict[str, frozenset[object]] = {}
        self.unknown_ends: dict[tuple[str, frozenset[NodeKind]], tuple[str, str]] = {}
        # boundaries: the .geojson files' (by area id) until phase 1 takes those of the
        # input's areas; every valid one the input gives; those for stored areas, written
        # apart; the areas whose boundary lies outside a parent's; the stored ones
        self.features: dict[str, _Boundary] = {}
        self.boundaries: dict[str, _Boundary] = {}
        self.boundary_updates: dict[str, _Boundary] = {}
        self.stray_boundaries: set[str] = set()
        self.stored_boundary: dict[str, str | None] = {}

    # ---- reading --------------------------------------------------------------------------
    def _node_tables(self) -> Iterator[RawTable]:
        """The input's node tables; every file's encoding and file-level problems are
        recorded on the way (relationship tables are read apart: rels_beside.py)."""
        for source in self.sources:
            if Path(source.name).suffix.lower() == BOUNDARY_SUFFIX:
                continue  # read before phase 1 (_read_boundaries)
            for item in read_tables(source.path, display_name=source.name):
                if isinstance(item, Problem):
                    self._problem(item)
                    continue
                if item.encoding is not None:
                    self.report.encodings[item.file] = item.encoding
                if item.table.is_node:
                    yield item

    def _problem(self, problem: Problem) -> None:
        self.report.problems.append(problem)

    def _reject(self, table: Table, problems: list[Problem]) -> None:
        for problem in _split_bilingual(problems):
            self._problem(problem)
        self.report.count(table.kind.value, "rejected")

    # ---- phase 1: nodes -------------------------------------------------------------------
    def _validate_nodes(self, spool: _Spool) -> None:
        pending: list[_Pending] = []
        row_done, tick, add = self.progress.row, self.frozen.tick, spool.add
        stored_may_answer = not self._nothing_stored  # an id stored as another kind
        for raw in self._node_tables():
            kind = raw.table.kind
            assert isinstance(kind, NodeKind)
            validate = raw.table.model.__pydantic_validator__.validate_python  # model_validate
            examples = self._examples(raw.table)
            for row in raw.rows:
                row_done()
                tick()
                where = _Where(raw.table.key, raw.file, raw.sheet, row.number)
                problems = list(row.problems)
                model: NodeIn | None = None
                try:
                    model = validate(row.values)
                except ValidationError as error:
                    problems += problems_of(error, raw, row)
                node_id = model.id if model else str(row.values.get("id", ""))
                if model and node_id in self.first_seen:
                    first = self.first_seen[node_id]
                    problems.append(Problem(
                        file=raw.file, sheet=raw.sheet, row=row.number, column="编号 id",
                        value=node_id,
                        reason=f"duplicate id: already used in {first.table} at {first}",
                        reason_zh=f"编号重复：已在 {first.table} 表 {first} 使用",
                    ))  # fmt: skip
                if isinstance(model, AreaIn) and model.boundary and node_id in self.features:
                    twice = self.features.pop(node_id).where
                    problems.append(Problem(
                        file=raw.file, sheet=raw.sheet, row=row.number, column="边界 boundary",
                        value=shown_value(model.boundary),
                        reason=f"the boundary of {node_id} is given twice: here and in {twice}",
                        reason_zh=f"区域 {node_id} 的边界给出了两次：此处和 {twice}",
                    ))  # fmt: skip
                if problems:
                    self._reject(raw.table, problems)
                    if node_id and node_id not in self.kinds:
                        self.rejected_ids.add(node_id)
                    continue
                assert model is not None
                self.kinds[node_id] = kind
                self.first_seen[node_id] = where
                self.names[model.name].append((node_id, kind))
                if model.name_en:
                    self.names[model.name_en].append((node_id, kind))
                if examples and node_id in examples:
                    self._warn_example(raw, row.number, "编号 id", node_id)
                props = model.graph_properties()
                if isinstance(model, AreaIn):
                    self._take_boundary(model, props, raw.table, where)
                item = {
                    "props": props, "location": model.location(),
                    "src_file": raw.file, "src_row": row.number,
                }  # fmt: skip
                add(kind.value, item)
                if stored_may_answer:
                    pending.append((node_id, kind, where, item))
                if len(pending) >= LOOKUP_BATCH:
                    self._check_kinds_in_db(pending)
                    pending = []
        self._check_kinds_in_db(pending)

    # ---- boundaries: before phase 1, the .geojson files; after phase 2, the parents ---------
    def _read_boundaries(self) -> None:
        """The Features of the .geojson files, each an area's boundary, validated."""
        for source in self.sources:
            for item in read_boundaries(source.path, display_name=source.name):
                if isinstance(item, Problem):
                    self._problem(item)
                    continue
                for row in item.rows:
                    self._feature(item, row)

    def _feature(self, raw: RawTable, row: RawRow) -> None:
        problems = list(row.problems)
        model: AreaBoundaryIn | None = None
        try:
            model = AreaBoundaryIn.model_validate(row.values)
        except ValidationError as error:
            problems += problems_of(error, raw, row)
        where = _Where(raw.table.key, raw.file, raw.sheet, row.number)
        if model is not None and model.id in self.features:
            first = self.features[model.id].where
            problems.append(Problem(
                file=raw.file, sheet=raw.sheet, row=row.number, column="properties.id",
                value=model.id, reason=f"a second boundary of {model.id}: the first is at {first}",
                reason_zh=f"区域 {model.id} 的边界重复：已在 {first} 给出",
            ))  # fmt: skip
        if model is not None and model.boundary is None and not problems:
            problems.append(Problem(
                file=raw.file, sheet=raw.sheet, row=row.number, column="geometry", value=None,
                reason="a value is required", reason_zh="必填项为空",
            ))  # fmt: skip
        if problems or model is None or model.boundary is None:
            self._reject(raw.table, problems)
            return
        self.features[model.id] = _Boundary(model.boundary, where, "geometry")

    def _take_boundary(
        self, model: AreaIn, props: dict[str, Any], table: Table, where: _Where
    ) -> None:
        """An area row's boundary: its own, or a .geojson file's, written with the row."""
        feature = self.features.pop(model.id, None)
        if feature is not None:
            props["boundary"] = feature.text
            self.boundaries[model.id] = feature
        elif model.boundary is not None:
            column = next(c.header for c in table.columns if c.field == "boundary")
            self.boundaries[model.id] = _Boundary(model.boundary, where, column)

    def _resolve_features(self) -> None:
        """The .geojson Features of areas not in the input: of stored areas, written
        apart; else problems."""
        left = self.features
        self.features = {}
        found = repo.existing_kinds(self.db, [i for i in left if i not in self.kinds])
        for area_id, feature in left.items():
            kind = self.kinds.get(area_id) or found.get(area_id)
            if kind is NodeKind.AREA:
                self.boundaries[area_id] = self.boundary_updates[area_id] = feature
                self.db_kinds[area_id] = kind  # its scope is checked with the other ids
                continue
            if area_id in self.rejected_ids:
                en, zh = "refers to an area row that was rejected", "引用的区域行未通过校验"
            elif kind is None:
                en = f"no area with id '{area_id}' in the input or the database"
                zh = f"区域不存在：输入和数据库中都没有编号为“{area_id}”的区域"
            else:
                en = f"{area_id} is a {kind.value}, not an area"
                zh = f"{area_id} 是{kind.zh}，不是区域"
            problem = replace(feature.problem(en, zh), column="properties.id", value=area_id)
            self._reject(NODE_TABLES[NodeKind.AREA], [problem])

    def _check_parents(self, spool: _Spool) -> None:
        """Every area whose boundary the input gives, or that it makes PART_OF another,
        must lie inside its parents' boundaries (stored, or the input's) and around its
        children's (db/boundaries.py); a problem at the boundary given, else at the
        PART_OF row."""
        rows: dict[tuple[str, str], _Where] = {}
        given: set[tuple[str, str]] = set()  # every pair the input has a row of
        today = dt.date.today()
        for items in self._live_items(RelKind.PART_OF, spool):
            for item in items:
                pair = (item["from_id"], item["to_id"])
                given.add(pair)
                until = item["props"].get("until")
                if {self._kind(pair[0]), self._kind(pair[1])} == {NodeKind.AREA} and (
                    until is None or until >= today
                ):
                    rows[pair] = _Where(RelKind.PART_OF.value, item["src_file"],
                                        item.get("src_sheet"), item["src_row"])  # fmt: skip
        if not self.boundaries and not rows:
            return
        ids = sorted(set(self.boundaries) | {i for pair in rows for i in pair})
        found = {} if self._nothing_stored else stored_boundaries.around(self.db, ids, today)
        pairs = list(rows)
        for area_id, stored in found.items():
            self.stored_boundary[area_id] = stored.boundary
            self.stored_boundary.update(stored.parents)
            self.stored_boundary.update(stored.children)
            if area_id in self.boundaries:
                pairs += [(area_id, p) for p in stored.parents if (area_id, p) not in given]
                pairs += [(c, area_id) for c in stored.children if (c, area_id) not in given]

        def boundary_of(area_id: str) -> str | None:
            if area_id in self.boundaries:
                return self.boundaries[area_id].text
            if self.kinds.get(area_id) is NodeKind.AREA:
                return None  # its row is written without one
            return self.stored_boundary.get(area_id)

        for child, parent, where in stored_boundaries.strays(pairs, boundary_of):
            self._stray(child, parent, where, rows.get((child, parent)))

    def _stray(
        self, child: str, parent: str, outside: Outside, part_of: _Where | None
    ) -> None:
        of = parent if parent in self.boundaries and child not in self.boundaries else child
        zh, en = stored_boundaries.stray_words(child, parent, outside, of=of)
        if of in self.boundaries:
            self.stray_boundaries.add(of)
            self._problem(self.boundaries[of].problem(en, zh))
            if of in self.boundary_updates:
                self.report.count(NodeKind.AREA.value, "rejected")
        elif part_of is not None:  # both stored: the new PART_OF is what is wrong
            self.bad_rows.add((RelKind.PART_OF.value, part_of.file, part_of.row))
            self._reject(REL_TABLES[RelKind.PART_OF], [Problem(
                file=part_of.file, sheet=part_of.sheet, row=part_of.row, column="终点编号 to_id",
                value=parent, reason=en, reason_zh=zh,
            )])  # fmt: skip

    def _boundary_rows(self) -> list[dict[str, Any]]:
        """The .geojson boundaries of stored areas, to write (those refused left out)."""
        return [{"id": area_id, "boundary": b.text, "src_file": b.where.file,
                 "src_row": b.where.row}
                for area_id, b in self.boundary_updates.items()
                if area_id not in self.stray_boundaries]  # fmt: skip

    def _kept_boundary(self, item: dict[str, Any]) -> dict[str, Any]:
        """An area row whose boundary was refused (a partial import) keeps the stored one."""
        area_id = item["props"]["id"]
        if area_id not in self.stray_boundaries:
            return item
        props = {k: v for k, v in item["props"].items() if k != "boundary"}
        if self.stored_boundary.get(area_id) is not None:
            props["boundary"] = self.stored_boundary[area_id]
        return item | {"props": props}

    @property
    def _nothing_stored(self) -> bool:
        """A first load: no entity was stored when it began, and none may be when it writes
        (:func:`load_offline` checks again), so no stored entity can answer a lookup."""
        return self.first_load is not None

    def _check_kinds_in_db(self, pending: list[_Pending]) -> None:
        """An id already stored as another kind is a problem (ids are unique across kinds).
        A row whose stored node is already as it gives it is remembered (``unchanged``):
        the write leaves it out (areas excepted: their boundaries may be settled later)."""
        if not pending or self._nothing_stored:
            return
        found = repo.stored_nodes(self.db, [item for _, _, _, item in pending])
        for node_id, kind, where, _ in pending:
            stored = found.kinds.get(node_id)
            if stored is not None and stored is not kind:
                self._problem(Problem(
                    file=where.file, sheet=where.sheet, row=where.row, column="编号 id",
                    value=node_id,
                    reason=f"id already belongs to a {stored.value} in the database, not a "
                           f"{kind.value}",
                    reason_zh=f"编号已被数据库中的{stored.zh}使用",
                ))  # fmt: skip
                self.report.count(kind.value, "rejected")
                del self.kinds[node_id]
                self.rejected_ids.add(node_id)
                self.first_seen.pop(node_id, None)
            elif node_id in found.unchanged and kind is not NodeKind.AREA:
                self.unchanged_ids.add(node_id)

    # ---- phase 2: relationships -----------------------------------------------------------
    def _validate_relationships(self, spool: _Spool, rel_rows: RelRows) -> None:
        # Millions of rows: what does not change within a table is looked up once, and a
        # row whose two ends are valid nodes of allowed kinds (nearly every row) is not
        # checked end by end (_check_ends).
        unresolved: dict[str, list[tuple[Table, _Where, str]]] = defaultdict(list)
        kinds, add, row_done, tick = self.kinds, spool.add, self.progress.row, self.frozen.tick
        for raw, checked in rel_rows.tables():
            rel = raw.table.kind
            assert isinstance(rel, RelKind)
            key, sources, targets = rel.value, rel.spec.sources, rel.spec.targets
            examples = self._examples(raw.table)
            for number, problems, from_id, to_id, props in checked:
                row_done()
                tick()
                if from_id is not None and to_id is not None and (
                    kinds.get(from_id) not in sources or kinds.get(to_id) not in targets
                ):
                    self._check_ends(raw, number, from_id, to_id, problems, unresolved)
                if problems:
                    self._reject(raw.table, problems)
                    continue
                assert from_id is not None and to_id is not None
                self.rel_rows += 1
                if examples and (from_id, to_id) in examples:
                    self._warn_example(raw, number, "起点编号 from_id", from_id)
                add(key, {
                    "from_id": from_id, "to_id": to_id, "props": props,
                    "src_file": raw.file, "src_row": number, "src_sheet": raw.sheet,
                })  # fmt: skip
        self._resolve_in_db(unresolved)

    def _check_ends(
        self, raw: RawTable, number: int, from_id: str, to_id: str, problems: list[Problem],
        unresolved: dict[str, list[tuple[Table, _Where, str]]],
    ) -> None:  # fmt: skip
        """A row's ends that are not valid nodes of the input of an allowed kind: a problem
        (a rejected row, a wrong kind), or left to look up (stored, or given by name)."""
        rel = raw.table.kind
        assert isinstance(rel, RelKind)
        where = _Where(raw.table.key, raw.file, raw.sheet, number)
        for column, end_id, allowed in (
            ("起点编号 from_id", from_id, rel.spec.sources),
            ("终点编号 to_id", to_id, rel.spec.targets),
        ):
            kind = self.kinds.get(end_id)
            if kind is None:
                if end_id in self.rejected_ids:
                    problems.append(self._rel_problem(
                        raw, number, column, end_id,
                        "refers to a row that was rejected", "引用的行未通过校验",
                    ))  # fmt: skip
                else:
                    unresolved[end_id].append((raw.table, where, column))
            elif kind not in allowed:
                problems.append(self._wrong_kind(raw, number, column, end_id, kind, allowed))

    # ---- phase 2b: terms ------------------------------------------------------------------
    def _check_terms(self, spool: _Spool) -> None:
        """Rows of one pair in the input must not overlap each other, and each must replace
        or add to the pair's stored terms without overlapping one (domain/terms.py): rows
        that would are problems, before anything is written. A row that replaces a stored
        term starting on another day (it moves its start) is remembered (``term_targets``)."""
        for rel in RelKind:
            table = REL_TABLES[rel]
            periods = self._input_terms(rel, table, spool)
            if periods and not self._nothing_stored and repo.relationships_exist(self.db, rel):
                self._match_stored(rel, table, spool, periods)

    def _live_batches(self, spool: _Spool) -> Iterator[tuple[RelKind, list[dict[str, Any]]]]:
        """Every type's spooled rows not rejected, a batch at a time."""
        for rel in RelKind:
            for items in self._live_items(rel, spool):
                if items:
                    yield rel, items

    def _live_items(self, rel: RelKind, spool: _Spool) -> Iterator[list[dict[str, Any]]]:
        """The spooled rows of a type not rejected so far, ends given by id."""
        for batch in spool.batches(rel.value):
            if not (self.aliases or self.bad_refs or self.bad_rows):
                yield batch  # nothing to leave out or rename
                continue
            yield [self._by_id(rel, item) for item in batch
                   if not self._rejected_ref(rel, item) and not self._rejected_row(rel, item)]

    def _input_terms(self, rel: RelKind, table: Table, spool: _Spool) -> dict[int, _Terms]:
        """The terms the input gives each pair (packed, see :func:`_pack`), keyed by the
        pair's hash; a row overlapping an earlier row of its pair is a problem."""
        periods: dict[int, _Terms] = {}
        for items in self._live_items(rel, spool):
            for item in items:
                packed = self._pack(item)
                key = hash((item["from_id"], item["to_id"]))
                mine = periods.get(key)
                if mine is None:  # most pairs have one row: one int, nothing to compare
                    periods[key] = packed
                    continue
                if isinstance(mine, int):
                    mine = periods[key] = [mine]
                clash = next((other for other in mine if terms.overlaps(_unpack_period(other),
                                                                        _unpack_period(packed))),
                             None)  # fmt: skip
                if clash is None:
                    mine.append(packed)
                    continue
                clash_file, clash_row = self._unpack_where(clash)
                en, zh = terms.label(_unpack_period(clash))
                self._reject_row(rel, table, item, (
                    f"its dates overlap the term {en} of the same relationship in {clash_file} "
                    f"row {clash_row}; terms of one pair must not overlap",
                    f"与 {clash_file} 第 {clash_row} 行同一关系的任期（{zh}）日期重叠，"
                    "同一对象间的同类关系各任期不得重叠",
                ))  # fmt: skip
        return periods

    def _match_stored(
        self, rel: RelKind, table: Table, spool: _Spool, periods: dict[int, _Terms]
    ) -> None:
        for items in self._live_items(rel, spool):
            stored = repo.stored_terms(self.db, rel, items)
            outcomes: dict[tuple[str, str], dict[int, terms.Outcome]] = {}
            for index, item in enumerate(items):
                if index in stored.unchanged:
                    # as a stored term, which the input's other rows of the pair do not
                    # overlap (_input_terms) and no other stored term does: matched to it
                    self.unchanged_rows.add(rel.value, item)
                    continue
                pair = (item["from_id"], item["to_id"])
                if pair not in stored.terms:
                    continue
                if pair not in outcomes:
                    given = periods[hash(pair)]
                    rows = [given] if isinstance(given, int) else given
                    matched = terms.match_rows(stored.terms[pair],
                                               [_unpack_period(r) for r in rows])  # fmt: skip
                    outcomes[pair] = {r & _WHERE_MASK: o for r, o in zip(rows, matched,
                                                                         strict=True)}  # fmt: skip
                outcome = outcomes[pair].get(self._pack(item) & _WHERE_MASK)
                if outcome is None:  # refused above as overlapping another row of the input
                    continue
                if outcome.refused is not None:
                    self._reject_row(rel, table, item, outcome.refused)
                elif not outcome.creates and outcome.term != item["props"].get("since"):
                    self.term_targets[(rel.value, item["src_file"], item["src_row"])] = (
                        outcome.term
                    )

    def _pack(self, item: dict[str, Any]) -> int:
        """A row's term and where it is, in one int (the input may hold millions)."""
        file = self.file_numbers.get(item["src_file"])
        if file is None:
            file = self.file_numbers[item["src_file"]] = len(self.file_numbers)
        props = item["props"]
        return _pack(props.get("since"), props.get("until"), file, item["src_row"])

    def _unpack_where(self, packed: int) -> tuple[str, int]:
        files = list(self.file_numbers)
        return files[(packed >> _ROW_BITS) & _FILE_MASK], packed & _ROW_MASK

    def _reject_row(
        self, rel: RelKind, table: Table, item: dict[str, Any], reason: tuple[str, str]
    ) -> None:
        self.bad_rows.add((rel.value, item["src_file"], item["src_row"]))
        since = item["props"].get("since")
        self._reject(table, [Problem(
            file=item["src_file"], sheet=item.get("src_sheet"), row=item["src_row"],
            column="开始日期 since", value=str(since or ""), reason=reason[0],
            reason_zh=reason[1],
        )])  # fmt: skip

    def _rejected_row(self, rel: RelKind, item: dict[str, Any]) -> bool:
        if not self.bad_rows:
            return False
        return (rel.value, item["src_file"], item["src_row"]) in self.bad_rows

    def _rel_problem(
        self, raw: RawTable, number: int, column: str, value: str, en: str, zh: str
    ) -> Problem:
        return Problem(file=raw.file, sheet=raw.sheet, row=number, column=column,
                       value=value, reason=en, reason_zh=zh)  # fmt: skip

    def _wrong_kind(
        self, raw: RawTable, number: int, column: str, end_id: str, kind: NodeKind,
        allowed: frozenset[NodeKind],
    ) -> Problem:  # fmt: skip
        names = ", ".join(sorted(k.value for k in allowed))
        zh = "、".join(sorted(k.zh for k in allowed))
        return self._rel_problem(
            raw, number, column, end_id,
            f"{end_id} is a {kind.value}; {raw.table.key} needs one of: {names}",
            f"{end_id} 是{kind.zh}，{raw.table.zh} 只能连接：{zh}",
        )  # fmt: skip

    def _examples(self, table: Table) -> frozenset[object]:
        """The keys of the template's example rows of a table: ids, or (from, to) pairs."""
        if table.key not in self.examples:
            from loaders.template import example_rows

            rows = example_rows(table)
            keys: set[object] = {
                row["id"] if table.is_node else (row["from_id"], row["to_id"]) for row in rows
            }
            self.examples[table.key] = frozenset(keys)
        return self.examples[table.key]

    def _warn_example(self, raw: RawTable, number: int, column: str, key: str) -> None:
        """A row of the template's examples (by id, or by its two ends) is imported, but said."""
        self.report.warnings.append(self._rel_problem(
            raw, number, column, key,
            f"this is the template's fictional example row ({key}); it is imported as it "
            "stands: delete it and import again unless you mean it",
            f"这是模板中的虚构示例行（{key}），已照常导入；如非有意，请删除该行后重新导入",
        ))  # fmt: skip

    def _resolve_in_db(self, unresolved: dict[str, list[tuple[Table, _Where, str]]]) -> None:
        ids = [] if self._nothing_stored else list(unresolved)
        for start in range(0, len(ids), LOOKUP_BATCH):
            self.db_kinds.update(repo.existing_kinds(self.db, ids[start : start + LOOKUP_BATCH]))
        stored = repo.entities_named(
            self.db, [i for i in ids if i not in self.db_kinds], self.who.scope
        )
        for end_id, uses in unresolved.items():
            kind = self.db_kinds.get(end_id)
            for table, where, column in uses:
                rel = table.kind
                assert isinstance(rel, RelKind)
                side = "from_id" if column.endswith("from_id") else "to_id"
                allowed = rel.spec.sources if side == "from_id" else rel.spec.targets
                if kind is None:
                    named = self._named(end_id, allowed, stored)
                    if len(named) == 1:  # a unique name: that entity
                        (found_id, found_kind), = named
                        self.aliases[(rel.value, side, end_id)] = found_id
                        if found_id not in self.kinds:
                            self.db_kinds[found_id] = found_kind
                        continue
                    known = self.unknown_ends.get((end_id, allowed))
                    if known is None:  # said once per name and side, however many rows
                        known = self._unknown_end(end_id, allowed, named)
                        self.unknown_ends[(end_id, allowed)] = known
                    en, zh = known
                elif kind not in allowed:
                    names = ", ".join(sorted(k.value for k in allowed))
                    en = f"{end_id} is a {kind.value}; {table.key} needs one of: {names}"
                    zh = f"{end_id} 是{kind.zh}，类型不符"
                else:
                    continue
                self.bad_refs.add((rel.value, end_id))
                self._problem(
                    Problem(
                        file=where.file,
                        sheet=where.sheet,
                        row=where.row,
                        column=column,
                        value=end_id,
                        reason=en,
                        reason_zh=zh,
                    )
                )
                self.report.count(rel.value, "rejected")

    def _named(
        self, name: str, allowed: frozenset[NodeKind],
        stored: dict[str, list[tuple[str, NodeKind]]],
    ) -> list[tuple[str, NodeKind]]:  # fmt: skip
        """The entities of an allowed kind called ``name``: the input's valid rows, and
        the stored ones inside the caller's areas."""
        found = [(i, k) for i, k in self.names.get(name, []) if self.kinds.get(i) is k]
        found += [(i, k) for i, k in stored.get(name, []) if i not in self.kinds]
        return sorted({(i, k) for i, k in found if k in allowed})

    def _unknown_end(
        self, end_id: str, allowed: frozenset[NodeKind], named: list[tuple[str, NodeKind]]
    ) -> tuple[str, str]:
        """Why an end is neither an id nor a unique name, with what it may have meant."""
        if named:  # more than one entity is called so
            shown = "; ".join(f"{i} ({k.zh} {k.value})" for i, k in named[:MAX_SUGGESTED])
            more = f" … ({len(named)})" if len(named) > MAX_SUGGESTED else ""
            return (
                f"ambiguous name: {len(named)} entities are called '{end_id}': {shown}{more};"
                " give the id",
                f"名称“{end_id}”不唯一，共 {len(named)} 个：{shown}{more}；请填写编号",
            )
        # the full-text look-ups for the first names only: a file of 10,000 rows pointing at
        # an area not yet imported must not cost 10,000 searches
        suggest = len(self.unknown_ends) < MAX_SUGGESTION_LOOKUPS
        close = self._suggest(end_id, allowed) if suggest else ""
        hint = f"; did you mean {close}?" if close else ""
        hint_zh = f"；是否应为 {close}？" if close else ""
        return (
            f"unknown reference: no node with id or name '{end_id}' in the input or database"
            + hint,
            f"引用不存在：输入和数据库中都没有编号或名称为“{end_id}”的节点" + hint_zh,
        )

    def _suggest(self, text: str, allowed: frozenset[NodeKind]) -> str:
        """Up to MAX_SUGGESTED ids and names of an allowed kind close to ``text``: by
        spelling among the input's names, by the full-text index among the stored ones
        inside the caller's areas."""
        from difflib import get_close_matches

        from graph_service.db.entities import search

        found: list[str] = []
        if len(self.names) <= MAX_SPELLING_CANDIDATES:
            for name in get_close_matches(text, list(self.names), n=MAX_SUGGESTED, cutoff=0.6):
                found += [f"{i}（{name}）" for i, k in self.names[name] if k in allowed]
        for hit in search(self.db, self.who, text, limit=MAX_SUGGESTED * 4):
            if hit["kind"] in {k.value for k in allowed}:
                found.append(f"{hit['id']}（{hit['name']}）")
        unique = list(dict.fromkeys(found))[:MAX_SUGGESTED]
        return "、".join(unique)

    # ---- phase 3: writing -----------------------------------------------------------------
    def _write(self, spool: _Spool) -> None:
        for kind, batch in self._node_batches(spool):
            if kind is NodeKind.AREA and self.stray_boundaries:
                batch = [self._kept_boundary(item) for item in batch]
            with _changed_meanwhile(kind.value, batch):
                counts = repo.upsert_nodes(self.db, kind, batch, self.imported_at, self.tx)
            for status, n in counts.items():
                self.report.count(kind.value, status, n)
            self.progress(len(batch))
        if rows := self._boundary_rows():
            counts = stored_boundaries.set_boundaries(self.db, rows, self.imported_at, self.tx)
            for status, n in counts.items():
                self.report.count(NodeKind.AREA.value, status, n)
            self.progress(len(rows))
        for rel, pair, items in self._rel_batches(spool):
            self._write_rels(rel, pair, items)

    def _node_batches(self, spool: _Spool) -> Iterator[tuple[NodeKind, list[dict[str, Any]]]]:
        """The nodes to write, a kind's batch at a time; those the lookups found stored as
        the input gives them (``unchanged_ids``) are counted unchanged and left out."""
        unchanged = self.unchanged_ids
        for kind in NodeKind:
            for batch in spool.batches(kind.value):
                if unchanged:
                    todo = [item for item in batch if item["props"]["id"] not in unchanged]
                    if left := len(batch) - len(todo):
                        self.report.count(kind.value, "unchanged", left)
                        self.progress(left)
                    batch = todo
                if batch:
                    yield kind, batch

    def _rel_batches(
        self, spool: _Spool
    ) -> Iterator[tuple[RelKind, tuple[NodeKind, NodeKind], list[dict[str, Any]]]]:
        """The relationships to write, by type and by the kinds of their two ends, in
        batches of at most BATCH_SIZE; those rejected in phase 2 (a partial import) left out,
        and those the stored terms' lookup found already stored as given (``unchanged_rows``)
        counted unchanged and left out."""
        for rel in RelKind:
            groups: dict[tuple[NodeKind, NodeKind], list[dict[str, Any]]] = defaultdict(list)
            unchanged = self.unchanged_rows if self.unchanged_rows.bits else None
            for batch in spool.batches(rel.value):
                left = 0
                for item in batch:
                    if self._rejected_ref(rel, item) or self._rejected_row(rel, item):
                        continue
                    if unchanged is not None and (rel.value, item) in unchanged:
                        left += 1
                        continue
                    item = self._by_id(rel, item)
                    item = self._for_writing(rel, item)
                    pair = (self._kind(item["from_id"]), self._kind(item["to_id"]))
                    groups[pair].append(item)
                    if len(groups[pair]) >= BATCH_SIZE:
                        yield rel, pair, groups.pop(pair)
                if left:
                    self.report.count(rel.value, "unchanged", left)
                    self.progress(left)
            for pair, items in groups.items():
                yield rel, pair, items

    def _for_writing(self, rel: RelKind, item: dict[str, Any]) -> dict[str, Any]:
        """The row as the write takes it: ``term``, the start of the stored term it replaces
        (its own since unless matched to another, see :meth:`_match_stored`)."""
        where = (rel.value, item["src_file"], item["src_row"])
        term = self.term_targets.get(where, item["props"].get("since"))
        return {key: value for key, value in item.items() if key != "src_sheet"} | {"term": term}

    def _by_id(self, rel: RelKind, item: dict[str, Any]) -> dict[str, Any]:
        """The row with an end given by its unique name given by its id instead."""
        if not self.aliases:
            return item
        ends = {side: self.aliases.get((rel.value, side, item[side]), item[side])
                for side in ("from_id", "to_id")}  # fmt: skip
        return item | ends

    def _rejected_ref(self, rel: RelKind, item: dict[str, Any]) -> bool:
        if not self.bad_refs:
            return False
        return (rel.value, item["from_id"]) in self.bad_refs or (
            rel.value,
            item["to_id"],
        ) in self.bad_refs

    def _kind(self, node_id: str) -> NodeKind:
        return self.kinds.get(node_id) or self.db_kinds[node_id]

    def _write_rels(
        self, rel: RelKind, pair: tuple[NodeKind, NodeKind], items: list[dict[str, Any]]
    ) -> None:
        with _changed_meanwhile(rel.value, items):
            counts = repo.upsert_relationships(self.db, rel, pair[0], pair[1], items,
                                               self.imported_at, self.tx, scope=self.who.scope,
                                               created=self.created)  # fmt: skip
        if (written := sum(counts.values())) < len(items):
            # an end was deleted since it was looked up: MATCH found nothing to connect
            raise _changed(rel.value, items, f"{len(items) - written} of its relationships "
                           "refer to nodes deleted meanwhile", "部分关系引用的节点已被删除")
        for status, n in counts.items():
            self.report.count(rel.value, status, n)
        self.progress(len(items))

    def _count_dry_run(self, spool: _Spool) -> None:
        """In a dry run, count what the import would create, update and leave unchanged:
        the same batches, classified by the same test as the write's (the import_*_status
        fragments), read-only."""
        for kind, batch in self._node_batches(spool):
            for status, n in repo.preview_nodes(self.db, batch).items():
                self.report.count(kind.value, status, n)
            self.progress(len(batch))
        if rows := self._boundary_rows():
            for status, n in stored_boundaries.preview_boundaries(self.db, rows).items():
                self.report.count(NodeKind.AREA.value, status, n)
        for rel, pair, items in self._rel_batches(spool):
            for status, n in repo.preview_relationships(self.db, rel, *pair, items).items():
                self.report.count(rel.value, status, n)
            self.progress(len(items))

    def run(self) -> ImportReport:
        self.who.require_write()
        if self.first_load is not None:
            if self.who.scope is not None:
                raise Forbidden("a first load replaces the whole database: only an admin's "
                                "/ 首次导入会替换整个数据库，仅限管理员")  # fmt: skip
            if entities_stored(self.db):
                raise Conflict(NOT_EMPTY)
        started = time.perf_counter()
        for source in self.sources:
            self.report.digests[source.name] = _digest(source.path)
        with import_folder() as folder, ExitStack() as stack, self.frozen:
            spool = _Spool(folder)
            stack.callback(spool.close)
            beside: CsvBeside | None = None
            if self.first_load is not None and not self.report.dry_run:
                beside = stack.enter_context(CsvBeside(folder / "csv", self.imported_at))
                spool.tee = beside.send
            estimate = estimate_rows(s.path for s in self.sources)
            # a process of its own checks the relationship rows meanwhile: for a first load,
            # and for any input large enough to repay starting it
            rel_rows = RelRows([(s.path, s.name) for s in self.sources], beside=beside is not None
                               or (estimate or 0) >= RELS_BESIDE_MIN_ROWS)  # fmt: skip
            stack.callback(rel_rows.close)
            self.progress.start("validate", estimate)
            self._read_boundaries()
            self._validate_nodes(spool)
            spool.flush()  # every node to the CSV process before any relationship
            self._resolve_features()
            self._validate_relationships(spool, rel_rows)
            spool.close()
            self._check_terms(spool)
            self._check_parents(spool)
            log.info("validated %s rows in %.1f s", f"{self.progress.done:,}",
                     time.perf_counter() - started)  # fmt: skip
            if self.report.problems and not self.report.partial:
                return self.report
            written = len(self.kinds) + self.rel_rows + len(self.boundary_updates)
            self.progress.start("preview" if self.report.dry_run else "write", written)
            if self.report.dry_run:
                self._count_dry_run(spool)
                return self.report
            if self.first_load is not None:
                assert beside is not None
                self._write_first_load(spool, folder, self.first_load, beside)
            elif self.who.scope is None:
                self._write_in_batches(spool)
            else:
                self._write_atomically(spool)
        return self.report

    # ---- phase 3 for the two kinds of principal --------------------------------------------
    def _audit_details(self) -> dict[str, Any]:
        summary = self.report.as_dict()
        return {
            "files": summary["files"], "digests": summary["digests"],
            "partial": summary["partial"], "written": summary["written"],
            "counts": summary["counts"], "totals": summary["totals"],
            "problems": len(self.report.problems),
        }  # fmt: skip

    def _write_in_batches(self, spool: _Spool) -> None:
        """Unscoped (admin, CLI): batches of their own, any size; the trail records the
        start (files and digests) before the first batch and the report after the last,
        so an interrupted import is visible in the trail as a start with no finish."""
        audit.record_alone(self.db, self.who, audit.Change(
            "import.start", details={"files": self.report.files, "digests": self.report.digests},
        ))  # fmt: skip
        self._write(spool)
        self.report.written = True
        audit.record_alone(self.db, self.who, audit.Change(
            "import.finish", details=self._audit_details()
        ))  # fmt: skip

    def _write_first_load(
        self, spool: _Spool, folder: Path, server: OfflineServer, beside: CsvBeside
    ) -> None:
        """Into an empty managed server: the rows :meth:`_write` would write, as CSV files
        for neo4j-admin (services/first_load.py); every row is created. The files written
        beside validation (csv_beside.py) are those unless a row spooled was refused
        afterwards, or an end given by name, or a boundary refused; else they are written
        again from the spool. The trail records the start before the server stops and the
        report once it runs again."""
        written: tuple[CsvFiles, dict[str, int]] | None = None
        if not (self.bad_refs or self.bad_rows or self.aliases or self.stray_boundaries):
            written = beside.finish()
        beside.close()
        log.info("first load: CSV files %s", "written beside validation" if written else
                 "written again from the spool")  # fmt: skip
        if written is None:
            shutil.rmtree(folder / "csv", ignore_errors=True)
            written = self._csv_files(spool, folder / "csv")
        files, counts = written
        for kind in (*NodeKind, *RelKind):
            if n := counts.get(kind.value):
                self.report.count(kind.value, "created", n)
        self.progress(sum(counts.values()))
        assert not self._boundary_rows(), "an empty database has no stored area"
        audit.record_alone(self.db, self.who, audit.Change(
            "import.start", details={"files": self.report.files, "digests": self.report.digests,
                                     "first_load": True},
        ))  # fmt: skip
        load_offline(self.db, server, files)
        self.report.written = True
        audit.record_alone(self.db, self.who, audit.Change(
            "import.finish", details=self._audit_details() | {"first_load": True}
        ))  # fmt: skip

    def _csv_files(self, spool: _Spool, folder: Path) -> tuple[CsvFiles, dict[str, int]]:
        """The spooled rows not refused, as CSV files; the rows of each kind."""
        graph = CsvGraph(folder, self.imported_at)
        graph.folder.mkdir()
        counts: dict[str, int] = defaultdict(int)
        try:
            for kind in NodeKind:
                for batch in spool.batches(kind.value):
                    if kind is NodeKind.AREA and self.stray_boundaries:
                        batch = [self._kept_boundary(item) for item in batch]
                    graph.add_nodes(kind, batch)
                    counts[kind.value] += len(batch)
            for rel, items in self._live_batches(spool):  # no stored term to match
                graph.add_relationships(rel, items)
                counts[rel.value] += len(items)
        finally:
            graph.close()
        return graph.files(), counts

    def _write_atomically(self, spool: _Spool) -> None:
        """Area-scoped: one transaction that refuses to touch anything outside the
        principal's areas — every id of the input must lie inside them once written, and
        every id that already existed must have lain inside them before — so nothing is
        stored unless all of it may be. Limited to SCOPED_IMPORT_MAX_ROWS rows."""
        rels = sum(len(batch) for rel in RelKind for batch in spool.batches(rel.value))
        if len(self.kinds) + rels > SCOPED_IMPORT_MAX_ROWS:
            raise InvalidInput(
                f"an area-scoped import is written in one transaction and may hold at most "
                f"{SCOPED_IMPORT_MAX_ROWS:,} rows; split the files or ask an admin / "
                "区域账号单次导入行数超限，请拆分文件或由管理员导入"
            )
        ids = sorted(set(self.kinds) | set(self.db_kinds))
        saved = copy.deepcopy(self.report.counts)

        def work(tx: ManagedTransaction) -> None:
            self.report.counts = copy.deepcopy(saved)  # a retried transaction starts over
            existing = set(repo.existing_kinds_in(self.db, tx, ids))
            outside = sorted(existing - visible_ids(self.db, tx, self.who, sorted(existing)))
            if outside:
                raise Forbidden(
                    f"{len(outside)} id(s) of the input already exist outside your areas: "
                    f"{', '.join(outside[:10])} / 导入涉及您权限范围外的已有节点",
                    ids=outside[:100],
                )
            self.tx, self.created = tx, frozenset(set(self.kinds) - existing)
            try:
                self._write(spool)
            finally:
                self.tx = None
            stray = sorted(set(self.kinds) - visible_ids(self.db, tx, self.who, sorted(self.kinds)))
            if stray:
                raise Forbidden(
                    f"{len(stray)} node(s) of the input would lie outside your areas: "
                    f"{', '.join(stray[:10])}; place each inside them (located_in, part_of …) "
                    "/ 导入的节点须位于您负责的区域内",
                    ids=stray[:100],
                )
            self.report.written = True
            audit.record(self.db, tx, self.who, audit.Change(
                "import.finish", details=self._audit_details()
            ))  # fmt: skip

        try:
            self.db.execute_write(work, "import_scoped")
        except BaseException:
            self.report.counts = saved
            self.report.written = False
            raise


#: Neo4j's answers when the graph changed under a batch since the import looked at it: a
#: node it connects was deleted, or an id it creates was meanwhile taken by another kind
_CHANGED_MEANWHILE = frozenset({
    "Neo.ClientError.Statement.EntityNotFound",
    "Neo.ClientError.Schema.ConstraintValidationFailed",
})  # fmt: skip


def _changed(table: str, items: Sequence[dict[str, Any]], en: str, zh: str) -> Conflict:
    first, last = items[0], items[-1]
    rows = f"{first['src_file']} row {first['src_row']} – {last['src_file']} row {last['src_row']}"
    return Conflict(
        f"the graph changed while this import was writing {table} ({rows}): {en}. The batches "
        "written before it are kept; run the import again to complete it (rows whose "
        f"references are gone are then reported) / 导入写入 {table} 期间图数据被修改（{zh}）。"
        "此前写入的批次均已保存；重新导入即可完成（引用已不存在的行会在报告中列出）"
    )


@contextmanager
def _changed_meanwhile(table: str, items: Sequence[dict[str, Any]]) -> Iterator[None]:
    """Neo4j refusing a batch because the graph changed under it, as a Conflict naming it."""
    try:
        yield
    except ClientError as exc:
        if exc.code not in _CHANGED_MEANWHILE:
            raise
        zh = "所引用的节点已被删除或编号已被占用"
        raise _changed(table, items, str(exc.message), zh) from exc


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in paths:
        with item.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def import_files(
    db: Database,
    inputs: Sequence[Path | Source],
    *,
    dry_run: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
    who: Principal | None = None,
    error_report: Path | None = None,
    first_load: OfflineServer | None = None,
) -> ImportReport:
    """Validate every input, then (unless a problem was found, or with ``partial``) upsert,
    as ``who`` (default: the operator at the command line, unscoped).

    With ``error_report``, an import that found problems also writes the error workbook
    there (:mod:`loaders.error_workbook`: the inputs' rows with their reasons, bad cells
    marked); one without problems writes none and removes an earlier file at that path, so
    a stale workbook is never taken for this import's.

    With ``first_load`` (the managed server of an empty database), the validated rows are
    written by Neo4j's offline importer instead (:mod:`graph_service.services.first_load`)."""
    sources = [Source.of(item) for item in inputs]
    importer = Importer(db, sources, dry_run=dry_run, partial=partial, progress=progress, who=who,
                        first_load=first_load)  # fmt: skip
    report = importer.run()
    if error_report is not None:
        write_error_report(report, sources, error_report)
    return report


def write_error_report(report: ImportReport, sources: Sequence[Source], out: Path) -> bool:
    """The error workbook of ``report`` over ``sources`` at ``out`` if it has problems;
    otherwise no workbook, and an earlier file at ``out`` removed. Returns whether one was
    written."""
    from loaders.error_workbook import write_error_workbook

    if report.problems:
        write_error_workbook(report.problems, [(s.path, s.name) for s in sources], out)
        return True
    out.unlink(missing_ok=True)
    return False
