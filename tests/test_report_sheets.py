"""Spreadsheets people use as they are (issue 28, items 6 and 7): every XLSX report and export
opened back with openpyxl and checked for its title row, frozen header, autofilter, column
widths and number formats; Chinese enumerated values and sheet names; names beside ids and
addresses in gap lists; and the export of the demo region imported back reporting every
record unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db import gaps as gap_repo
from graph_service.db.database import Database
from graph_service.domain.gaps import RULES
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, TABLES
from graph_service.main import create_app
from graph_service.reports import (
    follow_up_report,
    gap_report,
    gap_table,
    report_bytes,
    summary_report,
    summary_table,
    table_bytes,
)
from graph_service.schemas.follow_ups import FollowUp, FollowUpPage
from graph_service.schemas.gaps import (
    AreaCoverage,
    AreaRef,
    CoverageRate,
    CoverageSummary,
    GapItem,
    GapPage,
    GapRuleOut,
)
from graph_service.services.demo import load_demo
from graph_service.services.exports import export_graph
from graph_service.services.imports import import_files
from loaders import exporters
from loaders.cells import neutralise
from loaders.demo import DEMO_AS_OF
from loaders.readers import read_tables
from loaders.rows import RawTable
from loaders.sheets import PERCENT, display_width

#: openpyxl's width of a column no one sized (Excel's own default is 8.43)
DEFAULT_WIDTH = 13.0


def open_xlsx(body: bytes | Path) -> Any:
    return openpyxl.load_workbook(io.BytesIO(body) if isinstance(body, bytes) else body)


def assert_report_layout(sheet: Any, headers: list[str], rows: int) -> None:
    """Title row, then the header frozen under it, an autofilter over header and rows."""
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]][: len(headers)] == headers
    last = openpyxl.utils.get_column_letter(len(headers))
    assert sheet.auto_filter.ref == f"A2:{last}{rows + 2}"
    assert sheet.max_row == rows + 2
    filled = [c.value for c in sheet[1] if c.value is not None]
    assert len(filled) == 1, "one title cell, which the import's reader passes over"


# ---- pure: the layout of a report ------------------------------------------------------------


def test_display_width_counts_a_chinese_character_as_two() -> None:
    assert display_width("abc") == 3
    assert display_width("二七新村街道") == 12
    assert display_width("第一行\nlonger second line") == 18
    assert display_width(None) == 0 and display_width(dt.date(2026, 6, 30)) == 10


def _rate(covered: int, total: int) -> CoverageRate:
    return CoverageRate.of(covered, total)


def _coverage(area_id: str, name: str, level: str, org: tuple[int, int]) -> AreaCoverage:
    return AreaCoverage(
        area=AreaRef(id=area_id, name=name, level=level), organization=_rate(*org),
        organization_parts={}, leadership=_rate(0, 0), team=_rate(3, 4), team_parts={},
        gaps={RULES[0].code: 7},
    )  # fmt: skip


SUMMARY = CoverageSummary(
    as_of=dt.date(2026, 6, 30),
    area=_coverage("A-ERQI", "二七新村街道", "subdistrict", (11, 19)),
    children=[_coverage("A-JIANXIN", "建新社区综合党委所在的建新社区（示例长名称）", "community",
                        (1, 3))],
    rules=[],
)


def test_the_summary_workbook_has_rates_as_percent_numbers() -> None:
    report = summary_report(SUMMARY)
    body, media = report_bytes(report, "xlsx")
    assert media.endswith("spreadsheetml.sheet")
    sheet = open_xlsx(body).active
    headers = [c.header for c in report.columns]
    assert_report_layout(sheet, headers, rows=2)
    title = sheet.cell(1, 1).value
    assert "覆盖率" in title and "二七新村街道（A-ERQI）" in title and "2026-06-30" in title
    org = headers.index("组织覆盖率 organization")
    rate = sheet.cell(3, org + 1)
    assert isinstance(rate.value, float) and rate.value == pytest.approx(11 / 19)
    assert rate.number_format == PERCENT, "a number shown as 57.9%, not the text '57.9%'"
    assert sheet.cell(3, org + 2).value == 11 and sheet.cell(3, org + 3).value == 19
    leadership = headers.index("班子覆盖率 leadership")
    assert sheet.cell(3, leadership + 1).value is None, "no rate when nothing is to be covered"
    assert (sheet.cell(3, 3).value, sheet.cell(4, 3).value) == ("街道", "社区"), "in Chinese"
    assert sheet.cell(3, headers.index(f"{RULES[0].zh} {RULES[0].code}") + 1).value == 7
    # the long Chinese name widens its column past the default, within the cap
    name_width = sheet.column_dimensions["B"].width
    assert name_width > DEFAULT_WIDTH
    assert name_width >= display_width(SUMMARY.children[0].area.name)


def test_the_summary_csv_is_plain_data_with_rates_as_fractions() -> None:
    body, media = summary_table(SUMMARY, "csv")
    assert media.startswith("text/csv") and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "区域编号 area id", "the header is the first row: no title row"
    org = rows[0].index("组织覆盖率 organization")
    assert rows[1][org] == "0.5789" and float(rows[2][org]) == pytest.approx(1 / 3, abs=1e-4)
    assert rows[1][rows[0].index("班子覆盖率 leadership")] == ""


RULE = GapRuleOut.of(RULES[0])


def _gap(id_: str, name: str, kind: str, subkind: str | None) -> GapItem:
    return GapItem(
        code=RULE.code, id=id_, name=name, kind=kind, subkind=subkind,
        area_path=[AreaRef(id="A-ERQI", name="二七新村街道"), AreaRef(id="A-HP", name="和平社区")],
        impact=3, en=RULE.en, zh=RULE.zh, fix_en=RULE.fix_en, fix_zh=RULE.fix_zh,
    )  # fmt: skip


GAPS = GapPage(
    rule=RULE, as_of=dt.date(2026, 6, 30), area="A-ERQI", total=3, skip=0, limit=3,
    items=[_gap("B-HEPING", "和平国际大厦", "Building", "commercial"),
           _gap("U-X", "=HYPERLINK(\"x\")", "Unit", "non_public_enterprise"),
           _gap("A-G", "第一网格", "Area", None)],
)  # fmt: skip


def test_a_gap_list_has_addresses_chinese_kinds_and_a_title() -> None:
    report = gap_report(GAPS, {"B-HEPING": "和平路88号（示例）"}, "二七新村街道")
    sheet = open_xlsx(report_bytes(report, "xlsx")[0]).active
    headers = [c.header for c in report.columns]
    assert_report_layout(sheet, headers, rows=3)
    assert sheet.cell(1, 1).value == (f"{RULE.zh}（{RULE.code}） · 二七新村街道（A-ERQI） · "
                                      "截至 2026-06-30 · 共 3 条")  # fmt: skip
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    column = {header: index for index, header in enumerate(headers)}
    assert rows[0][column["地址 address"]] == "和平路88号（示例）"
    assert rows[1][column["地址 address"]] is None
    assert [r[column["类型 kind"]] for r in rows] == ["商务楼宇", "非公企业", "区域"]
    assert rows[1][column["名称 name"]].startswith("'="), "a formula is sent as text"
    assert rows[0][column["影响 impact"]] == 3
    assert sheet.column_dimensions["I"].width > DEFAULT_WIDTH, "the fix text is wide"


def test_the_ledger_has_dates_as_dates() -> None:
    item = FollowUp(
        id="F-1", rule=RULE.code, rule_zh=RULE.zh, subject_id="B-1", subject_name="示例大厦",
        subject_kind="Building", area_id="A-JX", area_name="建新社区", handler="王示例",
        due=dt.date(2026, 7, 31), status="open", status_zh="待整改", overdue=False, notes="",
        taken_on=dt.date(2026, 6, 1), created_by="admin",
    )  # fmt: skip
    page = FollowUpPage(total=1, skip=0, limit=50, closed_now=0, items=[item])
    report = follow_up_report(page, area="A-JX", area_name="建新社区", today=dt.date(2026, 6, 30))
    sheet = open_xlsx(report_bytes(report, "xlsx")[0]).active
    assert_report_layout(sheet, [c.header for c in report.columns], rows=1)
    assert sheet.title == "整改台账"
    assert sheet.cell(1, 1).value == (
        "整改台账 follow-ups · 建新社区（A-JX） · 截至 2026-06-30 · 共 1 条")
    due = sheet.cell(3, 7)
    assert due.value == dt.datetime(2026, 7, 31) and due.is_date
    csv_rows = list(csv.reader(io.StringIO(report_bytes(report, "csv")[0].decode("utf-8-sig"))))
    assert csv_rows[1][6] == "2026-07-31"


@settings(max_examples=40, deadline=None)
@given(
    title=st.text(min_size=1, max_size=40).filter(lambda t: any(ch.isprintable() for ch in t)),
    cells=st.lists(st.one_of(st.integers(-10**9, 10**9), st.text(max_size=30)), min_size=1,
                   max_size=5),
)  # fmt: skip
def test_any_table_is_titled_above_its_header_and_filtered(title: str, cells: list[Any]) -> None:
    """The CLI's tables (supporters, gap counts, the ledger) get the same layout."""
    cells = [c if isinstance(c, int) else "".join(ch for ch in c if ch.isprintable())
             for c in cells]  # fmt: skip
    headers = [f"列{i} c{i}" for i in range(len(cells))]
    sheet = open_xlsx(table_bytes(headers, [cells, cells], "xlsx", title)[0]).active
    assert_report_layout(sheet, headers, rows=2)
    shown = neutralise("".join(ch for ch in title if ch.isprintable()))
    assert sheet.cell(1, 1).value == (shown or None), "a title is text, never a formula"
    for index, given_cell in enumerate(cells, start=1):
        written = sheet.cell(3, index).value
        if isinstance(given_cell, int):
            assert written == given_cell, "a number stays a number"
        else:
            assert (written or "") == neutralise(given_cell)


