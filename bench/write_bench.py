"""Write benchmark: the API under 8 concurrent writing clients, and writers racing.

Loads the demo region into a fresh managed Neo4j, starts the API as ``graph-service serve``
does (``--workers`` uvicorn processes, default 2), and measures:

* **throughput**: 8 client processes, each over its own kept-alive connection, repeat a
  cycle of writes for ``--seconds``: create a unit placed in a building (an area
  relationship: stored areas are refreshed), update it, assign an officer to a building,
  end that assignment, delete the unit with its relationship. Printed: writes/s, p50, p95
  and p99 per kind and overall, the CPU each side spent per write, then whether the audit
  trail verifies (signed, every event there) and holds one event per write;
* **races** (``--rounds``): 8 threads behind a barrier post the same relationship at once
  (exactly one 201 may come back, and one relationship be stored), and 6 threads patch
  different fields of one unit at once (every field must hold).

    python bench/write_bench.py
    python bench/write_bench.py --seconds 60 --rounds 100 --workers 2

Targets (issue 30): ≥ 100 writes/s with p95 ≤ 250 ms under 8 clients, the audit chain
intact; 0 duplicate creates in 100 rounds; 0 lost field updates in 100 rounds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import SecretStr

# the query bench beside this script (run as `python bench/write_bench.py`)
from query_bench import children, cpu_seconds, percentiles

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db import audit
from graph_service.db.accounts import add_account
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.neo4j_server.manager import LocalNeo4j, free_port
from graph_service.services.demo import load_demo

CLIENTS = 8
AUDIT_KEY = os.urandom(16).hex()
ADMIN = Principal.cli()


class Client:
    """One kept-alive HTTP/1.1 connection sending JSON."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.headers = {"X-API-Key": key, "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def send(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=self.headers)
                answer = self.connection.getresponse()
                raw = answer.read()
                return answer.status, json.loads(raw) if raw else None
            except (ConnectionError, http.client.HTTPException):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


# ---- throughput: one client process each ------------------------------------------------


def cycle_writes(port: int, key: str, client: int, seconds: float, start_at: float,
                 buildings: list[str]) -> dict[str, list[float]]:  # fmt: skip
    """Repeat the cycle of writes until ``seconds`` have passed; each kind's latencies."""
    http_client = Client(port, key)
    person = f"P-WB-{client}"
    status, _ = http_client.send("POST", "/persons?link=reported_to&link_to=A-JIANXIN",
                                 {"id": person, "name": f"压测指导员{client}"})  # fmt: skip
    assert status == 201, status
    times: dict[str, list[float]] = {}
    while time.time() < start_at:
        time.sleep(0.001)
    ends, i = time.perf_counter() + seconds, 0
    while time.perf_counter() < ends:
        unit, building = f"U-WB-{client}-{i}", buildings[(client + i) % len(buildings)]
        steps = [
            ("create node", "POST", f"/units?link=located_in&link_to={building}",
             {"id": unit, "name": f"压测单位{client}-{i}", "kind": "企业"}, 201),
            ("update node", "PATCH", f"/units/{unit}",
             {"note": f"第{i}次", "formal_party_members": i % 9}, 200),
            ("create relationship", "POST", "/relationships/assigned_to",
             {"from_id": person, "to_id": building, "role": "党建联络员"}, 201),
            ("delete relationship", "DELETE",
             f"/relationships/assigned_to/{person}/{building}", None, 204),
            ("delete node", "DELETE", f"/units/{unit}?cascade=true", None, 200),
        ]  # fmt: skip
        for name, method, path, body, expected in steps:
            began = time.perf_counter()
            status, answer = http_client.send(method, path, body)
            times.setdefault(name, []).append(time.perf_counter() - began)
            if status != expected:
                raise RuntimeError(f"{method} {path}: {status} {answer}")
        i += 1
    return times


# ---- races: threads behind a barrier -----------------------------------------------------


def together(port: int, key: str, requests: list[tuple[str, str, Any]]) -> list[int]:
    """Send the requests at once, one connection each (opened before the barrier)."""
    clients = [Client(port, key) for _ in requests]
    for c in clients:
        c.connection.connect()
    barrier = threading.Barrier(len(requests))

    def send(pair: tuple[Client, tuple[str, str, Any]]) -> int:
        client, (method, path, body) = pair
        barrier.wait()
        return client.send(method, path, body)[0]

    with ThreadPoolExecutor(len(requests)) as pool:
        statuses = list(pool.map(send, zip(clients, requests, strict=True)))
    for c in clients:
        c.connection.close()
    return statuses


