"""The web console in a real browser: Debian's Chromium driven by Playwright (the PyPI
package only; its own browser downloads are never used), against the real app served by
uvicorn on a free port, on the real Neo4j of the session (tests/conftest.py) holding the
demo region.

What a person sees is checked against what the API answers for the same question, not
against numbers written here. Every request the pages make is recorded: none may leave
the service's origin. axe-core (console/node_modules) checks each page; each page is saved
as docs/screenshots/<page>.png for the README.

Needs the built console (``make test`` builds it; by hand ``cd console && npm ci && npm run
build``) and ``/usr/bin/chromium`` (``make tools``): without either the tests fail, saying so.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from graph_service.api.console import DIST
from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account, set_password
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.neo4j_server.manager import free_port
from tests.conftest import Neo4jUnderTest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "console" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
AS_OF = "2026-06-30"  # the demo region's date (README)
ADMIN, ADMIN_PASSWORD = "console-admin", "党建 console 2026!"
ORGANIZER, ORGANIZER_PASSWORD = "heping-organizer", "和平社区 organizer pw"
# the gap rules whose rows offer "who should cover it" (console/src/modules/assign.ts)
ASSIGNABLE = (
    "ORG_BUILDING_UNCOVERED", "ORG_PARK_UNCOVERED", "ORG_UNIT_UNCOVERED",
    "TEAM_BRANCH_NO_OFFICER", "TEAM_BUILDING_NO_OFFICER", "TEAM_PARK_NO_OFFICER",
)  # fmt: skip
TIMEOUT_MS = 30_000  # generous: the machine is shared, and a first query may be planned


@dataclass
class Console:
    """The running service and the browser pointed at it."""

    base: str
    browser: Browser
    requests: list[str] = field(default_factory=list)

    def context(self, locale: str = "zh-CN") -> BrowserContext:
        context = self.browser.new_context(
            base_url=self.base, locale=locale, viewport={"width": 1366, "height": 860}
        )
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        context.on("request", lambda request: self.requests.append(request.url))
        return context

    def signed_in(self, name: str, password: str) -> tuple[BrowserContext, Page]:
        context = self.context()
        page = context.new_page()
        sign_in(page, name, password)
        page.wait_for_url(re.compile(r"/console/dashboard"))
        return context, page


def sign_in(page: Page, name: str, password: str) -> None:
    page.goto("/console/login")
    page.fill("#signin-name", name)
    page.fill("#signin-password", password)
    page.click("button[type=submit]")


def _prerequisites() -> None:
    """Fail, not skip: a browser test that silently skips tests nothing."""
    if not (DIST / "index.html").is_file():
        pytest.fail(f"the console is not built ({DIST}/index.html missing): run `make test`, "
                    "or `cd console && npm ci && npm run build`", pytrace=False)  # fmt: skip
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make tools` (apt-get install chromium)",
                    pytrace=False)  # fmt: skip
    if not AXE.is_file():
        pytest.fail(f"no axe-core at {AXE}: run `cd console && npm ci`", pytrace=False)


def _serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="console-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _passwd_by_cli(settings: Settings, name: str, password: str) -> None:
    """The documented way: `graph-service users passwd NAME --password-stdin`."""
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri, "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "users", "passwd", name, "--password-stdin"],
        input=password + "\n", text=True, capture_output=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def console(neo4j_server: Neo4jUnderTest, demo_database: Database) -> Iterator[Console]:
    _prerequisites()
    settings = neo4j_server.settings()
    cli = Principal.cli()
    add_account(demo_database, cli, ADMIN, Role.ADMIN)
    _passwd_by_cli(settings, ADMIN, ADMIN_PASSWORD)
    add_account(demo_database, cli, ORGANIZER, Role.ORGANIZER, ["A-HEPING"])
    set_password(demo_database, cli, ORGANIZER, ORGANIZER_PASSWORD)
    server, thread, base = _serve(settings)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
            try:
                yield Console(base, browser)
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(30)


def api_json(page: Page, path: str) -> Any:
    """What the API answers the signed-in person of this page (the same cookie)."""
    response = page.request.get(path, timeout=TIMEOUT_MS * 2)
    assert response.ok, (path, response.status, response.text())
    return response.json()


def percent(rate: dict[str, Any]) -> str:
    return "—" if rate["rate"] is None else f"{rate['rate'] * 100:.1f}%"


def check_accessibility(page: Page) -> None:
    """axe-core on the page as drawn: no serious or critical violation.

    It waits for every loading mask to fade out first: axe measures colours through a
    half-transparent mask and would report the page's text as too pale.
    """
    expect(page.locator(".el-loading-mask")).to_have_count(0, timeout=TIMEOUT_MS)
    page.evaluate(AXE.read_text())
    violations = _axe_violations(page)
    if violations:
        # a page still settling (a transition, a scroll, a late render) is measured once
        # more; a real violation is there both times
        page.wait_for_timeout(1_000)
        violations = _axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def _axe_violations(page: Page) -> list[dict[str, object]]:
    """axe's serious and critical violations, once every finite animation and transition
    has ended (a colour half-way through one is neither the old nor the new)."""
    violations: list[dict[str, object]] = page.evaluate(
        """async () => {
            await Promise.all(document.getAnimations()
                .filter(a => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity))
                .map(a => a.finished.catch(() => null)));
            return (await axe.run(document, {resultTypes: ['violations']})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return violations


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)  # the charts' first animation
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_sign_in_and_sign_out(console: Console) -> None:
    context = console.context()
    page = context.new_page()
    page.goto("/")
    page.wait_for_url(re.compile(r"/console/login"))  # nobody signed in: sent to sign in
    check_accessibility(page)
    screenshot(page, "login")

    sign_in(page, ADMIN, "not the password at all")
    expect(page.locator("[data-test=signin-error]")).to_contain_text("账号或密码错误")
    assert not any(c["name"] == "gs_session" for c in context.cookies())

    sign_in(page, ADMIN, ADMIN_PASSWORD)
    page.wait_for_url(re.compile(r"/console/dashboard"))
    expect(page.locator("[data-test=account]")).to_contain_text(f"{ADMIN} · 管理员")
    session = next(c for c in context.cookies() if c["name"] == "gs_session")
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").count("gs_session") == 0  # not readable by scripts
    assert api_json(page, "/session")["name"] == ADMIN

    page.click("[data-test=sign-out]")
    page.wait_for_url(re.compile(r"/console/login"))
    assert page.request.get("/session").status == 401
    page.goto("/console/dashboard")  # the session is gone on the server, not only here
    page.wait_for_url(re.compile(r"/console/login"))
    context.close()


