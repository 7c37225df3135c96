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
question computed by one process is answered by all. :class:`RedisResultCache` keeps them
in a Redis or Valkey server that API processes on several machines share, behind each
process's own memory (:class:`Tiered`): an answer is served under the same rule whichever
process kept it — only at the graph's current data version — so no process serves an answer
older than the last write made through any of them.
"""

from __future__ import annotations

import hashlib
import hmac
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


class RedisResultCache(_Bounded):
    """Kept answers in a Redis or Valkey server (``RESULT_CACHE_URL``), shared by API
    processes on several machines. Each answer is stored under a digest of its key with its
    version, expires after ``max_age`` (Redis drops it; ``entries`` is left to the server's
    ``maxmemory`` policy), and is pickled under an HMAC: an answer that someone else wrote
    into the store is refused, never unpickled. A store that fails (down, slow: 0.5 s) is a
    miss, never a failed request; while it fails, each call waits at most that long."""

    PREFIX = b"graph-service:kept:"

    def __init__(
        self,
        url: str,
        mac_key: bytes,
        entries: int = 256,
        max_age: float = 300.0,
        timeout: float = 0.5,
    ) -> None:
        import redis

        super().__init__(entries, max_age, time.time)
        self.url = url
        self._mac_key = mac_key
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._redis = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout,
            health_check_interval=30,
        )  # fmt: skip

    def _name(self, key: Hashable) -> bytes:
        # keys are tuples of str, int, date and None: their repr is the same in every process
        return self.PREFIX + hashlib.sha256(repr(key).encode("utf-8")).hexdigest().encode()

    def _seal(self, name: bytes, version: str, blob: bytes) -> bytes:
        head = version.encode("utf-8")
        mac = hmac.new(self._mac_key, name + b"\0" + head + b"\0" + blob, "sha256").digest()
        return mac + len(head).to_bytes(2, "big") + head + blob

    def _open(self, name: bytes, sealed: bytes) -> tuple[str, bytes] | None:
        mac, size = sealed[:32], int.from_bytes(sealed[32:34], "big")
        head, blob = sealed[34 : 34 + size], sealed[34 + size :]
        wanted = hmac.new(self._mac_key, name + b"\0" + head + b"\0" + blob, "sha256").digest()
        if not hmac.compare_digest(mac, wanted):
            return None
        return head.decode("utf-8"), blob

    def get(self, key: Hashable, version: str) -> tuple[bool, Any]:
        name = self._name(key)
        try:
            sealed = self._redis.get(name)
        except self._errors as exc:
            log.warning("result cache %s: %s", self.url, exc)
            sealed = None
        opened = self._open(name, sealed) if isinstance(sealed, bytes) else None
        if sealed is not None and opened is None:
            log.warning("result cache %s: an answer not sealed by this service, ignored", self.url)
        if opened is not None and opened[0] == version:
            self.hits += 1
            return True, pickle.loads(opened[1])
        self.misses += 1
        return False, None

    def put(self, key: Hashable, version: str, answer: Any) -> None:
        if not self.enabled:
            return
        name = self._name(key)
        sealed = self._seal(name, version, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        try:
            self._redis.set(name, sealed, px=max(1, int(self.max_age * 1000)))
        except self._errors as exc:
            log.warning("result cache %s: %s", self.url, exc)

    def close(self) -> None:
        self._redis.close()


class Tiered:
    """A process's own memory in front of a shared store: an answer found in the store is
    kept in memory too, and one computed here is put in both. Both are keyed by the data
    version, so the memory never answers what the store would not."""

    def __init__(self, local: ResultCache, shared: AnswerCache) -> None:
        self.local = local
        self.shared = shared

    @property
    def enabled(self) -> bool:
        return self.shared.enabled

    @property
    def hits(self) -> int:
        """Answers found, in memory or in the store."""
        return self.local.hits + getattr(self.shared, "hits", 0)

    def get(self, key: Hashable, version: str) -> tuple[bool, Any]:
        found, answer = self.local.get(key, version)
        if found:
            return found, answer
        found, answer = self.shared.get(key, version)
        if found:
            self.local.put(key, version, answer)
        return found, answer

    def put(self, key: Hashable, version: str, answer: Any) -> None:
        self.local.put(key, version, answer)
        self.shared.put(key, version, answer)
