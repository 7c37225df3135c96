"""Gap queries before and after the rule redesign (issue 27): same graph, same run, A/B.

Commit 95720bd made each gap rule one declaration and one condition: its page query
(``<code>``) and count query (``<code>_count``) are now composed by the registry from
``cypher/gaps/<code>.cypher`` and the pieces in ``cypher/_gaps/``, where before both were
written by hand (``cypher/gaps/<code>.cypher``, ``cypher/gaps/counts/<code>_count.cypher``).
Issue 27 must hold: no query slower by more than 10 %.

This compares, for each of the 19 rules that existed before, the two queries as they were
at ``95720bd^`` ("before") with the two as composed now ("after"), on one loaded graph in
one run:

* the "before" texts come from that commit's own registry: a git worktree of it
  (``--before-tree``, made with ``git worktree add --detach`` when missing), loaded in a
  subprocess with that tree first on PYTHONPATH, which prints every gap page and count
  query (text and declared parameters) as JSON, with the default kinds and periods that
  commit sent;
* the "after" texts from this tree's registry (the declared default rule settings, no
  rules file), named as :mod:`graph_service.db.gaps` names them;
* each query gets exactly the parameters it declares, from one pool per rule (as
  :func:`graph_service.db.gaps.list_step` and ``count_step`` build it): ``as_of``, the
  area, ``areas`` = [area], skip 0, limit 50, and the rule's options at their defaults
  (``RuleSettings.params``, e.g. ``min_formal_members`` 3);
* every call is the raw text run with the driver (``session.execute_read``, every record
  fetched), both sides the same way, timed around the read;
* two scopes: one subdistrict, and the district (the region's root district);
* the queries are warmed (plans compiled, pages cached) both sides first, and the answers
  compared: the rows of before and after must be equal, in order; a difference is printed
  and the run exits 1;
* then ``--rounds`` rounds; in each, every query runs once before and once after, one
  right after the other, which one first drawn at random: the machine's load (shared, 2
  cores) falls on both alike.

Printed per query and scope: median and p95 ms before and after, the ratio of the medians
(after / before), the middle half (25th-75th percentile) of the per-round ratios (the
noise: how far one pair of calls moves), whether the composed text is the old one byte for
byte (``same``: then both sides run one cached plan, and their ratio is the noise alone) or
``new``, and ``SLOWER`` where the ratio is above 1.10.

    python bench/gap_query_ab.py --home /tmp/gapab-home            # generates, imports
    python bench/gap_query_ab.py --home /tmp/gapab-home --rounds 15  # reuses the graph
    python bench/gap_query_ab.py --bundle /tmp/district1 --home /tmp/gapab-home
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from graph_service.config import Settings
from graph_service.db import gaps
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.domain.gaps import RULES_BY_CODE, default_rule_settings
from graph_service.neo4j_server.manager import LocalNeo4j, free_port
from graph_service.services.imports import import_files

BEFORE = "95720bd^"  # the last commit with hand-written gap queries
AS_OF = dt.date(2026, 6, 30)  # the generator's default date, inside its data's range
SKIP, LIMIT = 0, 50
THRESHOLD = 1.10
ROOT = Path(__file__).resolve().parent.parent

# Run in the "before" tree: that commit's registry and names, printed as JSON.
_DUMP = """
import json, sys
from pathlib import Path
from graph_service.db import gaps
from graph_service.db.registry import QueryRegistry
registry = QueryRegistry.load(Path("cypher").resolve())
assert Path(gaps.__file__).resolve().is_relative_to(Path.cwd().resolve()), gaps.__file__
queries = {}
for rule in gaps.RULES:
    named = (("page", gaps.list_query(rule.code)), ("count", gaps.count_query(rule.code)))
    for what, name in named:
        query = registry[name]
        queries[name] = {"code": rule.code, "what": what, "text": query.text,
                         "params": sorted(query.params)}
kinds = {code: list(spec[0]) for code, spec in gaps.RULE_KINDS.items()}
json.dump({"queries": queries, "kinds": kinds, "periods": dict(gaps.MEETING_PERIOD_DAYS)},
          sys.stdout)
