"""Network bench: GET /network/{id} on a large generated region, warm, and the network
page's JavaScript.

Issue 24 item 6: the network view of a community of the city-scale region (≈ 2,000 nodes)
is drawn and pans smoothly. This times the route that feeds it: a community (the one with
the most units), a subdistrict (the aggregated form) and a few more communities, each
asked ``--runs`` times after one cold call, through the API (uvicorn, HTTP) and through the
repository alone (the same plan, no HTTP); it prints p50, p95, the node and edge counts,
whether the answer was cut (``truncated``), and the gzipped JavaScript the network page
loads from ``console/dist`` (the app's entry, Element Plus, the page, ECharts).

    .venv/bin/python bench/network_bench.py --home /tmp/gapab/home   # a kept district home
    .venv/bin/python bench/network_bench.py --scale district --seed 1

The home must not be in use by another Neo4j (bench/query_bench.py --home keeps one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import statistics
import time
from pathlib import Path

import httpx
from kept_region import open_region, running_api  # beside this script

from graph_service.api.console import DIST
from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.network import network
from graph_service.schemas.network import MAX_NODES, NetworkForm

AS_OF = dt.date(2026, 6, 30)
TARGET_S = 1.0  # the page drawn within a second: the route must leave the chart most of it
PAGE_CHUNKS = ("Network-", "NetworkGraph-", "echarts-")


def page_js_kb() -> dict[str, float]:
    """The gzipped size of each script the network page loads: what index.html names (the
    entry, Element Plus), the page's chunk and the chart's (with ECharts)."""
    import re

    named = re.findall(r'(?:src|href)="/console/assets/([^"]+\.js)"',
                       (DIST / "index.html").read_text())  # fmt: skip
    out: dict[str, float] = {}
    for path in sorted((DIST / "assets").glob("*.js")):
        if path.name in named or path.name.startswith(PAGE_CHUNKS):
            out[path.name] = len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024
    return out


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a kept Neo4j home (bench/query_bench.py)")
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10, help="warm calls of each network")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    args = parser.parse_args(argv)
    reuse = args.home is not None and (args.home / "data").exists()
    with open_region(args.home, scale=args.scale, seed=args.seed, heap=args.heap,
                     pagecache=args.pagecache, prefix="network-bench-") as region:  # fmt: skip
        db = region.db
        # the bench's own choice of areas, not a query of the service
        rows = region.driver.execute_query(
            "MATCH (c:Area {level: 'community'})-[:PART_OF]->(s:Area {level: 'subdistrict'}) "
            "RETURN c.id AS community, s.id AS subdistrict, "
            "COUNT { (c)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(:Unit) } AS units "
            "ORDER BY units DESC, community LIMIT 5",
            database_=db.database,
        ).records  # fmt: skip
        communities = [r["community"] for r in rows]
        subdistrict = rows[0]["subdistrict"]
        key = add_account(db, Principal.cli(), f"network-bench-{os.getpid()}", Role.ADMIN)
        with running_api(region, QUERY_TIMEOUT_SECONDS="300", PLAN_AHEAD="false") as base:
            print(f"region: {'kept home ' + str(args.home) if reuse else args.scale}; "
                  f"{args.runs} warm calls each; cap {MAX_NODES} nodes; measured on a busy "
                  "machine")
            print(f"{'network':28} {'nodes':>6} {'edges':>6} {'cut':>4} {'cold s':>7} "
                  f"{'http p50':>9} {'http p95':>9} {'repo p50':>9} "
                  f"{'p95/target':>10}")
            client = httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=300)
            who = Principal.cli()
            for entity in [communities[0], subdistrict, *communities[1:]]:
                url = f"/network/{entity}?as_of={AS_OF.isoformat()}"
                started = time.perf_counter()
                answer = client.get(url)
                cold = time.perf_counter() - started
                answer.raise_for_status()
                body = answer.json()
                http: list[float] = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    client.get(url).raise_for_status()
                    http.append(time.perf_counter() - started)
                repo: list[float] = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    network(db, who, entity, AS_OF, form=NetworkForm.AUTO, max_nodes=MAX_NODES)
                    repo.append(time.perf_counter() - started)
                name = f"{entity} ({body['form']})"
                print(f"{name:28} {len(body['nodes']):6} {len(body['edges']):6} "
                      f"{'yes' if body['truncated'] else 'no':>4} {cold:7.2f} "
                      f"{statistics.median(http):9.3f} {p(http, 0.95):9.3f} "
                      f"{statistics.median(repo):9.3f} "
                      f"{p(http, 0.95) / TARGET_S:10.2f}")
            client.close()
    if (DIST / "index.html").is_file():
        sizes = page_js_kb()
        for name, kb in sizes.items():
            print(f"  {name:48} {kb:7.1f} kB gzipped")
        print(f"the network page's JavaScript: {sum(sizes.values()):.0f} kB gzipped (the "
              f"first page's budget is 500 kB; ECharts loads only with a chart)")
    else:
        print(f"the console is not built ({DIST}): no JavaScript figures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