def test_the_dashboard_gap_list_and_entity_show_the_api_answers(console: Console) -> None:
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    page.goto(f"/console/dashboard?area=A-ERQI&as_of={AS_OF}")
    expected = api_json(page, f"/areas/A-ERQI/coverage?as_of={AS_OF}")
    card = page.locator("[data-test=rate-organization]")
    rate = expected["area"]["organization"]
    expect(card).to_contain_text(percent(rate))
    expect(card).to_contain_text(f"已覆盖 {rate['covered']} / 应覆盖 {rate['total']}")
    for child in expected["children"]:  # each child area's rates, in its row
        for kind in ("organization", "leadership", "team"):
            cell = page.locator(f"[data-test='{child['area']['id']}-{kind}']")
            expect(cell).to_contain_text(percent(child[kind]))
            expect(cell).to_contain_text(f"({child[kind]['covered']}/{child[kind]['total']})")
    page.locator("canvas").first.wait_for()  # the 12 month-ends' trend
    check_accessibility(page)
    screenshot(page, "dashboard")

    # the organization rate clicks through to the uncovered things of that category
    card.click()
    page.wait_for_url(re.compile(r"/console/gaps\?"))
    first = next(r for r in expected["rules"] if r["category"] == "organization")
    gaps = api_json(page, f"/gaps/{first['code']}?area=A-ERQI&as_of={AS_OF}&limit=50")
    table = page.locator("[data-test=gap-table]")
    expect(page.locator("[data-test=total]")).to_have_text(f"共 {gaps['total']} 条")
    names = table.locator("tbody tr td:first-child a")
    expect(names).to_have_text([item["name"] for item in gaps["items"]])
    check_accessibility(page)
    screenshot(page, "gaps")
    download = page.locator("[data-test=download-xlsx]").get_attribute("href") or ""
    assert page.request.get(download, timeout=TIMEOUT_MS * 2).headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )

    # every row opens its entity: fields, and the supporters the API returns
    page.get_by_role("link", name=gaps["items"][0]["name"]).first.click()
    page.wait_for_url(re.compile(r"/console/entities/"))
    entity_id = gaps["items"][0]["id"]
    supporters = api_json(page, f"/entities/{entity_id}/supporters?as_of={AS_OF}&limit=1000")
    expect(page.locator("[data-test=entity-title]")).to_contain_text(gaps["items"][0]["name"])
    rows = page.locator("[data-test=support-table] tbody tr")
    expect(rows).to_have_count(len(supporters["supporters"]))

    # a community with many supporters draws its ego network
    page.goto(f"/console/entities/A-JIANXIN?as_of={AS_OF}")
    supporters = api_json(page, f"/entities/A-JIANXIN/supporters?as_of={AS_OF}&limit=1000")
    page.locator("[data-test=support-graph] canvas").wait_for()
    assert supporters["supporters"]
    expect(rows).to_have_count(len(supporters["supporters"]))
    expect(rows.first).to_contain_text(supporters["supporters"][0]["channel_zh"])
    check_accessibility(page)
    screenshot(page, "entity")
    context.close()


