"""导入 in a real browser (tests/test_console.py's service, Chromium and fixtures): a workbook
with a bad row is refused whole — the problem in the table, the error workbook downloaded
and read back, nothing written; a good workbook's preview counts what the file would do
to the demo region (known here by construction), and Confirm writes exactly that.

The workbooks are built here: two new grids of 和平社区, 和平社区 itself as stored
(unchanged), 建新社区 with another English name (updated), one of the template's example
rows (created, with a warning), and their PART_OF rows.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any
from urllib.parse import unquote

from openpyxl import Workbook, load_workbook
from playwright.sync_api import APIResponse, FilePayload, Page, expect

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account, set_password
from graph_service.db.database import Database
from tests import test_console as base
from tests.test_console import (
    ADMIN,
    ADMIN_PASSWORD,
    TIMEOUT_MS,
    Console,
    api_json,
    check_accessibility,
    screenshot,
)

# the service, browser and accounts of tests/test_console.py, started once for this module
console = base.console

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AREA_HEADER = [
    "编号 id",
    "名称 name",
    "英文名称 name_en",
    "层级 level",
    "示例数据 illustrative",
    "备注 note",
]
NEW = ("A-IMPORT-G1", "A-IMPORT-G2")
BAD_ID, BAD_ROW = "A-IMPORT-G3", 7  # its Excel row: the header is row 1
VIEWER, VIEWER_PASSWORD = "heping-viewer", "和平社区 viewer pw 2026"


def area_rows(page: Page) -> list[list[Any]]:
    """The 区域 sheet's rows; 和平社区 and 建新社区 as the API has them (one renamed)."""
    heping = api_json(page, "/areas/A-HEPING")
    jianxin = api_json(page, "/areas/A-JIANXIN")

    def flag(value: bool) -> str:
        return "是" if value else "否"

    return [
        [NEW[0], "和平社区第一网格", "Heping Grid 1", "网格", "否", None],  # created
        [NEW[1], "和平社区第二网格", "Heping Grid 2", "网格", "否", None],  # created
        ["A-HEPING", heping["name"], heping.get("name_en"), heping["level"],  # unchanged
         flag(heping["illustrative"]), heping.get("note")],
        ["A-JIANXIN", jianxin["name"], "Jianxin Neighbourhood", jianxin["level"],  # updated
         flag(jianxin["illustrative"]), jianxin.get("note")],
        ["EX-AREA-2", "示例社区（虚构）", "Example Area 2 (fictional)", "社区", "是", None],
    ]  # fmt: skip


PART_OF = [
    ["起点编号 from_id", "终点编号 to_id", "示例数据 illustrative"],
    [NEW[0], "A-HEPING", "否"],  # created
    [NEW[1], "A-HEPING", "否"],  # created
    ["A-HEPING", "A-ERQI", "是"],  # unchanged: as the demo region has it
]


def workbook(name: str, areas: list[list[Any]]) -> FilePayload:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "区域"
    for row in [AREA_HEADER, *areas]:
        sheet.append(row)
    relationships = book.create_sheet("隶属区域")
    for row in PART_OF:
        relationships.append(row)
    out = io.BytesIO()
    book.save(out)
    return {"name": name, "mimeType": XLSX, "buffer": out.getvalue()}


def choose(page: Page, payload: FilePayload) -> None:
    page.goto("/console/import")
    page.locator("[data-test=import-upload] input[type=file]").set_input_files(payload)
    expect(page.locator("[data-test=import-files]")).to_contain_text(payload["name"])
    page.click("[data-test=import-check]")


def dry_run(page: Page, payload: FilePayload) -> APIResponse:
    """POST /imports?dry_run=true as the page's account (its cookie and CSRF token)."""
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "gs_csrf")
    headers = {"X-CSRF-Token": unquote(csrf)}
    return page.request.post(
        "/imports?dry_run=true",
        multipart={"files": payload},
        headers=headers,
        timeout=TIMEOUT_MS * 2,
    )


def count(page: Page, kind: str, status: str) -> Any:
    return page.locator(f"[data-test=import-report] [data-test={kind}-{status}]")


