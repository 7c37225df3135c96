"""Whether Neo4j is known to be away, and one probe in the background for its return.

Without it, every request made while Neo4j is down waits out the driver's retry budget
(``NEO4J_MAX_TRANSACTION_RETRY_TIME``, 15 s) before its 503 — twice when its API key has
to be looked up — and holds a worker thread meanwhile. Once a transaction has failed
because the server cannot be reached, the database is *away*: every transaction asked for
is refused at once (:class:`~graph_service.errors.DatabaseUnavailable`, a 503 whose
``Retry-After`` is the probe's interval), without touching the driver, while one thread
tries a trivial query every ``interval`` seconds. When it answers, the database is back,
and the callbacks given run in that thread (the API applies the schema if needed and
plans the heaviest reads again: a restarted Neo4j has forgotten its plans).

Only "cannot reach it" errors make it away (:data:`AWAY_ERRORS`): a deadlock or a lock
timeout is a transient error of one transaction, retried by the driver, and says nothing
about the others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from neo4j.exceptions import DatabaseUnavailable as Neo4jDatabaseUnavailable
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from graph_service.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

#: What a transaction fails with when the server (or its database) cannot be reached. The
#: driver wraps its sockets' errors in these; a bare OSError is this process's own (a full
#: disk under an export), and says nothing about Neo4j.
AWAY_ERRORS = (ServiceUnavailable, SessionExpired, Neo4jDatabaseUnavailable)


@dataclass(frozen=True)
class _Away:
    since: float
    reason: str


class Availability:
    """The shared "database away" state of one process (see the module's docstring).

    ``probe`` raises unless the database answers; it should take a few seconds at most
    (the driver's connection timeout) and must not retry. ``on_back`` callbacks run in
    the probe's thread, in order, each once per return; an error in one is logged."""

    def __init__(
        self,
        probe: Callable[[], object],
        interval: float,
        on_back: list[Callable[[], object]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.on_back = list(on_back or [])
        self._probe = probe
        self._clock = clock
        self._lock = threading.Lock()
        self._away: _Away | None = None
        self._closed = threading.Event()
        self._watcher: threading.Thread | None = None
        self.outages = 0  # times it went away, and came back: for tests and logs
        self.returns = 0

    @property
    def away(self) -> bool:
        return self._away is not None

    def admit(self) -> None:
        """Return at once if the database is not known to be away; else raise
        DatabaseUnavailable at once."""
        away = self._away
        if away is None:
            return
        seconds = max(0, round(self._clock() - away.since))
        raise DatabaseUnavailable(
            f"Neo4j has been away for {seconds} s ({away.reason}); it is checked again every "
            f"{self.interval:g} s / 数据库已不可用 {seconds} 秒，每 {self.interval:g} 秒重新检查"
        )

    def saw_away(self, error: BaseException) -> None:
        """A transaction failed with ``error``, one of :data:`AWAY_ERRORS`: the database is
        away until the probe finds it back."""
        with self._lock:
            if self._away is not None or self._closed.is_set():
                return
            reason = f"{type(error).__name__}: {error}"[:300]
            self._away = _Away(self._clock(), reason)
            self.outages += 1
            self._watcher = threading.Thread(target=self._watch, name="neo4j-probe",
                                             daemon=True)  # fmt: skip
            self._watcher.start()
        log.warning("Neo4j is away (%s); answering 503 at once, probing every %g s",
                    reason, self.interval)  # fmt: skip

    def _watch(self) -> None:
        while not self._closed.wait(self.interval):
            try:
                self._probe()
            except Exception as exc:  # still away: whatever it raised says so
                log.debug("Neo4j still away: %s", exc)
                continue
            with self._lock:
                away, self._away = self._away, None
                self.returns += 1
            gone = self._clock() - away.since if away else 0.0
            log.warning("Neo4j is back after %.0f s", gone)
            for callback in self.on_back:
                try:
                    callback()
                except Exception:
                    log.exception("after Neo4j came back, %s failed", callback)
            return

    def close(self, wait: float = 5.0) -> None:
        """Stop probing (the process is ending)."""
        self._closed.set()
        watcher = self._watcher
        if watcher is not None and watcher is not threading.current_thread():
            watcher.join(wait)