def test_an_organizer_cannot_reach_another_community_by_url(console: Console) -> None:
    context, page = console.signed_in(ORGANIZER, ORGANIZER_PASSWORD)
    expect(page.locator("[data-test=account]")).to_contain_text(f"{ORGANIZER} · 组织员")
    page.goto(f"/console/dashboard?as_of={AS_OF}")  # the account's own area
    mine = api_json(page, f"/areas/A-HEPING/coverage?as_of={AS_OF}")
    rate = page.locator("[data-test=rate-organization]")
    expect(rate).to_contain_text(percent(mine["area"]["organization"]))

    for path in (f"/console/dashboard?area=A-JIANXIN&as_of={AS_OF}",
                 "/console/entities/A-JIANXIN", "/console/entities/U-LINLI",
                 f"/console/gaps/ORG_UNIT_UNCOVERED?area=A-ERQI&as_of={AS_OF}"):  # fmt: skip
        page.goto(path)
        page.get_by_role("alert").first.wait_for()
        body = page.locator("main").inner_text()
        assert "建新社区" not in body and "二七邻里公益服务社" not in body, (path, body)
    assert page.request.get(f"/areas/A-JIANXIN/coverage?as_of={AS_OF}").status == 404
    context.close()


def test_the_map_draws_the_places_by_coverage_and_opens_them(console: Console) -> None:
    """地图: the legend counts the GeoJSON the API gives for the area and date (stations
    apart; no basemap configured, so nothing is fetched from elsewhere); a rule narrows
    the points to those failing it; an uncovered place in the list opens its popup, whose
    link opens its page."""
    area = "A-ERQI"
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    geo = api_json(page, f"/exports?format=geojson&area={area}&as_of={AS_OF}")
    points = [f["properties"] for f in geo["features"] if f["geometry"]["type"] == "Point"]
    assert points, "the demo region has no places with coordinates"

    def tally(places: list[dict[str, Any]]) -> dict[str, int]:
        out = dict.fromkeys(("uncovered", "no_officer", "covered", "station"), 0)
        for p in places:
            out["station" if p["label"] == "Station" else p["coverage"] or "covered"] += 1
        return out

    page.goto(f"/console/map?area={area}&as_of={AS_OF}")
    for status, n in tally(points).items():
        expect(page.locator(f"[data-test=legend-{status}] strong")).to_have_text(str(n))
    page.locator("[data-test=map] canvas").first.wait_for()
    check_accessibility(page)
    screenshot(page, "map")

    first = next(p for p in points if p["coverage"] == "uncovered")
    rule = next(code for code in first["gaps"] if code.startswith("ORG_"))
    page.goto(f"/console/map?area={area}&as_of={AS_OF}&rule={rule}")
    failing = [p for p in points if rule in p["gaps"]]
    for status, n in tally(failing).items():
        expect(page.locator(f"[data-test=legend-{status}] strong")).to_have_text(str(n))
    page.click(f"[data-test=locate-{first['id']}]")
    popup = page.locator("[data-test=map-popup]")
    expect(popup).to_contain_text(first["name"])
    rule_zh = next(r["zh"] for r in api_json(page, "/gaps")["items"] if r["code"] == rule)
    expect(popup).to_contain_text(rule_zh)
    # the points are one canvas: a click on the located point (now the map's centre) finds it
    page.locator(".leaflet-popup-close-button").click()
    expect(popup).to_have_count(0)
    box = page.locator("[data-test=map]").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(popup).to_contain_text(first["name"])
    popup.get_by_role("link").click()
    page.wait_for_url(re.compile(f"/console/entities/{first['id']}"))
    context.close()


