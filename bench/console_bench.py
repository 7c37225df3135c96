"""Console bench: how soon the browser console is usable on a large generated region.

Issue 24's targets, warm: a subdistrict's dashboard usable (its rates drawn) within 1 s; a
page of a gap list within 0.5 s; the network view of a community drawn and panning
smoothly; the first page's JavaScript ≤ 500 kB gzipped. It starts the managed Neo4j on a
kept home (``--home``, as bench/query_bench.py keeps one) or loads a generated region, runs
the API with the built console (``console/dist``: ``make console``), and drives Debian's
Chromium with Playwright: each page is opened ``--runs`` times after one cold visit, each
time a full navigation, timed from its start to the first frame showing the data (the
page's own clock; the harness's, with Playwright's round trips, beside it). "trend" is the
dashboard again until its 12-month chart is drawn too, which comes after the numbers and
has no target. It prints the figures, their ratio to the targets, and the JavaScript
(gzipped) each page loaded to get there; ``--trace`` adds each page's requests (when asked,
the server's time, cache or 304) and long tasks.

    .venv/bin/python bench/console_bench.py --home /tmp/gapab/home          # a kept district
    .venv/bin/python bench/console_bench.py --scale district --seed 1       # generate + load
    .venv/bin/python bench/console_bench.py --home … --pages dashboard,"gap list" --trace
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from pathlib import Path

import httpx
from kept_region import (  # beside this script
    console_account,
    console_context,
    open_region,
    running_api,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from graph_service.api.console import DIST

AS_OF = "2026-06-30"
NAME, PASSWORD = "console-bench", "console bench 2026!"
TARGETS = {"dashboard": 1.0, "gap list": 0.5, "network": 1.0}
PAGES = ("dashboard", "trend", "gap list", "network")
JS_BUDGET_KB = 500


# long tasks (script parse and run, layout, chart drawing) as the page records them
LONG_TASKS = """
window.__longTasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
"""

WATERFALL = """() => ({
  ready: window.__readyAt,
  resources: [...performance.getEntriesByType('navigation'),
              ...performance.getEntriesByType('resource')].map((e) => ({
    name: e.name, start: e.startTime, ask: e.requestStart, first: e.responseStart,
    end: e.responseEnd, bytes: e.transferSize, body: e.encodedBodySize,
  })),
  long: window.__longTasks ?? [],
})"""


# usable = the data on screen, as the page's own script sees its document at each frame:
# the rates as digits and % (in the cards and the area's row), not a spinner gone or a
# placeholder; a gap row naming its entity (a link to it), not the empty table; the chart's
# canvas for the trend and the network
READY = {
    "dashboard": """(sub) => {
      const has = (s) => /\\d+\\.\\d%/.test(document.querySelector(s)?.textContent ?? '');
      return has('[data-test=rate-organization]') && has(`[data-test="${sub}-organization"]`);
    }""",
    "trend": """(sub) => {
      const has = (s) => /\\d+\\.\\d%/.test(document.querySelector(s)?.textContent ?? '');
      return has('[data-test=rate-organization]') && has(`[data-test="${sub}-organization"]`)
        && !!document.querySelector('.trend canvas');
    }""",
    "gap list": """() => !!document.querySelector(
      "[data-test=gap-table] tbody tr a[href*='/console/entities/']")""",
    "network": """() => !!document.querySelector('[data-test=network-graph] canvas')""",
}


def timed(page: Page, url: str, ready: str, arg: str) -> tuple[float, float]:
    """Seconds from asking for ``url`` (a full navigation, as a reload or a link from
    elsewhere) to the first frame in which ``ready`` holds, by the page's clock (from its
    navigation's start); and by this script's clock, which adds the harness's own
    round trips (Playwright's driver, on a machine the browser shares)."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(
        f"(arg) => ({ready})(arg) && (window.__readyAt ??= performance.now(), true)",
        arg=arg, polling="raf",
    )  # fmt: skip
    wall = time.perf_counter() - started
    return page.evaluate("window.__readyAt") / 1000, wall


def print_waterfall(page: Page, name: str) -> None:
    """What happened between navigation and ready on ``page``, in ms since navigation: each
    request (when asked, when its first byte came, when done; the server's part is first -
    asked; 'cache' when no byte came over the wire, 304 when only headers did), then the long
    tasks (script parse and run, layout, drawing)."""
    seen = page.evaluate(WATERFALL)
    print(f"  {name}: ready at {seen['ready']:.0f} ms")
    for r in sorted(seen["resources"], key=lambda r: r["start"]):
        path = r["name"].split("//", 1)[-1].split("/", 1)[-1][:70]
        # a 304 brings headers only: fewer bytes than the (kept) body it revalidates
        how = ("cache" if r["bytes"] == 0 else "304" if r["bytes"] < r["body"]
               else f"{r['bytes'] / 1024:.1f} kB")  # fmt: skip
        server = r["first"] - r["ask"] if r["ask"] else 0.0
        print(f"    {r['start']:7.0f} {r['end']:7.0f}  server {server:5.0f}  {how:>9}  /{path}")
    for start, duration in seen["long"]:
        print(f"    {start:7.0f} {start + duration:7.0f}  long task {duration:.0f} ms")


