"""Answers of costly read transactions, kept until the graph changes.

A gap list over a city or a subdistrict's coverage summary reads a large part of the
graph, and the graph changes far less often than organizers ask. Every write transaction
the service runs begins by giving the graph a new *data version*, seen by readers once it
commits (a random token on the
schema meta node, see ``cypher/meta/data_version_bump.cypher``). An answer is kept with
the version it was computed at — read inside the same transaction, so a cluster member
that lags cannot label an old answer with a new version — and served again only while the
graph's version is unchanged. Checking costs one small read.

Writes made around the service (cypher-shell, another tool) do not change the version;
for them an answer is also dropped after ``max_age`` seconds. ``entries=0`` turns it off.

:class:`ResultCache` keeps answers in the process's memory. :class:`SharedResultCache` keeps
them in a SQLite file that the API processes of one machine share (``--workers N``), so a
question computed by one process is answered by all.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


class AnswerCache(Protocol):
    """What a kept read (:func:`graph_service.db.plans.keeping`) needs of a cache."""

    @property
    def enabled(self) -> bool: ...

    def get(self, key: Hashable, version: str) -> tuple[bool, Any]: ...

    def put(self, key: Hashable, version: str, answer: Any) -> None: ...


class _Bounded:
    """How many answers, how old at most, and how often one was found."""

    def __init__(self, entries: int, max_age: float, clock: Callable[[], float]) -> None:
        self.entries = entries
        self.max_age = max_age
        self._clock = clock
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.entries > 0 and self.max_age > 0


class ResultCache(_Bounded):
    """A bounded, thread-safe map of (key, data version) → answer, least recently used out."""

    def __init__(
        self,
        entries: int = 256,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(entries, max_age, clock)
        self._kept: OrderedDict[Hashable, tuple[str, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: str) -> tuple[bool, Any]:
        """``(True, answer)`` when an answer for ``key`` is kept at ``version`` and young
        enough, else ``(False, None)``."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept[0] != version or self._clock() - kept[1] > self.max_age:
                self.misses += 1
                return False, None
            self._kept.move_to_end(key)
            self.hits += 1
            return True, kept[2]

    def put(self, key: Hashable, version: str, answer: Any) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._kept[key] = (version, self._clock(), answer)
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


class SharedResultCache(_Bounded):
    """The same map in a SQLite file (WAL, mode 0600) shared by the processes of one
    machine; the oldest answers out beyond ``entries``. Answers are pickled: the file is
    the service's own, beside its data. A cache that fails (a locked or unwritable file)
    is a miss, never a failed request."""

    def __init__(
        self,
        path: Path,
        entries: int = 256,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(entries, max_age, clock)
        self.path = path
        self._local = threading.local()
        if self.enabled:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            self._db().execute(
                "CREATE TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY, version TEXT NOT NULL, "
                "at REAL NOT NULL, answer BLOB NOT NULL)"
            )

    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")  # a lost answer is only recomputed
            self._local.connection = connection
        return connection

    @staticmethod
    def _name(key: Hashable) -> str:
        # keys are tuples of str, int, date and None: their repr is the same in every process
        return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()

    def get(self, key: Hashable, version: str) -> tuple[bool, Any]:
        try:
            row = self._db().execute(
                "SELECT version, at, answer FROM kept WHERE key = ?", (self._name(key),)
            ).fetchone()
            if row is not None and row[0] == version and self._clock() - row[1] <= self.max_age:
                self.hits += 1
                return True, pickle.loads(row[2])
        except (sqlite3.Error, pickle.UnpicklingError) as exc:
            log.warning("result cache %s: %s", self.path, exc)
        self.misses += 1
        return False, None

    def put(self, key: Hashable, version: str, answer: Any) -> None:
        if not self.enabled:
            return
        blob = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            db = self._db()
            db.execute("INSERT OR REPLACE INTO kept VALUES (?, ?, ?, ?)",
                       (self._name(key), version, self._clock(), blob))  # fmt: skip
            db.execute("DELETE FROM kept WHERE key IN "
                       "(SELECT key FROM kept ORDER BY at DESC LIMIT -1 OFFSET ?)",
                       (self.entries,))  # fmt: skip
        except sqlite3.Error as exc:
            log.warning("result cache %s: %s", self.path, exc)

    def __len__(self) -> int:
        return int(self._db().execute("SELECT count(*) FROM kept").fetchone()[0])
