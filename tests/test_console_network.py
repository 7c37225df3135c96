"""The console's 关系网络 page (issue 24 item 6) in Debian's Chromium against the real service
and the real Neo4j holding the demo region, with tests/test_console.py's service and helpers.

What the chart draws is read from the chart itself (its option, through the page's seam
on the chart's box) and compared with what the API answers the same account: the nodes and
edges of GET /network, the red rings of the gap lists' subjects (which the page takes from
GET /network's gaps, in one request). A node is clicked where the chart drew it."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests import test_console as base
from tests.test_console import (
    ADMIN,
    ADMIN_PASSWORD,
    AS_OF,
    ORGANIZER,
    ORGANIZER_PASSWORD,
    Console,
    api_json,
    check_accessibility,
    screenshot,
)

console = base.console

GRAPH = "[data-test=network-graph]"
GAP_RING = "#e0201b"


def _signed_in(console: Console, name: str, password: str) -> Page:
    """A page 1280 px wide (the screenshots' width), signed in through POST /session."""
    page = console.context().new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    answer = page.request.post("/session", data={"name": name, "password": password})
    assert answer.ok, answer.text()
    return page


def _drawn(page: Page) -> dict[str, Any]:
    """The graph series as the chart holds it: node ids (with their ring colour) and links."""
    series: dict[str, Any] = page.evaluate(
        f"""() => {{
        const s = document.querySelector('{GRAPH}').networkOption().series[0]
        return {{nodes: s.data.map(d => ({{id: d.id, label: d.kind,
                                           ring: d.itemStyle?.borderColor ?? null,
                                           size: d.symbolSize,
                                           color: d.itemStyle?.color ?? null}})),
                links: (s.links ?? s.edges).map(l => [l.source, l.type, l.target])}}
    }}"""
    )
    return series


def _wait_drawn(page: Page, count: int) -> dict[str, Any]:
    page.locator(f"{GRAPH} canvas").wait_for()
    page.wait_for_function(
        f"""() => {{ const o = document.querySelector('{GRAPH}')?.networkOption?.()
                    return o && o.series[0].data.length === {count} }}"""
    )
    return _drawn(page)


def _gap_subjects(page: Page, area: str) -> set[str]:
    counts = api_json(page, f"/gaps/counts?area={area}&as_of={AS_OF}")
    found: set[str] = set()
    for code, count in counts.items():
        if count:
            rows = api_json(page, f"/gaps/{code}?area={area}&as_of={AS_OF}&limit=1000")
            found |= {item["id"] for item in rows["items"]}
    return found


def test_the_network_draws_a_community_filters_it_and_opens_a_node(console: Console) -> None:
    """建新社区's network as the API gives it, gaps ringed in red; hiding persons and a
    relationship type takes them off the chart; a node clicked opens its page."""
    page = _signed_in(console, ADMIN, ADMIN_PASSWORD)
    network = api_json(page, f"/network/A-JIANXIN?as_of={AS_OF}")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"/console/network?area=A-JIANXIN&as_of={AS_OF}")
    drawn = _wait_drawn(page, len(network["nodes"]))
    # one request draws it, gaps included: no gap list is fetched rule by rule
    assert sum("/network/A-JIANXIN" in url for url in asked) == 1
    assert not [url for url in asked if re.search(r"/gaps/[A-Z_]+\?", url)]
    assert {n["id"] for n in drawn["nodes"]} == {n["id"] for n in network["nodes"]}
    edges = {(e["source"], e["type"], e["target"]) for e in network["edges"]}
    assert {tuple(link) for link in drawn["links"]} == edges
    ringed = {n["id"] for n in drawn["nodes"] if n["ring"] == GAP_RING}
    expected = _gap_subjects(page, "A-JIANXIN") & {n["id"] for n in network["nodes"]}
    assert ringed == expected and ringed, "the subjects of gaps are ringed in red"
    expect(page.locator("[data-test=network-gaps]")).to_contain_text(str(len(expected)))
    check_accessibility(page)
    screenshot(page, "network")

    # a kind hidden: no person drawn, nor any edge of one
    persons = {n["id"] for n in network["nodes"] if n["label"] == "Person"}
    assert persons
    page.click("[data-test=kind-Person]")
    drawn = _wait_drawn(page, len(network["nodes"]) - len(persons))
    assert not persons & {n["id"] for n in drawn["nodes"]}
    assert not any(link[0] in persons or link[2] in persons for link in drawn["links"])
    # a relationship type hidden: none of its edges drawn, every node still there
    page.click("[data-test=type-LOCATED_IN]")
    page.wait_for_function(
        f"""() => !document.querySelector('{GRAPH}').networkOption().series[0].links
                   .some(l => l.type === 'LOCATED_IN')"""
    )
    assert len(_drawn(page)["nodes"]) == len(network["nodes"]) - len(persons)

    # a building clicked where it is drawn (the whole network again) opens its page
    page.goto(f"/console/network?area=A-JIANXIN&as_of={AS_OF}")
    _wait_drawn(page, len(network["nodes"]))
    target = next(n["id"] for n in network["nodes"] if n["label"] == "Building")
    page.wait_for_timeout(300)  # the layout settles before it is read back
    x, y = page.evaluate(f"() => document.querySelector('{GRAPH}').networkPixel('{target}')")
    box = page.locator(f"{GRAPH} canvas").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(rf"/console/entities/{target}"))
    page.context.close()


def test_a_subdistrict_is_drawn_by_its_communities_and_opens_into_one(console: Console) -> None:
    """二七新村街道 aggregated: its communities sized by units and coloured by coverage; one
    clicked opens its own network. An organizer of 和平社区 gets the API's refusal for 建新社区."""
    page = _signed_in(console, ADMIN, ADMIN_PASSWORD)
    network = api_json(page, f"/network/A-ERQI?as_of={AS_OF}")
    assert network["form"] == "areas"
    page.goto(f"/console/network?area=A-ERQI&as_of={AS_OF}")
    drawn = _wait_drawn(page, len(network["nodes"]))
    units = {n["id"]: n["units"] for n in network["nodes"]}
    sizes = {n["id"]: n["size"] for n in drawn["nodes"] if n["id"] != "A-ERQI"}
    ordered = sorted(sizes, key=lambda a: units[a])
    assert [sizes[a] for a in ordered] == sorted(sizes.values()), "bigger with more units"
    assert all(n["color"] for n in drawn["nodes"])
    check_accessibility(page)
    screenshot(page, "network-subdistrict")
    child = max(sizes, key=lambda a: units[a])
    page.wait_for_timeout(300)
    x, y = page.evaluate(f"() => document.querySelector('{GRAPH}').networkPixel('{child}')")
    box = page.locator(f"{GRAPH} canvas").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(rf"/console/network\?area={child}"))
    detail = api_json(page, f"/network/{child}?as_of={AS_OF}")
    _wait_drawn(page, len(detail["nodes"]))
    page.context.close()

    page = _signed_in(console, ORGANIZER, ORGANIZER_PASSWORD)
    page.goto(f"/console/network?area=A-JIANXIN&as_of={AS_OF}")
    expect(page.locator("[data-test=network-error]")).to_be_visible()
    assert "建新" not in page.locator("main").inner_text()
    page.context.close()