"""


def before_queries(tree: Path) -> dict[str, Any]:
    """The gap queries of the ``95720bd^`` worktree, from its own registry."""
    if not (tree / "graph_service").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree),
                        BEFORE], check=True)  # fmt: skip
    env = os.environ | {"PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", _DUMP], cwd=tree, env=env, check=True,
                         capture_output=True, text=True)  # fmt: skip
    dumped: dict[str, Any] = json.loads(out.stdout)
    return dumped


def after_queries(codes: list[str]) -> dict[str, dict[str, Any]]:
    """The same rules' queries as this tree's registry composes them (no rules file)."""
    registry = QueryRegistry.load(Settings().cypher_dir, None)
    out: dict[str, dict[str, Any]] = {}
    for code in codes:
        for what, name in (("page", gaps.list_query(code)), ("count", gaps.count_query(code))):
            query = registry[name]
            out[name] = {"code": code, "what": what, "text": query.text,
                         "params": sorted(query.params)}  # fmt: skip
    return out


def pool(code: str, area: str) -> dict[str, Any]:
    """Every value a gap query of the rule may take (as db/gaps.py's list/count steps)."""
    rule = RULES_BY_CODE[code]
    return {**default_rule_settings().params(rule), "as_of": AS_OF, "area": area,
            "areas": [area], "skip": SKIP, "limit": LIMIT}  # fmt: skip


def check_defaults(dumped: dict[str, Any]) -> list[str]:
    """Where the options the old service sent differ from today's defaults (they must not:
    the comparison gives both sides the same values)."""
    settings = default_rule_settings()
    problems = []
    for code, kinds in dumped["kinds"].items():
        now = list(settings.kinds.get(code, ()))
        if sorted(now) != sorted(kinds):
            problems.append(f"{code}: kinds were {kinds}, are {now}")
    for code, periods in settings.periods.items():
        if dict(periods) != dumped["periods"]:
            problems.append(f"{code}: periods were {dumped['periods']}, are {dict(periods)}")
    return problems


def run(driver: Any, database: str, text: str, params: dict[str, Any]) -> tuple[float, list[Any]]:
    """One call: the query in a read transaction, every record fetched; seconds and rows."""
    with driver.session(database=database) as session:
        started = time.perf_counter()
        records = session.execute_read(lambda tx: list(tx.run(text, params)))
        took = time.perf_counter() - started
    return took, records


def plan_shape(driver: Any, database: str, text: str, params: dict[str, Any]) -> Any:
    """The plan Neo4j makes for the query (EXPLAIN): each operator and its estimated rows,
    nested as the plan is (names of variables and parameters left out)."""

    def shape(plan: dict[str, Any]) -> tuple[Any, ...]:
        rows = round(plan.get("args", {}).get("EstimatedRows", 0))
        return plan["operatorType"], rows, tuple(shape(c) for c in plan.get("children", []))

    with driver.session(database=database) as session:
        plan = session.execute_read(lambda tx: tx.run("EXPLAIN\n" + text, params).consume().plan)
    return shape(plan)


def q(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(p * 100) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bundle", type=Path, help="a generated district bundle to import")
    parser.add_argument("--home", type=Path,
                        help="keep the Neo4j server here; a later run reuses its graph")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3, help="calls per query and side first")
    parser.add_argument("--before-tree", type=Path, default=Path("/tmp/ab-before"))
    parser.add_argument("--only", default="", help="only the rules whose code contains one of "
                                                   "these texts (a,b,…)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.rounds < 2:
        parser.error("--rounds: at least 2")
    rng = random.Random(args.seed)

    dumped = before_queries(args.before_tree)
    before = dumped["queries"]
    codes = sorted({entry["code"] for entry in before.values()},
                   key=lambda c: list(RULES_BY_CODE).index(c))  # fmt: skip
    codes = [c for c in codes if any(part in c for part in args.only.split(","))]
    after = after_queries(codes)
    names = [name for code in codes for name in (gaps.list_query(code), gaps.count_query(code))]
    if problems := check_defaults(dumped):
        print("the defaults changed:\n  " + "\n  ".join(problems))
        return 1
    same_text = [n for n in names if before[n]["text"] == after[n]["text"]]
    print(f"{len(codes)} rules, {len(names)} queries; before = {BEFORE} (its registry, "
          f"{args.before_tree}), after = this tree; {len(same_text)} texts identical")

    work = Path(tempfile.mkdtemp(prefix="gap-ab-"))
    server = LocalNeo4j(
        args.home or work / "neo4j", Settings().cache_dir, bolt_port=free_port(),
        heap=args.heap, pagecache=args.pagecache, transaction_timeout="0",
    )  # fmt: skip
    info = server.start()
    mismatches = 0
    try:
        settings = Settings(neo4j_uri=info.uri, neo4j_password=info.password_secret())
        driver = open_driver(settings)
        database = settings.neo4j_database
        # a busy machine: the import's and the schema's writes get minutes, not 30 s
        db = Database(driver, QueryRegistry.load(settings.cypher_dir), database, timeout=900)
        db.ensure_schema()
        held = driver.execute_query("MATCH (a:Area {level: 'district'}) RETURN count(a) AS n",
                                    database_=database)  # fmt: skip
        if held.records[0]["n"]:
            print(f"reusing the graph in {args.home}")
        else:
            bundle = args.bundle
            started = time.perf_counter()
            if bundle is None:
                from loaders.generator import generate

                bundle = work / "bundle"
                generate(args.seed, "district", bundle)
            report = import_files(db, [bundle])
            assert report.written, report.problems[:3]
            print(f"loaded {bundle} in {time.perf_counter() - started:.0f} s")
        district = driver.execute_query(
            "MATCH (a:Area {level: 'district'}) RETURN a.id AS id ORDER BY id LIMIT 1",
            database_=database,
        ).records[0]["id"]  # fmt: skip
        subdistrict = driver.execute_query(
            "MATCH (a:Area {level: 'subdistrict'})-[:PART_OF]->(:Area {id: $d}) "
            "RETURN a.id AS id ORDER BY id LIMIT 1", d=district, database_=database,
        ).records[0]["id"]  # fmt: skip
        scopes = {"subdistrict": subdistrict, "district": district}
        print(f"scopes: subdistrict {subdistrict}, district {district}; as_of {AS_OF}; "
              f"{args.rounds} rounds after {args.warmup} warm-up calls a side; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)

        calls: dict[tuple[str, str], dict[str, tuple[str, dict[str, Any]]]] = {}
        for scope, area in scopes.items():
            for name in names:
                values = pool(before[name]["code"], area)
                sides = {}
                for side, entry in (("before", before[name]), ("after", after[name])):
                    missing = set(entry["params"]) - set(values)
                    assert not missing, f"{side} {name} declares {missing}, not in the pool"
                    sides[side] = (entry["text"], {k: values[k] for k in entry["params"]})
                calls[(name, scope)] = sides

        # warm-up, and the same answer both sides; whether Neo4j plans both alike
        started = time.perf_counter()
        plans_differ: set[tuple[str, str]] = set()
        for key, sides in calls.items():
            if plan_shape(driver, database, *sides["before"]) != plan_shape(
                driver, database, *sides["after"]
            ):
                plans_differ.add(key)
            rows: dict[str, list[dict[str, Any]]] = {}
            for i in range(args.warmup):
                for side in ("before", "after") if i % 2 == 0 else ("after", "before"):
                    _, records = run(driver, database, *sides[side])
                    rows.setdefault(side, [r.data() for r in records])
            if rows["before"] != rows["after"]:
                mismatches += 1
                b, a = rows["before"], rows["after"]
                at = next((i for i, (x, y) in enumerate(zip(b, a, strict=False)) if x != y),
                          min(len(b), len(a)))  # fmt: skip
                print(f"!!! MISMATCH {key[0]} ({key[1]}): before {len(b)} rows, after {len(a)}"
                      f" rows; first difference at row {at}:\n    before "
                      f"{b[at] if at < len(b) else '-'}\n    after  "
                      f"{a[at] if at < len(a) else '-'}", flush=True)  # fmt: skip
        print(f"warmed up in {time.perf_counter() - started:.0f} s; answers "
              f"{'equal' if not mismatches else f'DIFFER in {mismatches} queries'}", flush=True)

        # the rounds: each query before and after back to back, which first at random
        times: dict[tuple[str, str], dict[str, list[float]]] = {
            key: {"before": [], "after": []} for key in calls
        }
        started = time.perf_counter()
        loads = []
        for r in range(args.rounds):
            keys = list(calls)
            rng.shuffle(keys)
            for key in keys:
                order = ["before", "after"]
                rng.shuffle(order)
                for side in order:
                    took, _ = run(driver, database, *calls[key][side])
                    times[key][side].append(took)
            loads.append(os.getloadavg()[0])
            print(f"  round {r + 1}/{args.rounds} done ({time.perf_counter() - started:.0f} s,"
                  f" load {loads[-1]:.1f})", flush=True)  # fmt: skip
        driver.close()
    finally:
        server.stop()

    print(f"\nmeasured: {args.rounds} rounds in {time.perf_counter() - started:.0f} s, load "
          f"average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores (a busy machine)")
    print(f"{'query':36} {'scope':11} {'before p50':>10} {'p95':>7} {'after p50':>10} "
          f"{'p95':>7} {'ratio':>6} {'per-round ratio q1-q3':>22} {'text':>6} "
          f"{'plan':>6}")  # fmt: skip
    ratios = []
    flagged = []
    noise: dict[str, list[float]] = {}
    for scope in scopes:
        for name in names:
            t = times[(name, scope)]
            b50, b95 = q(t["before"], 0.5) * 1000, q(t["before"], 0.95) * 1000
            a50, a95 = q(t["after"], 0.5) * 1000, q(t["after"], 0.95) * 1000
            pairs = [a / b for a, b in zip(t["after"], t["before"], strict=True)]
            ratio = a50 / b50
            ratios.append((ratio, name, scope))
            same = "same" if before[name]["text"] == after[name]["text"] else "new"
            plan = "DIFFER" if (name, scope) in plans_differ else "same"
            noise.setdefault(same, []).append(ratio)
            flag = "  SLOWER" if ratio > THRESHOLD else ""
            if flag:
                flagged.append((name, scope))
            print(f"{name:36} {scope:11} {b50:10.1f} {b95:7.1f} {a50:10.1f} {a95:7.1f} "
                  f"{ratio:6.2f} {q(pairs, 0.25):15.2f} - {q(pairs, 0.75):4.2f} {same:>6} "
                  f"{plan:>6}{flag}",
                  flush=True)  # fmt: skip
    top = max(ratios)
    print(f"\nratio after/before: median of all {statistics.median(r for r, _, _ in ratios):.2f}"
          f", max {top[0]:.2f} ({top[1]}, {top[2]}), min {min(ratios)[0]:.2f}; above "
          f"{THRESHOLD:.2f}: {', '.join(f'{n} ({s})' for n, s in flagged) or 'none'}")
    if "same" in noise:  # identical texts run one plan: their ratios are the noise alone
        print(f"the noise: the {len(noise['same'])} queries whose text did not change (one "
              f"plan both sides) gave ratios {min(noise['same']):.2f}-{max(noise['same']):.2f}"
              f"; the {len(noise.get('new', []))} changed ones "
              f"{min(noise.get('new', [1])):.2f}-{max(noise.get('new', [1])):.2f}")
    print(f"plans (EXPLAIN: operators and estimated rows): {len(plans_differ)} of {len(calls)} "
          f"differ before/after" + "".join(f"\n  {n} ({s})" for n, s in sorted(plans_differ)))
    if mismatches:
        print(f"!!! {mismatches} queries answered differently before and after", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