# ---- pure: the export workbook reads back ----------------------------------------------------

names_st = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(str.strip)


@settings(max_examples=30, deadline=None)
@given(names=st.lists(names_st, min_size=2, max_size=6), roles=st.lists(
    st.sampled_from(["instructor", "liaison"]), min_size=1, max_size=6))  # fmt: skip
def test_an_export_workbook_reads_back_as_the_rows_it_was_given(
    names: list[str], roles: list[str]
) -> None:
    """Whatever the names written beside the ids (formula-like, Chinese, long), the import's
    reader passes over the title row and the name columns and reads exactly the rows; the
    enumerated values are written in Chinese and read back as the same member."""
    path = Path(tempfile.mkdtemp(prefix="report-sheets-")) / "export.xlsx"
    units = NODE_TABLES[NodeKind.UNIT]
    assigned = REL_TABLES[RelKind.ASSIGNED_TO]
    unit_rows = [{c.field: None for c in units.columns} | {"id": f"U-{i}", "name": name,
                  "kind": "non_public_enterprise"} for i, name in enumerate(names)]  # fmt: skip
    rel_rows = [{c.field: None for c in assigned.columns} | {"from_id": "P-1", "to_id": f"U-{i}",
                 "role": role} for i, role in enumerate(roles[: len(names)])]  # fmt: skip
    by_id = {row["id"]: row["name"] for row in unit_rows} | {"P-1": names[0]}
    exporters.write_xlsx(
        iter([(units, iter(unit_rows)), (assigned, iter(rel_rows))]), path,
        caption="示例区域（A-X） · 导出日期 2026-06-30",
        names=lambda ids: {i: by_id[i] for i in ids if i in by_id},
    )  # fmt: skip
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["单位", "联系包挂"]
    written = [[c.value for c in row] for row in book["联系包挂"].iter_rows(min_row=3)]
    assert [row[1] for row in written] == [neutralise(names[0])] * len(rel_rows)
    assert {row[7] for row in written} <= {"党建指导员", "党建联络员"}
    read: dict[str, list[Any]] = {}
    for item in read_tables(path):  # a table's rows are read before the next table
        assert isinstance(item, RawTable), str(item)
        read[item.table.key] = list(item.rows)
    assert list(read) == ["units", "assigned_to"]
    read_units, read_rels = read["units"], read["assigned_to"]
    assert all(not row.problems for row in read_units + read_rels)
    assert [row.values["name"].strip() for row in read_units] == [n.strip() for n in names]
    assert [row.number for row in read_units] == list(range(3, 3 + len(names)))
    assert [(r.values["to_id"], r.values["role"]) for r in read_rels] == [
        (row["to_id"], {"instructor": "党建指导员", "liaison": "党建联络员"}[row["role"]])
        for row in rel_rows
    ]
    shutil.rmtree(path.parent)


