"""The OpenAPI explains every operation in English and Chinese, and its examples are real.

Without Neo4j: every operation has a bilingual summary and description; every JSON request
body has an example, which the operation's own model accepts; every response example is
what the operation's response model sends. Against the demo region: every create example
creates (201) and its delete example deletes it again, every read and update example names
what the demo holds, and every answer example is the demo's answer.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from graph_service.api import openapi_examples as ex
from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, TABLES, Table
from graph_service.main import create_app
from graph_service.problems import Problem
from graph_service.services.imports import import_files
from loaders.demo import DEMO_AS_OF
from tests.conftest import Neo4jUnderTest

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = {
    "summary": re.compile(r"\b[A-Za-z][a-z]{2,}\b"),  # a word, not only a code
    "description": re.compile(r"\b[A-Za-z][a-z]+(?:,? [a-z]+){3,}"),  # a phrase
}
TABLE_BY_KEY = {table.key: table for table in TABLES}

#: The operations the answers are examples of.
ANSWERS = {
    ("get", "/entities/{entity_id}/supporters"): ex.SUPPORTERS,
    ("get", "/entities/{entity_id}/portfolio"): ex.PORTFOLIO,
    ("get", "/entities/{entity_id}/shared-supporters/{other_id}"): ex.SHARED_SUPPORTERS,
    ("get", "/entities/{entity_id}/candidates"): ex.CANDIDATES,
    ("get", "/gaps/{code}"): ex.GAP_PAGE,
    ("get", "/gaps/counts"): ex.GAP_COUNTS,
    ("get", "/areas/{area_id}/coverage"): ex.COVERAGE,
    ("get", "/search"): ex.SEARCH,
    ("get", "/entities/{entity_id}"): ex.ENTITY,
}


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(Settings())


@pytest.fixture(scope="module")
def spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _routes(app: FastAPI) -> Iterator[tuple[APIRoute, str]]:
    for route in app.routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in sorted(route.methods):
                yield route, method.lower()


def _operation(spec: dict[str, Any], route: APIRoute, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"][route.path_format][method]
    return operation


def _table(route: APIRoute) -> Table:
    """The kind a generated route is of: /units/… or /relationships/assigned_to/…."""
    parts = route.path_format.strip("/").split("/")
    return TABLE_BY_KEY[parts[1] if parts[0] == "relationships" else parts[0]]


def _examples(content: dict[str, Any]) -> list[Any]:
    return [example["value"] for example in content.get("examples", {}).values()]


def _param_example(operation: dict[str, Any], name: str) -> Any:
    param = next(p for p in operation["parameters"] if p["name"] == name)
    return param["examples"]["demo"]["value"]


# ---- without Neo4j --------------------------------------------------------------------------


def test_every_operation_is_described_in_english_and_chinese(spec: dict[str, Any]) -> None:
    operations = [(path, method, op) for path, ops in spec["paths"].items()
                  for method, op in ops.items()]  # fmt: skip
    assert len(operations) >= 165
    for path, method, operation in operations:
        for key in ("summary", "description"):
            text = operation.get(key, "")
            assert CJK.search(text), f"{method.upper()} {path}: {key} has no Chinese"
            assert ENGLISH[key].search(text), f"{method.upper()} {path}: {key} has no English"
        summary = operation["summary"]
        # "Create a Area", "List party_orgs": an English noun after the article, words not keys
        assert not re.search(r"\ba [AEIOU]", summary), summary
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", summary), summary


def test_the_generated_routes_say_what_their_errors_are(spec: dict[str, Any]) -> None:
    for table in NODE_TABLES.values():
        create = spec["paths"][f"/{table.key}"]["post"]["description"]
        assert all(code in create for code in ("404", "409", "422")), table.key
        delete = spec["paths"][f"/{table.key}/{{node_id}}"]["delete"]["description"]
        assert "cascade" in delete and "409" in delete and "404" in delete
    for table in REL_TABLES.values():
        create = spec["paths"][f"/relationships/{table.key}"]["post"]["description"]
        assert all(code in create for code in ("404", "409", "422")), table.key
        assert table.zh in create  # what the kind is, in Chinese


def test_every_json_body_has_examples_its_own_model_accepts(
    app: FastAPI, spec: dict[str, Any]
) -> None:
    checked = 0
    for route, method in _routes(app):
        if method not in ("post", "patch"):
            continue
        operation = _operation(spec, route, method)
        if "requestBody" not in operation:  # a POST that only asks (a plan for an area)
            assert route.body_field is None
            continue
        content = operation["requestBody"]["content"]
        if "application/json" not in content:
            # a file upload (/imports): Swagger cannot send an example file; the description
            # holds one (checked against the demo below)
            assert "multipart/form-data" in content
            assert "format: regional-party-network" in operation["description"]
            continue
        examples = _examples(content["application/json"])
        assert examples, f"{method.upper()} {route.path_format} has no example"
        parts = route.path_format.strip("/").split("/")
        record_route = parts[0] == "relationships" or (parts[0] in TABLE_BY_KEY and len(parts) <= 2)
        if not record_route:
            # not a record's route (signing in, follow-ups, accounts, what-if …): each
            # example is a valid body of the route's own model
            assert route.body_field is not None
            for value in examples:
                TypeAdapter(route.body_field.field_info.annotation).validate_python(value)
            continue
        table = _table(route)
        for value in examples:
            if method == "post":
                assert route.body_field is not None
                assert route.body_field.field_info.annotation is table.model
                table.model.model_validate(value)
            else:  # a patch: the stored record, changed, must still be valid
                record = _record(table)
                assert _patched_ids(operation, table) == _ids(table, record)
                assert value and set(value) <= set(table.model.model_fields) - {
                    "id", "from_id", "to_id"
                }, value  # fmt: skip
                table.model.model_validate(record | value)
            checked += 1
    assert checked == 2 * len(TABLES)


def _record(table: Table) -> dict[str, Any]:
    kind = table.kind
    return ex.NODES[kind].record if isinstance(kind, NodeKind) else ex.RELS[kind].record


def _ids(table: Table, record: dict[str, Any]) -> tuple[str, ...]:
    return (record["id"],) if table.is_node else (record["from_id"], record["to_id"])


def _patched_ids(operation: dict[str, Any], table: Table) -> tuple[str, ...]:
    names = ("node_id",) if table.is_node else ("from_id", "to_id")
    return tuple(_param_example(operation, name) for name in names)


def test_an_example_that_drifts_from_its_model_is_refused() -> None:
    """The check above can fail: a field the model lacks, or a value it refuses."""
    unit = dict(ex.NODES[NodeKind.UNIT].new)
    with pytest.raises(ValueError, match="colour"):
        NODE_MODELS[NodeKind.UNIT].model_validate(unit | {"colour": "red"})
    with pytest.raises(ValueError, match="kind"):
        NODE_MODELS[NodeKind.UNIT].model_validate(unit | {"kind": "银行"})
    assigned = ex.RELS[RelKind.ASSIGNED_TO].record
    with pytest.raises(ValueError, match="since"):
        REL_MODELS[RelKind.ASSIGNED_TO].model_validate(assigned | {"until": "2020-01-01"})


def test_response_examples_are_what_their_models_send(
    app: FastAPI, spec: dict[str, Any]
) -> None:
    with_examples = set()
    for route, method in _routes(app):
        responses = _operation(spec, route, method)["responses"]
        for status, response in responses.items():
            for value in _examples(response.get("content", {}).get("application/json", {})):
                adapter: TypeAdapter[Any] = TypeAdapter(route.response_model)
                # every field present, none unknown, each as the model writes it
                assert adapter.dump_python(adapter.validate_python(value), mode="json") == value
                with_examples.add((method, route.path_format, status))
    assert {(method, path, "200") for method, path in ANSWERS} <= with_examples
    for table in TABLES:
        one = (f"/{table.key}/{{node_id}}" if table.is_node
               else f"/relationships/{table.key}/{{from_id}}/{{to_id}}")  # fmt: skip
        assert ("get", one, "200") in with_examples


def test_problem_examples_are_problem_details(spec: dict[str, Any]) -> None:
    examples = spec["components"]["schemas"]["Problem"]["examples"]
    assert examples == [answer.value for answer in ex.PROBLEMS]
    assert {answer.status for answer in ex.PROBLEMS} == {404, 409, 422}
    for value in examples:
        assert Problem.model_validate(value).model_dump() == value


def test_the_examples_hold_on_the_demo_date() -> None:
    assert DEMO_AS_OF.isoformat() == ex.DEMO_AS_OF


# ---- against the demo region ------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(neo4j_server: Neo4jUnderTest, demo_database: Database) -> Iterator[TestClient]:
    key = add_account(demo_database, Principal.cli(), "openapi-docs", Role.ADMIN)
    with TestClient(create_app(neo4j_server.settings()), headers={"X-API-Key": key}) as client:
        yield client


def _send(client: TestClient, answer: ex.Answer) -> Any:
    method, url = answer.request.split(" ", 1)
    response = client.request(method, url, json=answer.body)
    assert response.status_code == answer.status, (answer.request, response.text)
    return response.json()


def test_answer_examples_are_the_demo_answers(client: TestClient) -> None:
    for answer in ANSWERS.values():
        got = _send(client, answer)
        if answer is ex.SEARCH:  # scores move with the full-text index's history
            scores = [hit.pop("score") for hit in got["items"]]
            assert scores == sorted(scores, reverse=True)
            assert got["items"] == [{k: v for k, v in hit.items() if k != "score"}
                                    for hit in answer.value["items"]]  # fmt: skip
            assert got["next"] == answer.value["next"]
        else:
            assert got == answer.value, answer.request
    for problem in ex.PROBLEMS:
        assert _send(client, problem) == problem.value, problem.request


def test_read_examples_are_demo_records(client: TestClient, spec: dict[str, Any]) -> None:
    for table in TABLES:
        path = f"/{table.key}" if table.is_node else f"/relationships/{table.key}"
        one = path + ("/{node_id}" if table.is_node else "/{from_id}/{to_id}")
        operation = spec["paths"][one]["get"]
        ids = _patched_ids(operation, table)
        assert ids == _ids(table, _record(table))
        answer = _examples(operation["responses"]["200"]["content"]["application/json"])[0]
        assert client.get("/".join((path, *ids))).json() == answer, table.key


def test_the_import_example_imports_into_the_demo(
    demo_database: Database, spec: dict[str, Any], tmp_path: Path
) -> None:
    lines = spec["paths"]["/imports"]["post"]["description"].splitlines()
    start = lines.index("    format: regional-party-network")
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("    "))
    bundle = tmp_path / "example.yaml"
    bundle.write_text(textwrap.dedent("\n".join(lines[start:end])), encoding="utf-8")
    report = import_files(demo_database, [bundle], dry_run=True)
    assert report.ok, report.problems
    assert report.counts["Area"].created == 1 and report.counts["PART_OF"].created == 1


def test_create_examples_create_and_delete_examples_delete(
    client: TestClient, spec: dict[str, Any]
) -> None:
    """Each node kind's create example, then each relationship's (some join the new
    nodes), answer 201 on the demo; each delete example then removes what was made."""
    paths = spec["paths"]
    for table in NODE_TABLES.values():
        body = _examples(paths[f"/{table.key}"]["post"]["requestBody"]["content"][
            "application/json"])[0]  # fmt: skip
        created = client.post(f"/{table.key}", json=body)
        assert created.status_code == 201, (table.key, created.text)
        # Location is the created record's URL: reading it answers what the create did
        assert client.get(created.headers["location"]).json() == created.json(), table.key
    for rel, table in REL_TABLES.items():
        path = f"/relationships/{table.key}"
        body = _examples(paths[path]["post"]["requestBody"]["content"]["application/json"])[0]
        created = client.post(path, json=body)
        assert created.status_code == 201, (table.key, created.text)
        assert client.get(created.headers["location"]).json() == created.json(), table.key
        needs = ex.RELS[rel].needs
        made = {ex.NODES[needs].new["id"]} if needs else set()
        assert (made & {body["from_id"], body["to_id"]}) == made  # what it says it needs
    for table in REL_TABLES.values():
        operation = paths[f"/relationships/{table.key}/{{from_id}}/{{to_id}}"]["delete"]
        ends = (_param_example(operation, "from_id"), _param_example(operation, "to_id"))
        deleted = client.delete(f"/relationships/{table.key}/{ends[0]}/{ends[1]}")
        assert deleted.status_code == 204, (table.key, deleted.text)
    for table in NODE_TABLES.values():
        node_id = _param_example(paths[f"/{table.key}/{{node_id}}"]["delete"], "node_id")
        deleted = client.delete(f"/{table.key}/{node_id}")
        assert deleted.status_code == 204, (table.key, deleted.text)


def test_update_examples_update_demo_records(client: TestClient, spec: dict[str, Any]) -> None:
    """Each update example changes its demo record as the model says, and is undone."""
    for table in TABLES:
        path = f"/{table.key}" if table.is_node else f"/relationships/{table.key}"
        operation = spec["paths"][path + ("/{node_id}" if table.is_node
                                          else "/{from_id}/{to_id}")]["patch"]  # fmt: skip
        url = "/".join((path, *_patched_ids(operation, table)))
        patch = _examples(operation["requestBody"]["content"]["application/json"])[0]
        before = client.get(url).json()
        expected = table.model.model_validate(before | patch).model_dump(mode="json")
        patched = client.patch(url, json=patch)
        assert patched.status_code == 200, (table.key, patched.text)
        assert patched.json() == expected != before
        undone = client.patch(url, json={key: before[key] for key in patch})
        assert undone.status_code == 200 and client.get(url).json() == before


def test_operations_and_schemas_have_names_a_generated_client_can_use() -> None:
    """operationIds are what a generated SDK calls its methods (``get_unit``, ``gap_list``),
    schema names its classes (``UnitPage``): no path or method pasted in, no generics."""
    document = create_app(Settings(neo4j_password="unused-no-lifespan")).openapi()
    ids = [operation["operationId"] for item in document["paths"].values()
           for operation in item.values()]  # fmt: skip
    assert len(ids) == len(set(ids)), "two operations share an operationId"
    for operation_id in ids:
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", operation_id), operation_id
        assert "__" not in operation_id and not operation_id.endswith(("_get", "_put"))
    assert {"get_unit", "list_units", "create_covers_relationship", "gap_list",
            "get_coverage", "what_if"} <= set(ids)  # fmt: skip
    for name in document["components"]["schemas"]:
        # FastAPI names a form body Body_<operation>; everything else is a plain class name
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*|Body_[a-z_]+", name), name
    assert "UnitPage" in document["components"]["schemas"]
