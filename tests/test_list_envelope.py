"""The one list envelope (docs/api.md), against the real Neo4j: paging any list by ``next``
from the first page visits every item exactly once, in order — the same ids a direct
Cypher read lists — with writes of other ids between the pages; the ``Link`` header is the
next page's URL; a cursor that was altered, or made for another list, is a 422 naming
``cursor``."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.main import create_app
from tests.conftest import Neo4jUnderTest

UNITS = [f"U-{n:02d}" for n in range(0, 40, 2)]  # even numbers: room for ids between
INSIDE = set(UNITS[::3])  # located in A-IN, the others in A-OUT
PERSONS = ["P-1", "P-2", "P-3"]
BUILDINGS = ["B-1", "B-2"]
TERMS = [("2020-01-01", "2020-12-31"), ("2022-01-01", None)]
PROPERTY = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


class World:
    def __init__(self, client: TestClient, db: Database, keys: dict[str, str]) -> None:
        self.client, self.db, self.keys = client, db, keys

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, headers={"X-API-Key": self.keys[who]})

    def cypher(self, text: str) -> list[Any]:
        """The oracle: a direct read, not through the service."""
        records, _, _ = self.db.driver.execute_query(text, database_=self.db.database)
        return [tuple(record.values()) for record in records]


@pytest.fixture(scope="module")
def world(neo4j_server: Neo4jUnderTest, session_database: Database) -> Iterator[World]:
    db = session_database
    db.wipe()
    db.ensure_schema()
    keys = {"admin": add_account(db, Principal.cli(), "pages-admin", Role.ADMIN)}
    with TestClient(create_app(neo4j_server.settings()),
                    headers={"X-API-Key": keys["admin"]}) as client:  # fmt: skip
        for area in ("A-IN", "A-OUT"):
            made = client.post("/areas", json={"id": area, "name": f"区域{area}",
                                               "level": "community"})  # fmt: skip
            assert made.status_code == 201, made.text
        keys["organizer"] = add_account(db, Principal.cli(), "pages-org", Role.ORGANIZER,
                                        ["A-IN"])  # fmt: skip
        for unit in UNITS:
            area = "A-IN" if unit in INSIDE else "A-OUT"
            made = client.post("/units", params={"link": "located_in", "link_to": area},
                               json={"id": unit, "name": f"单位{unit}",
                                     "kind": "non_public_enterprise"})  # fmt: skip
            assert made.status_code == 201, made.text
        for node in PERSONS:
            made = client.post("/persons", json={"id": node, "name": f"人员{node}"})
            assert made.status_code == 201, made.text
        for node in BUILDINGS:
            made = client.post("/buildings", params={"link": "located_in", "link_to": "A-IN"},
                               json={"id": node, "name": f"楼宇{node}"})  # fmt: skip
            assert made.status_code == 201, made.text
        for person in PERSONS:
            for building in BUILDINGS:
                for since, until in TERMS:
                    body = {"from_id": person, "to_id": building, "role": "instructor",
                            "since": since, "until": until}  # fmt: skip
                    made = client.post("/relationships/assigned_to", json=body)
                    assert made.status_code == 201, made.text
        yield World(client, db, keys)


def _walk(world: World, who: str, path: str, limit: int, **query: Any) -> list[dict[str, Any]]:
    """Every page of a list from the first, by next: the pages' answers."""
    pages, cursor = [], None
    while True:
        params = query | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        answer = world.get(who, path, **params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert set(page) >= {"items", "total", "next"}
        assert len(page["items"]) <= limit
        pages.append(page)
        cursor = page["next"]
        if cursor is None:
            assert "link" not in answer.headers
            return pages
        # Link: the request's URL with cursor = next, the other parameters kept
        link = answer.headers["link"]
        assert link.startswith("<") and link.endswith('>; rel="next"'), link
        url = urlsplit(link[1:].split(">;")[0])
        assert url.path == path
        assert parse_qs(url.query) == {k: [str(v)] for k, v in params.items() if k != "cursor"} | {
            "cursor": [cursor]
        }
        assert len(pages) <= 200, "the pages do not end"


@PROPERTY
@given(limit=st.integers(1, 9), who=st.sampled_from(["admin", "organizer"]),
       name=st.sampled_from([None, "1", "单位U-2"]))  # fmt: skip
def test_paging_a_node_list_by_next_visits_every_item_once_in_order(
    world: World, limit: int, who: str, name: str | None
) -> None:
    query = {"name": name} if name else {}
    pages = _walk(world, who, "/units", limit, **query)
    walked = [item["id"] for page in pages for item in page["items"]]
    where = "WHERE n.name CONTAINS $name" if name else ""
    if who == "organizer":
        oracle = world.cypher(
            "MATCH (n:Unit)-[:LOCATED_IN]->(:Area {id: 'A-IN'}) "
            + (f"{where.replace('$name', repr(name))} " if name else "")
            + "RETURN n.id ORDER BY n.id"
        )
    else:
        oracle = world.cypher(
            "MATCH (n:Unit) " + (f"{where.replace('$name', repr(name))} " if name else "")
            + "RETURN n.id ORDER BY n.id"
        )  # fmt: skip
    expected = [row[0] for row in oracle]
    assert walked == expected
    assert pages[0]["total"] == len(expected)
    for page in pages[1:]:  # an admin's later pages are not counted; a scoped one's are
        assert page["total"] == (len(expected) if who == "organizer" else None)
    assert all(page["items"] for page in pages[:-1])


@PROPERTY
@given(limit=st.integers(1, 5), who=st.sampled_from(["admin", "organizer"]),
       to_id=st.sampled_from([None, "B-2"]))  # fmt: skip
def test_paging_a_relationship_list_by_next_visits_every_term_once_in_order(
    world: World, limit: int, who: str, to_id: str | None
) -> None:
    """The keyset of a relationship list is (from id, to id, start): pages cut between two
    terms of one pair too."""
    query = {"to_id": to_id} if to_id else {}
    pages = _walk(world, who, "/relationships/assigned_to", limit, **query)
    walked = [(i["from_id"], i["to_id"], i["since"]) for page in pages for i in page["items"]]
    expected = [
        (a, b, since.iso_format() if since is not None else None)
        for a, b, since in world.cypher(
            "MATCH (a:Person)-[r:ASSIGNED_TO]->(b:Building) "
            + (f"WHERE b.id = '{to_id}' " if to_id else "")
            + "RETURN a.id, b.id, r.since ORDER BY a.id, b.id, r.since"
        )
    ]  # fmt: skip
    # every end lies in A-IN (the persons through their assignments' buildings)
    assert walked == expected and len(expected) == len(PERSONS) * len(TERMS) * (
        1 if to_id else len(BUILDINGS)
    )
    assert pages[0]["total"] == len(expected)


@PROPERTY
@given(limit=st.integers(1, 6),
       added=st.lists(st.integers(0, 41), min_size=1, max_size=8, unique=True))  # fmt: skip
def test_writes_between_pages_neither_repeat_nor_lose_an_item(
    world: World, limit: int, added: list[int]
) -> None:
    """Units made between the pages (before and after the page being read) shift no page:
    every unit there was from the start is visited once, in order, none twice (an offset
    page would repeat the item a write before it pushed down)."""
    before = [row[0] for row in world.cypher("MATCH (n:Unit) RETURN n.id ORDER BY n.id")]
    made: list[str] = []
    walked: list[str] = []
    cursor = None
    try:
        while True:
            page = world.get("admin", "/units", limit=limit,
                             **({"cursor": cursor} if cursor else {})).json()  # fmt: skip
            walked += [item["id"] for item in page["items"]]
            if added:  # another writer adds a unit somewhere in the list
                new_id = f"U-{added.pop():02d}x"
                answer = world.client.post("/units", json={"id": new_id, "name": "新单位",
                                                            "kind": "enterprise"})  # fmt: skip
                assert answer.status_code == 201, answer.text
                made.append(new_id)
            cursor = page["next"]
            if cursor is None:
                break
        assert walked == sorted(set(walked)), "an item came twice or out of order"
        assert set(before) <= set(walked)
        # a unit made after the page it sorts into was read is not seen; any other is
        assert set(walked) - set(before) <= set(made)
    finally:
        for unit in made:
            assert world.client.delete(f"/units/{unit}").status_code == 204


def test_the_audit_trail_and_a_gap_page_page_by_next(world: World) -> None:
    whole = world.get("admin", "/audit", limit=1000).json()
    assert whole["next"] is None and len(whole["items"]) > 10
    pages = _walk(world, "admin", "/audit", 4)
    assert [e["seq"] for page in pages for e in page["items"]] == [e["seq"] for e in whole["items"]]
    gaps = world.get("admin", "/gaps/ORG_UNIT_UNCOVERED", limit=1000).json()
    assert gaps["total"] == len(gaps["items"]) >= 10 and gaps["next"] is None
    pages = _walk(world, "admin", "/gaps/ORG_UNIT_UNCOVERED", 3)
    assert [i["id"] for page in pages for i in page["items"]] == [i["id"] for i in gaps["items"]]
    assert all(page["total"] == gaps["total"] for page in pages)
    # a kept page by cursor keeps its ETag: held, it answers 304
    second = world.get("admin", "/gaps/ORG_UNIT_UNCOVERED", limit=3, cursor=pages[0]["next"])
    assert second.json() == pages[1]
    held = world.client.get("/gaps/ORG_UNIT_UNCOVERED",
                            params={"limit": 3, "cursor": pages[0]["next"]},
                            headers={"If-None-Match": second.headers["etag"]})  # fmt: skip
    assert held.status_code == 304 and "link" not in held.headers
    hits = _walk(world, "admin", "/search", 2, q="单位")
    assert len({h["id"] for page in hits for h in page["items"]}) == len(UNITS)


def _altered(cursor: str) -> Iterator[str]:
    body, _, check = cursor.partition(".")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    edited = raw[:-1] + b',"x":1}'  # the same check over other bytes
    yield base64.urlsafe_b64encode(edited).decode().rstrip("=") + "." + check
    yield body + "." + ("0" if check[0] != "0" else "1") + check[1:]
    yield body
    yield "x" + cursor
    yield "not a cursor"


@pytest.mark.parametrize("path", ["/units", "/relationships/assigned_to", "/audit",
                                  "/gaps/ORG_UNIT_UNCOVERED", "/search"])  # fmt: skip
def test_an_altered_or_foreign_cursor_is_a_422_naming_cursor(world: World, path: str) -> None:
    query = {"q": "单位"} if path == "/search" else {}
    first = world.get("admin", path, limit=1, **query).json()
    assert first["next"]
    foreign = world.get("admin", "/persons" if path != "/persons" else "/units", limit=1).json()
    for cursor in [*_altered(first["next"]), foreign["next"]]:
        answer = world.get("admin", path, limit=1, cursor=cursor, **query)
        assert answer.status_code == 422, (path, cursor, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        problem = answer.json()
        assert problem["code"] == "invalid-input"
        assert [error["field"] for error in problem["errors"]] == ["cursor"]
        assert problem["detail"].startswith("翻页游标 cursor 无效")  # Chinese first
