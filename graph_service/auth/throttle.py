"""Slowing down password guessing: a growing wait after repeated wrong passwords.

Failures are counted per (account name, client address). The first ``free`` failures cost
nothing; each further one makes the next attempt wait ``delay``, then twice that, … up to
``max_delay``. An attempt during the wait is refused before the password is checked (429
with Retry-After), so guessing costs the guesser time without costing the server argon2
work. A correct password clears the count; a quiet ``forget_after`` clears it too.

The counts live in the API process: with several worker processes a guesser gets that many
times the attempts, still growing exponentially slower.

>>> clock = iter([0, 0, 0, 0, 0.5, 2.0]).__next__
>>> t = SignInThrottle(free=2, delay=1.0, max_delay=60, clock=clock)
>>> t.failed("k"); t.failed("k"); t.wait("k")   # two free failures
0.0
>>> t.failed("k")                                # the third: the next attempt waits 1 s
>>> t.wait("k"), t.wait("k")                     # asked at 0.5 s and at 2 s
(0.5, 0.0)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 100_000


@dataclass
class _Record:
    failures: int
    last: float
    until: float


class SignInThrottle:
    def __init__(
        self,
        free: int,
        delay: float,
        max_delay: float,
        forget_after: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.delay, self.max_delay = free, delay, max_delay
        self.forget_after = max(forget_after, max_delay)
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds to wait before ``key`` may try again (0: it may now)."""
        with self._lock:
            record = self._records.get(key)
            if record is None:
                return 0.0
            now = self._clock()
            if now - record.last > self.forget_after:
                del self._records[key]
                return 0.0
            return max(0.0, record.until - now)

    def failed(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            if len(self._records) >= MAX_KEYS:
                self._forget_old(now)
            record = self._records.setdefault(key, _Record(0, now, now))
            record.failures += 1
            record.last = now
            over = record.failures - self.free
            if over > 0:
                record.until = now + min(self.max_delay, self.delay * 2 ** min(over - 1, 30))

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)

    def _forget_old(self, now: float) -> None:
        for key in [k for k, r in self._records.items() if now - r.last > self.forget_after]:
            del self._records[key]
        if len(self._records) >= MAX_KEYS:  # a flood of names: keep the newest half
            newest = sorted(self._records.items(), key=lambda kv: kv[1].last)[MAX_KEYS // 2 :]
            self._records = dict(newest)