# ---- the demo region: export → import → every record unchanged --------------------------------


def _all_unchanged(report: Any) -> None:
    assert report.ok and not report.problems, [str(p) for p in report.problems]
    totals = report.totals()
    assert totals["unchanged"] > 0
    assert totals["created"] == totals["updated"] == totals["rejected"] == 0, totals


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_demo_exported_and_imported_back_is_all_unchanged(
    db: Database, tmp_path: Path, fmt: str
) -> None:
    assert load_demo(db) is not None
    out = tmp_path / ("demo.xlsx" if fmt == "xlsx" else "demo")
    export_graph(db, fmt, out, personal=True, as_of=DEMO_AS_OF)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(out)
        present = [t for t in TABLES if t.zh in book.sheetnames]
        assert book.sheetnames == [t.zh for t in present], "every tab in Chinese"
        units = book["单位"]
        assert units.cell(1, 1).value == "单位（units） · 全部区域 all areas · 导出日期 2026-06-30"
        assert_report_layout(units, [c.header for c in NODE_TABLES[NodeKind.UNIT].columns],
                             rows=units.max_row - 2)  # fmt: skip
        kind = [c.value for c in units[2]].index("单位类型 kind") + 1
        kinds = {units.cell(r, kind).value for r in range(3, units.max_row + 1)}
        assert "非公企业" in kinds and not kinds & {"non_public_enterprise", "enterprise"}
        name_width = units.column_dimensions["B"].width
        assert name_width > DEFAULT_WIDTH, "unit names are long Chinese text"
        members = book["成员单位"]
        header = [c.value for c in members[2]]
        assert header[:4] == ["起点编号 from_id", "起点名称 from_name", "终点编号 to_id",
                              "终点名称 to_name"]  # fmt: skip
        names = {row[0].value: row[1].value for row in members.iter_rows(min_row=3)}
        assert "济南市科学技术协会" in names.values(), "the article's member units by name"
        book.close()
    report = import_files(db, [out])
    _all_unchanged(report)
    assert sum(report.totals().values()) > 100


