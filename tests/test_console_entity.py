"""The console's 实体 page beyond its fields and supporters (issue 24 item 5): the edit form,
the portfolio and load, the history — in Debian's Chromium against the real service and
the real Neo4j holding the demo region, with tests/test_console.py's service and helpers.

The form's values are checked against what the API then answers (and the audit trail
records), not against numbers written here; the refusals are the server's own (a viewer's
PATCH 403, an organizer's outside its areas 404), not only a missing button.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from playwright.sync_api import APIResponse, BrowserContext, Page, expect

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account, set_password
from graph_service.db.database import Database
from graph_service.db.entities import get_tagged_node
from graph_service.domain.kinds import NodeKind, UnitKind
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

# the service, browser and accounts of tests/test_console.py, started once for this module
console = base.console

UNIT = "U-LUWEI"  # 济南鲁味餐饮管理有限公司, located in 和平社区 (the organizer's area)
OUTSIDE = "U-LINLI"  # 二七邻里公益服务社, in 文化社区: outside the organizer's area


def _csrf(context: BrowserContext) -> str:
    return unquote(next(c["value"] for c in context.cookies() if c["name"] == "gs_csrf"))


def _patch(page: Page, path: str, body: dict[str, Any], etag: str | None = None) -> APIResponse:
    """A PATCH through the API with the page's session, as any other client would send it."""
    headers = {"X-CSRF-Token": _csrf(page.context)} | ({"If-Match": etag} if etag else {})
    return page.request.patch(path, headers=headers, data=body)


def _stored(page: Page, unit: str) -> tuple[dict[str, Any], str]:
    answer = page.request.get(f"/units/{unit}")
    assert answer.ok, answer.text()
    return answer.json(), answer.headers["etag"]


def _signed_in(console: Console, name: str, password: str) -> tuple[BrowserContext, Page]:
    """A page of a new context signed in through POST /session (the sign-in page itself is
    tested in tests/test_console.py: this skips its first stop, the dashboard), 1280 px wide
    (the screenshots' width)."""
    context = console.context()
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 860})
    answer = page.request.post("/session", data={"name": name, "password": password})
    assert answer.ok, answer.text()
    return context, page


def _choose(page: Page, field: str, option: str) -> None:
    """Pick an option of an Element Plus select by its label."""
    page.click(f"[data-test=edit-{field}]")
    choice = page.get_by_role("option", name=option, exact=True)
    choice.click()
    expect(choice).to_be_hidden()  # the list closed (axe would read it while it fades)


def test_an_organizer_edits_a_unit_and_a_stale_edit_writes_nothing(console: Console) -> None:
    """编辑: the form shows the unit's kind by its Chinese name; a bad credit code gets the
    server's message beside the field; the note and kind saved go to the API, with If-Match.
    Then an edit on a version someone else changed meanwhile gets 412 (已被他人修改，请刷新),
    and nothing of it is stored; 刷新 reads the new version and the edit goes through.
    变更记录: the organizer itself (not only an admin) sees those edits on the page, newest
    first, by its account name, each changed field under its Chinese name as before →
    after; an admin's whole trail holds the same events."""
    context, page = _signed_in(console, ORGANIZER, ORGANIZER_PASSWORD)
    before, _ = _stored(page, UNIT)
    page.goto(f"/console/entities/{UNIT}?as_of={AS_OF}")
    expect(page.locator("[data-test=entity-title]")).to_contain_text(before["name"])
    page.click("[data-test=entity-edit]")
    form = page.locator("[data-test=entity-edit-form]")
    expect(form.locator("[data-test=edit-item-kind]")).to_contain_text(UnitKind(before["kind"]).zh)
    expect(form.locator("[data-test=edit-item-name] input")).to_have_value(before["name"])

    # the server's validation, shown beside its field (the form does not check the code)
    page.locator("input[data-test=edit-credit_code]").fill("12345")
    page.click("[data-test=edit-save]")
    expect(form.locator("[data-test=edit-item-credit_code] .el-form-item__error")).not_to_be_empty()
    expect(page.locator("[data-test=edit-error]")).to_be_visible()
    assert _stored(page, UNIT)[0] == before
    page.locator("input[data-test=edit-credit_code]").fill("")

    note = "2026年7月走访：新增党员2名"
    new_kind = UnitKind.ENTERPRISE
    assert before["kind"] != new_kind.value
    page.locator("textarea[data-test=edit-note]").fill(note)
    _choose(page, "kind", new_kind.zh)
    check_accessibility(page)
    screenshot(page, "entity-edit")
    page.click("[data-test=edit-save]")
    expect(page.locator("[data-test=edit-saved]")).to_contain_text("已保存")
    after, etag = _stored(page, UNIT)
    assert (after["note"], after["kind"]) == (note, new_kind.value)
    assert {k: v for k, v in after.items() if k not in ("note", "kind")} == {
        k: v for k, v in before.items() if k not in ("note", "kind")
    }
    expect(page.locator("[data-test=entity-fields]")).to_contain_text(note)

    # stale: the form is open on this version; someone changes the unit through the API
    page.click("[data-test=entity-edit]")
    changed = _patch(page, f"/units/{UNIT}", {"name_en": "Luwei Catering"}, etag)
    assert changed.ok, changed.text()
    page.locator("textarea[data-test=edit-note]").fill("这次修改不应写入")
    page.click("[data-test=edit-save]")
    expect(page.locator("[data-test=edit-stale]")).to_contain_text("已被他人修改，请刷新")
    stored, _ = _stored(page, UNIT)
    assert (stored["note"], stored["name_en"]) == (note, "Luwei Catering")  # nothing of the form

    page.click("[data-test=edit-reload]")  # the new version, the form reset to it
    expect(page.locator("input[data-test=edit-name_en]")).to_have_value("Luwei Catering")
    expect(page.locator("[data-test=edit-stale]")).to_have_count(0)
    page.locator("textarea[data-test=edit-note]").fill(note + "（已核实）")
    page.click("[data-test=edit-save]")
    expect(page.locator("[data-test=edit-saved]")).to_be_visible()
    assert _stored(page, UNIT)[0]["note"] == note + "（已核实）"

    # 变更记录, on the organizer's own page: the save read the history again with the version
    events = api_json(page, f"/entities/{UNIT}/history?limit=50")["items"]
    edits = [e for e in events if e["action"] == "node.update" and e["actor"] == ORGANIZER]
    assert len(edits) == 3, events  # the note and kind, name_en (through the API), the note again
    assert edits[0]["after"] == {"note": note + "（已核实）"}  # the edit just made, newest
    table = page.locator("[data-test=history-table]")
    history = table.locator("tbody tr")
    expect(history).to_have_count(len(events))
    newest = history.first
    expect(newest).to_contain_text(ORGANIZER)
    expect(newest).to_contain_text("修改")
    expect(newest).to_contain_text(
        f"备注：{edits[0]['before']['note']} → {edits[0]['after']['note']}"
    )
    kind_edit = next(e for e in edits if "kind" in e["after"])
    was, now = UnitKind(kind_edit["before"]["kind"]).zh, UnitKind(kind_edit["after"]["kind"]).zh
    expect(table).to_contain_text(f"单位类型：{was} → {now}")
    expect(page.locator("[data-test=history-redacted]")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "entity-history")
    context.close()

    # an admin's whole trail holds the same events about the unit (nothing else touched it)
    context, page = _signed_in(console, ADMIN, ADMIN_PASSWORD)
    trail = api_json(page, f"/audit?target={UNIT}&limit=50")["items"]
    assert [e["seq"] for e in trail] == [e["seq"] for e in events]
    context.close()


