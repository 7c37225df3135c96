"""A first load's CSV files, written by a second process while the import validates.

Validation holds one core; writing the validated rows as neo4j-admin's CSV files
(:class:`~graph_service.services.first_load.CsvGraph`) is a second pass over every row that
the other core can do meanwhile. Each batch the import spools is also sent here, pickled,
through a pipe (never to disk); this module, run as a process of its own, turns it into CSV
lines as it comes.

What it writes is what the importer would write afterwards only if no row spooled was
refused later: no relationship end unknown, no term overlapping, no end given by name, no
boundary refused. The importer checks that (:meth:`Importer._write_first_load`) and, where
it does not hold, abandons these files and writes them again from the spool.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import IO

from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.services.first_load import CsvFiles, CsvGraph

log = logging.getLogger(__name__)
_NODES = {kind.value: kind for kind in NodeKind}
_RELS = {rel.value: rel for rel in RelKind}
_SIZE = struct.Struct(">I")  # each frame: the table's key, then the pickled batch


def _read(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the importer stopped sending")
    return data


def serve(
    stream: IO[bytes], folder: Path, imported_at: dt.datetime
) -> tuple[CsvFiles, dict[str, int]]:
    """Batches in, CSV lines out, until an empty key; the files and the rows of each kind."""
    graph = CsvGraph(folder, imported_at)
    written: Counter[str] = Counter()
    folder.mkdir()
    try:
        while key := _read(stream, _SIZE.unpack(_read(stream, _SIZE.size))[0]).decode():
            (size,) = _SIZE.unpack(_read(stream, _SIZE.size))
            rows = pickle.loads(_read(stream, size))  # from the importer, through a pipe
            if key in _NODES:
                graph.add_nodes(_NODES[key], rows)
            else:
                graph.add_relationships(_RELS[key], rows)
            written[key] += len(rows)
    finally:
        graph.close()
    return graph.files(), dict(written)


class CsvBeside:
    """The second process and the pipe to it. ``send`` a spooled batch; ``finish`` for the
    files and the rows of each kind, or None if the process failed (the importer then
    writes them itself)."""

    def __init__(self, folder: Path, imported_at: dt.datetime) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(folder), imported_at.isoformat()],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.failed = False

    def _frame(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(_SIZE.pack(len(data)) + data)

    def send(self, key: str, plain: bytes) -> None:
        if self.failed:
            return
        try:
            self._frame(key.encode())
            self._frame(plain)
        except OSError as error:  # the process died: nothing more to send
            log.warning("first load: the CSV process stopped (%s); writing afterwards", error)
            self.failed = True

    def finish(self) -> tuple[CsvFiles, dict[str, int]] | None:
        if self.failed:
            self.close()
            return None
        try:
            self._frame(b"")
            out, err = self.process.communicate()
        except OSError as error:
            out, err = b"", str(error).encode()
        if self.process.returncode != 0:
            log.warning("first load: the CSV process failed; writing afterwards: %s",
                        err.decode(errors="replace")[-2000:])  # fmt: skip
            self.close()
            return None
        files, written = pickle.loads(out)  # from the process this one started
        return files, written

    def close(self) -> None:
        """Stop the process if it still runs (an import that ends early)."""
        self.failed = True
        if self.process.returncode is None:
            self.process.kill()
            self.process.communicate()

    def __enter__(self) -> CsvBeside:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:  # fmt: skip
        self.close()


def main(argv: list[str]) -> int:
    folder, at = Path(argv[0]), dt.datetime.fromisoformat(argv[1])
    sys.stdout.buffer.write(pickle.dumps(serve(sys.stdin.buffer, folder, at)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