def test_a_workbook_with_the_older_english_tabs_still_imports(db: Database, tmp_path: Path) -> None:
    """Exports made before the tabs were Chinese (units, assigned_to …) import as before."""
    assert load_demo(db) is not None
    out = export_graph(db, "xlsx", tmp_path / "demo.xlsx", personal=True, as_of=DEMO_AS_OF)
    book = openpyxl.load_workbook(out)
    by_zh = {t.zh: t.key for t in TABLES}
    for sheet in book.worksheets:
        sheet.title = by_zh[sheet.title]
    older = tmp_path / "older.xlsx"
    book.save(older)
    _all_unchanged(import_files(db, [older]))


# ---- the API's report files on the demo --------------------------------------------------------


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str], db: Database) -> Iterator[TestClient]:
    assert load_demo(db) is not None
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def test_the_api_sends_gap_lists_with_addresses_and_the_areas_name(
    client: TestClient, db: Database
) -> None:
    params = {"as_of": DEMO_AS_OF.isoformat(), "area": "A-ERQI", "format": "xlsx"}
    answer = client.get("/gaps/ORG_BUILDING_UNCOVERED", params=params)
    assert answer.status_code == 200, answer.text
    sheet = open_xlsx(answer.content).active
    assert "二七新村街道（A-ERQI）" in sheet.cell(1, 1).value
    header = [c.value for c in sheet[2]]
    row = [c.value for c in sheet[3]]
    assert row[0] == "B-HEPING"
    assert row[header.index("地址 address")] == "和平路88号（示例）"
    assert row[header.index("类型 kind")] == "商务楼宇"
    # what the API sent is what the report functions make from the repository's list
    read = gap_repo.every_gap_read(db.registry, Principal.cli(), "ORG_BUILDING_UNCOVERED",
                                   as_of=DEMO_AS_OF, area="A-ERQI")  # fmt: skip
    page = db.read_kept(read)
    again = open_xlsx(gap_table(page, "xlsx", db)[0]).active
    assert [[c.value for c in r] for r in again.iter_rows()] == [
        [c.value for c in r] for r in sheet.iter_rows()
    ]


def test_the_api_sends_the_summary_with_percent_rates(client: TestClient) -> None:
    answer = client.get("/areas/A-ERQI/coverage",
                        params={"as_of": DEMO_AS_OF.isoformat(), "format": "xlsx"})  # fmt: skip
    summary = client.get("/areas/A-ERQI/coverage",
                         params={"as_of": DEMO_AS_OF.isoformat()}).json()  # fmt: skip
    sheet = open_xlsx(answer.content).active
    header = [c.value for c in sheet[2]]
    assert_report_layout(sheet, header, rows=1 + len(summary["children"]))
    cell = sheet.cell(3, header.index("组织覆盖率 organization") + 1)
    assert cell.number_format == PERCENT
    assert cell.value == pytest.approx(summary["area"]["organization"]["rate"])
    assert "截至 2026-06-30" in sheet.cell(1, 1).value


def test_the_cli_writes_supporters_as_a_report(
    settings: Settings, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names with their ids beside them, kinds in Chinese, a title saying as of when."""
    from graph_service import cli
    from graph_service.db import support

    assert load_demo(db) is not None
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.neo4j_password.get_secret_value())
    out = tmp_path / "supporters.xlsx"
    with pytest.raises(SystemExit) as done:
        cli.app(["supporters", "A-JIANXIN", "--as-of", DEMO_AS_OF.isoformat(), "--format", "xlsx",
                 "--out", str(out)])  # fmt: skip
    assert done.value.code in (0, None)
    expected = support.supporters(db, Principal.cli(), "A-JIANXIN", DEMO_AS_OF)
    sheet = open_xlsx(out).active
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["支持者 supporter", "编号 id", "类型 kind"]
    assert_report_layout(sheet, header, rows=len(expected.supporters))
    assert sheet.cell(1, 1).value == (f"{expected.entity.name}（A-JIANXIN）的支持者 supporters · "
                                      f"截至 {DEMO_AS_OF.isoformat()}")  # fmt: skip
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [(r[0], r[1]) for r in rows] == [(s.supporter.name, s.supporter.id)
                                           for s in expected.supporters]  # fmt: skip
    assert {r[2] for r in rows} <= {kind.zh for kind in NodeKind}, "kinds in Chinese"
