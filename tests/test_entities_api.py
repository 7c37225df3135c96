"""Entities over HTTP against the real Neo4j: CRUD for nodes and relationships, errors as
problem details, cascade deletes, search in Chinese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.domain.tables import NODE_TABLES, REL_TABLES
from graph_service.main import create_app


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def make_region(client: TestClient) -> None:
    for body in (
        {"id": "A-EQ", "name": "二七新村街道", "level": "街道"},
        {"id": "A-JX", "name": "建新社区", "name_en": "Jianxin Community", "level": "community"},
    ):
        assert client.post("/areas", json=body).status_code == 201
    assert client.post("/relationships/part_of",
                       json={"from_id": "A-JX", "to_id": "A-EQ"}).status_code == 201  # fmt: skip
    assert client.post("/buildings", json={"id": "B-1", "name": "示例大厦", "latitude": 36.64,
                                           "longitude": 117.01}).status_code == 201  # fmt: skip
    person = {"id": "P-1", "name": "示例指导员", "party_status": "正式党员"}
    assert client.post("/persons", json=person).status_code == 201


def test_node_crud_round_trip(client: TestClient) -> None:
    make_region(client)
    got = client.get("/buildings/B-1").json()
    assert got["name"] == "示例大厦" and got["kind"] == "commercial"
    assert (got["latitude"], got["longitude"]) == (36.64, 117.01)

    changed = client.patch("/buildings/B-1", json={"floors": 28, "name_en": "Demo Tower"})
    assert changed.status_code == 200 and changed.json()["floors"] == 28
    assert client.get("/buildings/B-1").json()["name_en"] == "Demo Tower"

    page = client.get("/areas", params={"kind": "community"}).json()
    assert page["total"] == 1 and page["items"][0]["id"] == "A-JX"
    entity = client.get("/entities/A-JX").json()
    assert entity["kind"] == "Area" and entity["entity"]["name"] == "建新社区"


def test_errors_are_problem_details(client: TestClient) -> None:
    make_region(client)
    missing = client.get("/units/U-404")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["status"] == 404 and "U-404" in missing.json()["detail"]

    duplicate = client.post("/parks", json={"id": "B-1", "name": "重复园区"})
    assert duplicate.status_code == 409 and duplicate.json()["existing"]["kind"] == "Building"

    bad = client.post("/units", json={"id": "U-1", "name": "某单位", "kind": "银行"})
    assert bad.status_code == 422
    assert any(e["field"] == "body.kind" for e in bad.json()["errors"])

    unknown_field = client.post("/units", json={"id": "U-1", "name": "某", "kind": "企业",
                                                "colour": "red"})  # fmt: skip
    assert unknown_field.status_code == 422

    wrong_end = client.post("/relationships/covers", json={"from_id": "P-1", "to_id": "B-1"})
    assert wrong_end.status_code == 422 and "Person" in wrong_end.json()["detail"]

    bad_patch = client.patch("/relationships/part_of/A-JX/A-EQ",
                             json={"since": "2025-01-01", "until": "2024-01-01"})  # fmt: skip
    assert bad_patch.status_code == 422


def test_relationship_crud_and_cascade_delete(client: TestClient) -> None:
    make_region(client)
    body = {"from_id": "P-1", "to_id": "B-1", "role": "党建指导员", "since": "2025-01-01"}
    assert client.post("/relationships/assigned_to", json=body).status_code == 201
    assert client.post("/relationships/assigned_to", json=body).status_code == 409
    listed = client.get("/relationships/assigned_to", params={"to_id": "B-1"}).json()
    assert listed["total"] == 1 and listed["items"][0]["role"] == "instructor"
    patched = client.patch("/relationships/assigned_to/P-1/B-1", json={"until": "2026-12-31"})
    assert patched.json()["until"] == "2026-12-31"

    refused = client.delete("/persons/P-1")
    assert refused.status_code == 409
    assert refused.json()["relationships"] == [
        {"type": "ASSIGNED_TO", "direction": "out", "count": 1}
    ]
    cascade = client.delete("/persons/P-1", params={"cascade": "true"})
    assert cascade.status_code == 204 and not cascade.content
    event = client.get("/audit", params={"target": "P-1", "action": "node.delete"}).json()
    assert event["items"][0]["details"]["relationships_deleted"][0]["type"] == "ASSIGNED_TO"
    assert client.get("/persons/P-1").status_code == 404
    assert client.get("/relationships/assigned_to").json()["total"] == 0
    assert client.delete("/relationships/part_of/A-JX/A-EQ").status_code == 204
    assert client.delete("/relationships/part_of/A-JX/A-EQ").status_code == 404


def test_search_finds_chinese_and_english_names(client: TestClient) -> None:
    make_region(client)
    hits = client.get("/search", params={"q": "建新"}).json()
    assert [h["id"] for h in hits["items"]] == ["A-JX"] and hits["next"] is None
    assert client.get("/search", params={"q": "Jianxin"}).json()["items"][0]["id"] == "A-JX"
    # Lucene syntax in the query is searched for, not interpreted
    assert client.get("/search", params={"q": 'AND (("'}).status_code == 200


def test_every_kind_has_its_routes_in_the_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for table in NODE_TABLES.values():
        assert f"/{table.key}" in paths and f"/{table.key}/{{node_id}}" in paths
    for table in REL_TABLES.values():
        assert f"/relationships/{table.key}/{{from_id}}/{{to_id}}" in paths