def test_assigning_a_candidate_from_a_gap_closes_it(
    console: Console, demo_database: Database
) -> None:
    """从问题清单"谁来覆盖"一键指派: the first candidate the API proposes for the first
    uncovered building of 二七新村街道, assigned in the drawer, writes COVERS through the API
    (audited under the account), and the gap leaves the page, the API's list and the
    dashboard's count. A viewer sees the action disabled."""
    rule, area = "ORG_BUILDING_UNCOVERED", "A-ERQI"
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    page.goto(f"/console/dashboard?area={area}&as_of={AS_OF}")
    before = api_json(page, f"/areas/{area}/coverage?as_of={AS_OF}")["area"]["gaps"][rule]
    count = page.locator(f"[data-test=count-{area}-{rule}]")
    expect(count).to_have_text(str(before))

    page.goto(f"/console/gaps/{rule}?area={area}&as_of={AS_OF}")
    gaps = api_json(page, f"/gaps/{rule}?area={area}&as_of={AS_OF}&limit=1000")
    assert gaps["total"] == before and before > 0
    gap = gaps["items"][0]
    candidates = api_json(page, f"/entities/{gap['id']}/candidates?as_of={AS_OF}")
    assert candidates["covering_orgs"], f"the demo region proposes nobody for {gap['id']}"
    first = candidates["covering_orgs"][0]["candidate"]
    page.click(f"[data-test=who-covers-{gap['id']}]")
    drawer = page.locator("[data-test=candidates]")
    rows = drawer.locator("[data-test=candidate-table] tbody tr")
    expect(rows).to_have_count(len(candidates["covering_orgs"]))
    expect(rows.first).to_contain_text(first["name"])
    expect(drawer).to_contain_text(f"谁来覆盖：{gap['name']}")
    check_accessibility(page)
    screenshot(page, "assign")

    page.click(f"[data-test=assign-{first['id']}]")
    expect(page.locator("[data-test=assign-success]")).to_contain_text(
        f"已指派：{first['name']} 覆盖 {gap['name']}；该问题已关闭"
    )
    # (a) the row is gone from the page, the total one less
    expect(page.locator(f"[data-test=who-covers-{gap['id']}]")).to_have_count(0)
    expect(page.locator("[data-test=total]")).to_have_text(f"共 {before - 1} 条")
    # (b) and from the API's own list
    after = api_json(page, f"/gaps/{rule}?area={area}&as_of={AS_OF}&limit=1000")
    assert after["total"] == before - 1
    assert gap["id"] not in {item["id"] for item in after["items"]}
    # (c) the audit trail has the write, by this account
    events = api_json(page, f"/audit?action=rel.create&actor={ADMIN}&limit=20")["items"]
    assert any(e["target"] == f"{first['id']}->{gap['id']}" and e["actor"] == ADMIN
               and e["via"] == "api" for e in events), events  # fmt: skip
    # (d) the dashboard counts one fewer
    page.goto(f"/console/dashboard?area={area}&as_of={AS_OF}")
    expect(count).to_have_text(str(before - 1))
    context.close()

    # a viewer reads the same list but cannot assign (the server would refuse it anyway)
    viewer, password = "erqi-viewer", "二七 viewer pw 2026"
    add_account(demo_database, Principal.cli(), viewer, Role.VIEWER, [area])
    set_password(demo_database, Principal.cli(), viewer, password)
    context, page = console.signed_in(viewer, password)
    counts = api_json(page, f"/gaps/counts?area={area}&as_of={AS_OF}")
    still = next(code for code in ASSIGNABLE if counts.get(code))
    page.goto(f"/console/gaps/{still}?area={area}&as_of={AS_OF}")
    expect(page.locator("[data-test^=who-covers-]").first).to_be_disabled()
    context.close()


