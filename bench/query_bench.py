"""Query benchmark: the API under 8 concurrent clients on a generated region, warm.

Loads a generated region (default: city scale) into a fresh managed Neo4j, starts the API
with uvicorn, and measures with 8 concurrent clients:

* "who supports X" (``/entities/{id}/supporters``) and entity reads (``/units/{id}``),
* the first page of every gap list (``/gaps/{code}``), whole region and one subdistrict,
* the coverage summary of a subdistrict (``/areas/{id}/coverage``),

then the same repository calls made directly through the driver (same Cypher, no HTTP), in
alternating rounds with the API's where a group is large enough, and prints p50, p95 and p99
of each with the API/driver ratio, and the CPU time per call that the API's processes,
Neo4j and the client processes spent (on 2 shared cores, latency under load follows CPU;
the clients of the driver's side run the driver, those of the API's side an HTTP client).

The 8 clients are 8 processes (each with one HTTP connection, or its own driver), so the
load generator's own GIL does not queue the requests it times. The API runs as
``--workers`` uvicorn processes (default 2) sharing their result cache in a SQLite file, as
``graph-service serve --workers 2`` does; ``--result-cache off``
makes every gap list and summary compute (the figures without the cache).

    python bench/query_bench.py --scale city --seed 1
    python bench/query_bench.py --bundle /tmp/district1     # reuse a generated bundle
    python bench/query_bench.py --bundle /tmp/citygen --home /tmp/qbench-home --result-cache off

Targets (issue 4): p95 ≤ 50 ms for supporters and entity reads, ≤ 150 ms for the first
page of any gap list, ≤ 1 s for a subdistrict's summary; API / driver ≤ 1.3×.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

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
from graph_service.services.imports import import_files

CLIENTS = 8
SUPPORTERS_PAGE = 100  # the API's default page of supporters
AS_OF = dt.date(2026, 6, 30)
ADMIN = Principal.cli()


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


# ---- the clients: one process each -----------------------------------------------------
# A call is a picklable tuple: ("http", path, params) or ("driver", what, args). On 2 shared
# cores the clients' CPU is the server's loss, and a real client runs elsewhere: the HTTP
# client is a minimal one (below) over one kept-alive connection per process. Measured per
# call on the city graph: httpx cost far more; the standard library's http.client 0.30-0.38
# ms (its header parsing), a tenth or more of all the CPU an API call took.
Call = tuple[str, str, Any]


class KeptAliveGet:
    """GET over one kept-alive HTTP/1.1 connection, with as little client CPU as it takes:
    the request's bytes written once, the answer read by its Content-Length."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.address = (host, port)
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode()
        self.host = f"Host: {host}:{port}\r\n".encode()
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=300)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.buffer = sock, b""
        return sock

    def get(self, target: str) -> tuple[int, bytes]:
        request = b"GET " + target.encode() + b" HTTP/1.1\r\n" + self.host + self.extra + b"\r\n"
        for attempt in (1, 2):
            sock = self.sock or self._connect()
            try:
                sock.sendall(request)
                return self._answer(sock)
            except (ConnectionError, EOFError):
                # the server closed the kept-alive connection while this client was idle
                sock.close()
                self.sock = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _read(self, sock: socket.socket) -> None:
        data = sock.recv(262144)
        if not data:
            raise EOFError("the server closed the connection")
        self.buffer += data

    def _answer(self, sock: socket.socket) -> tuple[int, bytes]:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._read(sock)
        head, self.buffer = self.buffer[:end].decode("latin-1"), self.buffer[end + 4:]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        pairs = (line.split(":", 1) for line in lines[1:])
        fields = {name.strip().lower(): value.strip() for name, value in pairs}
        if "content-length" not in fields:
            raise ValueError(f"an answer without Content-Length: {head!r}")
        length = int(fields["content-length"])
        while len(self.buffer) < length:
            self._read(sock)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if fields.get("connection", "").lower() == "close":
            sock.close()
            self.sock = None
        return status, body


