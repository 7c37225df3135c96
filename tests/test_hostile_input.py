"""Hostile input, personal data and the audit trail.

Injection strings go through every string parameter of every endpoint (query and path);
oversized bodies and uploads, huge pages, slow queries are cut off with a clear answer;
afterwards the graph is exactly as before and the server still answers.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db import audit
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.db.registry import QueryRegistry
from graph_service.errors import QueryTimedOut
from graph_service.main import create_app
from graph_service.services.imports import import_files
from tests.access_world import ADDRESS, ID_NUMBER, PHONE, write_bundle

INJECTIONS = [
    "' OR 1=1 //",
    "x'}) MATCH (n) DETACH DELETE n //",
    '"}) DETACH DELETE n RETURN 1 //',
    "`) DETACH DELETE n //",
    "$scope",
    "{{label}}",
    "Unit:Entity) DETACH DELETE (n",
    "\\u0027 OR true //",
    "建新* OR name:*",
    "../../etc/passwd",
    "%00\x00",
    "A" * 5000,
]


@pytest.fixture
def world(
    settings: Settings, db: Database, tmp_path: Path
) -> Iterator[tuple[TestClient, Database]]:
    assert import_files(db, [write_bundle(tmp_path)]).written
    key = add_account(db, Principal.cli(), "root", Role.ADMIN)
    with TestClient(create_app(settings), headers={"X-API-Key": key}) as client:
        yield client, db


def _graph(db: Database) -> tuple[int, int, list[Any]]:
    def work(tx: Any) -> tuple[int, int, list[Any]]:
        nodes = tx.run("MATCH (n:Entity) RETURN count(n) AS c").single()["c"]
        rels = tx.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
        names = tx.run("MATCH (n:Entity) RETURN n.id AS id, n.name AS name ORDER BY id").values()
        return nodes, rels, names

    return db.execute_read(work)


def _string_params(app: Any) -> list[tuple[str, str, str, str]]:
    """(method, path, where, name) of every string parameter in the OpenAPI document."""
    out = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            for param in operation.get("parameters", []):
                schema = param.get("schema", {})
                types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
                if "string" in types and param["in"] in ("query", "path"):
                    out.append((method.upper(), path, param["in"], param["name"]))
    return out


def test_injection_strings_through_every_string_parameter_change_nothing(
    world: tuple[TestClient, Database],
) -> None:
    client, db = world
    before = _graph(db)
    params = _string_params(client.app)
    assert len(params) > 100  # every id in a path, every filter, search text …
    for method, path, where, name in params:
        for value in INJECTIONS:
            url = path
            query: dict[str, str] = {}
            if where == "path":
                url = path.replace("{" + name + "}", quote(value, safe=""))
            else:
                query[name] = value
            url = re.sub(r"\{[^}]+\}", "U-A", url)
            response = client.request(method, url, params=query)
            assert response.status_code < 500, (method, url, name, value, response.text[:300])
            if response.status_code >= 400 and response.status_code != 405:
                assert response.headers["content-type"] == "application/problem+json"
    after = _graph(db)
    # writes to U-A may have run (PATCH with no body is refused; DELETE without cascade too)
    assert after == before
    assert client.get("/ready").status_code == 200


def test_no_query_walks_an_unbounded_path(registry: QueryRegistry) -> None:
    unbounded = re.compile(r"\*\s*\d*\s*\.\.\s*\]|\*\s*\]")
    for name in [q for q in registry._queries]:
        assert not unbounded.search(registry[name].text), f"{name}: a variable-length path " \
            "without an upper bound"


def test_oversized_bodies_and_uploads_are_refused_and_nothing_is_written(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    small = settings.model_copy(update={"max_body_bytes": 2_000, "max_upload_bytes": 10_000})
    key = add_account(db, Principal.cli(), "root", Role.ADMIN)
    before = _graph(db)
    with TestClient(create_app(small), headers={"X-API-Key": key}) as client:
        big = {"id": "U-BIG", "name": "大", "kind": "enterprise", "note": "x" * 5_000}
        answer = client.post("/units", json=big)
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"
        # no Content-Length: a streamed (chunked) body is counted as it arrives
        chunks = (b'{"id": "U-BIG", "name": "' + b"x" * 1_000 + b'"' for _ in range(1))
        streamed = client.post("/units", content=iter([next(chunks), b" " * 3_000, b"}"]),
                               headers={"content-type": "application/json"})  # fmt: skip
        assert streamed.status_code == 413
        csv = b"id,name,kind\n" + b"U-X,x,enterprise\n" * 1_000
        upload = client.post("/imports", files={"files": ("units.csv", io.BytesIO(csv))})
        assert upload.status_code == 413
        huge_page = client.get("/units?limit=100000")
        assert huge_page.status_code == 422 and "limit" in huge_page.json()["detail"]
        assert client.get("/health").status_code == 200
    assert _graph(db) == before


def test_a_query_past_its_time_limit_is_cut_off_and_the_server_stays_up(
    world: tuple[TestClient, Database], session_database: Database
) -> None:
    client, db = world
    hasty = Database(db.driver, db.registry, db.database, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(QueryTimedOut):
        hasty.execute_read(lambda tx: tx.run(
            "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x)"
        ).consume())  # fmt: skip
    assert time.monotonic() - started < 30
    assert QueryTimedOut.status == 504
    assert client.get("/gaps/counts?as_of=2026-06-30").status_code == 200


def test_personal_data_is_masked_for_viewers_and_services_and_shown_to_organizers(
    world: tuple[TestClient, Database],
) -> None:
    client, db = world
    admin = Principal.cli()
    keys = {role: add_account(db, admin, f"pii-{role.value}", role, ["S-A"])
            for role in (Role.ORGANIZER, Role.VIEWER, Role.SERVICE)}  # fmt: skip
    for role, key in keys.items():
        person = client.get("/persons/P-A", headers={"X-API-Key": key}).json()
        listed = client.get("/persons", headers={"X-API-Key": key}).json()["items"]
        shown = [person] + [p for p in listed if p["id"] == "P-A"]
        for body in shown:
            if role is Role.ORGANIZER:
                assert (body["phone"], body["id_number"]) == (PHONE["A"], ID_NUMBER["A"])
            else:
                assert body["phone"] == "138****5678"
                assert body["id_number"] == "3701**********1233"
                assert ADDRESS["A"] not in str(body)
        export = client.get("/exports?format=json&personal=true", headers={"X-API-Key": key})
        assert export.status_code == (200 if role is Role.ORGANIZER else 403)
        plain = client.get("/exports?format=json", headers={"X-API-Key": key})
        assert plain.status_code == 200 and PHONE["A"] not in plain.text
    events = audit.list_events(db, action="export.personal")
    assert [e["actor"] for e in events] == ["pii-organizer"]


def test_every_write_is_audited_with_before_and_after_and_the_chain_holds(
    world: tuple[TestClient, Database], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client, db = world
    start = max([e["seq"] for e in audit.list_events(db, limit=1)] or [0])
    client.patch("/persons/P-A", json={"phone": "13700001111", "position": "书记"})
    client.post("/relationships/volunteers_in", json={"from_id": "P-X", "to_id": "C-A"})
    client.delete("/relationships/volunteers_in/P-X/C-A")
    csv = tmp_path / "units.csv"
    csv.write_text("id,name,kind\nU-NEW,新单位,enterprise\n", encoding="utf-8")
    with csv.open("rb") as handle:
        assert client.post("/imports", files={"files": ("units.csv", handle)}).is_success
    events = [e for e in audit.list_events(db, limit=50) if e["seq"] > start]
    actions = [e["action"] for e in reversed(events)]
    assert actions == ["node.update", "rel.create", "rel.delete", "import.start",
                       "import.finish"]  # fmt: skip
    update = events[-1]
    assert update["actor"] == "root" and update["target"] == "P-A"
    assert update["before"] == {"phone": "138****5678", "position": None}
    assert update["after"] == {"phone": "137****1111", "position": "书记"}
    finish = events[0]
    assert finish["details"]["digests"]["units.csv"] and finish["details"]["written"]
    checked, problems = audit.verify_chain(db)
    assert checked >= 5 and problems == []
    # tampering with the trail (someone with database access) is detected
    db.execute_write(lambda tx: tx.run(
        "MATCH (e:AuditEvent {seq: $seq}) SET e.actor = 'someone-else'", seq=update["seq"]
    ).consume())  # fmt: skip
    assert any("edited" in p for p in audit.verify_chain(db)[1])
    # no personal data in the logs of all this
    assert "13700001111" not in caplog.text


def test_no_query_of_the_service_changes_or_removes_an_audit_event(
    registry: QueryRegistry,
) -> None:
    for name in registry._queries:
        text = registry[name].text
        if ("AuditEvent" in text and name not in ("audit_append", "audit_append_first")
                and registry[name].mode != "schema"):
            assert not re.search(r"\b(SET|DELETE|REMOVE|MERGE|CREATE)\b", text), name
    assert "CREATE (e:AuditEvent)" in registry["audit_append"].text
    assert "CREATE (e:AuditEvent)" in registry["audit_append_first"].text


def test_a_scoped_import_outside_its_areas_is_refused_whole(
    world: tuple[TestClient, Database], tmp_path: Path
) -> None:
    client, db = world
    key = add_account(db, Principal.cli(), "org-a", Role.ORGANIZER, ["S-A"])
    before = _graph(db)
    units = "id,name,kind\nU-IN,内部单位,enterprise\nU-OUT,外部单位,enterprise\n"
    located = "from_id,to_id\nU-IN,BD-A\nU-OUT,BD-B\n"
    files = [("files", ("units.csv", io.BytesIO(units.encode()))),
             ("files", ("located_in.csv", io.BytesIO(located.encode())))]  # fmt: skip
    answer = client.post("/imports", files=files, headers={"X-API-Key": key})
    assert answer.status_code == 403
    assert _graph(db) == before
    inside = [("files", ("units.csv", io.BytesIO(b"id,name,kind\nU-IN,x,enterprise\n"))),
              ("files", ("located_in.csv", io.BytesIO(b"from_id,to_id\nU-IN,BD-A\n")))]  # fmt: skip
    assert client.post("/imports", files=inside, headers={"X-API-Key": key}).status_code == 200
    assert client.get("/units/U-IN", headers={"X-API-Key": key}).status_code == 200


def test_hostile_spreadsheets_uploaded_through_the_api_write_nothing(
    world: tuple[TestClient, Database], tmp_path: Path
) -> None:
    from tests.test_readers import _zip_bomb, write_xlsx

    client, db = world
    before = _graph(db)
    formula = write_xlsx(tmp_path / "formula.xlsx", {"units": [
        ["编号 id", "名称 name", "单位类型 kind"], ["U-F", '=HYPERLINK("http://x","y")', "企业"]]})
    bomb = _zip_bomb(tmp_path / "bomb.xlsx", 300)
    for path, reason in ((formula, "formula"), (bomb, "zip bomb")):
        with path.open("rb") as handle:
            answer = client.post("/imports", files={"files": (path.name, handle)})
        assert answer.status_code == 422, reason
        assert answer.json()["report"]["written"] is False
    assert _graph(db) == before