def test_assigning_an_officer_and_showing_the_api_refusal(console: Console) -> None:
    """A branch, building or park with no officer: the drawer lists officers; while it is
    open someone else assigns the first one, so its 指派 gets the API's 409, shown Chinese
    first; the second is assigned in the role the officer already holds."""
    area = "A-ERQI"
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    counts = api_json(page, f"/gaps/counts?area={area}&as_of={AS_OF}")
    rule = next(code for code in ASSIGNABLE if code.startswith("TEAM_") and counts.get(code))
    gap = api_json(page, f"/gaps/{rule}?area={area}&as_of={AS_OF}&limit=1000")["items"][0]
    officers = api_json(page, f"/entities/{gap['id']}/candidates?as_of={AS_OF}")["officers"]
    assert len(officers) >= 2, f"the demo region proposes too few officers for {gap['id']}"
    page.goto(f"/console/gaps/{rule}?area={area}&as_of={AS_OF}")
    page.click(f"[data-test=who-covers-{gap['id']}]")
    rows = page.locator("[data-test=candidate-table] tbody tr")
    expect(rows).to_have_count(len(officers))

    def role(officer: dict[str, Any]) -> str:
        return "instructor" if "instructor" in officer["roles"] else "liaison"

    first, second = officers[0], officers[1]
    csrf = unquote(next(c["value"] for c in context.cookies() if c["name"] == "gs_csrf"))
    made = page.request.post("/relationships/assigned_to", headers={"X-CSRF-Token": csrf}, data={
        "from_id": first["candidate"]["id"], "to_id": gap["id"], "role": role(first),
    })  # fmt: skip
    assert made.status == 201, made.text()
    page.click(f"[data-test=assign-{first['candidate']['id']}]")
    # the API's 409, Chinese first: the new term would overlap the one just stored
    expect(page.locator("[data-test=assign-error]")).to_contain_text(
        "与已有任期（起始未记录 至 今）重叠"
    )
    expect(page.locator("[data-test=assign-error]")).to_contain_text("指派失败：")

    page.click(f"[data-test=assign-{second['candidate']['id']}]")
    expect(page.locator("[data-test=assign-success]")).to_contain_text(
        f"已指派：{second['candidate']['name']} 联系 {gap['name']}；该问题已关闭"
    )
    expect(page.locator(f"[data-test=who-covers-{gap['id']}]")).to_have_count(0)
    target = f"{second['candidate']['id']}->{gap['id']}"
    events = api_json(page, f"/audit?action=rel.create&actor={ADMIN}&limit=20")["items"]
    event = next(e for e in events if e["target"] == target)
    assert event["after"]["role"] == role(second) and event["after"]["since"] == AS_OF
    context.close()