def test_without_write_rights_no_form_and_the_server_refuses(
    console: Console, demo_database: Database
) -> None:
    """A viewer of the area reads the page and its history without 编辑, and its PATCH is
    refused (403); the organizer of 和平社区 cannot open a unit of another community, and its
    PATCH there is 404 (the unit's existence is not revealed). Neither changes anything."""
    viewer, password = "heping-viewer", "和平 viewer pw 2026"
    add_account(demo_database, Principal.cli(), viewer, Role.VIEWER, ["A-HEPING"])
    set_password(demo_database, Principal.cli(), viewer, password)
    context, page = _signed_in(console, viewer, password)
    before, etag = _stored(page, UNIT)
    page.goto(f"/console/entities/{UNIT}?as_of={AS_OF}")
    expect(page.locator("[data-test=entity-title]")).to_contain_text(before["name"])
    expect(page.locator("[data-test=portfolio]")).to_be_visible()
    expect(page.locator("[data-test=entity-edit]")).to_have_count(0)
    # a viewer reads the history too (the unit's events, as the API answers the viewer)
    events = api_json(page, f"/entities/{UNIT}/history?limit=50")["items"]
    expect(page.locator("[data-test=history-table] tbody tr")).to_have_count(len(events))
    refused = _patch(page, f"/units/{UNIT}", {"note": "查看人员的修改"}, etag)
    assert refused.status == 403, refused.text()
    assert _stored(page, UNIT)[0] == before
    context.close()

    context, page = _signed_in(console, ORGANIZER, ORGANIZER_PASSWORD)
    page.goto(f"/console/entities/{OUTSIDE}?as_of={AS_OF}")
    expect(page.locator("[data-test=entity-error]")).to_be_visible()
    expect(page.locator("[data-test=entity-edit]")).to_have_count(0)
    refused = _patch(page, f"/units/{OUTSIDE}", {"note": "区域外的修改"})
    assert refused.status == 404, refused.text()
    context.close()
    stored, _ = get_tagged_node(demo_database, Principal.cli(), NodeKind.UNIT, OUTSIDE)
    assert stored.note is None  # the demo gives it none


def test_the_portfolio_shows_the_api_answer(console: Console) -> None:
    """联系包挂/负载: an officer's page lists what the API's portfolio lists, its load beside,
    each target opening its own page."""
    context, page = _signed_in(console, ADMIN, ADMIN_PASSWORD)
    officer = "PS-LI-XIAOMEI"  # the API's own portfolio example
    portfolio = api_json(page, f"/entities/{officer}/portfolio?as_of={AS_OF}")
    assert portfolio["items"], "the demo officer supports nothing"
    page.goto(f"/console/entities/{officer}?as_of={AS_OF}")
    rows = page.locator("[data-test=portfolio-table] tbody tr")
    expect(rows).to_have_count(len(portfolio["items"]))
    expect(page.locator("[data-test=portfolio-load]")).to_contain_text(
        f"支持 {portfolio['load']} 个对象"
    )
    first = portfolio["items"][0]
    expect(rows.first).to_contain_text(first["target"]["name"])
    expect(rows.first).to_contain_text(first["channel_zh"])
    expect(page.locator("[data-test=history] .el-loading-mask")).to_have_count(0)
    screenshot(page, "entity-portfolio")
    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(f"/console/entities/{first['target']['id']}"))
    context.close()
