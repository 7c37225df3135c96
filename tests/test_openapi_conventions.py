"""The API's conventions, checked over the whole OpenAPI document (docs/api.md): every list
answers the one envelope, every 201 declares Location, every DELETE answers 204, and every
operation declares the statuses its sort may answer, as problem details naming their extra
members. Needs no Neo4j."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graph_service.config import Settings
from graph_service.main import create_app

ENVELOPE = {"items", "total", "next"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app(Settings(neo4j_password="unused-no-lifespan")).openapi()


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _json_ok(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    ok = operation["responses"].get("200", {}).get("content", {}).get("application/json")
    return None if ok is None else _schema(spec, ok.get("schema", {}))


def test_no_operation_answers_a_bare_array(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        schema = _json_ok(spec, operation)
        if schema is not None:
            assert schema.get("type") != "array", (method, path)


def test_every_list_answers_the_envelope(spec: dict[str, Any]) -> None:
    """A page schema (its name ends in Page) has items, total and next; a list that pages
    declares cursor and its 200 the Link header."""
    pages = 0
    for path, _method, operation in _operations(spec):
        ok = operation["responses"].get("200", {})
        content = ok.get("content", {}).get("application/json", {})
        ref = content.get("schema", {}).get("$ref", "")
        if not ref.endswith("Page"):
            continue
        pages += 1
        schema = _schema(spec, content["schema"])
        assert set(schema["properties"]) >= ENVELOPE, (path, sorted(schema["properties"]))
        assert schema["properties"]["items"]["type"] == "array"
        assert "items" in schema["required"]
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "limit" in query:  # it pages: by cursor, and says where the next page is
            assert "cursor" in query, path
            assert "Link" in ok.get("headers", {}), path
    assert pages >= 2 * 12 + 8  # every kind's list, the audit trail, search, gaps …


def test_entity_lists_page_by_cursor(spec: dict[str, Any]) -> None:
    for path in ("/units", "/party_orgs", "/relationships/assigned_to", "/audit", "/search",
                 "/gaps/{code}", "/follow-ups", "/entities/{entity_id}/history"):  # fmt: skip
        query = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"cursor", "limit"} <= query, path


def test_every_201_declares_location(spec: dict[str, Any]) -> None:
    created = 0
    for path, method, operation in _operations(spec):
        if "201" in operation["responses"]:
            created += 1
            headers = operation["responses"]["201"].get("headers", {})
            assert "Location" in headers, (method, path)
    assert created >= 12 + 16 + 2  # every kind's create, accounts, follow-ups


def test_every_delete_answers_204_without_a_body(spec: dict[str, Any]) -> None:
    deletes = 0
    for path, method, operation in _operations(spec):
        if method == "delete":
            deletes += 1
            responses = operation["responses"]
            assert "204" in responses and "200" not in responses, path
            assert "content" not in responses["204"], path
    assert deletes >= 12 + 16 + 2  # every kind, accounts, the session


def test_every_operation_declares_what_its_sort_may_answer(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        declared = set(operation["responses"])
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= declared, (method, path)
        if operation.get("parameters"):
            assert "422" in declared, (method, path)
        if operation.get("security"):
            assert {"401", "503", "504"} <= declared, (method, path)
            if method != "get":
                assert "403" in declared, (method, path)
        if "503" in declared:
            assert "Retry-After" in operation["responses"]["503"].get("headers", {}) or (
                path == "/ready"
            ), path


def test_the_problem_schema_names_its_extra_members(spec: dict[str, Any]) -> None:
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "code", "title", "status", "detail", "instance"} <= set(problem["required"])
    extras = set(problem["properties"]) - set(problem["required"])
    assert {"errors", "current_etag", "existing", "field"} <= extras
    for path, method, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path)
