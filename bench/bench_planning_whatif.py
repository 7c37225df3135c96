"""What-if and weak points (issue 26, items 1 and 2) on a generated region.

    python bench/bench_planning_whatif.py [--scale district] [--home DIR] [--repeat 3]

Against a local Neo4j of its own holding a generated region (``--home`` keeps it: a later
run skips the import). Prints, with the issue's targets and the ratio to each:

* a what-if of 5 changes (two officers leave, two assignments end, one is added) for a
  subdistrict, after planning the queries ahead as the API does at start-up: a user's
  first ask (Neo4j still plans some gap queries inside the writing transaction, and the
  page cache is cold after a restart) and the next ones (target ≤ 2 s);
* the weak points of the same subdistrict (target ≤ 5 s), first run and the next: how
  many candidates there were (persons and units supporting something there), how many
  the rules' declarations left to weigh, in how many what-ifs, and the network's size.

The issue asks for the city scale (1.0M nodes); ``--scale city`` runs it where its import
fits (about an hour here); the default is a district, whose subdistricts are the same size
as a city's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.db.warmup import warm_plans
from graph_service.neo4j_server.manager import LocalNeo4j, free_port
from graph_service.schemas.scenarios import AddChange, EndChange, RemoveChange
from graph_service.services.imports import import_files
from graph_service.services.scenarios import what_if
from graph_service.services.weak_points import Tally, weak_points

WHAT_IF_TARGET_S = 2.0
WEAK_POINTS_TARGET_S = 5.0
ADMIN = Principal.cli()


def line(what: str, seconds: float, target: float, extra: str = "") -> None:
    print(f"{what:<44} {seconds:8.2f} s  target {target:.0f} s  ratio {seconds / target:5.2f}"
          f"  {extra}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--home", type=Path, help="keep the Neo4j server here")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-weak-points", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="whatif-bench-"))
    server = LocalNeo4j(args.home or work / "neo4j", Settings().cache_dir, bolt_port=free_port(),
                        heap=args.heap, pagecache=args.pagecache)  # fmt: skip
    info = server.start()
    try:
        settings = Settings(neo4j_uri=info.uri, neo4j_password=info.password_secret())
        driver = open_driver(settings)
        db = Database(driver, QueryRegistry.load(settings.cypher_dir), settings.neo4j_database,
                      timeout=600.0)  # fmt: skip
        db.ensure_schema()
        as_of = dt.date(2026, 6, 30)  # the generator's default
        held = driver.execute_query("MATCH (a:Area {level: 'subdistrict'}) RETURN count(a) AS n")
        if not held.records[0]["n"]:
            from loaders.generator import generate

            started = time.perf_counter()
            generate(args.seed, args.scale, work / "bundle")
            report = import_files(db, [work / "bundle"])
            assert report.written, report.problems[:3]
            print(f"generated and imported a {args.scale} in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        nodes = driver.execute_query("MATCH (n:Entity) RETURN count(n) AS n").records[0]["n"]
        area = driver.execute_query(
            "MATCH (a:Area {level: 'subdistrict'}) RETURN a.id AS id ORDER BY id LIMIT 1"
        ).records[0]["id"]
        officers = driver.execute_query(
            "MATCH (:Area {id: $a})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(t)"
            "<-[r:ASSIGNED_TO]-(p:Person) RETURN DISTINCT p.id AS p, t.id AS t "
            "ORDER BY p, t LIMIT 200", a=area,
        ).records  # fmt: skip
        people = driver.execute_query(
            "MATCH (:Area {id: $a})<-[:PART_OF*0..8]-(:Area)<-[:REPORTED_TO]-(p:Person) "
            "RETURN DISTINCT p.id AS p ORDER BY p "
            "LIMIT 1", a=area,
        ).records  # fmt: skip
        leavers = sorted({r["p"] for r in officers})[:2]
        ends = [r for r in officers if r["p"] not in leavers][:2]
        changes = [RemoveChange(op="leave", id=p) for p in leavers]
        changes += [EndChange(op="end", type="ASSIGNED_TO", from_id=r["p"], to_id=r["t"])
                    for r in ends]  # fmt: skip
        target = officers[0]["t"]
        changes += [AddChange(op="add", type="ASSIGNED_TO", from_id=people[0]["p"], to_id=target,
                              props={"role": "liaison"})]  # fmt: skip
        started = time.perf_counter()
        warm_plans(db)  # as the API does at start-up (PLAN_AHEAD): run 1 is a user's first ask
        print(f"planned the gap, count and summary queries ahead in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        print(f"measured on a busy machine (2 cores shared); {args.scale} seed {args.seed}, "
              f"{nodes:,} nodes; subdistrict {area}; {len(changes)} changes")
        for n in range(args.repeat):
            started = time.perf_counter()
            result = what_if(db, ADMIN, area, as_of, changes)
            line(f"what-if, {len(changes)} changes, a subdistrict (run {n + 1})",
                 time.perf_counter() - started, WHAT_IF_TARGET_S,
                 f"{len(result.opened)} opened, {len(result.closed)} closed")  # fmt: skip
        for n in range(0 if args.skip_weak_points else args.repeat):
            started = time.perf_counter()
            tally = Tally()
            found = weak_points(db, ADMIN, area, as_of, tally=tally)
            top = found.ranked[0].opens if found.ranked else 0
            line(f"weak points, a subdistrict (run {n + 1})", time.perf_counter() - started,
                 WEAK_POINTS_TARGET_S,
                 f"{len(tally.candidates)} candidates, {len(tally.weighed)} weighed in "
                 f"{tally.what_ifs} what-ifs ({tally.again_alone} again alone); network "
                 f"{found.network}, top {top} gaps")  # fmt: skip
        driver.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
