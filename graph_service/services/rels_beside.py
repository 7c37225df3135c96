"""A large import's relationship rows read and checked by their models in a second process.

The importer checks every node before any relationship (a relationship's ends must be
known). Reading a relationship row and checking it by its model
(:func:`~graph_service.services.row_checks.checked_rel_rows`) needs no node, and is most of
the work of the relationships, which are most of the rows. So for a first load, and for
any import of :data:`~graph_service.services.imports.RELS_BESIDE_MIN_ROWS` rows or more, a
process of its own reads the input's relationship tables from the start, while the
importer checks the nodes, and sends each table's checked rows back through a pipe (never
to disk), a chunk at a time; the importer takes them up in order once the nodes are done
and does the rest (ends, examples, names, terms) as for rows it checked itself.

A thread of this process writes to the pipe, so that it reads on while the importer is
still busy with the nodes; what it has checked meanwhile waits in its memory. Should the
process fail, the importer reads and checks the rest itself, from the table and the row it
had reached (:class:`RelRows`).
"""

from __future__ import annotations

import logging
import pickle
import queue
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, Any

from graph_service.domain.kinds import RelKind
from graph_service.domain.tables import REL_TABLES
from graph_service.services.row_checks import CheckedRel, checked_rel_rows
from loaders.readers import BOUNDARY_SUFFIX, read_tables
from loaders.rows import RawTable

log = logging.getLogger(__name__)
_SIZE = struct.Struct(">I")
#: rows sent at a time
CHUNK = 5_000


def rel_tables(sources: Sequence[tuple[Path, str]]) -> Iterator[RawTable]:
    """The relationship tables of the input's files (path, name the organizer knows), in the
    order the importer takes them."""
    for path, name in sources:
        if Path(name).suffix.lower() == BOUNDARY_SUFFIX:
            continue  # boundaries are read apart
        for item in read_tables(path, display_name=name):
            if isinstance(item, RawTable) and not item.table.is_node:
                yield item


# ---- the second process ---------------------------------------------------------------------
def serve(sources: Sequence[tuple[Path, str]], out: IO[bytes], chunk_rows: int = CHUNK) -> None:
    """Each relationship table: ``("table", type, file, sheet)``, then its checked rows,
    ``("rows", [...])`` a chunk at a time; at the end ``("end",)``."""
    waiting: queue.Queue[bytes | None] = queue.Queue()  # unbounded: read on meanwhile

    def write() -> None:
        while (data := waiting.get()) is not None:
            out.write(_SIZE.pack(len(data)) + data)
        out.flush()

    writer = threading.Thread(target=write, name="rels-beside", daemon=True)
    writer.start()

    def send(frame: tuple[Any, ...]) -> None:
        waiting.put(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))

    for raw in rel_tables(sources):
        rel = raw.table.kind
        assert isinstance(rel, RelKind) and REL_TABLES[rel] is raw.table
        send(("table", rel.value, raw.file, raw.sheet))
        rows = checked_rel_rows(raw)
        while chunk := list(islice(rows, chunk_rows)):
            send(("rows", chunk))
    send(("end",))
    waiting.put(None)
    writer.join()


def main() -> int:
    sources, chunk_rows = pickle.load(sys.stdin.buffer)  # from the importer that started it
    serve(sources, sys.stdout.buffer, chunk_rows)
    return 0


# ---- the importer's side --------------------------------------------------------------------
class RelRows:
    """The input's relationship tables, each with its rows checked by the model: from the
    second process (a first load, a large import), or read here (any other import, or should
    the process fail)."""

    def __init__(
        self, sources: Sequence[tuple[Path, str]], *, beside: bool, chunk_rows: int = CHUNK
    ) -> None:
        self.sources = list(sources)
        self.process: subprocess.Popen[bytes] | None = None
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115  its stderr (closed in close)
        if beside:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self.errors,
            )  # fmt: skip
            assert self.process.stdin is not None
            self.process.stdin.write(pickle.dumps((self.sources, chunk_rows)))
            self.process.stdin.close()
        self.failed = False

    def tables(self) -> Iterator[tuple[RawTable, Iterator[CheckedRel]]]:
        """Each relationship table, and its rows checked, in the importer's order; a table's
        rows are to be taken up before the next table."""
        if self.process is None:
            yield from self._read_here(0)
            return
        index, frame = 0, self._next()
        while frame is not None and frame[0] == "table":
            _, rel, file, sheet = frame
            raw = RawTable(REL_TABLES[RelKind(rel)], file, sheet, iter(()))
            yield raw, self._rows(index, raw)
            index, frame = index + 1, self._after
        if frame is None or frame[0] != "end":
            if frame is not None:
                self._fail(ValueError(f"unexpected frame {frame[0]!r}"))
            yield from self._read_here(index)

    def _rows(self, index: int, raw: RawTable) -> Iterator[CheckedRel]:
        """The rows of the ``index``-th table from the process; the rest read here if it
        fails. The frame after them is left in ``_after``."""
        taken = 0
        while (frame := self._next()) is not None and frame[0] == "rows":
            taken += len(frame[1])
            yield from frame[1]
        self._after = frame
        if frame is None:  # perhaps before the table's last rows: those not taken, here
            for here, rows in self._read_here(index):
                assert (here.table, here.file, here.sheet) == (raw.table, raw.file, raw.sheet)
                yield from islice(rows, taken, None)
                break

    _after: tuple[Any, ...] | None = None

    def _next(self) -> tuple[Any, ...] | None:
        """The process's next frame, or None once it failed."""
        if self.failed or self.process is None or self.process.stdout is None:
            return None
        try:
            header = self.process.stdout.read(_SIZE.size)
            if len(header) != _SIZE.size:
                raise EOFError("the process stopped before the end")
            (size,) = _SIZE.unpack(header)
            data = self.process.stdout.read(size)
            if len(data) != size:
                raise EOFError("the process stopped sending")
            frame: tuple[Any, ...] = pickle.loads(data)  # from the process this one started
            return frame
        except (EOFError, OSError, pickle.UnpicklingError) as error:
            self._fail(error)
            return None

    def _fail(self, error: BaseException) -> None:
        self.failed = True
        self.errors.seek(0)
        said = self.errors.read()[-2000:].decode(errors="replace")
        log.warning("first load: the relationships' process failed (%s); reading them here: %s",
                    error, said)  # fmt: skip
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def _read_here(self, first: int) -> Iterator[tuple[RawTable, Iterator[CheckedRel]]]:
        """The tables from the ``first``-th on, read and checked in this process."""
        for raw in islice(rel_tables(self.sources), first, None):
            yield raw, checked_rel_rows(raw)

    def close(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()  # done with it, or the import ends early
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process.wait()
            self.process = None
        self.errors.close()


if __name__ == "__main__":
    raise SystemExit(main())