def test_a_bad_row_is_shown_offered_as_a_workbook_and_nothing_is_written(
    console: Console,
) -> None:
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    expect(page.locator("[data-test=nav-import]")).to_have_text("导入")
    before = api_json(page, "/areas?limit=1")["total"]
    rows = area_rows(page)
    bad = [BAD_ID, "和平社区第三网格", None, "镇", "否", None]
    payload = workbook("辖区网格.xlsx", [*rows, bad])
    choose(page, payload)

    expect(page.locator("[data-test=import-refused]")).to_contain_text(
        "发现 1 个问题，未写入任何数据"
    )
    # the API's own dry run of the same file: one problem, at the bad row
    answer = dry_run(page, payload)
    assert answer.status == 422, answer.text()
    (problem,) = answer.json()["report"]["problems"]
    assert (problem["sheet"], problem["row"], problem["value"]) == ("区域", BAD_ROW, "镇"), problem
    problems = page.locator("[data-test=import-problems] tbody tr")
    expect(problems).to_have_count(1)
    cells = problems.first.locator("td")
    for index, key in enumerate(("file", "sheet", "row", "column", "value")):
        expect(cells.nth(index)).to_have_text(str(problem[key]))
    zh, en = problem["reason_zh"], problem["reason"]
    assert cells.nth(5).inner_text().splitlines() == [zh, en]  # Chinese first, English under it
    expect(page.locator("[data-test=import-confirm]")).to_be_disabled()
    check_accessibility(page)
    screenshot(page, "import-errors")

    # the language toggle puts the English reason first
    page.click("[data-test=lang]")
    expect(page.locator("[data-test=import-refused]")).to_contain_text(
        "1 problem(s): nothing was written"
    )
    expect(cells.nth(0)).to_have_text(problem["file"])
    assert cells.nth(5).inner_text().splitlines() == [en, zh]
    page.click("[data-test=lang]")

    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.click("[data-test=import-workbook]")
    assert download.value.suggested_filename == "导入错误.xlsx"
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    assert book.sheetnames[0] == "错误汇总"
    sheet = next(book[name] for name in book.sheetnames[1:] if name.startswith("区域"))
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(table) if row and row[0] and "错误原因" in str(row[0]))
    by_row = {row[1]: row for row in table[header + 1 :]}
    assert set(by_row) == set(range(2, BAD_ROW + 1)), by_row.keys()  # every uploaded row
    assert zh in str(by_row[BAD_ROW][0]) and "镇" in str(by_row[BAD_ROW]), by_row[BAD_ROW]
    assert all(by_row[n][0] in (None, "") for n in range(2, BAD_ROW)), by_row

    # nothing was written: not the good rows either
    assert api_json(page, "/areas?limit=1")["total"] == before
    for node_id in NEW:
        assert page.request.get(f"/areas/{node_id}").status == 404
    assert api_json(page, "/areas/A-JIANXIN")["name_en"] != "Jianxin Neighbourhood"
    context.close()


