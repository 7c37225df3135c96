"""Kept answers in a shared store (RESULT_CACHE_URL): a real Redis server, API processes
that each keep answers in memory too, writes through any of them."""

from __future__ import annotations

import pickle
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.db.result_cache import RedisResultCache, ResultCache, Tiered
from graph_service.main import create_app
from graph_service.services.demo import load_demo
from loaders.demo import DEMO_AS_OF

AS_OF = DEMO_AS_OF.isoformat()
KEY = ("gaps", "ORG_PARK_UNCOVERED", ("admin", ()), DEMO_AS_OF, None, None, 0, 50)
MAC_KEY = b"k" * 32
RAN: list[str] = []


class _Trap:
    """Unpickling it would run code: what a forged answer in the store could do."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return RAN.append, ("unpickled",)


@pytest.fixture
def store(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def test_an_answer_is_shared_by_version_and_expires(redis_url: str, store: redis.Redis) -> None:
    one = RedisResultCache(redis_url, MAC_KEY, max_age=0.3)
    other = RedisResultCache(redis_url, MAC_KEY, max_age=0.3)  # another machine's process
    answer = ("A-1", [{"id": "K-1", "detail": {"since": DEMO_AS_OF}}], 1)
    one.put(KEY, "v1", answer)
    assert other.get(KEY, "v1") == (True, answer)
    assert other.get(KEY, "v2") == (False, None)  # the graph changed: never served
    assert other.get(KEY[:-1], "v1") == (False, None)  # another question
    time.sleep(0.5)
    assert other.get(KEY, "v1") == (False, None)  # older than max_age: the store dropped it
    assert store.dbsize() == 0


def test_an_answer_not_sealed_with_the_key_is_never_unpickled(
    redis_url: str, store: redis.Redis
) -> None:
    ours = RedisResultCache(redis_url, MAC_KEY)
    theirs = RedisResultCache(redis_url, b"x" * 32)  # sealed with another key
    theirs.put(KEY, "v1", "someone else's answer")
    assert ours.get(KEY, "v1") == (False, None)
    name = ours._name(KEY)
    forged = bytes(32) + (2).to_bytes(2, "big") + b"v1" + pickle.dumps(_Trap())
    store.set(name, forged)
    assert ours.get(KEY, "v1") == (False, None)
    store.set(name, b"short")
    assert ours.get(KEY, "v1") == (False, None)
    assert RAN == []


def test_a_store_that_is_down_is_a_miss_not_a_failure() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cache = RedisResultCache(f"redis://127.0.0.1:{port}/0", MAC_KEY)
    started = time.monotonic()
    cache.put(KEY, "v1", 1)  # logged, not raised
    assert cache.get(KEY, "v1") == (False, None)
    assert time.monotonic() - started < 5
    tiered = Tiered(ResultCache(4, 60.0), cache)
    tiered.put(KEY, "v1", 1)
    assert tiered.get(KEY, "v1") == (True, 1)  # this process's memory still answers


def test_the_memory_in_front_answers_only_what_the_store_would(
    redis_url: str, store: redis.Redis
) -> None:
    shared = RedisResultCache(redis_url, MAC_KEY)
    mine = Tiered(ResultCache(4, 60.0), shared)
    theirs = Tiered(ResultCache(4, 60.0), RedisResultCache(redis_url, MAC_KEY))
    theirs.put(KEY, "v1", "computed over there")
    assert mine.get(KEY, "v1") == (True, "computed over there")  # from the store
    store.flushdb()
    assert mine.get(KEY, "v1") == (True, "computed over there")  # now from memory
    assert mine.get(KEY, "v2") == (False, None)  # a new version: neither answers


@pytest.fixture
def two_processes(
    settings: Settings, admin_headers: dict[str, str], db: Database, redis_url: str,
    store: redis.Redis,
) -> Iterator[tuple[TestClient, TestClient]]:  # fmt: skip
    """Two API processes (apps with memories of their own) sharing one Redis."""
    assert load_demo(db) is not None
    shared = settings.model_copy(update={"result_cache_url": SecretStr(redis_url)})
    with (TestClient(create_app(shared), headers=admin_headers) as one,
          TestClient(create_app(shared), headers=admin_headers) as other):  # fmt: skip
        yield one, other


def computed(client: TestClient) -> int:
    count: int = client.app.state.reads.computed  # type: ignore[attr-defined]
    return count


def gaps(client: TestClient) -> dict[str, Any]:
    page: dict[str, Any] = client.get(
        "/gaps/ORG_BUILDING_UNCOVERED", params={"as_of": AS_OF, "area": "A-ERQI"}
    ).json()
    return page


def covered(client: TestClient) -> int:
    summary = client.get("/areas/A-ERQI/coverage", params={"as_of": AS_OF}).json()
    return int(summary["area"]["organization"]["covered"])


def test_processes_sharing_a_store_serve_each_others_answers_and_never_a_stale_one(
    two_processes: tuple[TestClient, TestClient], db: Database
) -> None:
    one, other = two_processes
    first = gaps(one)
    assert [item["id"] for item in first["items"]] == ["B-HEPING"]
    covered_before = covered(one)
    before = computed(other)
    # computed by the first process, found in the store by the second
    assert gaps(other) == first
    assert covered(other) == covered_before
    assert computed(other) == before

    # a write through the second process: the first, whose memory holds the old answer,
    # never serves it again
    covers = {"from_id": "PO-ERQI-WC", "to_id": "B-HEPING", "since": "2020-01-01"}
    assert other.post("/relationships/covers", json=covers).status_code == 201
    after = gaps(one)
    assert after["total"] == 0 and after["items"] == []
    assert covered(one) == covered_before + 2
    assert gaps(other) == after

    # and back, through the first
    gone = one.delete("/relationships/covers/PO-ERQI-WC/B-HEPING")
    assert gone.status_code == 204
    assert gaps(other) == first
