"""Answers of costly read transactions, kept until the graph changes.

A gap list over a city or a subdistrict's coverage summary reads a large part of the
graph, and the graph changes far less often than organizers ask. Every write transaction
the service runs ends by giving the graph a new *data version* (a random token on the
schema meta node, see ``cypher/meta/data_version_bump.cypher``). An answer is kept with
the version it was computed at — read inside the same transaction, so a cluster member
that lags cannot label an old answer with a new version — and served again only while the
graph's version is unchanged. Checking costs one small read.

Writes made around the service (cypher-shell, another tool) do not change the version;
for them an answer is also dropped after ``max_age`` seconds. The cache is per process;
``entries=0`` turns it off.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ResultCache:
    """A bounded, thread-safe map of (key, data version) → answer, least recently used out."""

    def __init__(
        self,
        entries: int = 256,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.entries = entries
        self.max_age = max_age
        self._clock = clock
        self._kept: OrderedDict[Hashable, tuple[str, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.entries > 0 and self.max_age > 0

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