_client: KeptAliveGet | None = None
_db: Database | None = None


def _start_client(base: str, key: str, uri: str, password: str) -> None:
    global _client, _db
    host, port = base.removeprefix("http://").split(":")
    _client = KeptAliveGet(host, int(port), {"X-API-Key": key})
    settings = Settings(neo4j_uri=uri, neo4j_password=password)
    _db = Database(open_driver(settings), QueryRegistry.load(settings.cypher_dir),
                   settings.neo4j_database, timeout=300)  # fmt: skip


def _direct(db: Database, what: str, args: Any) -> Any:
    if what == "supporters":  # the API's first page
        return support.supporters(db, ADMIN, args, AS_OF, limit=SUPPORTERS_PAGE)
    if what == "entity":
        return entities.get_node(db, ADMIN, NodeKind.UNIT, args)
    if what == "gaps":
        code, area = args
        return gaps.list_gaps(db, ADMIN, code, as_of=AS_OF, area=area)
    if what == "summary":
        return gaps.coverage_summary(db, ADMIN, args, as_of=AS_OF)
    raise ValueError(what)


def _one(call: Call) -> float:
    assert _client is not None and _db is not None
    how, what, args = call
    started = time.perf_counter()
    if how == "http":
        status, body = _client.get(f"{what}?{urlencode(args)}" if args else what)
        assert status == 200, (what, body[:200])
    else:
        _direct(_db, what, args)
    return time.perf_counter() - started


def _run_share(calls: list[Call]) -> list[float]:
    return [_one(call) for call in calls]


def timed(pool: ProcessPoolExecutor, calls: list[Call]) -> list[float]:
    """Run the calls on the 8 client processes, each its share back to back; return each
    call's latency in seconds. A share is one message to a client, not one per call: the
    pool's pickling and queues would otherwise take CPU from the server being measured."""
    shares = [calls[i::CLIENTS] for i in range(CLIENTS)]
    return [t for share in pool.map(_run_share, shares) for t in share]


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far, from /proc (Linux)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def api_pids(api: subprocess.Popen[bytes]) -> list[int]:
    """The uvicorn process and its worker processes."""
    return [api.pid, *children(api.pid)]


def timed_cpu(
    pool: ProcessPoolExecutor, calls: list[Call], pids: dict[str, list[int]]
) -> tuple[list[float], dict[str, float]]:
    """Like :func:`timed`, and the CPU milliseconds each named set of processes spent per
    call meanwhile (the API's workers, Neo4j)."""
    before = {name: cpu_seconds(p) for name, p in pids.items()}
    latencies = timed(pool, calls)
    spent = {name: (cpu_seconds(p) - before[name]) * 1000 / len(calls)
             for name, p in pids.items()}  # fmt: skip
    return latencies, spent