def races(db: Database, port: int, key: str, rounds: int, building: str) -> None:
    duplicates = refused_wrongly = 0
    for r in range(rounds):
        person = f"P-RACE-{r}"
        Client(port, key).send("POST", "/persons?link=reported_to&link_to=A-JIANXIN",
                               {"id": person, "name": f"并发{r}"})  # fmt: skip
        body = {"from_id": person, "to_id": building, "role": "liaison"}
        statuses = together(port, key, [("POST", "/relationships/assigned_to", body)] * 8)
        stored = db.driver.execute_query(
            "MATCH (:Person {id: $p})-[r:ASSIGNED_TO]->(:Entity {id: $b}) RETURN count(r) AS n",
            p=person, b=building, database_=db.database).records[0]["n"]  # fmt: skip
        duplicates += max(0, stored - 1) + max(0, statuses.count(201) - 1)
        refused_wrongly += sum(s not in (201, 409) for s in statuses)
    print(f"duplicate creates: {duplicates} in {rounds} rounds of 8 "
          f"(answers other than 201/409: {refused_wrongly})")  # fmt: skip

    fields = {"name_en": "Race Unit", "address": "经七路1号", "credit_code": "91370100MA3C",
              "formal_party_members": 7, "note": "共建", "illustrative": True}  # fmt: skip
    lost = 0
    for r in range(rounds):
        unit = f"U-RACE-{r}"
        Client(port, key).send("POST", f"/units?link=located_in&link_to={building}",
                               {"id": unit, "name": f"并发单位{r}", "kind": "企业"})  # fmt: skip
        statuses = together(port, key, [("PATCH", f"/units/{unit}", {f: v})
                                        for f, v in fields.items()])  # fmt: skip
        assert statuses == [200] * len(fields), statuses
        stored = Client(port, key).send("GET", f"/units/{unit}")[1]
        lost += sum(stored.get(f) != v for f, v in fields.items())
    print(f"lost field updates: {lost} in {rounds} rounds of {len(fields)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--warm-seconds", type=float, default=60.0,
                        help="write this long before measuring: Neo4j's JIT compiles hot code "
                             "after thousands of calls (cold, a trivial query costs it ten "
                             "times the CPU), which a long-running server has seen")  # fmt: skip
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="write-bench-"))
    server = LocalNeo4j(work / "neo4j", Settings().cache_dir, bolt_port=free_port(),
                        heap="1g", pagecache="512m")  # fmt: skip
    info = server.start()
    api: subprocess.Popen[bytes] | None = None
    try:
        settings = Settings(neo4j_uri=info.uri, neo4j_password=info.password_secret(),
                            audit_key=SecretStr(AUDIT_KEY))  # fmt: skip
        driver = open_driver(settings)
        db = Database(driver, QueryRegistry.load(settings.cypher_dir), settings.neo4j_database,
                      audit_key=AUDIT_KEY.encode())  # fmt: skip
        db.ensure_schema()
        load_demo(db)
        buildings = [r["id"] for r in driver.execute_query(
            "MATCH (b:Building)-[:LOCATED_IN*1..3]->(:Area {id: 'A-JIANXIN'}) RETURN b.id AS id "
            "ORDER BY id", database_=db.database).records]  # fmt: skip
        buildings = buildings or [r["id"] for r in driver.execute_query(
            "MATCH (b:Building) RETURN b.id AS id ORDER BY id", database_=db.database).records]
        port = free_port()
        env = os.environ | {"NEO4J_URI": info.uri, "NEO4J_USER": info.user,
                            "NEO4J_PASSWORD": info.password, "AUDIT_KEY": AUDIT_KEY,
                            "PLAN_AHEAD": "false",
                            "RESULT_CACHE_FILE": str(work / "result-cache.sqlite")}  # fmt: skip
        api = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "graph_service.main:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
             "--workers", str(args.workers)],
            env=env,
        )  # fmt: skip
        key = add_account(db, ADMIN, f"bench-{port}", Role.ADMIN)
        for _ in range(200):
            try:
                if Client(port, key).send("GET", "/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        events_before = audit.verify_chain(db)[0]
        print(f"API: {args.workers} uvicorn worker(s); {CLIENTS} writing client processes; "
              f"{len(buildings)} buildings written to")  # fmt: skip

        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(CLIENTS, mp_context=spawn) as pool:
            def run(seconds: float, tag: int) -> tuple[dict[str, list[float]], float]:
                start_at = time.time() + 2.0
                futures = [pool.submit(cycle_writes, port, key, tag * CLIENTS + c, seconds,
                                       start_at, buildings) for c in range(CLIENTS)]  # fmt: skip
                merged: dict[str, list[float]] = {}
                for future in futures:
                    for name, samples in future.result().items():
                        merged.setdefault(name, []).extend(samples)
                return merged, seconds

            run(args.warm_seconds, 0)  # plans, JIT, connections
            neo4j = server.pid() or 0
            pids = {"api": [api.pid, *children(api.pid)], "neo4j": [neo4j]}
            before = {name: cpu_seconds(p) for name, p in pids.items()}
            merged, seconds = run(args.seconds, 1)
            spent = {name: cpu_seconds(p) - before[name] for name, p in pids.items()}
        every = [t for samples in merged.values() for t in samples]
        print(f"{'writes':24} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for name, samples in merged.items():
            p50, p95, p99 = percentiles(samples)
            print(f"{name:24} {len(samples):7d} {p50:8.1f} {p95:8.1f} {p99:8.1f}")
        p50, p95, p99 = percentiles(every)
        print(f"{'all':24} {len(every):7d} {p50:8.1f} {p95:8.1f} {p99:8.1f}")
        rate = len(every) / seconds
        print(f"throughput: {rate:.0f} writes/s (target ≥ 100; ratio {rate / 100:.2f}), "
              f"p95 {p95:.0f} ms (target ≤ 250; ratio {p95 / 250:.2f}); CPU per write: "
              f"API {spent['api'] * 1000 / len(every):.1f} ms, "
              f"Neo4j {spent['neo4j'] * 1000 / len(every):.1f} ms")  # fmt: skip

        checked, problems = audit.verify_chain(db)
        written = checked - events_before
        print(f"audit trail: {checked} events checked, {written} since the start "
              f"({'intact' if not problems else 'BROKEN: ' + '; '.join(problems[:3])})")

        races(db, port, key, args.rounds, buildings[0])
        checked, problems = audit.verify_chain(db)
        print(f"audit trail after the races: {checked} events, "
              f"{'intact' if not problems else 'BROKEN: ' + '; '.join(problems[:3])}")
        driver.close()
    finally:
        if api is not None:
            api.terminate()
            api.wait()
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
