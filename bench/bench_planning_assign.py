"""Planning bench (issue 26, items 3 and 4): what changed in a subdistrict between two dates,
and the optimal assignment of officers for a district, with the solvers tried.

Loads a generated region (default: district scale, seed 1; ``--scale city`` for the issue's
city-scale region) into a fresh managed Neo4j (``--home`` keeps it for the next run), then
times through the driver, as the CLI and the API's worker threads run them:

* ``changes`` of ``--subdistricts`` subdistricts between ``--from`` and ``--to`` (every gap
  rule as of both dates, the relationships started and ended, both coverage summaries), each
  asked ``--runs`` times; the first ask of each is also shown (Neo4j plans the queries);
* ``propose`` (the best assignment) for the district, ``--runs`` times: reading its inputs
  and solving; then the same instance given to each solver kept for comparison —
  OR-Tools ``SimpleMinCostFlow`` (the one used), networkx ``max_flow_min_cost``, SciPy
  ``linear_sum_assignment`` on the officers' capacity slots (a target's eligible slots cost
  its distance minus a constant larger than any total, the others 0, so the most targets win
  first) — checking that all reach the same (covered, total metres).

    python bench/bench_planning_assign.py                     # district, seed 1
    python bench/bench_planning_assign.py --scale city --home /tmp/plan-bench-city

Targets: changes ≤ 2 s for a subdistrict; the optimal assignment ≤ 3 s for a district.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.db.warmup import warm_plans
from graph_service.neo4j_server.manager import LocalNeo4j, free_port
from graph_service.services import assignment
from graph_service.services.changes import changes
from graph_service.services.imports import import_files

ADMIN = Principal.cli()
AS_OF = dt.date(2026, 6, 30)
Pairs = list[tuple[int, int]]


def timed(call: Callable[[], Any], runs: int) -> tuple[Any, float, list[float]]:
    """The answer, the first call's seconds, and every later call's."""
    started = time.perf_counter()
    answer = call()
    first = time.perf_counter() - started
    rest = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        rest.append(time.perf_counter() - started)
    return answer, first, rest


def line(label: str, seconds: list[float], target: float | None = None) -> str:
    median = statistics.median(seconds)
    worst = max(seconds)
    ratio = f"  {median / target:.2f}× of the {target:g} s target" if target else ""
    return f"{label:<46} median {median * 1000:8.1f} ms  max {worst * 1000:8.1f} ms{ratio}"


def solve_networkx(remaining: list[int], edges: list[tuple[int, int, int]], targets: int) -> Pairs:
    import networkx as nx

    graph = nx.DiGraph()
    for o, capacity in enumerate(remaining):
        graph.add_edge("s", ("o", o), capacity=capacity, weight=0)
    for o, t, cost in edges:
        graph.add_edge(("o", o), ("t", t), capacity=1, weight=cost)
    for t in range(targets):
        graph.add_edge(("t", t), "z", capacity=1, weight=0)
    flow = nx.max_flow_min_cost(graph, "s", "z")
    return sorted((o, t) for o, t, _ in edges if flow[("o", o)].get(("t", t), 0) > 0)


def solve_scipy(remaining: list[int], edges: list[tuple[int, int, int]], targets: int) -> Pairs:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    slots = [o for o, capacity in enumerate(remaining) for _ in range(capacity)]
    if not slots or not edges:
        return []
    big = sum(cost for *_, cost in edges) + 1
    cost = {(o, t): c for o, t, c in edges}
    matrix = np.zeros((len(slots), targets))
    for row, o in enumerate(slots):
        for t in range(targets):
            if (o, t) in cost:
                matrix[row, t] = cost[o, t] - big
    rows, cols = linear_sum_assignment(matrix)
    return sorted((slots[r], int(c)) for r, c in zip(rows, cols, strict=True)
                  if (slots[r], int(c)) in cost)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bundle", type=Path, help="A generated bundle to load instead")
    parser.add_argument("--home", type=Path, help="Keep the Neo4j server here; a later run "
                                                  "on it skips the import")  # fmt: skip
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--subdistricts", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--from", dest="from_date", default="2026-03-31")
    parser.add_argument("--to", dest="to_date", default=AS_OF.isoformat())
    parser.add_argument("--capacity", type=int, default=80,
                        help="OFFICER_CAPACITY: the generator's officers hold about 70 "
                             "targets each, so the default 5 leaves no one a free place")
    args = parser.parse_args(argv)
    from_date, to_date = dt.date.fromisoformat(args.from_date), dt.date.fromisoformat(args.to_date)

    work = Path(tempfile.mkdtemp(prefix="plan-bench-"))
    reuse = args.home is not None and (args.home / "data").exists()
    bundle = args.bundle
    if bundle is None and not reuse:
        from loaders.generator import generate

        bundle = work / "bundle"
        started = time.perf_counter()
        generate(args.seed, args.scale, bundle)
        print(f"generated {args.scale} (seed {args.seed}) in {time.perf_counter() - started:.0f}s")
    server = LocalNeo4j(args.home or work / "neo4j", Settings().cache_dir, bolt_port=free_port(),
                        heap=args.heap, pagecache=args.pagecache,
                        transaction_timeout="0")  # fmt: skip
    info = server.start()
    try:
        settings = Settings(neo4j_uri=info.uri, neo4j_password=info.password_secret(),
                            query_timeout_seconds=600)  # fmt: skip
        driver = open_driver(settings)
        db = Database(driver, QueryRegistry.load(settings.cypher_dir), settings.neo4j_database,
                      timeout=settings.query_timeout_seconds)  # fmt: skip
        db.ensure_schema()
        if not reuse:
            assert bundle is not None
            started = time.perf_counter()
            report = import_files(db, [bundle])
            assert report.written, report.problems[:3]
            print(f"loaded {bundle} in {time.perf_counter() - started:.0f}s")
        nodes = db.driver.execute_query("MATCH (n) RETURN count(n) AS n",
                                        database_=db.database).records[0]["n"]  # fmt: skip
        print(f"graph: {nodes:,} nodes; measured on a busy machine (2 cores shared)")
        started = time.perf_counter()
        warm_plans(db)  # as the API does at start-up (PLAN_AHEAD)
        print(f"planned the gap, count and summary queries ahead in "
              f"{time.perf_counter() - started:.0f}s")

        def ids(level: str) -> list[str]:
            rows = db.driver.execute_query(
                "MATCH (a:Area {level: $level}) RETURN a.id AS id ORDER BY id", level=level,
                database_=db.database,
            ).records  # fmt: skip
            return [row["id"] for row in rows]

        print(f"\nwhat changed {from_date} → {to_date}, per subdistrict")
        for sub in ids("subdistrict")[: args.subdistricts]:
            answer, first, rest = timed(
                lambda sub=sub: changes(db, ADMIN, sub, from_date=from_date, to_date=to_date),
                args.runs,
            )  # fmt: skip
            print(line(f"changes {sub} (first ask {first * 1000:.0f} ms)", rest, 2.0))
            print(f"    {len(answer.opened)} opened, {len(answer.closed)} closed, "
                  f"{len(answer.started)} started, {len(answer.ended)} ended")  # fmt: skip

        district = ids("district")[0]
        print(f"\nthe best assignment for district {district} as of {AS_OF}")
        plan, first, rest = timed(
            lambda: assignment.propose(db, ADMIN, district, as_of=AS_OF,
                                       default_capacity=args.capacity),
            args.runs,
        )  # fmt: skip
        print(line(f"propose, read + solve (first {first * 1000:.0f} ms)", rest, 3.0))
        print(f"    {plan.targets} targets, {len(plan.officers)} officers, {plan.assigned} "
              f"assigned, {plan.total_distance_m:,} m in all; unassigned: "
              f"{sum(u.reason == 'no_eligible_officer' for u in plan.unassigned)} no officer, "
              f"{sum(u.reason == 'no_capacity_left' for u in plan.unassigned)} no capacity")

        inputs = assignment.read_inputs(db, ADMIN, district, AS_OF)
        flow = assignment.flow_instance(inputs, args.capacity)
        print(f"    instance: {len(flow.edges):,} eligible pairs, "
              f"{sum(flow.remaining):,} free places")  # fmt: skip
        cost = {(o, t): c for o, t, c in flow.edges}
        solvers: list[tuple[str, Callable[[list[int], list[tuple[int, int, int]], int], Pairs]]]
        solvers = [("ortools SimpleMinCostFlow (used)", assignment.solve_min_cost_flow),
                   ("networkx max_flow_min_cost", solve_networkx),
                   ("scipy linear_sum_assignment (slots)", solve_scipy)]  # fmt: skip
        reference = None
        for name, solve in solvers:
            pairs, first, rest = timed(lambda s=solve: s(flow.remaining, flow.edges, flow.targets),
                                       args.runs)  # fmt: skip
            value = (len(pairs), sum(cost[p] for p in pairs))
            reference = reference or value
            same = "same optimum" if value == reference else f"DIFFERENT {value} vs {reference}"
            print(line(f"solve: {name}", [first, *rest]) + f"  {same}")
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
