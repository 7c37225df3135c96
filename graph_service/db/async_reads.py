"""Read plans on the event loop, through the async driver.

The API answers entity reads, "who supports X" and gap pages (most of them kept in the
result cache) far more often than anything else. Run through the sync driver, each costs
a hop to a worker thread and back, and the threads contend for the GIL with the event
loop; measured on the city graph, the same read on the async driver costs the API
process a sixth (entity read) to a quarter (supporters) less CPU. The logic of those
reads is written once, as read plans (:mod:`graph_service.db.plans`), which the sync
:class:`~graph_service.db.database.Database` runs too.

Reads are routed as reads and run in managed transactions (retried on transient errors),
as everywhere else.
"""

from __future__ import annotations

from typing import TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction
from pydantic import BaseModel

from graph_service.config import Settings
from graph_service.db.database import Database, driver_options, unavailable_as_503
from graph_service.db.plans import (
    KeptRead,
    Plan,
    PlanMaker,
    Record,
    Step,
    data_version,
    versioned,
)
from graph_service.db.registry import Mode, QueryRegistry
from graph_service.db.result_cache import AnswerCache

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def open_async_driver(settings: Settings) -> AsyncDriver:
    """The async twin of :func:`~graph_service.db.database.open_driver`; one per event
    loop, closed by its owner."""
    return AsyncGraphDatabase.driver(settings.neo4j_uri, **driver_options(settings))


class AsyncReads:
    """Runs read plans in managed read transactions of the async driver.

    It is the async twin of a sync :class:`Database`: the same named queries, database,
    timeout and result cache (read from the twin, so a cache swapped there is used here)."""

    def __init__(self, driver: AsyncDriver, twin: Database) -> None:
        self.driver = driver
        self.twin = twin

    @property
    def registry(self) -> QueryRegistry:
        return self.twin.registry

    @property
    def results(self) -> AnswerCache | None:
        return self.twin.results

    def _text(self, wanted: Step) -> str:
        query = self.registry[wanted.name]
        if query.mode is not Mode.READ:
            raise ValueError(f"query {query.name} is {query.mode}: a read plan only reads")
        if set(wanted.params) != set(query.params):
            raise ValueError(
                f"query {query.name} takes {sorted(query.params)}, got {sorted(wanted.params)}"
            )
        return query.render(**(wanted.placeholders or {})) if query.placeholders else query.text

    async def read_plan(self, make: PlanMaker[T], label: str = "") -> T:
        """Run the plan ``make()`` makes in one managed read transaction; its answer."""

        async def work(tx: AsyncManagedTransaction) -> T:
            plan = make()
            try:
                wanted = next(plan)
                while True:
                    result = await tx.run(self._text(wanted), dict(wanted.params))
                    rows: list[Record] = [record.data() async for record in result]
                    wanted = plan.send(rows)
            except StopIteration as done:
                answer: T = done.value
                return answer

        with unavailable_as_503():
            async with self.driver.session(
                database=self.twin.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                return await session.execute_read(
                    neo4j.unit_of_work(timeout=self.twin.timeout, metadata={"query": label})(work)
                )

    async def read_kept(self, kept: KeptRead[T]) -> T:
        """The async twin of :meth:`Database.read_kept
        <graph_service.db.database.Database.read_kept>`: a kept answer is served while the
        graph's data version is unchanged (one small read), else computed and kept.

        The cache is looked up on the event loop: an in-memory map, or one SQLite row by
        primary key for the shared cache — microseconds, not worth a worker thread."""
        cache = self.results
        if cache is None or not cache.enabled:
            return await self.read_plan(kept.make, kept.label)
        version = await self.read_plan(data_version, "data_version")
        if version is not None:
            found, known = cache.get(kept.key, version)
            if found:
                return known  # type: ignore[no-any-return]
        seen, answer = await self.read_plan(versioned(kept.make), kept.label)
        if seen is not None:
            cache.put(kept.key, seen, answer)
        return answer

    async def read_kept_json(self, kept: KeptRead[M]) -> bytes:
        """:meth:`read_kept` for an API answer: the model is kept as its JSON, so a kept
        answer is sent as it is — rebuilding a page of 50 gaps from the shared cache's pickle
        and serializing it again cost about 1 ms of the API's CPU per request."""
        make = kept.make

        def encoded() -> Plan[bytes]:
            model = yield from make()
            return model.model_dump_json().encode()

        return await self.read_kept(KeptRead(("json", kept.key), encoded, kept.label))
