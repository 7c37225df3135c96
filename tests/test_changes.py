"""What changed between two dates (issue 26, item 3), against the generator's dated ground
truth: the gap rules evaluated in plain Python (loaders/ground_truth.py) on each date, and
the bundle's own relationship rows; over the API and the CLI as files an organizer sends."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from openpyxl.utils import get_column_letter

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.db.gaps import coverage_summary
from graph_service.domain.kinds import RelKind
from graph_service.domain.tables import REL_TABLES
from graph_service.errors import InvalidInput, NotFound
from graph_service.main import create_app
from graph_service.schemas.gaps import AreaCoverage, AreaRef, CoverageRate, GapItem
from graph_service.schemas.planning import Changes, RelationshipChange
from graph_service.schemas.support import EntityRef
from graph_service.services.changes import changes, report_bytes
from graph_service.services.imports import import_files
from loaders.generator import generate
from loaders.ground_truth import as_date, evaluate_gaps
from loaders.sheets import display_width
from tests.conftest import Neo4jUnderTest
from tests.test_generator import Tables, read_bundle
from tests.test_report_sheets import assert_report_layout

ADMIN = Principal.cli()
D1, D2 = dt.date(2025, 12, 31), dt.date(2026, 6, 30)  # the generator's as_of is D2


class Region:
    def __init__(self, db: Database, folder: Path) -> None:
        self.db, self.folder = db, folder
        self.tables: Tables = read_bundle(folder)
        areas = self.tables["areas"]
        self.top = next(a["id"] for a in areas if a["level"] == "city")
        self.communities = sorted(a["id"] for a in areas if a["level"] == "community")


@pytest.fixture(scope="module")
def region(session_database: Database, tmp_path_factory: pytest.TempPathFactory) -> Region:
    """A generated subdistrict (seed 1) in the session's database, for this module's reads."""
    folder = tmp_path_factory.mktemp("changes") / "region"
    generate(1, "subdistrict", folder)
    session_database.wipe()
    session_database.ensure_schema()
    report = import_files(session_database, [folder])
    assert report.ok, [p.as_dict() for p in report.problems[:5]]
    return Region(session_database, folder)


def keys(items: list[GapItem]) -> set[tuple[str, str, str | None]]:
    return {(item.code, item.id, item.related_id) for item in items}


def expected_rels(tables: Tables) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """Relationships of the bundle whose since lies in (D1, D2], and whose until in [D1, D2)."""
    started, ended = set(), set()
    for table in REL_TABLES.values():
        for row in tables.get(table.key, []):
            key = (table.kind.value, row["from_id"], row["to_id"])
            since, until = as_date(row.get("since")), as_date(row.get("until"))
            if since is not None and D1 < since <= D2:
                started.add(key)
            if until is not None and D1 <= until < D2:
                ended.add(key)
    return started, ended


@pytest.mark.slow
def test_changes_of_the_whole_region_are_the_ground_truth(region: Region) -> None:
    answer = changes(region.db, ADMIN, region.top, from_date=D1, to_date=D2)
    before, after = evaluate_gaps(region.tables, D1), evaluate_gaps(region.tables, D2)
    opened = {(code, s, r) for code, pairs in after.items() for s, r in pairs - before[code]}
    closed = {(code, s, r) for code, pairs in before.items() for s, r in pairs - after[code]}
    assert opened and closed  # the window holds both, or the test would prove little
    assert keys(answer.opened) == opened
    assert keys(answer.closed) == closed
    assert sum(answer.opened_by_rule.values()) == len(opened)
    assert sum(answer.closed_by_rule.values()) == len(closed)

    started, ended = expected_rels(region.tables)
    assert started and ended
    assert {(r.type, r.start.id, r.end.id) for r in answer.started} == started
    assert {(r.type, r.start.id, r.end.id) for r in answer.ended} == ended
    assert all(r.type not in (RelKind.PART_OF, RelKind.LOCATED_IN) for r in answer.started)

    # the rates on both dates are the coverage summary's on each
    for day, lines in ((D1, answer.coverage_from), (D2, answer.coverage_to)):
        summary = coverage_summary(region.db, ADMIN, region.top, as_of=day)
        assert lines == [summary.area, *summary.children]
    assert answer.coverage_from[0].team != answer.coverage_to[0].team or opened != closed


@pytest.mark.slow
def test_a_community_sees_its_part_and_nothing_outside_its_areas(region: Region) -> None:
    whole = changes(region.db, ADMIN, region.top, from_date=D1, to_date=D2)
    community = region.communities[0]
    organizer = Principal(name="org", role=Role.ORGANIZER, areas=[community])
    part = changes(region.db, organizer, community, from_date=D1, to_date=D2)
    assert part.area.id == community
    assert keys(part.opened) <= keys(whole.opened)
    assert keys(part.closed) <= keys(whole.closed)
    assert all(community in [a.id for a in g.area_path] for g in part.opened + part.closed)
    everywhere = {(r.type, r.start.id, r.end.id) for r in whole.started}
    # an end outside the organizer's areas is shown without its details, as supporters are
    for rel in part.started:
        assert rel.start.outside_scope or rel.end.outside_scope or (
            (rel.type, rel.start.id, rel.end.id) in everywhere
        )
    assert len(part.started) + len(part.ended) < len(whole.started) + len(whole.ended)
    with pytest.raises(NotFound):  # its subdistrict lies outside its areas
        changes(region.db, organizer, region.top, from_date=D1, to_date=D2)
    with pytest.raises(NotFound):
        changes(region.db, organizer, region.communities[1], from_date=D1, to_date=D2)
    with pytest.raises(InvalidInput):
        changes(region.db, ADMIN, community, from_date=D2, to_date=D1)


def _coverage(area: AreaRef, org: tuple[int, int], team: tuple[int, int]) -> AreaCoverage:
    return AreaCoverage(area=area, organization=CoverageRate.of(*org), organization_parts={},
                        leadership=CoverageRate.of(0, 0), team=CoverageRate.of(*team),
                        team_parts={}, gaps={})  # fmt: skip


def _tiny_answer() -> Changes:
    """A report whose names a spreadsheet would run as formulas, with rates on both dates
    (one with nothing to cover) and a relationship started in the period."""
    area = AreaRef(id="A-1", name="=cmd|' /C calc'!A0", level="community")
    gap = GapItem(code="ORG_BUILDING_UNCOVERED", id="U-1", name="@SUM(1+1)", kind="Unit",
                  subkind="non_public_enterprise", area_path=[area], impact=3, en="e",
                  zh="楼宇未覆盖", fix_en="f", fix_zh="建支部", related_id="B-9",
                  related_name="示例大厦")  # fmt: skip
    started = RelationshipChange(
        change="started", type="ASSIGNED_TO", type_zh="联系包挂", role="党建指导员",
        start=EntityRef(id="P-1", name="王立新", kind="Person"),
        end=EntityRef(id="B-9", name="示例大厦", kind="Building"), since=dt.date(2026, 3, 1),
    )  # fmt: skip
    return Changes(area=area, from_date=D1, to_date=D2, opened=[gap], closed=[],
                   opened_by_rule={"ORG_BUILDING_UNCOVERED": 1}, closed_by_rule={},
                   started=[started], ended=[],
                   coverage_from=[_coverage(area, (9, 13), (0, 0))],
                   coverage_to=[_coverage(area, (10, 13), (3, 4))])  # fmt: skip


def test_report_files_neutralise_formulas_and_read_in_excel() -> None:
    body, media = report_bytes(_tiny_answer(), "csv")
    assert media.startswith("text/csv") and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "类别 section"
    opened = next(row for row in rows if row[0] == "新增问题 opened")
    assert opened[3] == "'@SUM(1+1)" and opened[6] == D2.isoformat()

    body, _ = report_bytes(_tiny_answer(), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["覆盖率变化", "新增问题", "已消除问题", "新建关系", "结束关系"]
    opened_sheet = book["新增问题"]
    row = [c.value for c in opened_sheet[3]]
    assert row[3] == "'@SUM(1+1)" and row[8] == 3  # a number stays a number
    assert row[4] == "非公企业" and row[6:8] == ["B-9", "示例大厦"]  # Chinese; name beside id


def test_the_change_report_has_the_layout_of_every_report() -> None:
    """Title row (what, which area, the period), header frozen under it with an autofilter,
    columns sized to their contents, rates as numbers formatted as percentages, dates as
    dates: the shared layout (loaders/sheets.py), not one of its own."""
    answer = _tiny_answer()
    book = openpyxl.load_workbook(io.BytesIO(report_bytes(answer, "xlsx")[0]))
    for sheet, rows in zip(book.worksheets, [1, 1, 0, 1, 0], strict=True):
        headers = [c.value for c in sheet[2] if c.value is not None]
        assert_report_layout(sheet, headers, rows)
        title = sheet.cell(1, 1).value
        assert title.startswith(sheet.title) and "（A-1）" in title
        assert f"{D1.isoformat()} 至 {D2.isoformat()}" in title
        for index, header in enumerate(headers, start=1):
            width = sheet.column_dimensions[get_column_letter(index)].width
            assert width >= display_width(header), (sheet.title, header)

    coverage = book["覆盖率变化"]
    header = [c.value for c in coverage[2]]
    cells = {h: c for h, c in zip(header, coverage[3], strict=True)}
    org_from = cells["组织覆盖率（起）organization from"]
    org_to = cells["组织覆盖率（止）organization to"]
    assert (org_from.value, org_to.value) == (pytest.approx(9 / 13), pytest.approx(10 / 13))
    assert org_from.number_format == org_to.number_format == "0.0%"
    assert cells["队伍覆盖率（起）team from"].value is None  # nothing to cover on D1
    assert cells["队伍覆盖率（止）team to"].value == 0.75
    assert cells["组织已覆盖/应覆盖（起→止）covered/total"].value == "9/13 → 10/13"
    assert cells["层级 level"].value == "社区"

    started = book["新建关系"]
    header = [c.value for c in started[2]]
    since = started.cell(3, header.index("开始日期 since") + 1)
    assert since.value == dt.datetime(2026, 3, 1) and since.number_format == "yyyy-mm-dd"
    assert [c.value for c in started[3]][2:6] == ["P-1", "王立新", "B-9", "示例大厦"]

    # the terminal shows the same sheets' rows as text: a rate as a percentage
    from graph_service.services.changes import report_sheets

    shown = report_sheets(answer)[0].text_rows()[0]
    assert shown[3:6] == ["69.2%", "76.9%", "9/13 → 10/13"] and shown[-3] == ""


@pytest.fixture
def client(
    region: Region, neo4j_server: Neo4jUnderTest
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = neo4j_server.settings()
    keys_ = {
        "admin": add_account(region.db, ADMIN, "changes-admin", Role.ADMIN),
        "viewer": add_account(region.db, ADMIN, "changes-viewer", Role.VIEWER,
                              areas=[region.communities[0]]),
    }  # fmt: skip
    with TestClient(create_app(settings)) as test_client:
        yield test_client, keys_


@pytest.mark.slow
def test_the_api_sends_json_csv_and_xlsx_and_keeps_to_the_callers_areas(
    region: Region, client: tuple[TestClient, dict[str, str]]
) -> None:
    http, keys_ = client
    admin, viewer = {"X-API-Key": keys_["admin"]}, {"X-API-Key": keys_["viewer"]}
    dates: dict[str, Any] = {"from": D1.isoformat(), "to": D2.isoformat()}
    answer = http.get(f"/areas/{region.top}/changes", params=dates, headers=admin)
    assert answer.status_code == 200, answer.text
    direct = changes(region.db, ADMIN, region.top, from_date=D1, to_date=D2)
    assert answer.json() == json.loads(direct.model_dump_json())

    as_csv = http.get(f"/areas/{region.top}/changes", params=dates | {"format": "csv"},
                      headers=admin)  # fmt: skip
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    sections = [row[0] for row in rows[1:]]
    assert sections.count("新增问题 opened") == len(direct.opened)
    assert sections.count("结束关系 ended") == len(direct.ended)

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    as_xlsx = http.get(f"/areas/{region.top}/changes", params=dates,
                       headers=admin | {"Accept": xlsx})  # fmt: skip
    assert as_xlsx.headers["content-type"] == xlsx
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    assert book["已消除问题"].max_row == len(direct.closed) + 2  # below the title and header

    # a viewer of one community: its own answer, another area is not found
    own = http.get(f"/areas/{region.communities[0]}/changes", params=dates, headers=viewer)
    assert own.status_code == 200
    assert http.get(f"/areas/{region.top}/changes", params=dates,
                    headers=viewer).status_code == 404  # fmt: skip
    backwards = {"from": D2.isoformat(), "to": D1.isoformat()}
    assert http.get(f"/areas/{region.top}/changes", params=backwards,
                    headers=admin).status_code == 422  # fmt: skip
    assert http.get(f"/areas/{region.top}/changes", params={"from": "20251231", "to": "x"},
                    headers=admin).status_code == 422  # fmt: skip


@pytest.mark.slow
def test_the_cli_writes_the_report(region: Region, neo4j_server: Neo4jUnderTest,
                                   tmp_path: Path) -> None:  # fmt: skip
    out = tmp_path / "季度报告.xlsx"
    env = os.environ | {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
                        "NEO4J_PASSWORD": neo4j_server.password}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "changes", "--area", region.top,
         "--from", D1.isoformat(), "--to", D2.isoformat(), "--format", "xlsx", "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    direct = changes(region.db, ADMIN, region.top, from_date=D1, to_date=D2)
    assert book["新增问题"].max_row == len(direct.opened) + 2
    assert book["新建关系"].max_row == len(direct.started) + 2
