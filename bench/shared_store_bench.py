"""Shared-store bench: what a kept answer costs when it comes from Redis instead of the
process's own memory.

Issue 29's target: the shared store (``RESULT_CACHE_URL``) costs a kept answer ≤ 2 ms more
than the local cache at p50. Two API processes (uvicorn, one worker each) run on one
Neo4j region (``--home`` a kept one, or a generated ``--scale``) and one Debian
``redis-server``, each with its own memory in front of the store, as on two machines.
Process A computes every answer once: a page of each gap rule for the region's top area
and each subdistrict (``--subdistricts``), their gap counts and coverage summaries; each is
kept in A's memory and in Redis. Process B then asks each twice: the first time its
memory does not hold it and Redis does (the shared store's path); the second time its
memory does (the local path). Both go through HTTP with the same key, so the difference of
the two is what the store adds: the fetch, the seal's check and the unpickling. An answer
B would have computed instead shows as a miss (its time against A's, and its ETag).

    .venv/bin/python bench/shared_store_bench.py --home /tmp/district/home
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx
from kept_region import open_region, running_api  # beside this script
from query_bench import start_redis  # beside this script

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account

AS_OF = "2026-06-30"
TARGET_MS = 2.0


def asks(client: httpx.Client, top: str, subdistricts: list[str]) -> list[tuple[str, str]]:
    """(group, path) of every answer the bench keeps."""
    rules = [rule["code"] for rule in client.get("/gaps").raise_for_status().json()["items"]]
    out = []
    for area in [top, *subdistricts]:
        out.append(("coverage summary", f"/areas/{area}/coverage?as_of={AS_OF}"))
        out.append(("gap counts", f"/gaps/counts?area={area}&as_of={AS_OF}"))
        out += [("gap page", f"/gaps/{code}?area={area}&as_of={AS_OF}&limit=50") for code in rules]
    return out


def timed(client: httpx.Client, path: str) -> tuple[float, str]:
    started = time.perf_counter()
    answer = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    answer.raise_for_status()
    return elapsed, answer.headers.get("etag", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a kept Neo4j home")
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--subdistricts", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="processes B, one after another")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    args = parser.parse_args(argv)
    with open_region(args.home, scale=args.scale, seed=args.seed, heap=args.heap,
                     pagecache=args.pagecache, prefix="store-bench-") as region:  # fmt: skip
        key = add_account(region.db, Principal.cli(), f"store-bench-{time.time_ns()}", Role.ADMIN)
        areas = region.driver.execute_query(
            "MATCH (a:Area) WHERE NOT EXISTS { (a)-[:PART_OF]->() } "
            "OPTIONAL MATCH (s:Area {level: 'subdistrict'})-[:PART_OF*1..3]->(a) "
            "WITH a, s ORDER BY s.id RETURN a.id AS top, collect(s.id) AS subs "
            "ORDER BY size(subs) DESC LIMIT 1",
            database_=region.db.database,
        ).records[0]  # fmt: skip
        redis = start_redis(region.work / "redis")
        env = {"RESULT_CACHE_URL": redis.url, "RESULT_CACHE_ENTRIES": "4096",
               "QUERY_TIMEOUT_SECONDS": "300"}  # fmt: skip
        try:
            headers = {"X-API-Key": key}
            with running_api(region, **env) as a_base, \
                    httpx.Client(base_url=a_base, headers=headers, timeout=600) as a:  # fmt: skip
                every = asks(a, areas["top"], areas["subs"][: args.subdistricts])
                computed = {path: timed(a, path) for _, path in every}  # A computes, keeps
                samples = Samples()
                for _ in range(args.rounds):  # a new process B each round: its memory empty
                    with running_api(region, **env) as b_base:
                        b = httpx.Client(base_url=b_base, headers=headers, timeout=600)
                        samples.take(b, every, computed)
                        b.close()
                samples.print(every, computed, 1 + len(areas["subs"][: args.subdistricts]))
        finally:
            redis.process.terminate()
            redis.process.wait(10)
    return 0


class Samples:
    """Each answer's time in process B from the store, then from its memory."""

    def __init__(self) -> None:
        self.shared: dict[str, list[float]] = {}
        self.local: dict[str, list[float]] = {}
        self.misses = 0

    def take(self, b: httpx.Client, every: list[tuple[str, str]],
             computed: dict[str, tuple[float, str]]) -> None:  # fmt: skip
        for group, path in every:
            from_store, tag = timed(b, path)
            from_memory, again = timed(b, path)
            if tag != computed[path][1] or again != tag:
                self.misses += 1  # not the kept answer: another version, or B computed its own
            self.shared.setdefault(group, []).append(from_store)
            self.local.setdefault(group, []).append(from_memory)

    def print(self, every: list[tuple[str, str]], computed: dict[str, tuple[float, str]],
              areas: int) -> None:  # fmt: skip
        print(f"{len(every)} answers kept by process A ({areas} areas), each asked twice by "
              f"each process B; answers that were not A's kept ones: {self.misses}")  # fmt: skip
        print(f"{'answer':18} {'n':>4} {'computed p50':>13} {'Redis p50':>10} "
              f"{'memory p50':>11} {'store adds':>11}  target <= {TARGET_MS:g} ms")  # fmt: skip
        groups = [*self.shared, "all"]
        shared = self.shared | {"all": [t for ts in self.shared.values() for t in ts]}
        local = self.local | {"all": [t for ts in self.local.values() for t in ts]}
        for group in groups:
            first = statistics.median(computed[p][0] for g, p in every if group in (g, "all"))
            store, memory = statistics.median(shared[group]), statistics.median(local[group])
            print(f"{group:18} {len(shared[group]):4} {first:10.1f} ms {store:7.1f} ms "
                  f"{memory:8.1f} ms {store - memory:8.2f} ms  ratio "
                  f"{(store - memory) / TARGET_MS:5.2f}")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
