"""The only code that runs Cypher: named queries through managed transactions.

Reads go through ``execute_read`` and writes through ``execute_write``, so a cluster or
Aura routes each to the right member and the driver retries transient errors. Driver
errors that mean "the database is away" become :class:`DatabaseUnavailable`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from neo4j.exceptions import (
    DatabaseUnavailable as Neo4jDatabaseUnavailable,
)

from graph_service.config import Settings
from graph_service.db import org_areas
from graph_service.db.availability import AWAY_ERRORS, Availability
from graph_service.db.plans import (
    KeptRead,
    Outcome,
    Plan,
    PlanMaker,
    Step,
    keeping,
    run_together,
    run_with,
)
from graph_service.db.records import native, record_dict
from graph_service.db.registry import Mode, Query, QueryRegistry
from graph_service.db.result_cache import AnswerCache
from graph_service.errors import DatabaseUnavailable, QueryTimedOut, SchemaNotReady

log = logging.getLogger(__name__)

T = TypeVar("T")
Record = dict[str, Any]

_UNAVAILABLE = (ServiceUnavailable, SessionExpired, Neo4jDatabaseUnavailable, TransientError,
                AuthError, OSError)  # fmt: skip


def open_driver(settings: Settings) -> Driver:
    """One driver for the whole process; the caller closes it."""
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        connection_timeout=settings.neo4j_connection_timeout,
        max_transaction_retry_time=settings.neo4j_max_transaction_retry_time,
        connection_acquisition_timeout=settings.neo4j_connection_timeout * 2,
        liveness_check_timeout=30.0,
        # "unknown label/property" on an empty database is expected, not worth a log line
        notifications_disabled_categories=["UNRECOGNIZED"],
    )


@contextmanager
def unavailable_as_503(
    seen_away: Callable[[BaseException], None] | None = None,
) -> Iterator[None]:
    """Translate the driver's "cannot reach the database" errors to DatabaseUnavailable;
    those that mean the server is away (:data:`~graph_service.db.availability.AWAY_ERRORS`)
    are told to ``seen_away`` first."""
    try:
        yield
    except _UNAVAILABLE as exc:
        if seen_away is not None and isinstance(exc, AWAY_ERRORS):
            seen_away(exc)
        raise DatabaseUnavailable(f"Neo4j is not reachable: {type(exc).__name__}: {exc}") from exc
    except ClientError as exc:
        if exc.code and "TransactionTimedOut" in exc.code:
            raise QueryTimedOut(
                "the query ran past its time limit and was stopped; narrow it (an area, a "
                "smaller page) / 查询超时已终止，请缩小范围",
            ) from exc
        raise


def schema_version(registry: QueryRegistry) -> str:
    """The expected schema version: a digest of every schema statement."""
    digest = hashlib.sha256()
    for query in registry.schema():
        digest.update(query.text.encode("utf-8"))
    return digest.hexdigest()[:16]


class AuditPosition(NamedTuple):
    """The number and hash of the audit trail's last event (0 and "" before the first)."""

    seq: int
    hash: str


class Fetch(NamedTuple):
    """The entities a write names, read with the write lock (see :meth:`Database.execute_write`),
    as the area scope ``scope`` sees them (None: everything), and the relationships it
    names, each as (type, from id, to id)."""

    ids: Sequence[str]
    scope: Sequence[str] | None
    rels: Sequence[tuple[str, str, str]] = ()


@dataclass
class _Writing:
    """What one running write transaction holds: the audit head it read with the write lock
    (moved on by each event it appends), the entities it named, and the event waiting for
    the transaction's next statement to carry it (see :meth:`Database.run_in`)."""

    head: AuditPosition
    fetched: dict[str, Record]
    fetched_rels: dict[tuple[str, str, str], list[Record]]
    pending: dict[str, Any] | None = None

    def take_pending(self) -> dict[str, Any]:
        """The waiting event's parameters (``audit_append``'s); nothing waits after."""
        pending, self.pending = self.pending, None
        assert pending is not None
        return pending