def test_a_follow_up_is_taken_up_goes_overdue_and_closes_itself(console: Console) -> None:
    """整改台账: a gap of today taken up from its list (责任人, default due date) appears in the
    ledger as 待整改; moved past its date it is listed overdue on the dashboard; once a
    candidate is assigned from the list, the ledger closes it by itself (已销号, today)."""
    area = "A-ERQI"
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    counts = api_json(page, f"/gaps/counts?area={area}")  # today: follow-ups are of today
    rule, gap = next(
        (code, item) for code in ASSIGNABLE if counts.get(code)
        for item in api_json(page, f"/gaps/{code}?area={area}&limit=1000")["items"]
        if any(api_json(page, f"/entities/{item['id']}/candidates").get(key)
               for key in ("covering_orgs", "officers"))
    )  # fmt: skip
    page.goto(f"/console/gaps/{rule}?area={area}")
    page.click(f"[data-test=take-up-{gap['id']}]")
    page.locator("input[data-test=follow-up-handler]").fill("李明")
    page.click("[data-test=follow-up-save]")
    expect(page.locator("[data-test=assign-success]")).to_contain_text("已登记整改台账")
    ledger = api_json(page, f"/follow-ups?area={area}")
    made = next(f for f in ledger["items"] if f["subject_id"] == gap["id"])
    assert (made["handler"], made["status"], made["created_by"]) == ("李明", "open", ADMIN)

    page.goto(f"/console/follow-ups?area={area}")
    expect(page.locator(f"[data-test=fu-status-{gap['id']}]")).to_have_text("待整改")
    check_accessibility(page)
    screenshot(page, "follow-ups")

    csrf = unquote(next(c["value"] for c in context.cookies() if c["name"] == "gs_csrf"))
    late = page.request.patch(f"/follow-ups/{made['id']}", headers={"X-CSRF-Token": csrf},
                              data={"due": "2026-01-05"})  # fmt: skip
    assert late.ok and late.json()["overdue"], late.text()
    page.goto(f"/console/dashboard?area={area}")
    expect(page.locator(f"[data-test=overdue-{gap['id']}]")).to_contain_text(gap["name"])

    page.goto(f"/console/gaps/{rule}?area={area}")
    page.click(f"[data-test=who-covers-{gap['id']}]")
    page.locator("[data-test=candidate-table] tbody tr button").first.click()
    expect(page.locator("[data-test=assign-success]")).to_contain_text("该问题已关闭")
    page.goto(f"/console/follow-ups?area={area}")
    expect(page.locator("[data-test=fu-closed-now]")).to_be_visible()
    expect(page.locator(f"[data-test=fu-status-{gap['id']}]")).to_have_text("已销号")
    closed = api_json(page, f"/follow-ups/{made['id']}")
    assert (closed["closed_reason"], closed["closed_by"]) == ("gap_gone", "system:follow-ups")
    page.goto(f"/console/dashboard?area={area}")
    expect(page.locator("[data-test=overdue]")).to_be_visible()
    expect(page.locator(f"[data-test=overdue-{gap['id']}]")).to_have_count(0)
    context.close()