def test_a_good_file_previews_its_counts_then_confirm_writes_them(
    console: Console, demo_database: Database
) -> None:
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    before = api_json(page, "/areas?limit=1")["total"]
    payload = workbook("辖区网格.xlsx", area_rows(page))
    choose(page, payload)

    expected = {"Area": {"created": 3, "updated": 1, "unchanged": 1, "rejected": 0},
                "PART_OF": {"created": 2, "updated": 0, "unchanged": 1, "rejected": 0}}  # fmt: skip
    expect(page.locator("[data-test=import-ok]")).to_contain_text(
        "检查通过，尚未写入：确认后将新建 5 条、更新 1 条，2 条保持不变"
    )
    for kind, statuses in expected.items():
        for status, n in statuses.items():
            expect(count(page, kind, status)).to_have_text(str(n))
    expect(page.locator("[data-test=kind-Area]")).to_have_text("区域")
    expect(page.locator("[data-test=kind-PART_OF]")).to_have_text("隶属区域")
    warnings = page.locator("[data-test=import-warnings] tbody tr")
    expect(warnings).to_have_count(1)
    expect(warnings.first).to_contain_text("EX-AREA-2")
    expect(page.locator("[data-test=import-problems]")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "import")
    # the dry run wrote nothing
    assert page.request.get(f"/areas/{NEW[0]}").status == 404

    page.click("[data-test=import-confirm]")
    expect(page.locator("[data-test=import-done]")).to_contain_text(
        "已导入：新建 5 条、更新 1 条，2 条保持不变"
    )
    expect(page.locator("[data-test=import-state]")).to_have_text("已写入")
    for kind, statuses in expected.items():
        for status, n in statuses.items():
            expect(count(page, kind, status)).to_have_text(str(n))

    assert api_json(page, "/areas?limit=1")["total"] == before + 3
    assert api_json(page, f"/areas/{NEW[0]}")["name"] == "和平社区第一网格"
    assert api_json(page, "/areas/A-JIANXIN")["name_en"] == "Jianxin Neighbourhood"
    for node_id in NEW:
        assert page.request.get(f"/relationships/part_of/{node_id}/A-HEPING").ok
    page.click("[data-test=import-again]")
    expect(page.locator("[data-test=import-report]")).to_have_count(0)
    assert re.search(r"/console/import$", page.url)
    context.close()

    # a viewer has no 导入 in the nav; by URL the page says why, and the server refuses
    add_account(demo_database, Principal.cli(), VIEWER, Role.VIEWER, ["A-HEPING"])
    set_password(demo_database, Principal.cli(), VIEWER, VIEWER_PASSWORD)
    context, page = console.signed_in(VIEWER, VIEWER_PASSWORD)
    expect(page.locator("[data-test=nav-map]")).to_be_visible()
    expect(page.locator("[data-test=nav-import]")).to_have_count(0)
    page.goto("/console/import")
    expect(page.locator("[data-test=import-viewer]")).to_contain_text("查看人员只能查看，不能导入")
    page.locator("[data-test=import-upload] input[type=file]").set_input_files(payload)
    expect(page.locator("[data-test=import-check]")).to_be_disabled()
    assert dry_run(page, payload).status == 403
    context.close()


def test_a_slow_upload_shows_its_progress_and_can_be_cancelled(console: Console) -> None:
    """The upload's bytes as they go (Chromium's network throttled through DevTools), then
    the server's part; cancelled while uploading, nothing is reported."""
    context, page = console.signed_in(ADMIN, ADMIN_PASSWORD)
    # 和平社区 as stored (left unchanged), in a bundle made big by white space: ~2 s to send
    heping = {k: v for k, v in api_json(page, "/areas/A-HEPING").items() if v is not None}
    bundle = {"format": "regional-party-network", "version": 1, "tables": {"areas": [heping]}}
    body = json.dumps(bundle, ensure_ascii=False).encode() + b" " * 500_000
    payload: FilePayload = {"name": "和平社区.json", "mimeType": "application/json", "buffer": body}
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 250_000,
    })  # fmt: skip

    choose(page, payload)
    progress = page.locator("[data-test=import-progress]")
    expect(progress).to_contain_text("正在上传")
    expect(progress.get_by_role("progressbar")).not_to_have_attribute("aria-valuenow", "100")
    page.click("[data-test=import-cancel]")
    expect(progress).to_have_count(0)
    expect(page.locator("[data-test=import-report]")).to_have_count(0)
    expect(page.locator("[data-test=import-error]")).to_have_count(0)

    # every text the progress shows, as the page renders it (the server's part is short)
    page.evaluate("""() => {
        window.seen = []
        new MutationObserver(() => {
            const text = document.querySelector('[data-test=import-progress]')?.textContent?.trim()
            if (text && window.seen.at(-1) !== text) window.seen.push(text)
        }).observe(document.body, {subtree: true, childList: true, characterData: true})
    }""")
    page.click("[data-test=import-check]")
    expect(page.locator("[data-test=import-ok]")).to_contain_text(
        "确认后将新建 0 条、更新 0 条，1 条保持不变"
    )
    seen: list[str] = page.evaluate("window.seen")
    uploads = [i for i, text in enumerate(seen) if text.startswith("正在上传")]
    server = [i for i, text in enumerate(seen) if "服务器正在读取和校验" in text]
    assert len(uploads) >= 2 and server and max(uploads) < min(server), seen  # bytes, then server
    context.close()