def interleaved(
    pool: ProcessPoolExecutor, http_calls: list[Call], direct_calls: list[Call],
    pids: dict[str, list[int]],
) -> tuple[list[float], dict[str, float], list[float], dict[str, float]]:
    """The API's calls and the driver's in alternating rounds (API first, then the driver
    first, …), each round's latencies and CPU added up: a server that is still warming
    (Neo4j's JIT compiles for minutes) or slowing (its garbage) weighs on both alike, not
    on whichever ran first. Only groups with at least 10 calls per client and round are
    split (fewer would run below the 8 clients' concurrency)."""
    rounds = max(1, min(10, min(len(http_calls), len(direct_calls)) // (CLIENTS * 10)))
    latency: dict[str, list[float]] = {"api": [], "driver": []}
    cpu: dict[str, dict[str, float]] = {"api": {}, "driver": {}}
    for r in range(rounds):
        sides = [("api", http_calls[r::rounds]), ("driver", direct_calls[r::rounds])]
        for side, calls in sides if r % 2 == 0 else sides[::-1]:
            lat, spent = timed_cpu(pool, calls, pids)
            latency[side] += lat
            for name, each in spent.items():  # back to totals, divided at the end
                cpu[side][name] = cpu[side].get(name, 0.0) + each * len(calls)
    per_call = {side: {name: total / len(latency[side]) for name, total in cpu[side].items()}
                for side in cpu}  # fmt: skip
    return latency["api"], per_call["api"], latency["driver"], per_call["driver"]


def sample_ids(db: Database, cypher: str, n: int, rng: random.Random) -> list[str]:
    records = db.driver.execute_query(cypher, database_=db.database).records
    ids = [r["id"] for r in records]
    return rng.sample(ids, min(n, len(ids)))



@dataclass
class Redis:
    url: str
    process: subprocess.Popen[bytes]


def start_redis(folder: Path) -> Redis:
    """Debian's redis-server on a free port, in memory only."""
    import shutil

    binary = shutil.which("redis-server") or shutil.which("valkey-server")
    if binary is None:
        raise SystemExit("--result-cache redis needs redis-server (apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return Redis(f"redis://127.0.0.1:{port}/0", process)
        time.sleep(0.1)
    process.terminate()
    raise SystemExit("redis-server did not start")

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bundle", type=Path)
    parser.add_argument("--requests", type=int, default=4000,
                        help="calls per light group (supporters, entity read), each way: "
                             "with 400, a round gave each client 12 calls, and the ramp of "
                             "clients starting and finishing one after another moved the "
                             "ratio by ±0.2 from run to run")  # fmt: skip
    parser.add_argument("--gap-requests", type=int, default=40,
                        help="API calls per gap list group (the driver makes max(8, "
                             "gap-requests / 4) of them)")  # fmt: skip
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="6g")
    parser.add_argument("--home", type=Path,
                        help="Keep the Neo4j server here; a later run on it skips the import")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--warmup", type=int, default=2,
                        help="passes over each group before measuring (JIT, plans, pages)")
    parser.add_argument("--warm-seconds", type=float, default=60,
                        help="first run the light reads (supporters, entity) this long, API "
                             "and driver in turn: Neo4j's JIT compiles hot code after "
                             "thousands of calls, which a long-running server has seen")
    parser.add_argument("--only", default="", help="measure only the groups whose name "
                                                   "contains one of these texts (a,b,…)")
    parser.add_argument("--result-cache", choices=("on", "off", "redis"), default="on",
                        help="the API's result cache for gap lists, counts and summaries: "
                             "on (the workers share a SQLite file), off, or redis (a "
                             "redis-server started here, RESULT_CACHE_URL, as API processes "
                             "on several machines share it)")
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
    store: Redis | None = None
    try:
        settings = Settings(neo4j_uri=info.uri, neo4j_password=info.password_secret())
        driver = open_driver(settings)
        db = Database(driver, QueryRegistry.load(settings.cypher_dir), settings.neo4j_database)
        started, before = time.perf_counter(), db.current_schema_version()
        db.ensure_schema()
        if before is not None and before != db.expected_schema_version:
            print(f"applied the new schema to the kept graph (every party organization's area "
                  f"stored again) in {time.perf_counter() - started:.0f}s")  # fmt: skip
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
        kept = "0" if args.result_cache == "off" else "256"
        env = os.environ | {"NEO4J_URI": info.uri, "NEO4J_USER": info.user,
                            "NEO4J_PASSWORD": info.password, "QUERY_TIMEOUT_SECONDS": "300",
                            "RESULT_CACHE_ENTRIES": kept, "PLAN_AHEAD": "false",  # warmed below
                            "RESULT_CACHE_FILE": str(work / "result-cache.sqlite")}  # fmt: skip
        if args.result_cache == "redis":
            store = start_redis(work / "redis")
            env["RESULT_CACHE_URL"] = store.url
        api = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "graph_service.main:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
             "--workers", str(args.workers)],
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        key = add_account(db, ADMIN, f"bench-{port}", Role.ADMIN)
        for _ in range(100):
            try:
                if httpx.get(f"{base}/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        print(f"API: {args.workers} uvicorn worker(s), result cache {args.result_cache}; "
              f"{CLIENTS} client processes")  # fmt: skip

        day = AS_OF.isoformat()
        groups: dict[str, tuple[list[Call], list[Call]]] = {
            "supporters": (
                [("http", f"/entities/{t}/supporters", {"as_of": day}) for t in targets],
                [("driver", "supporters", t) for t in targets],
            ),
            "entity read": (
                [("http", f"/units/{u}", {}) for u in units],
                [("driver", "entity", u) for u in units],
            ),
        }
        # the driver computes every page (seconds for some rules city-wide): fewer calls
        direct_reps = max(8, args.gap_requests // 4)
        for where in ("subdistrict", "city"):
            for rule in RULES:
                http_calls: list[Call] = []
                direct_calls: list[Call] = []
                for i in range(max(args.gap_requests, direct_reps)):
                    area = subdistricts[i % len(subdistricts)] if where == "subdistrict" else None
                    params = {"as_of": day} | ({"area": area} if area else {})
                    http_calls.append(("http", f"/gaps/{rule.code}", params))
                    direct_calls.append(("driver", "gaps", (rule.code, area)))
                groups[f"{rule.code} ({where})"] = (http_calls, direct_calls[:direct_reps])
        groups["summary (subdistrict)"] = (
            [("http", f"/areas/{s}/coverage", {"as_of": day}) for s in subdistricts],
            [("driver", "summary", s) for s in subdistricts],
        )

        print(f"{'measure':40} {'p50':>8} {'p95':>8} {'p99':>8}   {'driver p50':>10} "
              f"{'p95':>8}  {'ratio p50':>9}   {'cpu ms/call: api':>16} {'neo4j':>7} "
              f"{'(driver)':>8}   {'clients':>7} {'(driver)':>8}")  # fmt: skip
        spawn = multiprocessing.get_context("spawn")
        clients = ProcessPoolExecutor(CLIENTS, mp_context=spawn, initializer=_start_client,
                                      initargs=(base, key, info.uri, info.password))  # fmt: skip
        with clients as pool:
            light = [call for name in ("supporters", "entity read") for call in
                     groups[name][0] + groups[name][1]]  # fmt: skip
            warm_until = time.perf_counter() + args.warm_seconds
            while time.perf_counter() < warm_until:
                timed(pool, light)
            for name, (http_calls, direct_calls) in groups.items():
                if not any(part in name for part in args.only.split(",")):
                    continue
                # one alone first: the plan is compiled once, not 8 times at once
                timed(pool, http_calls[:1])
                for _ in range(args.warmup):  # warm: JIT, plans cached, pages in memory
                    timed(pool, http_calls)
                    timed(pool, direct_calls)
                neo4j = server.pid() or 0
                # the 8 client processes (and the pool's idle helpers): what the driver's
                # side spends on the clients, where the API's side spends it in the API
                mine = [p for p in children(os.getpid()) if p not in (api.pid, neo4j)]
                pids = {"api": api_pids(api), "neo4j": [neo4j], "clients": mine}
                api_lat, api_cpu, direct_lat, direct_cpu = interleaved(
                    pool, http_calls, direct_calls, pids
                )
                api_ms, direct_ms = percentiles(api_lat), percentiles(direct_lat)
                print(f"{name:40} {api_ms[0]:8.1f} {api_ms[1]:8.1f} {api_ms[2]:8.1f}   "
                      f"{direct_ms[0]:10.1f} {direct_ms[1]:8.1f}  "
                      f"{api_ms[0] / direct_ms[0]:9.2f}   {api_cpu['api']:16.2f} "
                      f"{api_cpu['neo4j']:7.2f} {direct_cpu['neo4j']:8.2f}   "
                      f"{api_cpu['clients']:7.2f} {direct_cpu['clients']:8.2f}",
                      flush=True)  # fmt: skip
        driver.close()
    finally:
        if store is not None:
            store.process.terminate()
        if api is not None:
            api.terminate()
            api.wait()
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
