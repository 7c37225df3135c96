"""Export speed and memory on a generated region: subdistricts, a district, the whole graph.

    python bench/export_bench.py --scale city [--home DIR] [--formats csv,xlsx]

Each export runs as ``graph-service export`` in a process of its own (as an organizer runs
it), against a local Neo4j holding the generated region (``--home`` keeps it: a later run
skips the import). Prints, per export, the wall time, the exporter's CPU time, its peak
memory, the rows and the bytes written. The CSV exports of an area are also checked
against the whole graph's: every row of an area's file is a row of the whole export's.
(The exports run before that check, so the memory it takes is not counted as theirs: a
child process forked from a large parent starts with the parent's pages.)
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from kept_region import open_region  # beside this script


def run_export(env: dict[str, str], out: Path, fmt: str, area: str | None) -> dict[str, float]:
    """One ``graph-service export`` process: wall seconds, CPU seconds, peak MB."""
    command = [sys.executable, "-m", "graph_service.cli", "export", str(out), "--format", fmt]
    if area:
        command += ["--area", area]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"export failed: {' '.join(command)}")
    return {"wall": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024}  # fmt: skip


def csv_rows(folder: Path) -> int:
    """The data rows of a CSV export."""
    return sum(len(p.read_text(encoding="utf-8-sig").splitlines()) - 1
               for p in folder.glob("*.csv"))  # fmt: skip


def rows_outside(area: Path, whole: Path) -> int:
    """How many rows of an area's CSV export are not rows of the whole graph's: the area's
    rows are held, the whole graph's streamed past them."""
    missing = 0
    for part in area.glob("*.csv"):
        rows = set(part.read_text(encoding="utf-8-sig").splitlines()[1:])
        with (whole / part.name).open(encoding="utf-8-sig") as lines:
            for line in lines:
                rows.discard(line.rstrip("\n"))
        missing += len(rows)
    return missing


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--home", type=Path, help="keep the Neo4j server here")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="6g")
    parser.add_argument("--subdistricts", type=int, default=3)
    parser.add_argument("--formats", default="csv", help="csv,xlsx,json,graphml")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with open_region(args.home, scale=args.scale, seed=args.seed, heap=args.heap,
                     pagecache=args.pagecache, prefix="export-bench-") as region:  # fmt: skip
        driver, info, work = region.driver, region.info, region.work
        subdistricts = sorted(r["id"] for r in driver.execute_query(
            "MATCH (a:Area {level: 'subdistrict'}) RETURN a.id AS id").records)  # fmt: skip
        chosen = rng.sample(subdistricts, min(args.subdistricts, len(subdistricts)))
        district = driver.execute_query(
            "MATCH (:Area {id: $id})-[:PART_OF]->(d:Area) RETURN d.id AS id", id=chosen[0]
        ).records
        env = os.environ | {"NEO4J_URI": info.uri, "NEO4J_USER": info.user,
                            "NEO4J_PASSWORD": info.password, "QUERY_TIMEOUT_SECONDS": "30"}
        areas: list[tuple[str, str | None]] = [("subdistrict", a) for a in chosen]
        if district:
            areas.append(("district", district[0]["id"]))
        areas.append(("whole graph", None))
        print(f"{'export':28} {'format':7} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} "
              f"{'rows':>10} {'MB out':>8}")  # fmt: skip
        for fmt in args.formats.split(","):
            for what, area in areas:
                out = work / f"{area or 'all'}.{fmt}"
                figures = run_export(env, out, fmt, area)
                rows = str(csv_rows(out)) if fmt == "csv" else "-"
                print(f"{what + ' ' + (area or ''):28} {fmt:7} {figures['wall']:8.1f} "
                      f"{figures['cpu']:8.1f} {figures['peak_mb']:8.0f} {rows:>10} "
                      f"{size(out) / 1e6:8.1f}", flush=True)  # fmt: skip
        if "csv" in args.formats.split(","):
            for what, area in areas[:-1]:
                outside = rows_outside(work / f"{area}.csv", work / "all.csv")
                print(f"rows of the {what} {area} export not in the whole graph's: {outside}")
                assert outside == 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
