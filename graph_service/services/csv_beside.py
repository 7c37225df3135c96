"""A first load's CSV files, written by a second process while the import validates.

Validation holds one core; writing the validated rows as neo4j-admin's CSV files
(:class:`~graph_service.services.first_load.CsvGraph`) is a second pass over every row that
the other core can do meanwhile. Each batch the import spools is also sent here, pickled,
through a pipe (never to disk); this module, run as a process of its own, turns it into CSV
lines as it comes. A thread of the importer writes to the pipe, so that validation goes on
while the process is still busy with the batch before (a pipe holds far less than a batch).

What it writes is what the importer would write afterwards only if no row spooled was
refused later: no relationship end unknown, no term overlapping, no end given by name, no
boundary refused. The importer checks that (:meth:`Importer._write_first_load`) and, where
it does not hold, abandons these files and writes them again from the spool.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import queue
import struct
import subprocess
import sys
import threading
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
#: batches waiting for the pipe: the importer waits beyond that many (memory stays bounded)
QUEUED = 8
_END = b""


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
    """The second process, the pipe to it and the thread that writes to the pipe. ``send``
    a spooled batch; ``finish`` for the files and the rows of each kind, or None if the
    process failed (the importer then writes them itself)."""

    def __init__(self, folder: Path, imported_at: dt.datetime) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(folder), imported_at.isoformat()],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.failed = False
        self.reaped = False  # its pipes closed, its exit status read
        self.queue: queue.Queue[tuple[bytes, bytes] | None] = queue.Queue(QUEUED)
        self.writer = threading.Thread(target=self._write, name="csv-beside", daemon=True)
        self.writer.start()

    def _write(self) -> None:
        """The thread: each queued batch into the pipe, until None (or the process died)."""
        stdin = self.process.stdin
        assert stdin is not None
        while (item := self.queue.get()) is not None:
            if self.failed:
                continue  # drain, so that no sender waits for room
            key, plain = item
            try:
                stdin.write(_SIZE.pack(len(key)) + key)
                if key:  # an empty key is the last frame
                    stdin.write(_SIZE.pack(len(plain)))
                    stdin.write(plain)
            except (OSError, ValueError) as error:  # the process died, its pipe closed
                log.warning("first load: the CSV process stopped (%s); writing afterwards",
                            error)  # fmt: skip
                self.failed = True

    def send(self, key: str, plain: bytes) -> None:
        if not self.failed:
            self.queue.put((key.encode(), plain))

    def _stop_writer(self) -> None:
        if self.writer.is_alive():
            self.queue.put(None)
            self.writer.join()

    def finish(self) -> tuple[CsvFiles, dict[str, int]] | None:
        if not self.failed:
            self.queue.put((_END, _END))
        self._stop_writer()
        if self.failed:
            self.close()
            return None
        try:
            out, err = self.process.communicate()
        except OSError as error:
            out, err = b"", str(error).encode()
        self.reaped = True
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
        if self.process.poll() is None:
            self.process.kill()  # a write the thread waits on fails at once
        self._stop_writer()
        if not self.reaped:
            self.process.communicate()
            self.reaped = True

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