def test_an_admin_adds_an_account_sets_its_password_and_revokes_it(console: Console) -> None:
    """管理: an account added in the console (key shown once), given a password, signs in;
    revoked, it cannot; the trail lists both and its chain checks out. An organizer has no
    管理 link, and the page by URL gets the API's refusal."""
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    page.goto("/console/admin")
    page.click("[data-test=add-account]")
    page.locator("input[data-test=new-name]").fill("zhang.wei")
    page.locator("input[data-test=new-areas]").fill("A-HEPING")
    page.click("[data-test=add-save]")
    expect(page.locator("[data-test=new-key]")).to_contain_text("gsk_")
    expect(page.locator("[data-test=state-zhang\\.wei]")).to_have_text("正常")
    page.click("[data-test=password-zhang\\.wei]")
    page.locator("input[data-test=new-password]").fill("和平社区 新密码 2026")
    page.click("[data-test=password-save]")
    expect(page.locator("[data-test=admin-notice]")).to_contain_text("已为 zhang.wei 设置密码")
    expect(page.locator("[data-test=password-dialog]")).to_be_hidden()  # faded out: axe next
    check_accessibility(page)
    screenshot(page, "admin")

    other = console.context()
    newcomer = other.new_page()
    sign_in(newcomer, "zhang.wei", "和平社区 新密码 2026")
    newcomer.wait_for_url(re.compile(r"/console/dashboard"))
    expect(newcomer.locator("[data-test=account]")).to_contain_text("zhang.wei · 组织员")
    expect(newcomer.locator("[data-test=nav-admin]")).to_have_count(0)
    newcomer.goto("/console/admin")
    expect(newcomer.locator("[data-test=admin-error]")).to_contain_text("仅管理员可操作")

    page.click("[data-test=revoke-zhang\\.wei]")
    confirm = page.locator(".el-popconfirm")  # the row's button opens it; confirm inside it
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="吊销").click()
    expect(page.locator("[data-test=state-zhang\\.wei]")).to_have_text("已吊销")
    newcomer.goto("/console/dashboard")
    newcomer.wait_for_url(re.compile(r"/console/login"))  # the session ended with the account
    other.close()

    page.goto("/console/admin?tab=audit")
    page.locator("input[data-test=audit-action]").fill("account.")
    page.click("[data-test=audit-filter]")
    rows = page.locator("[data-test=audit-events] tbody tr")
    expect(rows.first).to_contain_text("account.revoke")
    expect(page.locator("[data-test=audit-events]")).to_contain_text("account.add")
    expect(page.locator("[data-test=audit-events]")).not_to_contain_text("import.")
    page.click("[data-test=audit-verify]")
    expect(page.locator("[data-test=audit-verified]")).to_contain_text("哈希链完整")
    check_accessibility(page)
    screenshot(page, "audit")
    context.close()


# ---- the console in English ----------------------------------------------------------
# Once the toggle is pressed, every page's own words (navigation, headings, labels, buttons,
# table headers, placeholders, tooltips, empty states) are English. Only the data keeps its
# language: the names the region gives its areas, units, people and organizations (read
# from Neo4j, not written here) are taken out of the page's words before looking for
# Chinese characters. The choice is kept across pages and reloads.

#: Chinese characters and the full-width punctuation that goes with them
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
#: the elements that hold the console's own words, not the data's
CHROME = ", ".join((
    "nav", "header", "h1", "h2", "h3", "h4", "th", "label", "button", "legend", "caption",
    ".el-form-item__label", ".el-tabs__item", ".el-empty__description", ".el-pagination",
    ".el-radio-button__inner", ".el-checkbox__label", ".el-alert__title", ".el-tag",
    ".el-card__header", "[data-test=total]",
))  # fmt: skip
#: what the page says in attributes: a text box's hint, a control's name, a tooltip
ATTRIBUTES = ("placeholder", "aria-label", "title")

