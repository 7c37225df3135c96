"""Gap lists, counts and the coverage summary over HTTP and the CLI, on the demo region."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from graph_service.api.gaps import _attachment
from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.db.gaps import count_gaps, coverage_summary, list_gaps
from graph_service.db.report_facts import addresses_of
from graph_service.domain.gaps import RULES
from graph_service.main import create_app
from graph_service.reports import GAP_COLUMNS, kind_in_chinese
from graph_service.services.demo import load_demo
from loaders.demo import DEMO_AS_OF

AS_OF = DEMO_AS_OF.isoformat()


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str], db: Database) -> Iterator[TestClient]:
    assert load_demo(db) is not None
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def test_every_gap_kind_occurs_in_the_demo(client: TestClient) -> None:
    counts = client.get("/gaps/counts", params={"as_of": AS_OF}).json()
    assert set(counts) == {rule.code for rule in RULES}
    assert all(n >= 1 for n in counts.values()), counts
    rules = client.get("/gaps").json()["items"]
    assert [r["code"] for r in rules] == [rule.code for rule in RULES]


def test_a_gap_list_names_the_thing_where_why_and_the_fix(client: TestClient) -> None:
    page = client.get("/gaps/ORG_BUILDING_UNCOVERED",
                      params={"as_of": AS_OF, "area": "A-ERQI"}).json()  # fmt: skip
    assert page["total"] == 1
    item = page["items"][0]
    assert (item["id"], item["name"]) == ("B-HEPING", "和平国际大厦")
    assert [a["name"] for a in item["area_path"]] == [
        "济南市",
        "市中区",
        "二七新村街道",
        "和平社区",
    ]
    assert item["zh"] and item["en"] and item["fix_zh"] and item["fix_en"]
    elsewhere = client.get("/gaps/ORG_BUILDING_UNCOVERED",
                           params={"as_of": AS_OF, "area": "A-JIANXIN"}).json()  # fmt: skip
    assert elsewhere["total"] == 0 and elsewhere["items"] == []
    assert client.get("/gaps/NO_SUCH_RULE").status_code == 422
    assert client.get("/gaps/ORG_PARK_UNCOVERED", params={"area": "NOPE"}).status_code == 404


@pytest.mark.parametrize("as_organizer", [False, True], ids=["admin", "organizer"])
def test_the_api_and_the_repository_answer_the_same_pages(
    client: TestClient, db: Database, as_organizer: bool
) -> None:
    """The API runs a gap page, the gap counts and the coverage summary on the event loop
    (async driver), the CLI through the sync driver: the same read plans, so the same
    answers — pages first, later and past the last, for an admin and for an organizer
    whose related entities outside its area are hidden."""
    who, headers = Principal("test-admin", Role.ADMIN), {}
    if as_organizer:
        who = Principal("organizer-erqi", Role.ORGANIZER, ("A-ERQI",))
        headers = {"X-API-Key": add_account(db, Principal.cli(), who.name, who.role,
                                            list(who.areas))}  # fmt: skip
    compared = 0
    for rule in RULES:
        total = list_gaps(db, who, rule.code, as_of=DEMO_AS_OF).total
        for skip, limit in ((0, 50), (1, 1), (total, 2)):
            expected = list_gaps(db, who, rule.code, as_of=DEMO_AS_OF, skip=skip, limit=limit)
            answer = client.get(f"/gaps/{rule.code}", headers=headers,
                                params={"as_of": AS_OF, "skip": skip, "limit": limit})  # fmt: skip
            assert answer.status_code == 200, answer.text
            assert answer.json() == expected.model_dump(mode="json"), (rule.code, skip)
            compared += len(expected.items)
    assert compared > len(RULES)
    for area in ("A-ERQI", "A-HEPING"):
        counts = client.get("/gaps/counts", headers=headers, params={"as_of": AS_OF, "area": area})
        assert counts.json() == count_gaps(db, who, as_of=DEMO_AS_OF, area=area)
        assert sum(counts.json().values()) > 0
        summary = client.get(f"/areas/{area}/coverage", headers=headers, params={"as_of": AS_OF})
        expected_summary = coverage_summary(db, who, area, as_of=DEMO_AS_OF)
        assert summary.json() == expected_summary.model_dump(mode="json")


def test_coverage_summary_as_json_csv_and_xlsx(client: TestClient) -> None:
    summary = client.get("/areas/A-ERQI/coverage", params={"as_of": AS_OF}).json()
    rows = [summary["area"], *summary["children"]]
    assert rows[0]["area"]["id"] == "A-ERQI" and len(rows) == 5
    for row in rows:
        for part in ("organization", "leadership", "team"):
            rate = row[part]
            expected = None if rate["total"] == 0 else rate["covered"] / rate["total"]
            assert rate["rate"] == pytest.approx(expected) if expected is not None else (
                rate["rate"] is None
            )  # fmt: skip
    as_csv = client.get("/areas/A-ERQI/coverage", params={"as_of": AS_OF, "format": "csv"})
    table = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert table[1][0] == "A-ERQI" and len(table) == 6
    as_xlsx = client.get("/areas/A-ERQI/coverage", params={"as_of": AS_OF, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    # row 1 is the report's title, row 2 its header
    assert sheet is not None and sheet.cell(3, 2).value == "二七新村街道"


def test_cli_gaps_json(settings: Settings, client: TestClient) -> None:
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    result = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "gaps", "ORG_UNIT_UNCOVERED",
         "--area", "A-ERQI", "--as-of", AS_OF, "--format", "json"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert {row["id"] for row in json.loads(result.stdout)} == {"U-HESHUN", "U-LINLI"}


def _pages(client: TestClient, code: str, params: dict[str, str]) -> list[dict[str, object]]:
    """Every gap of a rule, paging through the JSON two at a time."""
    items: list[dict[str, object]] = []
    while True:
        page = client.get(f"/gaps/{code}", params=params | {"skip": str(len(items)),
                                                             "limit": "2"}).json()  # fmt: skip
        items += page["items"]
        if len(items) >= page["total"]:
            assert len(items) == page["total"]
            return items


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("area", [None, "A-ERQI"], ids=["everywhere", "subdistrict"])
def test_every_gap_as_a_file_is_every_page_in_order(
    client: TestClient, db: Database, area: str | None
) -> None:
    """format=csv sends every gap of a rule (skip and limit aside), in the pages' order,
    each row saying what the JSON says; xlsx holds the same rows, impact as a number."""
    headers = [header for _, header in GAP_COLUMNS]
    params = {"as_of": AS_OF} | ({"area": area} if area else {})
    for rule in RULES:
        items = _pages(client, rule.code, params)
        response = client.get(f"/gaps/{rule.code}",
                              params=params | {"format": "csv", "limit": "1"})  # fmt: skip
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "text/csv")  # fmt: skip
        where = area or "all"
        assert response.headers["content-disposition"] == (
            f'attachment; filename="gaps-{rule.code}-{where}-{AS_OF}.csv"')  # fmt: skip
        table = _csv_rows(response.content)
        assert table[0] == headers
        addresses = addresses_of(db, [str(i["id"]) for i in items], DEMO_AS_OF)
        expected = [
            [str(i["id"]), str(i["name"]),
             kind_in_chinese(str(i["kind"]), i["subkind"]),  # type: ignore[arg-type]
             " › ".join(str(a["name"]) for a in i["area_path"]),  # type: ignore[attr-defined]
             addresses.get(str(i["id"]), ""),
             str(i["related_name"] or ""), str(i["impact"]), rule.zh, str(i["fix_zh"])]
            for i in items
        ]  # fmt: skip
        assert table[1:] == expected, rule.code
    code = "ORG_UNIT_UNCOVERED"
    as_xlsx = client.get(f"/gaps/{code}", params=params | {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    as_csv = _csv_rows(client.get(f"/gaps/{code}", params=params | {"format": "csv"}).content)
    cells = cells[1:]  # the xlsx's title row; csv is plain data
    assert len(cells) == len(as_csv) >= 3
    # an empty cell reads back as None
    assert [["" if v is None else str(v) for v in row] for row in cells] == as_csv
    assert all(isinstance(row[6], int) for row in cells[1:])


def test_a_name_a_spreadsheet_would_run_is_sent_as_text(client: TestClient) -> None:
    formula = '=HYPERLINK("http://example.invalid","点击")'
    created = client.post("/buildings", json={"id": "B-FORMULA", "name": formula,
                                              "kind": "commercial"})  # fmt: skip
    assert created.status_code == 201, created.text
    table = _csv_rows(client.get("/gaps/ORG_BUILDING_UNCOVERED",
                                 params={"as_of": AS_OF, "format": "csv"}).content)  # fmt: skip
    row = next(r for r in table if r[0] == "B-FORMULA")
    assert row[1] == "'" + formula
    as_xlsx = client.get("/gaps/ORG_BUILDING_UNCOVERED", params={"as_of": AS_OF, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    names = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert names["B-FORMULA"] == "'" + formula


def test_a_report_file_name_keeps_only_safe_characters() -> None:
    response = _attachment(b"", "text/csv", "gaps", 'A"x\r\n;y', "2026-06-30", "csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="gaps-A_x___y-2026-06-30.csv"')  # fmt: skip


def test_cli_gaps_all_writes_what_the_api_sends(
    settings: Settings, client: TestClient, tmp_path: Path
) -> None:
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    counts = client.get("/gaps/counts", params={"as_of": AS_OF}).json()
    code = max(counts, key=counts.get)  # the longest list of the demo
    out = tmp_path / "all.csv"
    subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "gaps", code, "--all", "--as-of", AS_OF,
         "--format", "csv", "--out", str(out)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    from_api = _csv_rows(client.get(f"/gaps/{code}",
                                    params={"as_of": AS_OF, "format": "csv"}).content)  # fmt: skip
    assert _csv_rows(out.read_bytes()) == from_api
    total = client.get(f"/gaps/{code}", params={"as_of": AS_OF}).json()["total"]
    assert len(from_api) - 1 == total >= 2
    # the workbook too (its sheet is titled by the list's title, which holds a ':')
    subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "gaps", code, "--all", "--as-of", AS_OF,
         "--format", "xlsx", "--out", str(tmp_path / "all.xlsx")],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    sheet = openpyxl.load_workbook(tmp_path / "all.xlsx").active
    assert sheet is not None
    rows = sheet.iter_rows(values_only=True, min_row=2)  # below the title row
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    assert cells == from_api
    refused = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "gaps", "--all"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert refused.returncode != 0 and "--all" in refused.stderr


def test_cli_refuses_a_work_list_longer_than_a_sheet_and_keeps_the_file(
    settings: Settings, client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from graph_service import cli, reports

    monkeypatch.setattr(reports, "SHEET_ROWS", 1)  # every list of two rows or more is too long
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.neo4j_password.get_secret_value())
    counts = client.get("/gaps/counts", params={"as_of": AS_OF}).json()
    code = max(counts, key=counts.get)
    out = tmp_path / "list.xlsx"
    out.write_bytes(b"the earlier list")
    with pytest.raises(SystemExit) as exited:
        cli.app(["gaps", code, "--all", "--as-of", AS_OF, "--format", "xlsx", "--out", str(out)])
    assert exited.value.code == 1
    assert "XLSX" in capsys.readouterr().err
    assert out.read_bytes() == b"the earlier list"
    too_long = client.get(f"/gaps/{code}", params={"as_of": AS_OF, "format": "xlsx"})
    assert too_long.status_code == 422 and too_long.json()["field"] == "format"
