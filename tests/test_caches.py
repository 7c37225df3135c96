"""The result cache (gap pages, counts, summaries) and the API key cache, on a real Neo4j.

A kept answer must never outlive a write made through the service, whatever the write:
an API call, an import, a CLI command. Writes made around the service are bounded by the
cache's age limit. A remembered key is bounded by AUTH_CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import SecretStr

from graph_service.auth.key_cache import KeyCache
from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account, revoke_account
from graph_service.db.database import Database
from graph_service.db.result_cache import ResultCache, SharedResultCache, Tiered
from graph_service.main import create_app
from graph_service.services.demo import load_demo
from graph_service.services.imports import import_files
from loaders.demo import DEMO_AS_OF

AS_OF = DEMO_AS_OF.isoformat()
UNCOVERED = ("/gaps/ORG_BUILDING_UNCOVERED", {"as_of": AS_OF, "area": "A-ERQI"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "shared", "redis"])
def client(
    request: pytest.FixtureRequest, settings: Settings, admin_headers: dict[str, str],
    db: Database, tmp_path: Path,
) -> Iterator[TestClient]:  # fmt: skip
    """The API with each kind of result cache: in memory, in a shared SQLite file, and in
    a Redis server (behind the process's memory)."""
    assert load_demo(db) is not None
    if request.param == "shared":
        settings = settings.model_copy(update={"result_cache_file": tmp_path / "kept.sqlite"})
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        settings = settings.model_copy(update={"result_cache_url": SecretStr(url)})
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def results(client: TestClient) -> ResultCache | SharedResultCache | Tiered:
    cache: ResultCache | SharedResultCache | Tiered = client.app.state.database.results  # type: ignore[attr-defined]
    return cache


def version(db: Database) -> str | None:
    found: str | None = db.read("data_version_get")[0]["version"]
    return found


def test_a_kept_gap_page_is_served_until_an_api_write_closes_the_gap(client: TestClient) -> None:
    cache = results(client)
    first = client.get(UNCOVERED[0], params=UNCOVERED[1]).json()
    assert [item["id"] for item in first["items"]] == ["B-HEPING"]
    hits = cache.hits
    assert client.get(UNCOVERED[0], params=UNCOVERED[1]).json() == first
    assert cache.hits == hits + 1

    covers = {"from_id": "PO-ERQI-WC", "to_id": "B-HEPING", "since": "2020-01-01"}
    assert client.post("/relationships/covers", json=covers).status_code == 201
    after = client.get(UNCOVERED[0], params=UNCOVERED[1]).json()
    assert after["total"] == 0 and after["items"] == []
    counts = client.get("/gaps/counts", params={"as_of": AS_OF, "area": "A-ERQI"}).json()
    assert counts["ORG_BUILDING_UNCOVERED"] == 0

    assert client.delete("/relationships/covers/PO-ERQI-WC/B-HEPING").status_code == 204
    again = client.get(UNCOVERED[0], params=UNCOVERED[1]).json()
    assert [item["id"] for item in again["items"]] == ["B-HEPING"]


def test_a_kept_summary_follows_an_import(client: TestClient, tmp_path: Path, db: Database) -> None:
    before = client.get("/areas/A-ERQI/coverage", params={"as_of": AS_OF}).json()
    assert client.get("/areas/A-ERQI/coverage", params={"as_of": AS_OF}).json() == before
    organization = before["area"]["organization"]
    (tmp_path / "covers.csv").write_text(
        "from_id,to_id,since\nPO-ERQI-WC,B-HEPING,2020-01-01\n", encoding="utf-8"
    )
    report = import_files(db, [tmp_path / "covers.csv"])
    assert report.written, report.problems
    after = client.get("/areas/A-ERQI/coverage", params={"as_of": AS_OF}).json()
    # the building, and the unit located in it (U-HESHUN), are covered now
    assert after["area"]["organization"]["covered"] == organization["covered"] + 2


def test_answers_are_kept_per_scope(client: TestClient, db: Database) -> None:
    """An organizer of one community does not get the admin's kept subdistrict answer."""
    key = add_account(db, Principal.cli(), "organizer-heping", Role.ORGANIZER, ["A-HEPING"])
    everywhere = client.get(UNCOVERED[0], params={"as_of": AS_OF}).json()
    assert everywhere["total"] >= 1
    scoped = client.get(UNCOVERED[0], params={"as_of": AS_OF, "area": "A-JIANXIN"},
                        headers={"X-API-Key": key})  # fmt: skip
    assert scoped.status_code == 404
    mine = client.get(UNCOVERED[0], params={"as_of": AS_OF}, headers={"X-API-Key": key}).json()
    assert mine["area"] == "A-HEPING"
    assert {item["id"] for item in mine["items"]} == {"B-HEPING"}


def test_a_write_around_the_service_is_seen_after_the_age_limit(
    settings: Settings, admin_headers: dict[str, str], db: Database
) -> None:
    assert load_demo(db) is not None
    clock = Clock()
    with TestClient(create_app(settings), headers=admin_headers) as client:
        client.app.state.database.results = ResultCache(16, 60.0, clock)  # type: ignore[attr-defined]
        assert client.get(UNCOVERED[0], params=UNCOVERED[1]).json()["total"] == 1
        db.driver.execute_query(
            "MATCH (o:PartyOrg {id: 'PO-ERQI-WC'}), (b:Building {id: 'B-HEPING'}) "
            "CREATE (o)-[:COVERS]->(b)", database_=db.database,
        )  # fmt: skip
        clock.now += 59
        assert client.get(UNCOVERED[0], params=UNCOVERED[1]).json()["total"] == 1
        clock.now += 2
        assert client.get(UNCOVERED[0], params=UNCOVERED[1]).json()["total"] == 0


@hsettings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["node", "account", "wipe_none"]), min_size=1, max_size=6))
def test_every_write_through_the_service_gives_a_new_version(
    session_database: Database, writes: list[str]
) -> None:
    db = session_database
    db.ensure_schema()
    seen = {version(db)}
    for write in writes:
        if write == "node":
            db.driver.execute_query("MATCH (n:Entity {id: 'V-PROBE'}) DETACH DELETE n",
                                    database_=db.database)  # fmt: skip
            db.execute_write(lambda tx: tx.run("CREATE (:Entity:Unit {id: 'V-PROBE'})").consume())
        elif write == "account":
            add_account(db, Principal.cli(), f"probe-{uuid.uuid4().hex[:12]}", Role.ADMIN)
        else:
            db.write("wipe_data", batch=0)  # a write that changes nothing still counts
        now = version(db)
        assert now is not None and now not in seen
        seen.add(now)


