"""Read plans awaited on the event loop, run by the sync driver in worker threads.

The API answers entity reads, "who supports X", gap pages, gap counts and coverage
summaries (the last three mostly kept in the result cache) far more often than anything
else. Their logic is written once, as read plans (:mod:`graph_service.db.plans`), which the
sync :class:`~graph_service.db.database.Database` runs for the CLI and the rest; here the
API's handlers await the same plans without blocking the event loop.

They run on the sync driver, each transaction in a worker thread, rather than on the
async driver: the async driver awaits every socket read under a timeout (the server's
``connection.recv_timeout_seconds`` hint, 120 s), and each such wait makes a task and a
timer — about 26 of them for one entity read. Measured under uvloop on a district graph
(119,237 nodes), the API's CPU per call: an entity read 2.3 ms on the async driver against
1.9 through a thread, a page of 100 supporters 3.8-4.0 against 2.8, a coverage summary 69-70
against 33-36; under the query bench's 8 clients, 2.61 / 2.80 against 2.53 / 2.14 ms for an
entity read and 4.10 / 4.38 against 3.59 / 3.33 for supporters (two runs each).

Reads are routed as reads and run in managed transactions (retried on transient errors),
as everywhere else.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Generator, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeVar

import anyio.to_thread
from neo4j import ManagedTransaction
from pydantic import BaseModel
from pydantic_core import to_json

from graph_service.db.database import Database
from graph_service.db.plans import KeptRead, KeptStep, Outcome, Plan, PlanMaker, keeping
from graph_service.db.registry import QueryRegistry
from graph_service.db.result_cache import AnswerCache
from graph_service.errors import DatabaseUnavailable

T = TypeVar("T")
P = ParamSpec("P")

# Most light reads in one shared transaction: each gets its answer when the transaction
# ends, so a long queue is cut into several transactions rather than one long one.
SHARED_AT_MOST = 16


@dataclass
class _Waiting:
    """A light read waiting for a transaction: its plan, and where its answer goes."""

    make: PlanMaker[Any]
    label: str
    answer: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def _settle(answer: asyncio.Future[Any], value: Any = None, error: Exception | None = None) -> None:
    """Give a waiting read its answer or error, unless its caller has stopped waiting."""
    if answer.done():
        return
    if error is not None:
        answer.set_exception(error)
    else:
        answer.set_result(value)


class AsyncReads:
    """Runs read plans for the event loop: each transaction is a managed read transaction
    of the sync twin (:class:`Database`: the same named queries, database, timeout and
    result cache, read from it so a cache swapped there is used here), run in a worker
    thread.

    Light reads (:meth:`read_plan`) share transactions under load: at most ``slots`` of
    their transactions are open at once; reads that arrive meanwhile wait, and the next
    transaction runs them (up to :data:`SHARED_AT_MOST`), one after the other. A managed
    transaction costs the API about 0.4 ms of CPU on top of its queries (session, BEGIN,
    COMMIT): measured with 4 reads waiting, when these reads ran on the async driver, an
    entity read cost 1.1-1.2 ms of CPU instead of 1.5-1.7; through the whole API under 8
    clients, 5-11 % less API CPU and 15-20 % less Neo4j CPU per entity read. Each answer is
    still read from one consistent snapshot. The reads of a shared transaction run in step
    (:func:`~graph_service.db.plans.run_together`), so those waiting on the same query of
    requests (an entity by id, who supports X) send it once for all of them: measured on the
    city graph under the query bench's 8 clients, against sending one query each, the API's
    CPU per entity read 2.19 → 1.95 ms and Neo4j's 0.97 → 0.85, per page of supporters
    2.76 → 2.38 and 1.38 → 1.04; p50 13.3 → 12.1 and 17.3 → 14.9 ms. If a shared
    transaction fails, each of its reads is run again alone, so one read's error never
    becomes another's. ``slots=0``: every read runs in a transaction of its own, in the
    event loop's default pool.

    The light reads' transactions have threads of their own (``slots`` of them), so they
    never queue behind heavy reads (:meth:`read_computed`: computed gap pages, counts and
    summaries, up to seconds each), which run in the event loop's default pool."""

    def __init__(self, twin: Database, slots: int = 2) -> None:
        self.twin = twin
        self.slots = slots
        self._threads = (
            ThreadPoolExecutor(slots, thread_name_prefix="light-reads") if slots > 0 else None
        )
        self._open = 0
        self._waiting: deque[_Waiting] = deque()
        self._servers: set[asyncio.Task[None]] = set()
        self.transactions = 0  # opened so far (retries not counted): for tests and the bench
        # kept reads being computed, by (key, data version): one computation for all who ask
        self._computing: dict[tuple[Hashable, str | None], asyncio.Future[Any]] = {}
        self.computed = 0  # kept reads computed so far (not found in the cache)

    @property
    def registry(self) -> QueryRegistry:
        return self.twin.registry

    @property
    def results(self) -> AnswerCache | None:
        return self.twin.results

    def close(self) -> None:
        """Let the light reads' threads end once their transactions have."""
        if self._threads is not None:
            self._threads.shutdown(wait=False)

    async def _transaction(self, work: Any, label: str) -> Any:
        self.transactions += 1
        run = partial(self.twin.execute_read, work, label)
        return await asyncio.get_running_loop().run_in_executor(self._threads, run)

    async def read_alone(self, make: PlanMaker[T], label: str = "") -> T:
        """Run the plan ``make()`` makes, a light read, in a managed read transaction of
        its own; its answer (when light reads do not share transactions, or the shared one
        failed)."""

        def work(tx: ManagedTransaction) -> T:
            return self.twin.run_plan_in(tx, make())

        answer: T = await self._transaction(work, label)
        return answer

    async def read_computed(self, make: PlanMaker[T], label: str = "") -> T:
        """Run a heavy plan (a gap page, the gap counts, a coverage summary, computed) in a
        read transaction of its own, without waiting for a slot of the light reads."""
        answer: T = await asyncio.to_thread(self.twin.read_plan, make, label)
        return answer

    async def read_plan(self, make: PlanMaker[T], label: str = "") -> T:
        """Run the plan ``make()`` makes, a light read, in a managed read transaction that
        it may share with other light reads waiting at the same time; its answer."""
        if self.slots <= 0:
            return await self.read_alone(make, label)
        waiting = _Waiting(make, label)
        self._waiting.append(waiting)
        if self._open < self.slots:
            self._open += 1
            server = asyncio.get_running_loop().create_task(self._serve())
            self._servers.add(server)  # the loop keeps only a weak reference to a task
            server.add_done_callback(self._servers.discard)
        answer: T = await waiting.answer
        return answer

    async def _serve(self) -> None:
        """Run the waiting light reads, up to :data:`SHARED_AT_MOST` of them in one
        transaction each time, until none waits; then give the slot back."""
        try:
            while self._waiting:
                batch = [self._waiting.popleft()]
                while self._waiting and len(batch) < SHARED_AT_MOST:
                    batch.append(self._waiting.popleft())
                try:
                    await self._run_batch(batch)
                except BaseException:  # cancelled: so are the reads it was running
                    for waiting in batch:
                        if not waiting.answer.done():
                            waiting.answer.cancel()
                    raise
        finally:
            self._open -= 1

    async def _run_batch(self, batch: list[_Waiting]) -> None:
        if len(batch) > 1:

            def work(tx: ManagedTransaction) -> list[Outcome]:
                # in step: the same read of several (an entity, its supporters) is one query
                return self.twin.run_plans_in(tx, [waiting.make() for waiting in batch])

            label = "+".join(sorted({waiting.label for waiting in batch}))
            try:
                outcomes = await self._transaction(work, label)
            except DatabaseUnavailable as exc:  # the same for each of them
                for waiting in batch:
                    _settle(waiting.answer, error=exc)
                return
            except Exception:  # e.g. one read's query failed: each is run again alone
                pass
            else:
                for waiting, (answer, error) in zip(batch, outcomes, strict=True):
                    _settle(waiting.answer, answer, error)
                return
        if len(batch) == 1:
            await self._alone(batch[0])  # no task of its own
        else:
            await asyncio.gather(*(self._alone(waiting) for waiting in batch))

    async def _alone(self, waiting: _Waiting) -> None:
        try:
            answer = await self.read_alone(waiting.make, waiting.label)
        except Exception as exc:
            _settle(waiting.answer, error=exc)
        else:
            _settle(waiting.answer, answer)

    async def call(
        self, read: Callable[Concatenate[Database, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """A read written as a function of the sync :class:`Database` (a list, a search,
        the audit trail, a plan of assignments), run in a worker thread of the pool FastAPI
        runs sync routes in (anyio's, 40 threads), so a route awaits every read of the graph
        here, one way, whether it is a plan or a function."""
        answer: T = await anyio.to_thread.run_sync(partial(read, self.twin, *args, **kwargs))
        return answer

    async def read_kept(self, kept: KeptRead[T]) -> T:
        """The async twin of :meth:`Database.read_kept
        <graph_service.db.database.Database.read_kept>`, the same flow
        (:func:`~graph_service.db.plans.keeping`): a kept answer is served while the graph's
        data version is unchanged (one small read), else computed and kept.

        Asks for the same answer at the same data version while it is being computed wait
        for that computation rather than start their own: after a write or an import, a
        team opening the same city-wide gap list at once would otherwise run the rule
        (seconds of Neo4j's CPU each) once per person. With several API processes
        (``--workers``), each computes it at most once at a time.

        The cache is looked up on the event loop: an in-memory map, or one SQLite row by
        primary key for the shared cache — microseconds, not worth a worker thread."""
        cache = self.results
        if cache is None or not cache.enabled:
            return await self.read_computed(kept.make, kept.label)
        flow = keeping(kept, cache)
        wanted = next(flow)
        version = await self.read_plan(wanted.make, wanted.label)
        try:
            wanted = flow.send(version)
        except StopIteration as kept_answer:
            return kept_answer.value  # type: ignore[no-any-return]
        flight = (kept.key, version)
        computing = self._computing.get(flight)
        if computing is None:
            computing = asyncio.ensure_future(self._compute_and_keep(flow, wanted))
            self._computing[flight] = computing
            computing.add_done_callback(partial(self._landed, flight))
            self.computed += 1
        else:
            flow.close()  # the flight's own flow keeps the answer
        # shielded: a caller that stops waiting does not cancel the others' answer
        answer: T = await asyncio.shield(computing)
        return answer

    async def _compute_and_keep(self, flow: Generator[KeptStep, Any, T], wanted: KeptStep) -> T:
        computed = await self.read_computed(wanted.make, wanted.label)
        try:
            flow.send(computed)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        raise AssertionError("a kept read's flow asks for nothing after its computation")

    def _landed(
        self, flight: tuple[Hashable, str | None], computing: asyncio.Future[Any]
    ) -> None:
        if self._computing.get(flight) is computing:
            del self._computing[flight]
        if not computing.cancelled():
            computing.exception()  # seen here if every caller had stopped waiting

    async def read_kept_json(self, kept: KeptRead[Any]) -> bytes:
        """:meth:`read_kept` for an API answer (a model, or plain JSON data such as a
        dict of counts): it is kept as its JSON, so a kept answer is sent as it is —
        rebuilding a page of 50 gaps from the shared cache's pickle and serializing it
        again cost about 1 ms of the API's CPU per request."""
        make = kept.make

        def encoded() -> Plan[bytes]:
            answer = yield from make()
            if isinstance(answer, BaseModel):
                return answer.model_dump_json().encode()
            return to_json(answer)

        return await self.read_kept(KeptRead(("json", kept.key), encoded, kept.label))
