"""Account administration over the API (what the console's 管理 page calls): list, add with
a key shown once, revoke, and the audit trail's chain check — admins only, audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.main import create_app


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def area(client: TestClient, id_: str) -> None:
    made = client.post("/areas", json={"id": id_, "name": f"区域{id_}", "level": "community"})
    assert made.status_code == 201, made.text


def test_an_admin_adds_lists_and_revokes_accounts(client: TestClient) -> None:
    area(client, "A-ONE")
    made = client.post("/accounts", json={"name": "li.ming", "role": "organizer",
                                          "areas": ["A-ONE"]})  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert made.headers["Location"] == "/accounts/li.ming"
    assert (body["role"], body["role_zh"], body["areas"], body["revoked_at"]) == (
        "organizer", "组织员", ["A-ONE"], None)  # fmt: skip
    key = body["api_key"]
    assert key.startswith(body["key_hint"].rstrip("…"))
    as_new = {"X-API-Key": key}
    assert client.get("/areas/A-ONE", headers=as_new).status_code == 200
    assert client.get("/accounts", headers=as_new).status_code == 403  # not an admin

    listed = {a["name"]: a for a in client.get("/accounts").json()["items"]}
    assert set(listed) == {"test-admin", "li.ming"}
    assert "api_key" not in listed["li.ming"] and not listed["li.ming"]["has_password"]

    assert client.post("/accounts", json={"name": "li.ming", "role": "viewer",
                                          "areas": ["A-ONE"]}).status_code == 409  # fmt: skip
    assert client.post("/accounts", json={"name": "x", "role": "viewer",
                                          "areas": ["A-NOWHERE"]}).status_code == 404  # fmt: skip
    assert client.post("/accounts", json={"name": "y", "role": "viewer"}).status_code == 422
    assert client.post("/accounts", json={"name": "bad name!", "role": "admin"}).status_code == 422

    assert client.delete("/accounts/li.ming").status_code == 204
    assert client.get("/areas/A-ONE", headers=as_new).status_code == 401
    revoked = {a["name"]: a["revoked_at"] for a in client.get("/accounts").json()["items"]}
    assert revoked["li.ming"] is not None and revoked["test-admin"] is None
    own = client.delete("/accounts/test-admin")
    assert own.status_code == 422 and own.json()["detail"].startswith("不能吊销自己的账号")
    assert client.delete("/accounts/nobody").status_code == 404

    actions = [(e["action"], e["target"]) for e in client.get("/audit?limit=10").json()["items"]]
    assert ("account.add", "li.ming") in actions and ("account.revoke", "li.ming") in actions


def test_the_chain_check_finds_an_edited_event(client: TestClient, db: Database) -> None:
    area(client, "A-TWO")
    client.patch("/areas/A-TWO", json={"name": "改名"})
    check = client.get("/audit/verify").json()
    assert check["ok"] and check["checked"] >= 2 and check["problems"] == []
    db.execute_write(lambda tx: tx.run("MATCH (e:AuditEvent {seq: 1}) SET e.actor = 'someone'"))
    tampered = client.get("/audit/verify").json()
    assert not tampered["ok"] and any("event 1" in p for p in tampered["problems"])
