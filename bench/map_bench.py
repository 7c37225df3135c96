"""Map bench: how soon the console's map of a district is drawn and answers the hand.

Issue 25's target: the map of a district (≈ 10,000 points) drawn and interactive in the
browser within 2 s. It starts the managed Neo4j on a kept home (``--home``) or loads a
generated region, runs the API with the built console (``console/dist``: ``make console``)
and drives Debian's Chromium with Playwright: the map page of the district with the most
places is opened once cold and ``--runs`` times warm, each timed from navigation to the
points drawn (the map's ``data-drawn``) and the next two frames painted. Then, on the drawn
map: a drag (pan) and a wheel turn (zoom), with the longest frame while they run, and a
click on a point until its popup shows. It prints the figures and their ratio to the
target, and the size of the answer the page fetched.

    .venv/bin/python bench/map_bench.py --home /tmp/district/home       # a kept district
    .venv/bin/python bench/map_bench.py --scale district --seed 1       # generate + load
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from pathlib import Path
from typing import Any

from kept_region import (  # beside this script
    console_account,
    console_context,
    open_region,
    running_api,
)
from playwright.sync_api import Page, sync_playwright

from graph_service.api.console import DIST

AS_OF = "2026-06-30"
NAME, PASSWORD = "map-bench", "map bench 2026!"
TARGET_S = 2.0
#: the longest frame that still reads as smooth while panning (about 20 frames a second)
SMOOTH_FRAME_MS = 50.0

# frames painted while an interaction runs: the page records each frame's time
FRAMES_JS = """() => { window.__frames = []; const tick = (t) => { window.__frames.push(t);
  if (window.__frames.length < 400) requestAnimationFrame(tick) }; requestAnimationFrame(tick) }"""
TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def drawn(page: Page) -> int:
    """Wait for the map to hold its points and paint them; how many."""
    page.locator("[data-test=map][data-drawn]:not([data-drawn='0'])").wait_for()
    page.evaluate(TWO_FRAMES_JS)
    return int(page.locator("[data-test=map]").get_attribute("data-drawn") or 0)


def longest_frame_ms(page: Page) -> float:
    frames: list[float] = page.evaluate("() => window.__frames")
    gaps = [b - a for a, b in itertools.pairwise(frames)]
    return max(gaps) if gaps else float("nan")


def interact(page: Page) -> dict[str, float]:
    """Pan, zoom and open a point's popup on the drawn map (milliseconds)."""
    box = page.locator("[data-test=map]").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    out: dict[str, float] = {}
    page.evaluate(FRAMES_JS)
    started = time.perf_counter()
    page.mouse.move(cx, cy)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(cx + step * 12, cy + step * 6)
    page.mouse.up()
    page.evaluate(TWO_FRAMES_JS)
    out["pan ms"] = (time.perf_counter() - started) * 1000
    out["pan longest frame ms"] = longest_frame_ms(page)
    page.evaluate(FRAMES_JS)
    started = time.perf_counter()
    page.mouse.wheel(0, -360)
    page.wait_for_timeout(400)  # Leaflet animates the zoom for 250 ms
    page.evaluate(TWO_FRAMES_JS)
    out["zoom ms"] = (time.perf_counter() - started) * 1000
    out["zoom longest frame ms"] = longest_frame_ms(page)
    first = page.locator("[data-test=uncovered-list] a").first
    if first.count():
        started = time.perf_counter()
        first.click()
        page.locator("[data-test=map-popup]").wait_for()
        out["locate + popup ms"] = (time.perf_counter() - started) * 1000
    return out


def print_waterfall(page: Page) -> None:
    """The last visit's milestones and requests, in milliseconds from navigation: where the
    time before the points are drawn goes."""
    now = page.evaluate("performance.now()")
    timing = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {response: n.responseEnd, dom: n.domContentLoadedEventEnd}; })()"
    )
    entries = page.evaluate(
        "performance.getEntriesByType('resource').map(e => ({name: e.name.split('?')[0]"
        ".replace(location.origin, ''), start: e.startTime, end: e.responseEnd,"
        " bytes: e.transferSize}))"
    )
    print(f"  document {timing['response']:7.0f}  DOM ready {timing['dom']:7.0f}"
          f"  drawn by {now:7.0f}")  # fmt: skip
    for e in sorted(entries, key=lambda e: e["start"]):
        print(f"  {e['start']:7.0f} → {e['end']:7.0f}  {e['bytes']:>9}  {e['name']}")


