"""Dates are written YYYY-MM-DD and nothing else is taken for one: ``as_of=0`` is not
1970-01-01, ``"until": ""`` is not null (an empty cell of a spreadsheet still is no value),
over the real API and the real importer."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.services.imports import import_files

NOT_DATES = ["0", "1", "20260630", "2026-6-30", "2026-02-30", "2026-06-30T00:00", "", "today"]


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        for body in ({"id": "A-EQ", "name": "二七新村街道", "level": "subdistrict"},
                     {"id": "A-JX", "name": "建新社区", "level": "community"}):  # fmt: skip
            assert test_client.post("/areas", json=body).status_code == 201
        person = {"id": "P-1", "name": "示例指导员", "party_status": "正式党员"}
        assert test_client.post("/persons", json=person).status_code == 201
        yield test_client


ROUTES_WITH_AS_OF = [
    "/gaps/counts", "/gaps/ORG_BUILDING_UNCOVERED", "/areas/A-EQ/coverage",
    "/entities/A-JX/supporters", "/entities/P-1/portfolio", "/entities/A-JX/shared-supporters/P-1",
]  # fmt: skip


@pytest.mark.parametrize("path", ROUTES_WITH_AS_OF)
def test_as_of_takes_only_an_iso_date(client: TestClient, path: str) -> None:
    if not path.startswith(("/gaps", "/areas")):  # the gap rules' first plans are slow
        assert client.get(path, params={"as_of": "2026-06-30"}).status_code == 200
    for text in NOT_DATES:
        answer = client.get(path, params={"as_of": text})
        assert answer.status_code == 422, (path, text, answer.text)
        [error] = answer.json()["errors"]
        assert error["field"] == "query.as_of", error


def test_one_definition_of_as_of(client: TestClient) -> None:
    """The gap and support routers document the same parameter, from one definition."""
    spec = client.get("/openapi.json").json()
    documented = {
        str(param["description"])
        for operations in spec["paths"].values()
        for operation in operations.values()
        for param in operation.get("parameters", [])
        if param["name"] == "as_of"
    }
    assert len(documented) == 1 and "YYYY-MM-DD" in documented.pop()


def test_an_empty_string_is_not_a_date_nor_null(client: TestClient) -> None:
    body = {"from_id": "P-1", "to_id": "A-JX", "role": "liaison"}
    for field, value in (("until", ""), ("since", " "), ("until", 0), ("since", 1_700_000_000)):
        refused = client.post("/relationships/assigned_to", json=body | {field: value})
        assert refused.status_code == 422, (field, value, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == [f"body.{field}"]
    for value in ("", " "):
        refused = client.post("/buildings", json={"id": "B-1", "name": "楼", "floors": value})
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == ["body.floors"]
    created = client.post("/relationships/assigned_to", json=body | {"until": None})
    assert created.status_code == 201 and created.json()["until"] is None
    changed = client.patch("/relationships/assigned_to/P-1/A-JX", json={"until": ""})
    assert changed.status_code == 422
    assert client.patch("/relationships/assigned_to/P-1/A-JX",
                        json={"until": "2026-12-31"}).json()["until"] == "2026-12-31"  # fmt: skip


def test_an_empty_cell_is_still_no_value(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    with (folder / "areas.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["编号 id", "名称 name", "层级 level"],
                                      ["A-EQ", "二七新村街道", "subdistrict"],
                                      ["A-JX", "建新社区", "community"]])  # fmt: skip
    with (folder / "part_of.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["起点编号 from_id", "终点编号 to_id", "开始日期 since",
                                       "结束日期 until"],
                                      ["A-JX", "A-EQ", "2020-01-01", ""]])  # fmt: skip
    with (folder / "buildings.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["编号 id", "名称 name", "楼层数 floors"],
                                      ["B-1", "示例大厦", "  "]])  # fmt: skip
    report = import_files(db, [folder])
    assert report.written and not report.problems, report.problems
    [row] = db.driver.execute_query(
        "MATCH (:Area {id: 'A-JX'})-[r:PART_OF]->(:Area {id: 'A-EQ'}) "
        "MATCH (b:Building {id: 'B-1'}) RETURN r.until AS until, r.since AS since, b.floors AS f",
        database_=db.database,
    ).records
    assert row["until"] is None and row["f"] is None and str(row["since"]) == "2020-01-01"