class ScriptSizes:
    """The gzipped size (level 9) of the scripts a page loaded, each file fetched once."""

    def __init__(self) -> None:
        self.sizes: dict[str, int] = {}

    def loaded_kb(self, page: Page) -> float:
        """Every script the page has loaded since its navigation (from the network or the
        browser's cache alike), in kB gzipped."""
        urls = page.evaluate(
            "performance.getEntriesByType('resource').map((e) => e.name)"
            ".filter((u) => new URL(u).pathname.endsWith('.js'))"
        )  # fmt: skip
        for url in urls:
            if url not in self.sizes:
                self.sizes[url] = len(gzip.compress(httpx.get(url).content, compresslevel=9))
        return sum(self.sizes[url] for url in set(urls)) / 1024


def measure(base: str, sub: str, community: str, runs: int, only: set[str], trace: bool) -> None:
    """Sign in with Chromium, then time each page (cold, then ``runs`` warm visits)."""
    with sync_playwright() as playwright:
        context = console_context(playwright, base)
        context.add_init_script(LONG_TASKS)
        page = context.new_page()
        scripts = ScriptSizes()
        page.goto("/console/login")  # the first page anyone sees
        page.wait_for_load_state("networkidle")
        js_kb = scripts.loaded_kb(page)
        page.fill("#signin-name", NAME)
        page.fill("#signin-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/console/dashboard**")

        dashboard_url = f"/console/dashboard?area={sub}&as_of={AS_OF}"
        pages = {
            "dashboard": (dashboard_url, sub),
            "trend": (dashboard_url, sub),
            "gap list": (f"/console/gaps/ORG_BUILDING_UNCOVERED?area={sub}&as_of={AS_OF}", sub),
            "network": (f"/console/network?area={community}&as_of={AS_OF}", community),
        }
        print(f"{'page':10} {'cold s':>7} {'warm p50 s':>10} {'max s':>6} {'target s':>8} "
              f"{'ratio':>6} {'harness p50 s':>13} {'JS kB gz':>8}")  # fmt: skip
        for name, (url, arg) in pages.items():
            if name not in only:
                continue
            try:
                cold, _ = timed(page, url, READY[name], arg)
                page_kb = scripts.loaded_kb(page)  # what it took to be usable
                warm = [timed(page, url, READY[name], arg) for _ in range(runs)]
            except PlaywrightError as error:  # a page the console lacks
                print(f"{name:10} not measured: {str(error).splitlines()[0][:80]}")
                continue
            p50 = statistics.median(seen for seen, _ in warm)
            target = TARGETS.get(name)
            aim = f"{target:8.2f} {p50 / target:6.2f}" if target else f"{'-':>8} {'-':>6}"
            print(f"{name:10} {cold:7.2f} {p50:10.2f} {max(seen for seen, _ in warm):6.2f} "
                  f"{aim} {statistics.median(wall for _, wall in warm):13.2f} "
                  f"{page_kb:8.0f}")  # fmt: skip
            if trace:
                print_waterfall(page, name)
        print(f"first page's JavaScript (sign-in): {js_kb:.0f} kB gzipped (budget "
              f"{JS_BUDGET_KB} kB, ratio {js_kb / JS_BUDGET_KB:.2f})")  # fmt: skip
        context.browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a kept Neo4j home (bench/query_bench.py)")
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="warm visits of each page")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=f"which of {', '.join(PAGES)} (comma-separated)"
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="print each page's requests and long tasks (its last warm visit)",
    )
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    args = parser.parse_args(argv)
    if not (DIST / "index.html").is_file():
        print(f"the console is not built ({DIST}): run `make console` first")
        return 2
    reuse = args.home is not None and (args.home / "data").exists()
    with open_region(args.home, scale=args.scale, seed=args.seed, heap=args.heap,
                     pagecache=args.pagecache, prefix="console-bench-") as region:  # fmt: skip
        console_account(region.db, NAME, PASSWORD)
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
            print(
                f"region: {'kept home ' + str(args.home) if reuse else args.scale}; "
                f"subdistrict {sub}, community {community}; {args.runs} warm visits each"
            )
            measure(base, sub, community, args.runs, set(args.pages.split(",")), args.trace)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
