"""API key digest → principal, remembered for a few seconds.

Looking a key up is one read transaction per request; for the light reads (an entity, its
supporters) that is a third of the work. Remembering the answer for ``AUTH_CACHE_SECONDS``
(default 5) removes it, at a price: a revoked key, or a changed role or area, takes effect
within that time instead of on the next request. Unknown keys are not remembered, so a new
key works at once. ``seconds=0`` looks every key up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from graph_service.auth.principal import Principal

MAX_KEYS = 10_000


class KeyCache:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._known: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            known = self._known.get(digest)
            if known is None:
                return None
            if self._clock() >= known[0]:
                del self._known[digest]
                return None
            return known[1]

    def put(self, digest: str, principal: Principal) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._known) >= MAX_KEYS:
                self._known.clear()
            self._known[digest] = (self._clock() + self.seconds, principal)

    def forget(self, name: str) -> None:
        """Forget the keys of the account ``name`` (revoked here: at once in this process;
        other processes within ``seconds``)."""
        with self._lock:
            for digest in [d for d, (_, p) in self._known.items() if p.name == name]:
                del self._known[digest]