PAGES = (
    f"/console/dashboard?area=A-ERQI&as_of={AS_OF}",
    f"/console/gaps/ORG_BUILDING_UNCOVERED?area=A-ERQI&as_of={AS_OF}",
    f"/console/gaps/TEAM_BRANCH_NO_OFFICER?area=A-ERQI&as_of={AS_OF}",
    f"/console/entities/B-HEPING?as_of={AS_OF}",
    f"/console/entities/A-JIANXIN?as_of={AS_OF}",
    "/console/follow-ups",
    f"/console/map?area=A-ERQI&as_of={AS_OF}",
    f"/console/network?area=A-JIANXIN&as_of={AS_OF}",
    "/console/import",
    "/console/admin",
    "/console/admin?tab=audit",
)

COLLECT_JS = """([selector, attributes]) => {
  const seen = [];
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  for (const e of document.querySelectorAll(selector)) {
    if (visible(e) && e.innerText && e.innerText.trim()) seen.push(e.innerText.trim());
  }
  for (const name of attributes) {
    for (const e of document.querySelectorAll(`[${name}]`)) {
      const value = e.getAttribute(name);
      if (visible(e) && value && value.trim()) seen.push(value.trim());
    }
  }
  return seen;
}"""


def _data_names(db: Database) -> list[str]:
    """Every name the demo region gives (longest first, so a name is taken out whole)."""
    rows = db.driver.execute_query(
        "MATCH (n) WHERE n.name IS NOT NULL RETURN DISTINCT n.name AS name",
        database_=db.database,
    ).records  # fmt: skip
    # and the toggle back, which names Chinese in Chinese
    return sorted({str(row["name"]) for row in rows} | {"中文"}, key=len, reverse=True)


def _chinese_words(page: Page, names: list[str]) -> list[str]:
    """The page's own words that still hold Chinese once the data's names are taken out."""
    expect(page.locator(".el-loading-mask")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    found = []
    for text in page.evaluate(COLLECT_JS, [CHROME, list(ATTRIBUTES)]):
        rest = text
        for name in names:
            if name in rest:
                rest = rest.replace(name, " ")
        if CJK.search(rest):
            found.append(text[:120])
    return sorted(set(found))


def test_every_page_speaks_english_after_the_toggle(
    console: Console, demo_database: Database
) -> None:
    names = _data_names(demo_database)
    context = console.context()
    page = context.new_page()
    page.goto("/console/login")
    page.click("button.lang")  # chosen before signing in, and kept
    expect(page.locator("button[type=submit]")).to_have_text("Sign in")
    assert _chinese_words(page, names) == []
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    page.wait_for_url(re.compile(r"/console/dashboard"))
    expect(page.locator("[data-test=account]")).to_contain_text(f"{ADMIN} · Admin")
    left = {}
    for path in PAGES:
        page.goto(path)
        chinese = _chinese_words(page, names)
        if chinese:
            left[path] = chinese
    assert left == {}, left
    page.reload()  # the choice outlives a reload
    expect(page.locator("[data-test=lang]")).to_have_text("中文")
    page.click("[data-test=lang]")  # and back
    expect(page.locator("[data-test=lang]")).to_have_text("English")
    context.close()


def test_no_request_leaves_the_service_origin(console: Console) -> None:
    """Every request of the tests above (and a round of each page in English) went to the
    service itself: scripts, styles, fonts, data."""
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    page.click("[data-test=lang]")
    expect(page.locator("[data-test=account]")).to_contain_text(f"{ADMIN} · Admin")
    for path in (f"/console/dashboard?area=A-ERQI&as_of={AS_OF}",
                 f"/console/gaps/ORG_BUILDING_UNCOVERED?area=A-ERQI&as_of={AS_OF}",
                 f"/console/entities/B-HEPING?as_of={AS_OF}", "/console/follow-ups",
                 "/console/admin", "/console/admin?tab=audit",
                 f"/console/map?area=A-ERQI&as_of={AS_OF}"):  # fmt: skip
        page.goto(path)
        page.wait_for_load_state("networkidle")
    context.close()
    assert len(console.requests) > 20
    outside = [url for url in console.requests
               if not (url.startswith(console.base + "/") or url.startswith("data:"))]  # fmt: skip
    assert outside == [], outside