class Database:
    """Runs the registry's named queries on one database through one driver."""

    def __init__(
        self,
        driver: Driver,
        registry: QueryRegistry,
        database: str,
        timeout: float = 30.0,
        results: AnswerCache | None = None,
        audit_key: bytes | None = None,
        availability: Availability | None = None,
    ) -> None:
        self.driver = driver
        self.registry = registry
        self.database = database
        self.timeout = timeout
        self.results = results
        #: signs the audit trail (see :mod:`graph_service.db.audit`); None: plain hashes
        self.audit_key = audit_key
        # each running write transaction's state (see _Writing)
        self._writing: dict[int, _Writing] = {}
        # this process's writes wait here, not in Neo4j's lock manager (see execute_write)
        self._write_turn = threading.RLock()
        # None: every transaction tries the server (and waits out the driver's retries)
        self.availability = availability

    @contextmanager
    def _reaching(self) -> Iterator[None]:
        """Around every use of the driver: refused at once while the database is known to
        be away (see :mod:`graph_service.db.availability`); its errors as 503s."""
        gate = self.availability
        if gate is None:
            with unavailable_as_503():
                yield
            return
        gate.admit()
        with unavailable_as_503(gate.saw_away):
            yield

    def probe(self) -> None:
        """One trivial query, not retried: raises unless the database answers now."""
        with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            session.run(self.registry["ping"].text).consume()

    # ---- running named queries --------------------------------------------------------
    def _text(self, query: Query, placeholders: Mapping[str, Enum]) -> str:
        return query.render(**placeholders) if query.placeholders else query.text

    def _check(self, query: Query, params: Mapping[str, Any], mode: Mode) -> None:
        if query.mode is not mode:
            raise ValueError(f"query {query.name} is {query.mode}, not {mode}")
        if set(params) != set(query.params):
            raise ValueError(
                f"query {query.name} takes {sorted(query.params)}, got {sorted(params)}"
            )

    def read(
        self, name: str, /, placeholders: Mapping[str, Enum] | None = None, **params: Any
    ) -> list[Record]:
        """Run a read query; return its records as plain dicts."""
        query = self.registry[name]
        if not query.requests:  # a query of requests reads (the registry sees to it)
            self._check(query, params, Mode.READ)  # before a session opens
        return self.execute_read(lambda tx: self.run_in(tx, name, placeholders, **params), name)

    def write(
        self, name: str, /, placeholders: Mapping[str, Enum] | None = None, **params: Any
    ) -> list[Record]:
        """Run a write query in its own managed transaction; return its records."""
        query = self.registry[name]
        self._check(query, params, Mode.WRITE)
        text = self._text(query, placeholders or {})

        def work(tx: ManagedTransaction) -> list[Record]:
            return [record_dict(record) for record in tx.run(text, params)]

        return self.execute_write(work, query.name)

    def execute_read(self, work: Callable[[ManagedTransaction], T], label: str = "") -> T:
        """Run a transaction function routed as a read (several named queries in one tx)."""
        with (
            self._reaching(),
            self.driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session,
        ):
            return session.execute_read(
                neo4j.unit_of_work(timeout=self.timeout, metadata={"query": label})(work)
            )

    def execute_write(
        self, work: Callable[[ManagedTransaction], T], label: str = "", fetch: Fetch | None = None
    ) -> T:
        """Run a transaction function routed as a write, serialised with every other write.

        It starts by giving the graph a new data version (see
        :mod:`graph_service.db.result_cache`), which takes the graph's one write lock until
        it ends: writes run one after another, each seeing the ones before committed. Neo4j
        reads at read-committed isolation, so without it two writers read the same state
        and the later undid the earlier (a PATCH lost, a relationship created twice); and
        every write ends on the same two nodes anyway (the data version, the audit trail's
        head), which writers holding other locks first took in different orders: Neo4j
        found the deadlocks and the driver ran the transactions again, seconds later.

        Writes run one at a time, so what counts is how long each holds the lock: that
        statement also reads the entities ``fetch`` names (see :meth:`fetched`), and an
        audit event travels with the statement after it (:meth:`carry_audit`), which
        saves a write two of its round trips to Neo4j. Within one process, writes wait
        for their turn before they reach Neo4j: waiting there costs it CPU the writer
        holding the lock would use.
        """
        bump = self.registry["data_version_bump"].text
        ids = list(dict.fromkeys(fetch.ids)) if fetch else []
        scope = list(fetch.scope) if fetch and fetch.scope is not None else None
        rels = [{"type": str(kind), "from_id": start, "to_id": end}
                for kind, start, end in (fetch.rels if fetch else ())]  # fmt: skip

        def locked(tx: ManagedTransaction) -> T:
            head = tx.run(bump, ids=ids, scope=scope, rels=rels).single()
            state = _Writing(
                head=AuditPosition(int(head["seq"] or 0), str(head["hash"] or ""))
                if head
                else AuditPosition(0, ""),
                fetched={node["id"]: dict(node) for node in (head["nodes"] if head else [])},
                fetched_rels={},
            )
            for r in head["rels"] if head else []:
                state.fetched_rels.setdefault((r["type"], r["from_id"], r["to_id"]), []).append(
                    dict(r)
                )
            self._writing[id(tx)] = state
            try:
                answer = work(tx)
                if state.pending is not None:  # no statement came after the event
                    tx.run(self.registry["audit_append"].text, state.take_pending())
                return answer
            finally:
                del self._writing[id(tx)]

        with (
            self._write_turn,
            self._reaching(),
            self.driver.session(
                database=self.database, default_access_mode=neo4j.WRITE_ACCESS
            ) as session,
        ):
            return session.execute_write(
                neo4j.unit_of_work(timeout=self.timeout, metadata={"query": label})(locked)
            )

    def fetched(self, tx: ManagedTransaction) -> Mapping[str, Record]:
        """The entities the write transaction named in ``fetch``, by id, read with the
        write lock: ``kind``, ``visible`` (in the fetch's scope), ``props``, ``latitude``
        and ``longitude`` as node_get gives them. An id that does not exist is absent."""
        return self._writing[id(tx)].fetched

    def fetched_terms(
        self, tx: ManagedTransaction, rel: str, from_id: str, to_id: str
    ) -> list[Record]:
        """The terms of a relationship the write transaction named in ``fetch``, read with
        the write lock (``props`` as rel_terms gives them), by start date, no start first;
        empty when there is none (see :mod:`graph_service.domain.terms`)."""
        found = self._writing[id(tx)].fetched_rels.get((rel, from_id, to_id), [])
        return sorted(found, key=lambda r: native(r["props"].get("since")) or dt.date.min)

    def audit_position(self, tx: ManagedTransaction) -> AuditPosition:
        """The audit trail's last event as this write transaction found it when it took the
        graph's write lock, moved on by the events it appended since (see
        :func:`graph_service.db.audit.record`)."""
        return self._writing[id(tx)].head

    def carry_audit(
        self, tx: ManagedTransaction, event: dict[str, Any], digest: str, head_mac: str | None
    ) -> None:
        """Append an audit event with the transaction's next statement (or at its end).

        An event already waiting is appended first, on its own: events are appended in the
        order they are given."""
        state = self._writing[id(tx)]
        if state.pending is not None:
            tx.run(self.registry["audit_append"].text, state.take_pending())
        state.pending = {"event": event, "hash": digest, "head_mac": head_mac}
        state.head = AuditPosition(int(event["seq"]), digest)

    def run_in(
        self,
        tx: ManagedTransaction,
        name: str,
        /,
        placeholders: Mapping[str, Enum] | None = None,
        **params: Any,
    ) -> list[Record]:
        """Run a named query inside a transaction function given to execute_read/write."""
        query = self.registry[name]
        if query.requests:  # one request of a query that answers several
            return self.run_requests(tx, name, placeholders, [params])[0]
        if set(params) != set(query.params):
            raise ValueError(f"query {name} takes {sorted(query.params)}, got {sorted(params)}")
        text = self._text(query, placeholders or {})
        state = self._writing.get(id(tx))
        if state is not None and state.pending is not None:
            pending = state.take_pending()
            text = self.registry["audit_append_first"].text + "\n" + text
            params = params | {f"audit_{key}": value for key, value in pending.items()}
        return [record_dict(record) for record in tx.run(text, params)]

    def run_requests(
        self,
        tx: ManagedTransaction,
        name: str,
        placeholders: Mapping[str, Enum] | None,
        requests: Sequence[Mapping[str, Any]],
    ) -> list[list[Record]]:
        """Run a query that answers several requests (``// requests:``, see
        :mod:`graph_service.db.registry`) for all of ``requests`` at once: each one's rows,
        in order."""
        query = self.registry[name]
        for params in requests:
            if set(params) != query.requests:
                raise ValueError(
                    f"query {name} takes requests of {sorted(query.requests)}, got {sorted(params)}"
                )
        text = self._text(query, placeholders or {})
        answers: list[list[Record]] = [[] for _ in requests]
        for record in tx.run(text, {"requests": list(requests)}):
            row = record_dict(record)
            answers[row.pop("request")].append(row)
        return answers

    def _read_step(self, tx: ManagedTransaction, wanted: Step) -> list[Record]:
        if (mode := self.registry[wanted.name].mode) is not Mode.READ:
            raise ValueError(f"query {wanted.name} is {mode}: a read plan only reads")
        return self.run_in(tx, wanted.name, wanted.placeholders, **wanted.params)

    def run_plan_in(self, tx: ManagedTransaction, plan: Plan[T]) -> T:
        """Run a read plan (see :mod:`graph_service.db.plans`) inside a transaction."""
        return run_with(plan, lambda wanted: self._read_step(tx, wanted))

    def run_plans_in(self, tx: ManagedTransaction, plans: Sequence[Plan[Any]]) -> list[Outcome]:
        """Run several read plans inside one transaction, in step (see
        :func:`~graph_service.db.plans.run_together`): the steps they wait on at the same
        time of a query that answers several requests are sent as one query. Each plan's
        answer, or the error its own logic raised (e.g. not found); a query's error is
        raised."""

        def together(wanted: Step) -> Hashable | None:
            if not self.registry[wanted.name].requests:
                return None
            return wanted.name, tuple(sorted((wanted.placeholders or {}).items()))

        def run_many(steps: list[Step]) -> list[list[Record]]:
            first = steps[0]
            return self.run_requests(tx, first.name, first.placeholders,
                                     [each.params for each in steps])  # fmt: skip

        return run_together(plans, lambda wanted: self._read_step(tx, wanted), together, run_many)

    def read_plan(self, make: PlanMaker[T], label: str = "") -> T:
        """Run a read plan in a managed read transaction of its own."""
        return self.execute_read(lambda tx: self.run_plan_in(tx, make()), label)

    def read_kept(self, kept: KeptRead[T]) -> T:
        """Run a read plan whose answer the result cache keeps (see
        :func:`~graph_service.db.plans.keeping`), each read in a transaction of its own."""
        cache = self.results
        if cache is None or not cache.enabled:
            return self.read_plan(kept.make, kept.label)
        flow = keeping(kept, cache)
        wanted = next(flow)
        while True:
            try:
                wanted = flow.send(self.read_plan(wanted.make, wanted.label))
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]

    # ---- schema ---------------------------------------------------------------------------
    @property
    def expected_schema_version(self) -> str:
        return schema_version(self.registry)

    def apply_schema(self) -> str:
        """Apply every schema statement (idempotent), store every party organization's
        area again (:mod:`graph_service.db.org_areas`), then record the version."""
        statements = [s for query in self.registry.schema() for s in query.statements()]
        # An index fills in the background; a constraint's index fills before CREATE
        # returns. Indexes first, so that they fill while the constraints and the areas
        # are made.
        statements.sort(key=lambda statement: "CONSTRAINT" in statement.split(None, 2)[1])
        with self._reaching(), self.driver.session(database=self.database) as session:
            for statement in statements:
                # Schema commands cannot run in a managed transaction with data
                # writes; each is an auto-commit query of its own.
                session.run(statement).consume()
            org_areas.store_all(self)
            session.run("CALL db.awaitIndexes(300)").consume()
        version = self.expected_schema_version
        self.write("schema_version_set", version=version)
        return version

    def current_schema_version(self) -> str | None:
        rows = self.read("schema_version_get")
        return rows[0]["version"] if rows else None

    def ensure_schema(self) -> str:
        """Apply the schema unless it is already at the expected version."""
        if self.current_schema_version() != self.expected_schema_version:
            return self.apply_schema()
        return self.expected_schema_version

    def check_ready(self) -> None:
        """Raise DatabaseUnavailable or SchemaNotReady unless ready to serve."""
        self.read("ping")
        current = self.current_schema_version()
        if current != self.expected_schema_version:
            raise SchemaNotReady(
                f"schema version is {current}, expected {self.expected_schema_version}"
            )

    def wipe(self, batch: int = 10_000) -> int:
        """Delete all domain data, keeping the schema. Returns nodes deleted."""
        total = 0
        while True:
            deleted = int(self.write("wipe_data", batch=batch)[0]["deleted"])
            total += deleted
            if deleted == 0:
                return total
