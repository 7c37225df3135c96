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

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.db.gaps import coverage_summary
from graph_service.domain.kinds import RelKind
from graph_service.domain.tables import REL_TABLES
from graph_service.errors import InvalidInput, NotFound
from graph_service.main import create_app
from graph_service.schemas.gaps import AreaRef, GapItem
from graph_service.schemas.planning import Changes
from graph_service.services.changes import changes, report_bytes
from graph_service.services.imports import import_files
from loaders.generator import generate
from loaders.ground_truth import as_date, evaluate_gaps
from tests.conftest import Neo4jUnderTest
from tests.test_generator import Tables, read_bundle

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


def _tiny_answer() -> Changes:
    """A report whose names a spreadsheet would run as formulas."""
    area = AreaRef(id="A-1", name="=cmd|' /C calc'!A0", level="community")
    gap = GapItem(code="ORG_BUILDING_UNCOVERED", id="B-1", name="@SUM(1+1)", kind="Building",
                  area_path=[area], impact=3, en="e", zh="楼宇未覆盖", fix_en="f", fix_zh="建支部")
    return Changes(area=area, from_date=D1, to_date=D2, opened=[gap], closed=[],
                   opened_by_rule={"ORG_BUILDING_UNCOVERED": 1}, closed_by_rule={},
                   started=[], ended=[], coverage_from=[], coverage_to=[])  # fmt: skip


def test_report_files_neutralise_formulas_and_read_in_excel() -> None:
    body, media = report_bytes(_tiny_answer(), "csv")
    assert media.startswith("text/csv") and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "类别 section"
    assert rows[1][3] == "'@SUM(1+1)" and rows[1][6] == D2.isoformat()

    body, _ = report_bytes(_tiny_answer(), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["覆盖率变化", "新增问题", "已消除问题", "新建关系", "结束关系"]
    opened = book["新增问题"]
    assert opened.freeze_panes == "A2"
    assert opened.column_dimensions["D"].width == 30
    header = [c.value for c in opened[1]]
    assert header[:4] == ["规则 rule", "问题 gap", "编号 id", "名称 name"]
    row = [c.value for c in opened[2]]
    assert row[3] == "'@SUM(1+1)" and row[7] == 3  # a number stays a number


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
    assert book["已消除问题"].max_row == len(direct.closed) + 1

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
    assert book["新增问题"].max_row == len(direct.opened) + 1
    assert book["新建关系"].max_row == len(direct.started) + 1
