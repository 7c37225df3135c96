"""Planning the heaviest reads before anyone asks for them.

Neo4j plans a query the first time it meets its text with its parameters' types (a list or
a string by its size class: empty, 1, 2-10, 11-100, more) and keeps the plan until it stops,
or until the graph's statistics have moved far from those it was planned with. The gap and
summary queries are large: on a server just started with the demo region, the first
coverage summary took 17 s and the first pages of the 19 gap lists 12 s, against 0.3 s and
0.5 s once planned.

:func:`warm_plans` runs those that name ids no entity can have (``---------``: an id
starts with a letter, a digit or a character), which find nothing at once on a city as on
an empty graph, and has Neo4j ``EXPLAIN`` those that read everywhere. The steps come from
the modules that send the real reads, built by the same code
(:func:`graph_service.db.gaps.planning_steps`, :func:`graph_service.db.support.planning_steps`),
so their parameters have the same types and sizes. The API runs it in a thread at start-up,
after its data is in place (plans made on an empty graph are made again once data arrives),
and again each time Neo4j comes back after being away (:mod:`graph_service.db.availability`):
a restarted server has forgotten every plan, and its first gap counts took ~10 s."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import ManagedTransaction

from graph_service.db import gaps, scenarios, support
from graph_service.db.database import Database
from graph_service.db.plans import PlanningSteps, Step
from graph_service.db.registry import QueryRegistry
from graph_service.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

# how a step is planned: run in a read transaction, EXPLAINed, or run after a change in a
# transaction then rolled back
RUN, EXPLAIN, CHANGED = "run", "explain", "changed"


@dataclass(frozen=True)
class Warmed:
    """What :func:`warm_plans` did."""

    planned: int
    failed: int
    seconds: float


def default_steps(registry: QueryRegistry, as_of: dt.date) -> PlanningSteps:
    """The gap lists and counts, the coverage summary, who supports X and portfolios, and
    what a what-if runs in its changed transaction."""
    parts = [gaps.planning_steps(registry, as_of), support.planning_steps(as_of),
             scenarios.planning_steps(registry, as_of)]  # fmt: skip
    return PlanningSteps([s for p in parts for s in p.run], [s for p in parts for s in p.explain],
                         [s for p in parts for s in p.changed])  # fmt: skip


def _batch_sizes(db: Database, each: Step) -> tuple[int, ...]:
    """How many requests to send a step's query with, to plan it for each list size it
    meets (0: not a query of requests). A query answering several requests is planned
    for one and for 2-10 (the API's shared transactions send up to 16: 11-16 is planned
    when first met)."""
    known = each.name in db.registry  # an unknown one fails below, as a step that fails
    if not (known and db.registry[each.name].requests):
        return (0,)
    return each.batches or (1, 2)


def warm_plans(
    db: Database, steps: PlanningSteps | None = None, stop: threading.Event | None = None
) -> Warmed:
    """Run, or EXPLAIN, each step (default: :func:`default_steps`) in a read transaction
    of its own — the ``changed`` ones after a change, in a write transaction rolled back
    (:func:`graph_service.db.scenarios.rolled_back`) — until ``stop`` is set. A step that
    fails is logged and skipped: planning ahead only saves time, and the real read reports
    its own errors.

    A query run once is planned in full; EXPLAIN leaves about an eighth of the planning
    to its first run (measured: 0.1 s of 0.8 s)."""
    started = time.monotonic()
    if steps is None:
        steps = default_steps(db.registry, dt.date.today())
    todo = [(each, how, copies)
            for how, part in ((RUN, steps.run), (EXPLAIN, steps.explain), (CHANGED, steps.changed))
            for each in part for copies in _batch_sizes(db, each)]  # fmt: skip
    planned = failed = 0
    for each, how, copies in todo:
        if stop is not None and stop.is_set():
            break

        def plan(tx: ManagedTransaction, each: Step = each, how: str = how,
                 copies: int = copies) -> None:  # fmt: skip
            query = db.registry[each.name]
            text = query.render(**each.placeholders) if each.placeholders else query.text
            params = {"requests": [dict(each.params)] * copies} if copies else dict(each.params)
            if how == CHANGED:
                tx.run(db.registry["scenario_planning_change"].text).consume()
            tx.run(("EXPLAIN " if how == EXPLAIN else "") + text, params).consume()

        try:
            if how == CHANGED:
                scenarios.rolled_back(db, plan, "warmup")
            else:
                db.execute_read(plan, "warmup")
        except DatabaseUnavailable as exc:  # gone: the reads will say so themselves
            log.info("planning ahead stopped: %s", exc)
            failed += len(todo) - planned - failed
            break
        except Exception as exc:  # never let planning ahead break anything
            failed += 1
            log.warning("planning %s ahead failed: %s", each.name, exc)
        else:
            planned += 1
    warmed = Warmed(planned, failed, time.monotonic() - started)
    log.info("planned %d queries ahead in %.1f s (%d failed)", planned, warmed.seconds, failed)
    return warmed


def lock_file(server: str) -> Path:
    """The file whose lock the API process planning ahead on ``server`` holds."""
    digest = hashlib.sha256(server.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"graph-service-plan-ahead-{digest}.lock"


@dataclass
class Planning:
    """Planning ahead in the background: set ``stop`` to end it early. ``warmed`` is what
    it did once the thread has ended (None: another process was planning ahead)."""

    thread: threading.Thread
    stop: threading.Event
    warmed: Warmed | None = None


def warm_in_background(db: Database, server: str) -> Planning:
    """Start :func:`warm_plans` in a daemon thread.

    Of the API processes of one machine planning ahead on the same ``server`` (its URI
    and database) at once, only one does: ``serve --workers N`` would otherwise plan every
    query N times over, side by side."""

    def alone() -> None:
        try:
            handle = lock_file(server).open("a")
        except OSError as exc:  # another user's lock file, a read-only /tmp: plan anyway
            log.info("planning ahead without the lock (%s)", exc)
            planning.warmed = warm_plans(db, stop=planning.stop)
            return
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                log.info("another API process of this machine is planning ahead")
                return
            planning.warmed = warm_plans(db, stop=planning.stop)

    planning = Planning(threading.Thread(target=alone, name="plan-warmup", daemon=True),
                        threading.Event())  # fmt: skip
    planning.thread.start()
    return planning