def profile_visit(page: Page, visit: Any) -> None:
    """One more warm visit under Chromium's sampling profiler: the functions that took the
    most time of their own (build the console with ``--minify false`` for their names)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    cdp.send("Profiler.start")
    visit()
    profile = cdp.send("Profiler.stop")["profile"]
    nodes = {n["id"]: n for n in profile["nodes"]}
    spent: dict[str, float] = {}
    deltas = profile["timeDeltas"]
    for sample, delta in zip(profile["samples"], [*deltas[1:], 0], strict=True):
        frame = nodes[sample]["callFrame"]
        where = (f"{frame['functionName'] or '(anonymous)'} "
                 f"{frame['url'].rsplit('/', 1)[-1]}:{frame['lineNumber'] + 1}")  # fmt: skip
        spent[where] = spent.get(where, 0.0) + delta / 1000
    print("  self time, ms (the visit under the profiler):")
    for where, ms in sorted(spent.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {ms:8.1f}  {where}")


def measure(base: str, district: str, runs: int, trace: bool = False) -> None:
    with sync_playwright() as playwright:
        context = console_context(playwright, base)
        page = context.new_page()
        page.goto("/console/login")
        page.fill("#signin-name", NAME)
        page.fill("#signin-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/console/dashboard**")
        fetched: dict[str, Any] = {}

        def answer(response: Any) -> None:
            if "/exports" in response.url or "/map/places" in response.url:
                headers = response.headers
                fetched["url"] = response.url.split("?")[0]
                fetched["bytes"] = headers.get("content-length", "chunked")
                fetched["encoding"] = headers.get("content-encoding", "identity")
                fetched["status"] = response.status

        page.on("response", answer)
        url = f"/console/map?area={district}&as_of={AS_OF}"

        def visit() -> tuple[float, int]:
            page.goto("/console/dashboard")  # away, so the map page mounts again
            page.wait_for_load_state("domcontentloaded")
            started = time.perf_counter()
            page.goto(url)
            points = drawn(page)
            return time.perf_counter() - started, points

        cold, points = visit()
        warm = [visit()[0] for _ in range(runs)]
        p50 = statistics.median(warm)
        print(f"district {district}: {points} points on the map; answer {fetched}")
        if trace:
            print_waterfall(page)
            profile_visit(page, visit)
        print(f"{'map drawn':24} cold {cold:6.2f} s  warm p50 {p50:6.2f} s  max {max(warm):6.2f} s"
              f"  target {TARGET_S:.1f} s  ratio {p50 / TARGET_S:5.2f}")  # fmt: skip
        for what, value in interact(page).items():
            note = ""
            if "frame" in what:
                note = f"  smooth ≤ {SMOOTH_FRAME_MS:.0f} ms  ratio {value / SMOOTH_FRAME_MS:5.2f}"
            print(f"{what:24} {value:8.1f}{note}")
        context.browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a kept Neo4j home")
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="warm visits")
    parser.add_argument("--trace", action="store_true",
                        help="print the last warm visit's requests and milestones (ms)")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    args = parser.parse_args(argv)
    if not (DIST / "index.html").is_file():
        print(f"the console is not built ({DIST}): run `make console` first")
        return 2
    with open_region(args.home, scale=args.scale, seed=args.seed, heap=args.heap,
                     pagecache=args.pagecache, prefix="map-bench-") as region:  # fmt: skip
        console_account(region.db, NAME, PASSWORD)
        district = region.driver.execute_query(
            "MATCH (d:Area {level: 'district'})<-[:PART_OF*1..3]-(:Area)<-[:LOCATED_IN*1..3]-(p) "
            "WHERE p.location IS NOT NULL "
            "RETURN d.id AS id, count(DISTINCT p) AS places ORDER BY places DESC LIMIT 1",
            database_=region.db.database,
        ).records[0]["id"]  # fmt: skip
        cache = str(region.work / "result-cache.sqlite")
        with running_api(region, QUERY_TIMEOUT_SECONDS="300", RESULT_CACHE_FILE=cache) as base:
            measure(base, district, args.runs, args.trace)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
