"""Console bench: how soon the browser console is usable on a large generated region.

Issue 24's targets, warm: a subdistrict's dashboard drawn (its rates and the trend chart)
within 1 s; a page of a gap list within 0.5 s; the network view of a community drawn and
panning smoothly; the first page's JavaScript ≤ 500 kB gzipped. It starts the managed Neo4j
on a kept home (``--home``, as bench/query_bench.py keeps one) or loads a generated region,
runs the API with the built console (``console/dist``: ``make console``), and drives
Debian's Chromium with Playwright: each page is opened ``--runs`` times after one cold
visit, timed from navigation to the data on screen. It prints the figures and their ratio to
the targets.

    .venv/bin/python bench/console_bench.py --home /tmp/gapab/home          # a kept district
    .venv/bin/python bench/console_bench.py --scale district --seed 1       # generate + load
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from kept_region import open_region, running_api  # beside this script
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from graph_service.api.console import DIST
from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account, set_password
from graph_service.errors import Conflict

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AS_OF = "2026-06-30"
NAME, PASSWORD = "console-bench", "console bench 2026!"
TARGETS = {"dashboard": 1.0, "gap list": 0.5, "network": 1.0}
JS_BUDGET_KB = 500


def timed(page: Page, url: str, ready: Callable[[Page], None]) -> float:
    started = time.perf_counter()
    page.goto(url)
    ready(page)
    return time.perf_counter() - started


def first_page_js_kb(page: Page, base: str) -> float:
    """The gzipped size of every script the sign-in page loads (the first page anyone sees)."""
    scripts: list[str] = []
    page.on("response", lambda r: scripts.append(r.url) if r.request.resource_type == "script"
            else None)  # fmt: skip
    page.goto(f"{base}/console/login")
    page.wait_for_load_state("networkidle")
    total = 0
    for url in scripts:
        total += len(gzip.compress(httpx.get(url).content, compresslevel=9))
    return total / 1024


def measure(base: str, sub: str, community: str, runs: int) -> None:
    """Sign in with Chromium, then time each page (cold, then ``runs`` warm visits)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        context = browser.new_context(base_url=base, locale="zh-CN",
                                      viewport={"width": 1366, "height": 860})  # fmt: skip
        context.set_default_timeout(300_000)
        page = context.new_page()
        js_kb = first_page_js_kb(page, base)
        page.fill("#signin-name", NAME)
        page.fill("#signin-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/console/dashboard**")

        def dashboard(p: Page) -> None:
            p.locator("[data-test=rate-organization]").filter(has_text="%").wait_for()
            p.locator("canvas").first.wait_for()

        def gap_list(p: Page) -> None:
            p.locator("[data-test=gap-table] tbody tr").first.wait_for()

        def network(p: Page) -> None:
            p.locator("[data-test=network-graph] canvas").first.wait_for()

        pages: dict[str, tuple[str, Callable[[Page], None]]] = {
            "dashboard": (f"/console/dashboard?area={sub}&as_of={AS_OF}", dashboard),
            "gap list": (f"/console/gaps/ORG_BUILDING_UNCOVERED?area={sub}&as_of={AS_OF}",
                         gap_list),
            "network": (f"/console/network?area={community}&as_of={AS_OF}", network),
        }
        print(f"{'page':12} {'cold s':>8} {'warm p50 s':>11} {'max s':>7} {'target s':>9} "
              f"{'ratio':>6}")  # fmt: skip
        for name, (url, ready) in pages.items():
            try:
                cold = timed(page, url, ready)
                warm = [timed(page, url, ready) for _ in range(runs)]
            except PlaywrightError as error:  # a page the console lacks
                print(f"{name:12} not measured: {str(error).splitlines()[0][:80]}")
                continue
            p50 = statistics.median(warm)
            print(f"{name:12} {cold:8.2f} {p50:11.2f} {max(warm):7.2f} "
                  f"{TARGETS[name]:9.2f} {p50 / TARGETS[name]:6.2f}")  # fmt: skip
        print(f"first page's JavaScript: {js_kb:.0f} kB gzipped (budget {JS_BUDGET_KB} kB, "
              f"ratio {js_kb / JS_BUDGET_KB:.2f})")  # fmt: skip
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a kept Neo4j home (bench/query_bench.py)")
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="warm visits of each page")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    args = parser.parse_args(argv)
    if not (DIST / "index.html").is_file():
        print(f"the console is not built ({DIST}): run `make console` first")
        return 2
    reuse = args.home is not None and (args.home / "data").exists()
    with open_region(args.home, scale=args.scale, seed=args.seed, heap=args.heap,
                     pagecache=args.pagecache, prefix="console-bench-") as region:  # fmt: skip
        admin = Principal.cli()
        with contextlib.suppress(Conflict):  # kept from an earlier run on the same home
            add_account(region.db, admin, NAME, Role.ADMIN)
        set_password(region.db, admin, NAME, PASSWORD)
        first = region.driver.execute_query(
            "MATCH (s:Area {level: 'subdistrict'}) "
            "OPTIONAL MATCH (c:Area {level: 'community'})-[:PART_OF]->(s) "
            "WITH s, count(c) AS communities ORDER BY communities DESC, s.id LIMIT 1 "
            "MATCH (c:Area {level: 'community'})-[:PART_OF]->(s) "
            "RETURN s.id AS subdistrict, collect(c.id)[0] AS community",
            database_=region.db.database,
        ).records[0]  # fmt: skip
        cache = str(region.work / "result-cache.sqlite")
        with running_api(region, QUERY_TIMEOUT_SECONDS="300", RESULT_CACHE_FILE=cache) as base:
            sub, community = first["subdistrict"], first["community"]
            print(f"region: {'kept home ' + str(args.home) if reuse else args.scale}; "
                  f"subdistrict {sub}, community {community}; {args.runs} warm visits each")
            measure(base, sub, community, args.runs)
    return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
