"""Conditional requests against the real Neo4j: every read of a record answers the ETag of its
stored version, ``If-Match`` on PATCH and DELETE refuses a stale version with 412 and writes
nothing (not even an audit event), ``If-None-Match`` on GET answers 304, and two clients
editing one unit never overwrite each other silently."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db import entities
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind
from graph_service.domain.models import NODE_MODELS
from graph_service.errors import PreconditionFailed
from graph_service.main import create_app

STALE_ZH = "记录已被他人修改，请刷新后重试"


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def _unit(client: TestClient, unit_id: str = "U-1") -> None:
    body = {"id": unit_id, "name": "示例单位", "kind": "企业"}
    assert client.post("/units", json=body).status_code == 201


def _audit(client: TestClient, target: str) -> list[dict[str, Any]]:
    answer = client.get("/audit", params={"target": target, "limit": 1000})
    assert answer.status_code == 200
    return list(answer.json()["items"])


def test_a_read_answers_the_stored_version_and_a_write_the_new_one(client: TestClient) -> None:
    _unit(client)
    read = client.get("/units/U-1")
    tag = read.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"') and not tag.startswith("W/")
    assert client.get("/units/U-1").headers["etag"] == tag  # stable while unchanged
    assert client.get("/entities/U-1").headers["etag"] == tag  # one record, one version

    changed = client.patch("/units/U-1", json={"name": "改名单位"}, headers={"If-Match": tag})
    assert changed.status_code == 200 and changed.json()["name"] == "改名单位"
    new = changed.headers["etag"]
    assert new != tag
    assert client.get("/units/U-1").headers["etag"] == new  # what the write said it stored

    # a write that changes nothing leaves the version as it was
    same = client.patch("/units/U-1", json={"name": "改名单位"}, headers={"If-Match": new})
    assert same.status_code == 200 and same.headers["etag"] == new


def test_a_stale_or_bogus_if_match_is_412_and_writes_nothing(client: TestClient) -> None:
    _unit(client)
    old = client.get("/units/U-1").headers["etag"]
    assert client.patch("/units/U-1", json={"name": "甲改"}, headers={"If-Match": old}).is_success
    current = client.get("/units/U-1")
    trail = _audit(client, "U-1")

    for stale in (old, '"bogus"', f"W/{current.headers['etag']}"):  # a weak tag never matches
        refused = client.patch("/units/U-1", json={"name": "乙改"}, headers={"If-Match": stale})
        assert refused.status_code == 412, stale
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["detail"].startswith(STALE_ZH)
        assert problem["current_etag"] == current.headers["etag"]
        assert current.headers["etag"] in problem["detail"]

    after = client.get("/units/U-1")
    assert after.json() == current.json() and after.headers["etag"] == current.headers["etag"]
    assert _audit(client, "U-1") == trail  # no event for a refused write

    # one of a list of tags is enough; * matches any stored version
    listed = f'"bogus", {current.headers["etag"]}'
    listed_write = client.patch("/units/U-1", json={"name_en": "A"}, headers={"If-Match": listed})
    assert listed_write.status_code == 200
    star = client.patch("/units/U-1", json={"name": "丙改"}, headers={"If-Match": "*"})
    assert star.status_code == 200 and client.get("/units/U-1").json()["name"] == "丙改"
    # no If-Match: as before, unconditional
    assert client.patch("/units/U-1", json={"name": "丁改"}).status_code == 200
    # a missing record is 404 whatever If-Match says
    assert client.patch("/units/U-404", json={"name": "x"},
                        headers={"If-Match": "*"}).status_code == 404  # fmt: skip


def test_delete_honours_if_match(client: TestClient) -> None:
    _unit(client)
    old = client.get("/units/U-1").headers["etag"]
    client.patch("/units/U-1", json={"name": "改名单位"})
    trail = _audit(client, "U-1")
    refused = client.delete("/units/U-1", headers={"If-Match": old})
    assert refused.status_code == 412 and refused.json()["detail"].startswith(STALE_ZH)
    assert client.get("/units/U-1").status_code == 200 and _audit(client, "U-1") == trail

    current = client.get("/units/U-1").headers["etag"]
    assert client.delete("/units/U-1", headers={"If-Match": current}).status_code == 204
    assert client.get("/units/U-1").status_code == 404


def test_relationships_are_versioned_too(client: TestClient) -> None:
    for body in ({"id": "A-JX", "name": "建新社区", "level": "community"},
                 {"id": "A-EQ", "name": "二七新村街道", "level": "街道"}):  # fmt: skip
        assert client.post("/areas", json=body).status_code == 201
    one = "/relationships/part_of/A-JX/A-EQ"
    assert client.post("/relationships/part_of",
                       json={"from_id": "A-JX", "to_id": "A-EQ"}).status_code == 201  # fmt: skip
    tag = client.get(one).headers["etag"]
    changed = client.patch(one, json={"since": "2024-01-01"}, headers={"If-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert client.get(one).headers["etag"] == changed.headers["etag"]

    trail = _audit(client, "A-JX")
    stale = client.patch(one, json={"since": "2020-01-01"}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert stale.json()["current_etag"] == changed.headers["etag"]
    assert client.delete(one, headers={"If-Match": tag}).status_code == 412
    assert client.get(one).json()["since"] == "2024-01-01" and _audit(client, "A-JX") == trail

    assert client.delete(one, headers={"If-Match": changed.headers["etag"]}).status_code == 204
    assert client.get(one).status_code == 404


def test_if_none_match_answers_304_while_unchanged(client: TestClient) -> None:
    _unit(client)
    tag = client.get("/units/U-1").headers["etag"]
    for path in ("/units/U-1", "/entities/U-1"):
        unchanged = client.get(path, headers={"If-None-Match": tag})
        assert unchanged.status_code == 304 and unchanged.content == b""
        assert unchanged.headers["etag"] == tag
        assert client.get(path, headers={"If-None-Match": f"W/{tag}"}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    client.patch("/units/U-1", json={"name": "改名单位"})
    fresh = client.get("/units/U-1", headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.json()["name"] == "改名单位"


def test_the_version_is_the_stored_one_whatever_a_reader_may_see(
    client: TestClient, settings: Settings, db: Database
) -> None:
    assert client.post("/areas", json={"id": "A-JX", "name": "建新社区",
                                       "level": "community"}).status_code == 201  # fmt: skip
    person = {"id": "P-1", "name": "示例志愿者", "phone": "13800000000"}
    assert client.post("/persons", json=person).status_code == 201
    assert client.post("/relationships/volunteers_in",
                       json={"from_id": "P-1", "to_id": "A-JX"}).status_code == 201  # fmt: skip
    viewer = add_account(db, Principal.cli(), "viewer-jx", Role.VIEWER, ["A-JX"])
    with TestClient(create_app(settings), headers={"X-API-Key": viewer}) as as_viewer:
        masked = as_viewer.get("/persons/P-1")
    full = client.get("/persons/P-1")
    assert masked.status_code == 200 and masked.json()["phone"] != full.json()["phone"]
    assert masked.headers["etag"] == full.headers["etag"]


def test_racing_writers_with_one_version_one_wins(db: Database) -> None:
    admin = Principal.cli()
    entities.create_node(db, admin, NODE_MODELS[NodeKind.UNIT].model_validate(
        {"id": "U-R", "name": "竞争单位", "kind": "企业"}))  # fmt: skip
    _, tag = entities.get_tagged_node(db, admin, NodeKind.UNIT, "U-R")

    def write(n: int) -> str | None:
        try:
            entities.update_tagged_node(db, admin, NodeKind.UNIT, "U-R",
                                        {"name": f"写者{n}"}, if_match=tag)  # fmt: skip
        except PreconditionFailed:
            return None
        return f"写者{n}"

    with ThreadPoolExecutor(4) as pool:
        won = [name for name in pool.map(write, range(8)) if name is not None]
    assert len(won) == 1
    assert entities.get_node(db, admin, NodeKind.UNIT, "U-R").name == won[0]


_units = itertools.count()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(
    st.tuples(st.sampled_from([0, 1]), st.sampled_from(["read", "patch"]),
              st.sampled_from(["甲", "乙", "丙"])),
    min_size=1, max_size=12,
))  # fmt: skip
def test_two_editors_never_lose_an_update_silently(
    client: TestClient, steps: list[tuple[int, str, str]]
) -> None:
    """Two clients edit one unit, each sending the ETag it last saw. The model: a client's
    PATCH succeeds exactly when what it last saw is what is stored; each 200 is what is
    then stored and adds one audit event; each 412 changes nothing."""
    unit = f"U-H{next(_units)}"
    _unit(client, unit)
    first = client.get(f"/units/{unit}")
    stored = first.json()["name"]
    seen = [(stored, first.headers["etag"])] * 2
    events = len(_audit(client, unit))
    for who, action, name in steps:
        if action == "read":
            got = client.get(f"/units/{unit}")
            seen[who] = (got.json()["name"], got.headers["etag"])
            continue
        answer = client.patch(f"/units/{unit}", json={"name": name},
                              headers={"If-Match": seen[who][1]})  # fmt: skip
        if seen[who][0] == stored:
            assert answer.status_code == 200, answer.text
            stored = name
            seen[who] = (name, answer.headers["etag"])
            events += 1
        else:
            assert answer.status_code == 412, answer.text
        got = client.get(f"/units/{unit}")
        assert got.json()["name"] == stored
        assert len(_audit(client, unit)) == events
