"""Import benchmark: a generated region loaded through the project's own import path.

Prints nodes/s and relationships/s of a first import into an empty database, the time
of a re-import of the same bundle (which must change nothing) and its ratio to the
first, the importer's peak memory, and the ratio of the importer's time to a bare
``UNWIND … MERGE`` batch load of the same rows through the driver.

    python bench/import_bench.py --scale city --seed 1
    python bench/import_bench.py --scale district --bundle /tmp/district   # reuse a bundle

Targets (issue 3): ≥ 25k nodes/s, ≥ 20k relationships/s, re-import ≤ 1.5× the first,
peak memory ≤ 1 GiB, importer / bare UNWIND ≤ 1.5×.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from graph_service.config import Settings
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.domain.kinds import RelKind
from graph_service.domain.tables import NODE_TABLES, REL_TABLES
from graph_service.neo4j_server.manager import LocalNeo4j, free_port

BATCH = 5_000


def run_import(
    env: dict[str, str], bundle: Path, report: Path, *options: str
) -> tuple[float, int, dict[str, Any]]:
    """Run `graph-service load` in a child; return seconds, its peak RSS (bytes), report."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "graph_service.cli", "load", str(bundle),
         "--report-json", str(report), *options],
        env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed with status {status}")
    return seconds, usage.ru_maxrss * 1024, json.loads(report.read_text())


def csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.split(" ")[-1] for h in next(reader)]
        for row in reader:
            yield {k: v for k, v in zip(header, row, strict=True) if v != ""}


def bare_unwind(driver: Any, database: str, bundle: Path) -> tuple[float, int, int]:
    """Load the same rows with the simplest UNWIND/MERGE, no validation: the baseline."""
    started = time.perf_counter()
    kinds: dict[str, str] = {}
    nodes = rels = 0
    with driver.session(database=database) as session:
        for kind, table in NODE_TABLES.items():
            path = bundle / f"{table.key}.csv"
            if not path.exists():
                continue
            query = (f"UNWIND $rows AS row MERGE (n:Entity {{id: row.id}}) "
                     f"SET n:{kind.value} SET n += row")  # fmt: skip
            batch: list[dict[str, str]] = []
            for row in csv_rows(path):
                row.pop("latitude", None)
                row.pop("longitude", None)
                kinds[row["id"]] = kind.value
                batch.append(row)
                if len(batch) == BATCH:
                    session.execute_write(lambda tx, b=batch, q=query: tx.run(q, rows=b).consume())
                    nodes += len(batch)
                    batch = []
            if batch:
                session.execute_write(lambda tx, b=batch, q=query: tx.run(q, rows=b).consume())
                nodes += len(batch)
        for rel, table in REL_TABLES.items():
            path = bundle / f"{table.key}.csv"
            if not path.exists():
                continue
            groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)

            def flush(
                pair: tuple[str, str], batch: list[dict[str, str]], rel: RelKind = rel
            ) -> int:
                query = (f"UNWIND $rows AS row MATCH (a:{pair[0]} {{id: row.from_id}}) "
                         f"MATCH (b:{pair[1]} {{id: row.to_id}}) "
                         f"MERGE (a)-[r:{rel.value}]->(b) SET r += row")  # fmt: skip
                session.execute_write(lambda tx: tx.run(query, rows=batch).consume())
                return len(batch)

            for row in csv_rows(path):
                pair = (kinds[row["from_id"]], kinds[row["to_id"]])
                groups[pair].append(row)
                if len(groups[pair]) == BATCH:
                    rels += flush(pair, groups.pop(pair))
            for pair, batch in groups.items():
                rels += flush(pair, batch)
    return time.perf_counter() - started, nodes, rels


def report_first(seconds: float, n_nodes: int, n_rels: int, rss: int, transactional: bool) -> None:
    allowed = n_nodes / 25_000 + n_rels / 20_000
    print(
        f"first import:  {seconds:8.1f} s   {n_nodes / seconds:10,.0f} nodes/s  "
        f"{n_rels / seconds:10,.0f} rels/s   (each count over the whole run: validation + "
        f"writes; {'transactions' if transactional else '--first-load'}); peak memory "
        f"{rss / 2**20:.0f} MiB"
    )
    print(
        f"  against the goal: {n_nodes:,} nodes at 25k/s and {n_rels:,} relationships at "
        f"20k/s allow {allowed:.1f} s in all; took {seconds / allowed:.2f}× that"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bundle", type=Path, help="reuse a generated bundle folder")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="6g")
    parser.add_argument("--first-only", action="store_true",
                        help="only the first load: no re-import, no bare UNWIND")
    parser.add_argument("--transactional", action="store_true",
                        help="the first load through transactions, not --first-load")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    bundle = args.bundle
    if bundle is None or not (bundle / "manifest.json").exists():
        from loaders.generator import generate

        bundle = bundle or work / "bundle"
        started = time.perf_counter()
        generate(args.seed, args.scale, bundle)
        print(f"generated {args.scale} bundle in {time.perf_counter() - started:.0f}s: {bundle}")
    counts = json.loads((bundle / "manifest.json").read_text())["counts"]
    node_keys = {t.key for t in NODE_TABLES.values()}
    n_nodes = sum(v for k, v in counts.items() if k in node_keys)
    n_rels = sum(v for k, v in counts.items() if k not in node_keys)
    print(f"bundle: {n_nodes:,} nodes, {n_rels:,} relationships")

    server = LocalNeo4j(
        work / "neo4j", Settings().cache_dir, bolt_port=free_port(),
        heap=args.heap, pagecache=args.pagecache, transaction_timeout="0",
    )  # fmt: skip
    info = server.start()
    try:
        env = os.environ | {"NEO4J_URI": info.uri, "NEO4J_USER": info.user,
                            "NEO4J_PASSWORD": info.password}  # fmt: skip
        settings = Settings(neo4j_uri=info.uri, neo4j_password=info.password_secret())
        driver = open_driver(settings)
        db = Database(driver, QueryRegistry.load(settings.cypher_dir), settings.neo4j_database)
        db.ensure_schema()

        offline = () if args.transactional else ("--first-load", "--neo4j-home",
                                                 str(server.home))  # fmt: skip
        first_s, first_rss, first = run_import(env, bundle, work / "first.json", *offline)
        assert first["written"], first["problems"][:5]
        if args.first_only:
            report_first(first_s, n_nodes, n_rels, first_rss, args.transactional)
            return 0
        again_s, again_rss, again = run_import(env, bundle, work / "again.json")
        changed = again["totals"].get("created", 0) + again["totals"].get("updated", 0)

        db.wipe()  # 10k nodes a transaction: hubs with many relationships need the headroom
        bare_s, bare_nodes, bare_rels = bare_unwind(
            GraphDatabase.driver(info.uri, auth=(info.user, info.password)),
            settings.neo4j_database, bundle,
        )  # fmt: skip
        driver.close()
    finally:
        server.stop()

    report_first(first_s, n_nodes, n_rels, first_rss, args.transactional)
    print(
        f"re-import:     {again_s:8.1f} s   changed {changed} rows   "
        f"ratio to first {again_s / first_s:.2f}  (goal ≤ 1.5)"
    )
    print(f"peak memory:   {max(first_rss, again_rss) / 2**20:8.0f} MiB  (goal ≤ 1024)")
    print(
        f"bare UNWIND:   {bare_s:8.1f} s   ({bare_nodes:,} nodes, {bare_rels:,} rels)   "
        f"importer / bare = {first_s / bare_s:.2f}  (goal ≤ 1.5)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