def test_the_cache_drops_the_least_recently_used_and_refuses_other_versions() -> None:
    clock = Clock()
    cache = ResultCache(2, 10.0, clock)
    cache.put("a", "v1", 1)
    cache.put("b", "v1", 2)
    assert cache.get("a", "v1") == (True, 1)
    cache.put("c", "v1", 3)  # "b" was used least recently
    assert cache.get("b", "v1") == (False, None)
    assert cache.get("a", "v2") == (False, None)
    assert cache.get("c", "v1") == (True, 3)
    clock.now += 10.5
    assert cache.get("c", "v1") == (False, None)
    off = ResultCache(0)
    off.put("a", "v1", 1)
    assert not off.enabled and off.get("a", "v1") == (False, None)


def test_a_revoked_key_works_until_the_key_cache_forgets_it(
    settings: Settings, admin_headers: dict[str, str], db: Database
) -> None:
    clock = Clock()
    assert load_demo(db) is not None
    key = add_account(db, Principal.cli(), "viewer-1", Role.VIEWER, ["A-ERQI"])
    with TestClient(create_app(settings)) as client:
        client.app.state.keys = KeyCache(5.0, clock)  # type: ignore[attr-defined]
        assert client.get("/units", headers={"X-API-Key": key}).status_code == 200
        revoke_account(db, Principal.cli(), "viewer-1")
        clock.now += 4.9
        assert client.get("/units", headers={"X-API-Key": key}).status_code == 200
        clock.now += 0.2
        assert client.get("/units", headers={"X-API-Key": key}).status_code == 401
        assert client.get("/units", headers={"X-API-Key": key}).status_code == 401
        new = add_account(db, Principal.cli(), "viewer-2", Role.VIEWER, ["A-ERQI"])
        assert client.get("/units", headers={"X-API-Key": new}).status_code == 200


def test_processes_sharing_a_cache_file_see_each_others_answers(tmp_path: Path) -> None:
    clock = Clock()
    one = SharedResultCache(tmp_path / "kept.sqlite", 2, 10.0, clock)
    other = SharedResultCache(tmp_path / "kept.sqlite", 2, 10.0, clock)  # another process's
    key = ("gaps", "ORG_PARK_UNCOVERED", ("admin", ()), DEMO_AS_OF, None, None, 0, 50)
    answer = ("A-1", [{"id": "K-1", "detail": {"since": DEMO_AS_OF}}], 1)
    one.put(key, "v1", answer)
    assert other.get(key, "v1") == (True, answer)
    assert other.get(key, "v2") == (False, None)
    clock.now += 1
    one.put("b", "v1", 2)
    clock.now += 1
    one.put("c", "v1", 3)  # beyond 2 entries: the oldest ("key") goes
    assert other.get(key, "v1") == (False, None)
    assert other.get("c", "v1") == (True, 3) and len(other) == 2
    clock.now += 10.5
    assert other.get("c", "v1") == (False, None)
    assert (tmp_path / "kept.sqlite").stat().st_mode & 0o077 == 0


def test_a_broken_cache_file_is_a_miss_not_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "kept.sqlite"
    cache = SharedResultCache(path, 4, 10.0)
    cache.put("a", "v1", 1)
    for leftover in tmp_path.glob("kept.sqlite-*"):
        leftover.unlink()
    path.write_bytes(b"not a database" * 1000)
    seen: list[tuple[bool, object]] = []

    def another_thread() -> None:  # a new thread opens a new connection to the broken file
        seen.append(cache.get("a", "v1"))
        cache.put("b", "v1", 2)  # logged, not raised

    worker = threading.Thread(target=another_thread)
    worker.start()
    worker.join()
    assert seen == [(False, None)]
