"""Light reads awaited on the event loop share transactions when many wait (db/async_reads.py).

Against the demo region in a real Neo4j: concurrent reads give exactly the answers the
sync repository gives, read by read, however they are grouped into transactions; one
read's error (not found, a query that fails) is its own and no other's.
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.db.async_reads import SHARED_AT_MOST, AsyncReads
from graph_service.db.database import Database
from graph_service.db.entities import get_node, get_node_plan, list_nodes
from graph_service.db.plans import KeptRead, Plan, step
from graph_service.db.result_cache import ResultCache
from graph_service.db.support import supporters, supporters_plan
from graph_service.domain.kinds import NodeKind
from graph_service.errors import NotFound
from graph_service.services.demo import load_demo
from loaders.demo import DEMO_AS_OF

ADMIN = Principal.cli()
# a read: (what, id) — an entity read of a unit, or the supporters of an entity
Read = tuple[str, str]


@pytest.fixture
def demo(db: Database) -> Database:
    assert load_demo(db) is not None
    return db


def _unit_ids(db: Database) -> list[str]:
    _, units, _ = list_nodes(db, ADMIN, NodeKind.UNIT, subkind=None, name=None, limit=500)
    assert len(units) >= 5
    return [unit.id for unit in units]


def _sync(db: Database, who: Principal, read: Read) -> Any:
    what, entity_id = read
    try:
        if what == "unit":
            return get_node(db, who, NodeKind.UNIT, entity_id)
        return supporters(db, who, entity_id, DEMO_AS_OF, limit=5)
    except NotFound as exc:
        return ("not found", str(exc))


def _async(reads: AsyncReads, who: Principal, read: Read) -> Callable[[], Awaitable[Any]]:
    what, entity_id = read

    async def run() -> Any:
        try:
            if what == "unit":
                return await reads.read_plan(
                    lambda: get_node_plan(who, NodeKind.UNIT, entity_id), "node_get"
                )
            return await reads.read_plan(
                lambda: supporters_plan(who, entity_id, DEMO_AS_OF, limit=5), "supporters"
            )
        except NotFound as exc:
            return ("not found", str(exc))

    return run


def _gathered(
    db: Database, slots: int, who: Principal, reads: list[Read]
) -> tuple[list[Any], int]:
    """Run the reads all at once on one AsyncReads; their answers and how many
    transactions were opened."""

    async def main() -> tuple[list[Any], int]:
        runner = AsyncReads(db, slots=slots)
        answers = await asyncio.gather(*(_async(runner, who, r)() for r in reads))
        return list(answers), runner.transactions

    return asyncio.run(main())


def test_waiting_reads_share_one_transaction_and_get_their_own_answers(demo: Database) -> None:
    units = _unit_ids(demo)
    reads: list[Read] = [("unit", u) for u in units] + [("supporters", u) for u in units]
    answers, transactions = _gathered(demo, 1, ADMIN, reads)
    assert answers == [_sync(demo, ADMIN, r) for r in reads]
    # all of them were waiting when the first transaction began: as few as may be
    assert len(reads) > SHARED_AT_MOST
    assert transactions == math.ceil(len(reads) / SHARED_AT_MOST)
    alone, transactions_alone = _gathered(demo, 0, ADMIN, reads)
    assert alone == answers and transactions_alone == len(reads)


def test_reads_sharing_a_transaction_send_each_query_once(
    demo: Database, monkeypatch: Any
) -> None:
    """An entity read and "who supports X" are queries of requests (``// requests:``):
    the reads waiting together send each once, with all their requests."""
    units = _unit_ids(demo)[:6]
    sent: list[tuple[str, int]] = []
    run_requests = demo.run_requests

    def recording(tx: Any, name: str, placeholders: Any, requests: Any) -> Any:
        sent.append((name, len(requests)))
        return run_requests(tx, name, placeholders, requests)

    monkeypatch.setattr(demo, "run_requests", recording)
    reads: list[Read] = [("unit", u) for u in units] + [("supporters", u) for u in units]
    reads.append(("unit", "U-NO-SUCH"))
    answers, transactions = _gathered(demo, 1, ADMIN, reads)
    assert transactions == 1 and sorted(sent) == [("node_get", 7), ("supporters", 6)]
    # an organizer's reads also ask which ids lie in its areas: that query too goes once
    # per round (the entities found, then the supporters of those it may see)
    organizer = Principal("organizer", Role.ORGANIZER, ("A-ERQI",))
    sent.clear()
    scoped, transactions = _gathered(demo, 1, organizer, reads)
    visible = [n for name, n in sent if name == "visible_ids"]
    assert transactions == 1 and visible[0] == 12 and len(visible) == 2
    assert visible[1] == sum(what == "supporters" and not isinstance(answer, tuple)
                             for (what, _), answer in zip(reads, scoped, strict=True))  # fmt: skip
    monkeypatch.undo()
    assert answers == [_sync(demo, ADMIN, r) for r in reads]
    assert scoped == [_sync(demo, organizer, r) for r in reads]
    assert any(isinstance(a, tuple) for a in scoped[:6]) and not all(
        isinstance(a, tuple) for a in scoped[:6]
    )  # some of the units lie in the organizer's area, some do not


def test_one_reads_error_is_its_own(demo: Database) -> None:
    units = _unit_ids(demo)[:3]
    reads: list[Read] = [("unit", units[0]), ("unit", "U-NO-SUCH"), ("supporters", units[1]),
                         ("supporters", "NO-SUCH"), ("unit", units[2])]  # fmt: skip
    answers, transactions = _gathered(demo, 1, ADMIN, reads)
    assert [isinstance(a, tuple) for a in answers] == [False, True, False, True, False]
    assert answers == [_sync(demo, ADMIN, r) for r in reads]
    assert transactions == 1  # a plan's own "not found" does not spoil the transaction

    # a query that fails on the server spoils the shared transaction: every read is then
    # run again alone, and only the failing one fails
    async def main() -> list[Any]:
        runner = AsyncReads(demo, slots=1)

        def failing() -> Plan[Any]:
            # a negative LIMIT: Neo4j refuses the query
            yield step("node_list", placeholders={"label": NodeKind.UNIT},
                       kind=None, name=None, after="", skip=0, limit=-1,
                       scope=None)  # fmt: skip
            return "unreachable"

        good = [_async(runner, ADMIN, r)() for r in reads]
        bad = runner.read_plan(failing, "failing")
        done = await asyncio.gather(*good, bad, return_exceptions=True)
        assert runner.transactions == 1 + len(reads) + 1
        return list(done)

    *good_answers, bad_answer = asyncio.run(main())
    assert good_answers == answers
    assert isinstance(bad_answer, Exception) and not isinstance(bad_answer, NotFound)


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_mix_of_reads_and_slots_answers_as_the_sync_path(
    demo: Database, data: st.DataObject
) -> None:
    units = _unit_ids(demo)
    ids = [*units, "U-NO-SUCH"]
    reads = data.draw(
        st.lists(
            st.tuples(st.sampled_from(["unit", "supporters"]), st.sampled_from(ids)),
            min_size=1,
            max_size=25,
        )
    )
    slots = data.draw(st.integers(min_value=0, max_value=4))
    organizer = Principal("organizer", Role.ORGANIZER, ("A-ERQI",))
    who = data.draw(st.sampled_from([ADMIN, organizer]))
    answers, transactions = _gathered(demo, slots, who, reads)
    assert answers == [_sync(demo, who, r) for r in reads]
    assert transactions <= len(reads)
    if slots:
        assert transactions <= max(slots, math.ceil(len(reads) / SHARED_AT_MOST))


def test_light_reads_do_not_queue_behind_heavy_ones(demo: Database) -> None:
    """Computed gap pages and summaries (read_computed) may fill the event loop's default
    thread pool for seconds; a light read still gets its answer meanwhile."""
    unit = _unit_ids(demo)[0]
    release = threading.Event()
    started: list[str] = []

    def heavy() -> Plan[str]:
        started.append("heavy")
        release.wait(30)  # a long computed read, holding its worker thread
        rows = yield step("entity_count")
        return f"{rows[0]['entities']} entities"

    async def main() -> tuple[Any, list[str]]:
        runner = AsyncReads(demo, slots=2)
        pool = min(32, (os.cpu_count() or 1) + 4)  # the default pool's threads
        heavies = [asyncio.ensure_future(runner.read_computed(heavy, "heavy"))
                   for _ in range(pool + 2)]  # fmt: skip
        try:
            while len(started) < pool:  # every thread of the default pool is held
                await asyncio.sleep(0.01)
            light = await asyncio.wait_for(_async(runner, ADMIN, ("unit", unit))(), 20)
        finally:
            release.set()
        done = await asyncio.gather(*heavies)
        runner.close()
        return light, done

    light, done = asyncio.run(main())
    assert light == _sync(demo, ADMIN, ("unit", unit))
    assert len(set(done)) == 1 and done[0].endswith(" entities")


def _held_count(release: threading.Event, started: list[str]) -> Callable[[], Plan[str]]:
    """A kept read that holds its worker thread until ``release``, then counts entities."""

    def plan() -> Plan[str]:
        started.append("computing")
        release.wait(30)
        rows = yield step("entity_count")
        return f"{rows[0]['entities']} entities"

    return plan


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


def test_asks_for_an_answer_being_computed_share_its_computation(demo: Database) -> None:
    """Eight asks for one kept answer while it is computed: the rule runs once and each
    gets its answer; asked again at the same data version it comes from the cache; after
    a write, once more computed once. A caller that stops waiting stops no other."""
    kept_db = Database(demo.driver, demo.registry, demo.database,
                       results=ResultCache(16, 600))  # fmt: skip
    release = threading.Event()
    started: list[str] = []
    kept = KeptRead(("held count",), _held_count(release, started), "held_count")

    async def main() -> tuple[list[Any], list[int], int]:
        runner = AsyncReads(kept_db, slots=2)
        asks = [asyncio.ensure_future(runner.read_kept(kept)) for _ in range(8)]
        impatient = asyncio.ensure_future(runner.read_kept(kept))
        await _until(lambda: bool(started))
        await asyncio.sleep(0.3)  # every ask has read the data version and is waiting
        impatient.cancel()
        release.set()
        answers = await asyncio.gather(*asks)
        assert impatient.cancelled()
        computed = [runner.computed]
        answers.append(await runner.read_kept(kept))  # kept: not computed again
        computed.append(runner.computed)
        kept_db.execute_write(lambda tx: None, "a write")  # a new data version
        answers += await asyncio.gather(*(runner.read_kept(kept) for _ in range(4)))
        computed.append(runner.computed)
        left = len(runner._computing)
        runner.close()
        return answers, computed, left

    answers, computed, left = asyncio.run(main())
    count = demo.read("entity_count")[0]["entities"]
    assert answers == [f"{count} entities"] * 13
    assert computed == [1, 1, 2]
    assert started == ["computing", "computing"]
    assert left == 0


def test_an_error_of_a_shared_computation_reaches_every_ask(demo: Database) -> None:
    """A kept read that fails (an unknown area) fails alike for every ask that waited on
    it, and is not kept: asked again, it is computed again."""
    kept_db = Database(demo.driver, demo.registry, demo.database,
                       results=ResultCache(16, 600))  # fmt: skip

    def unknown() -> Plan[str]:
        yield step("entity_count")
        raise NotFound("no area A-NOWHERE")

    kept = KeptRead(("unknown",), unknown, "unknown")

    async def main() -> tuple[list[BaseException | str], list[int]]:
        runner = AsyncReads(kept_db, slots=2)
        outcomes = await asyncio.gather(*(runner.read_kept(kept) for _ in range(5)),
                                        return_exceptions=True)  # fmt: skip
        computed = [runner.computed]
        again = await asyncio.gather(runner.read_kept(kept), return_exceptions=True)
        computed.append(runner.computed)
        runner.close()
        return [*outcomes, *again], computed

    outcomes, computed = asyncio.run(main())
    assert [type(o) for o in outcomes] == [NotFound] * 6
    assert all("A-NOWHERE" in str(o) for o in outcomes)
    assert computed == [1, 2]  # once for the five together, once for the later ask
