"""Who supports what, over HTTP and the CLI, against the real Neo4j."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.services.imports import import_files

REGION = {
    "format": "regional-party-network",
    "version": 1,
    "tables": {
        "areas": [
            {"id": "A-S", "name": "示例街道", "level": "subdistrict"},
            {"id": "A-C", "name": "示例社区", "level": "community"},
        ],
        "part_of": [{"from_id": "A-C", "to_id": "A-S"}],
        "buildings": [{"id": "B-1", "name": "示例大厦"}, {"id": "B-2", "name": "第二大厦"}],
        "units": [
            {"id": "U-ORGAN", "name": "区教育局", "kind": "机关"},
            {"id": "U-FIRM", "name": "示例科技公司", "kind": "非公企业"},
        ],
        "party_orgs": [
            {"id": "O-WC", "name": "街道党工委", "kind": "working_committee"},
            {"id": "O-B1", "name": "示例大厦党支部", "kind": "building_branch"},
        ],
        "committees": [{"id": "C-COMM", "name": "示例社区综合党委", "kind": "community"}],
        "persons": [
            {"id": "P-I", "name": "王指导员", "party_status": "formal"},
            {"id": "P-V", "name": "李志愿者"},
        ],
        "projects": [{"id": "PR-1", "name": "示例项目"}],
        "service_posts": [{"id": "SP-1", "name": "政策宣讲岗"}],
        "located_in": [
            {"from_id": "B-1", "to_id": "A-C"},
            {"from_id": "B-2", "to_id": "A-C"},
            {"from_id": "U-FIRM", "to_id": "B-1"},
            {"from_id": "C-COMM", "to_id": "A-C"},
            {"from_id": "SP-1", "to_id": "A-C"},
        ],
        "under": [{"from_id": "O-B1", "to_id": "O-WC"}],
        "covers": [{"from_id": "O-B1", "to_id": "B-1", "since": "2024-01-01"}],
        "assigned_to": [
            {"from_id": "P-I", "to_id": "B-1", "role": "instructor", "since": "2024-01-01"},
            {"from_id": "P-I", "to_id": "B-2", "role": "liaison", "since": "2024-01-01",
             "until": "2024-12-31"},
            {"from_id": "P-I", "to_id": "O-B1", "role": "liaison"},
        ],
        "paired_with": [{"from_id": "U-ORGAN", "to_id": "A-C", "scheme": "双联系双服务"}],
        "member_unit_of": [{"from_id": "U-ORGAN", "to_id": "C-COMM"}],
        "claimed": [{"from_id": "U-ORGAN", "to_id": "PR-1", "signed": "2025-05-24"}],
        "serves": [{"from_id": "PR-1", "to_id": "A-C"}],
        "reported_to": [{"from_id": "P-I", "to_id": "A-C", "date": "2025-03-01"}],
        "holds": [{"from_id": "P-V", "to_id": "SP-1"}],
        "volunteers_in": [{"from_id": "P-V", "to_id": "A-C"}],
    },
}  # fmt: skip


@pytest.fixture
def region(db: Database, tmp_path: Path) -> Database:
    path = tmp_path / "region.json"
    path.write_text(json.dumps(REGION, ensure_ascii=False), encoding="utf-8")
    report = import_files(db, [path])
    assert report.ok, [str(p) for p in report.problems]
    return db


@pytest.fixture
def client(
    settings: Settings, admin_headers: dict[str, str], region: Database
) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def channels(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(s["supporter"]["id"], s["channel"]) for s in body["supporters"]}


def test_who_supports_a_community_and_through_what(client: TestClient) -> None:
    body = client.get("/entities/A-C/supporters", params={"as_of": "2026-06-30"}).json()
    assert channels(body) == {
        ("U-ORGAN", "paired_organ"),
        ("U-ORGAN", "member_unit"),
        ("U-ORGAN", "claiming_unit"),
        ("P-I", "registered_member"),
        ("P-V", "service_post"),
        ("P-V", "volunteer"),
    }
    claim = next(s for s in body["supporters"] if s["channel"] == "claiming_unit")
    assert [p["id"] for p in claim["path"]] == ["U-ORGAN", "PR-1", "A-C"]
    assert claim["relationships"] == ["CLAIMED", "SERVES"]
    assert claim["since"] == "2025-05-24"
    assert body["by_channel"]["paired_organ"] == 1


def test_supporters_of_a_building_respect_as_of(client: TestClient) -> None:
    now = client.get("/entities/B-2/supporters", params={"as_of": "2026-06-30"}).json()
    assert now["supporters"] == []  # the liaison's assignment ended on 2024-12-31
    assert (now["total"], now["by_channel"]) == (0, {})
    assert now["entity"] == {"id": "B-2", "name": "第二大厦", "kind": "Building",
                             "outside_scope": False}  # fmt: skip
    then = client.get("/entities/B-2/supporters", params={"as_of": "2024-06-30"}).json()
    assert channels(then) == {("P-I", "liaison")}
    firm = client.get("/entities/U-FIRM/supporters", params={"as_of": "2026-06-30"}).json()
    assert channels(firm) == {("O-B1", "covering_org")}  # through its building


def test_portfolio_and_shared_supporters(client: TestClient) -> None:
    mine = client.get("/entities/P-I/portfolio", params={"as_of": "2026-06-30"}).json()
    assert {(i["target"]["id"], i["channel"]) for i in mine["items"]} == {
        ("B-1", "instructor"), ("O-B1", "liaison"), ("A-C", "registered_member"),
    }  # fmt: skip
    assert mine["load"] == 3
    shared = client.get("/entities/B-1/shared-supporters/O-B1",
                        params={"as_of": "2026-06-30"}).json()  # fmt: skip
    assert [s["id"] for s in shared["shared"]] == ["P-I"]
    assert client.get("/entities/NOPE/supporters").status_code == 404


def test_cli_supporters_prints_an_aligned_chinese_table_and_json(
    settings: Settings, region: Database
) -> None:
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "COLUMNS": "160",
    }
    table = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "supporters", "A-C", "--as-of", "2026-06-30"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert "区教育局" in table.stdout and "结对机关 paired_organ" in table.stdout
    as_json = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "portfolio", "P-I", "--as-of", "2026-06-30",
         "--format", "json"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert {row["id"] for row in json.loads(as_json.stdout)} == {"B-1", "O-B1", "A-C"}


def test_supporters_come_a_page_at_a_time_and_count_them_all(client: TestClient) -> None:
    whole = client.get("/entities/A-C/supporters",
                       params={"as_of": "2026-06-30", "limit": 1000}).json()  # fmt: skip
    assert whole["total"] == len(whole["supporters"]) == 6
    order = [(s["channel"], s["supporter"]["id"]) for s in whole["supporters"]]
    assert order == sorted(order)
    # counted in Neo4j, per channel, in channel order: the same as counting the rows
    assert whole["by_channel"] == Counter(s["channel"] for s in whole["supporters"])
    assert list(whole["by_channel"]) == sorted(whole["by_channel"])
    for size in (1, 2, 4, 5):
        pages = [client.get("/entities/A-C/supporters", params={
            "as_of": "2026-06-30", "skip": skip, "limit": size}).json()
            for skip in range(0, 8, size)]  # fmt: skip
        assert all(page["total"] == 6 and page["by_channel"] == whole["by_channel"]
                   for page in pages)  # fmt: skip
        assert [s for page in pages for s in page["supporters"]] == whole["supporters"]
    assert client.get("/entities/A-C/supporters", params={"limit": 0}).status_code == 422
    assert client.get("/entities/A-C/supporters", params={"limit": 1001}).status_code == 422
