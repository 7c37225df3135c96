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
import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from neo4j import GraphDatabase

from graph_service.config import Settings
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.domain.kinds import RelKind
from graph_service.domain.tables import NODE_TABLES, REL_TABLES
from graph_service.neo4j_server.manager import MAIN_CLASS, LocalNeo4j, free_port

BATCH = 5_000


class TreeMemory:
    """The peak of a process's and its descendants' resident memory added together, sampled
    from /proc every 0.2 s while it runs (ru_maxrss only gives the largest one process):
    the importer, its CSV process and neo4j-admin, not the server it starts again."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.own_peak = pid, 0, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    @staticmethod
    def _tree(pid: int) -> list[int]:
        pids, todo = [], [pid]
        while todo:
            current = todo.pop()
            pids.append(current)
            for task in Path(f"/proc/{current}/task").glob("*/children"):
                with contextlib.suppress(OSError):  # gone meanwhile
                    todo += [int(child) for child in task.read_text().split()]
        return pids

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _server(pid: int) -> bool:
        """The Neo4j server a first load starts again: the database's, not the import's."""
        try:
            return MAIN_CLASS.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    def _sample(self) -> None:
        while not self.done.wait(0.2):
            pids = [pid for pid in self._tree(self.pid) if not self._server(pid)]
            sizes = {pid: self._rss(pid) for pid in pids}
            self.peak = max(self.peak, sum(sizes.values()))
            own = sum(size for pid, size in sizes.items() if self._python(pid))
            self.own_peak = max(self.own_peak, own)

    @staticmethod
    def _python(pid: int) -> bool:
        """The importer's own processes (Python), not neo4j-admin's JVM."""
        try:
            return Path(f"/proc/{pid}/exe").resolve().name.startswith("python")
        except OSError:
            return False

    def stop(self) -> tuple[int, int]:
        self.done.set()
        self.thread.join()
        return self.peak, self.own_peak


class Run(NamedTuple):
    seconds: float
    rss: int  # the largest one process of the import's (ru_maxrss)
    tree: int  # the import's processes together, at their peak (sampled)
    own: int  # the importer's own (Python) processes together, without neo4j-admin
    report: dict[str, Any]


def run_import(env: dict[str, str], bundle: Path, report: Path, *options: str) -> Run:
    """Run `graph-service load` in a child; its seconds, peak memory and report."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "graph_service.cli", "load", str(bundle),
         "--report-json", str(report), *options],
        env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    memory = TreeMemory(child.pid)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    tree, own = memory.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed with status {status}")
    return Run(seconds, usage.ru_maxrss * 1024, tree, own, json.loads(report.read_text()))


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


def memory(run: Run) -> str:
    return (f"{run.rss / 2**20:.0f} MiB the largest process, {run.own / 2**20:.0f} MiB "
            f"the importer's Python processes together, {run.tree / 2**20:.0f} MiB with "
            "neo4j-admin")


def report_first(run: Run, n_nodes: int, n_rels: int, transactional: bool) -> None:
    allowed = n_nodes / 25_000 + n_rels / 20_000
    seconds = run.seconds
    print(
        f"first import:  {seconds:8.1f} s   {n_nodes / seconds:10,.0f} nodes/s  "
        f"{n_rels / seconds:10,.0f} rels/s   (each count over the whole run: validation + "
        f"writes; {'transactions' if transactional else '--first-load'}); peak memory "
        f"{memory(run)}"
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
        first = run_import(env, bundle, work / "first.json", *offline)
        assert first.report["written"], first.report["problems"][:5]
        if args.first_only:
            report_first(first, n_nodes, n_rels, args.transactional)
            return 0
        again = run_import(env, bundle, work / "again.json")
        changed = again.report["totals"].get("created", 0) + again.report["totals"].get(
            "updated", 0
        )

        db.wipe()  # 10k nodes a transaction: hubs with many relationships need the headroom
        bare_s, bare_nodes, bare_rels = bare_unwind(
            GraphDatabase.driver(info.uri, auth=(info.user, info.password)),
            settings.neo4j_database, bundle,
        )  # fmt: skip
        driver.close()
    finally:
        server.stop()

    report_first(first, n_nodes, n_rels, args.transactional)
    print(
        f"re-import:     {again.seconds:8.1f} s   changed {changed} rows   "
        f"ratio to first {again.seconds / first.seconds:.2f}  (goal ≤ 1.5)"
    )
    peak = max(first, again, key=lambda run: run.tree)
    print(f"peak memory:   {memory(peak)}  (goal ≤ 1024 MiB)")
    print(
        f"bare UNWIND:   {bare_s:8.1f} s   ({bare_nodes:,} nodes, {bare_rels:,} rels)   "
        f"importer / bare = {first.seconds / bare_s:.2f}  (goal ≤ 1.5)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
