"""Query benchmark: the API under 8 concurrent clients on a generated region, warm.

Loads a generated region (default: city scale) into a fresh managed Neo4j, starts the API
with uvicorn, and measures with 8 concurrent clients:

* "who supports X" (``/entities/{id}/supporters``) and entity reads (``/units/{id}``),
* the first page of every gap list (``/gaps/{code}``), whole region and one subdistrict,
* the coverage summary of a subdistrict (``/areas/{id}/coverage``),

then the same repository calls made directly through the driver (same Cypher, no HTTP),
and prints p50, p95 and p99 of each with the API/driver ratio.

    python bench/query_bench.py --scale city --seed 1
    python bench/query_bench.py --bundle /tmp/district1     # reuse a generated bundle

Targets (issue 4): p95 ≤ 50 ms for supporters and entity reads, ≤ 150 ms for the first
page of any gap list, ≤ 1 s for a subdistrict's summary; API / driver ≤ 1.3×.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2 as httpx

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db import entities, gaps, support
from graph_service.db.accounts import add_account
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.domain.gaps import RULES
from graph_service.domain.kinds import NodeKind
from graph_service.neo4j_server.manager import LocalNeo4j, free_port
from loaders.importer import import_files

CLIENTS = 8
AS_OF = dt.date(2026, 6, 30)
ADMIN = Principal.cli()


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def timed(calls: list[Callable[[], Any]]) -> list[float]:
    """Run the calls on 8 threads; return each call's latency in seconds."""

    def one(call: Callable[[], Any]) -> float:
        started = time.perf_counter()
        call()
        return time.perf_counter() - started

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(one, calls))


def sample_ids(db: Database, cypher: str, n: int, rng: random.Random) -> list[str]:
    records = db.driver.execute_query(cypher, database_=db.database).records
    ids = [r["id"] for r in records]
    return rng.sample(ids, min(n, len(ids)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bundle", type=Path)
    parser.add_argument("--requests", type=int, default=400, help="per measured group")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="6g")
    parser.add_argument("--home", type=Path,
                        help="Keep the Neo4j server here; a later run on it skips the import")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    work = Path(tempfile.mkdtemp(prefix="query-bench-"))
    bundle = args.bundle
    reuse = args.home is not None and (args.home / "data").exists()
    if bundle is None and not reuse:
        from loaders.generator import generate

        bundle = work / "bundle"
        generate(args.seed, args.scale, bundle)
    server = LocalNeo4j(
        args.home or work / "neo4j", Settings().cache_dir, bolt_port=free_port(),
        heap=args.heap, pagecache=args.pagecache, transaction_timeout="0",
    )  # fmt: skip
    info = server.start()
    api: subprocess.Popen[bytes] | None = None
    try:
        settings = Settings(neo4j_uri=info.uri, neo4j_password=info.password_secret())
        driver = open_driver(settings)
        db = Database(driver, QueryRegistry.load(settings.cypher_dir), settings.neo4j_database)
        db.ensure_schema()
        if reuse:
            print(f"reusing the graph in {args.home}")
        else:
            started = time.perf_counter()
            report = import_files(db, [bundle])
            assert report.written, report.problems[:3]
            print(f"loaded {bundle} in {time.perf_counter() - started:.0f}s")

        targets = sample_ids(db, "MATCH (n:PartyOrg) RETURN n.id AS id UNION "
                                 "MATCH (n:Building) RETURN n.id AS id UNION "
                                 "MATCH (n:Area {level: 'community'}) RETURN n.id AS id",
                             args.requests, rng)  # fmt: skip
        units = sample_ids(db, "MATCH (n:Unit) RETURN n.id AS id", args.requests, rng)
        subdistricts = sample_ids(db, "MATCH (n:Area {level: 'subdistrict'}) RETURN n.id AS id",
                                  20, rng)  # fmt: skip

        port = free_port()
        env = os.environ | {"NEO4J_URI": info.uri, "NEO4J_USER": info.user,
                            "NEO4J_PASSWORD": info.password,
                            "QUERY_TIMEOUT_SECONDS": "300"}  # fmt: skip
        api = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "graph_service.main:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        key = add_account(db, ADMIN, f"bench-{port}", Role.ADMIN)
        client = httpx.Client(base_url=base, timeout=60, headers={"X-API-Key": key},
                              limits=httpx.Limits(max_connections=CLIENTS))  # fmt: skip
        for _ in range(100):
            try:
                if client.get("/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)

        def get(path: str, **params: Any) -> Callable[[], Any]:
            def call() -> Any:
                response = client.get(path, params=params)
                assert response.status_code == 200, (path, response.text[:200])

            return call

        day = AS_OF.isoformat()
        groups: dict[str, tuple[list[Callable[[], Any]], list[Callable[[], Any]]]] = {
            "supporters": (
                [get(f"/entities/{t}/supporters", as_of=day) for t in targets],
                [lambda t=t: support.supporters(db, ADMIN, t, AS_OF) for t in targets],
            ),
            "entity read": (
                [get(f"/units/{u}") for u in units],
                [lambda u=u: entities.get_node(db, ADMIN, NodeKind.UNIT, u) for u in units],
            ),
        }
        reps = max(8, args.requests // (2 * len(RULES)))
        for where in ("subdistrict", "city"):
            for rule in RULES:
                http_calls, direct_calls = [], []
                for i in range(reps):
                    area = subdistricts[i % len(subdistricts)] if where == "subdistrict" else None
                    params = {"as_of": day} | ({"area": area} if area else {})
                    http_calls.append(get(f"/gaps/{rule.code}", **params))
                    direct_calls.append(lambda c=rule.code, a=area: gaps.list_gaps(
                        db, ADMIN, c, as_of=AS_OF, area=a))  # fmt: skip
                groups[f"{rule.code} ({where})"] = (http_calls, direct_calls)
        groups["summary (subdistrict)"] = (
            [get(f"/areas/{s}/coverage", as_of=day) for s in subdistricts],
            [lambda s=s: gaps.coverage_summary(db, ADMIN, s, as_of=AS_OF) for s in subdistricts],
        )

        print(f"{'measure':40} {'p50':>8} {'p95':>8} {'p99':>8}   {'driver p50':>10} "
              f"{'p95':>8}  {'ratio p50':>9}")  # fmt: skip
        for name, (http_calls, direct_calls) in groups.items():
            http_calls[0]()  # one alone first: the plan is compiled once, not 8 times at once
            timed(http_calls)  # warm: plans cached, pages in memory
            timed(direct_calls)
            api_ms = percentiles(timed(http_calls))
            direct_ms = percentiles(timed(direct_calls))
            print(f"{name:40} {api_ms[0]:8.1f} {api_ms[1]:8.1f} {api_ms[2]:8.1f}   "
                  f"{direct_ms[0]:10.1f} {direct_ms[1]:8.1f}  {api_ms[0] / direct_ms[0]:9.2f}")
        driver.close()
    finally:
        if api is not None:
            api.terminate()
            api.wait()
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
