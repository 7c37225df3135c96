"""Test fixtures: one real Neo4j server for the whole session.

Unless ``NEO4J_URI`` is set (then that server is used, and wiped between tests), the
session starts a throwaway managed server on a free port in a temporary folder, using
the jars cached by ``graph-service db start``, and stops it at the end. Each test starts
from an empty database (schema kept) without restarting the server.

The server boots in a background thread from the session's first test on, and the tests
that need no Neo4j run first: a fresh server takes 15-20 s to answer, most of it on one
core, which those tests use the other core for. Once it answers, the same thread has it plan
the gap, count, summary and support reads (about 45 s of one core), which the first tests to
send them would otherwise wait for (pytest 473-525 s here with it, 526-564 s without).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from pydantic import SecretStr

from graph_service.config import Settings
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.db.warmup import warm_plans
from graph_service.neo4j_server.manager import LocalNeo4j, ServerInfo, free_port

# No per-example time limit: on a loaded 2-core machine a pure example took 405 ms once
# against hypothesis' default 200 ms, and a timing check makes the suite flaky, not safer.
# The suite's examples are the same on every run (derandomize): a run on a clean clone
# passes or fails by the code alone. HYPOTHESIS_PROFILE=explore draws new ones each run, to
# look for cases the fixed ones miss (a case found is then kept as an @example).
hypothesis_settings.register_profile("suite", deadline=None, derandomize=True)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

NEEDS_NEO4J = pytest.StashKey[bool]()
#: the audit key of the apps and databases the tests make (a key file would land in .data)
AUDIT_KEY = "test-audit-key"


def pytest_configure(config: pytest.Config) -> None:
    """The CLI processes the tests start sign the audit trail with the tests' key too."""
    os.environ["AUDIT_KEY"] = AUDIT_KEY


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need no Neo4j run first, while the session's server boots; tests that
    restart it run last. A restart empties the server's query-plan cache, and every test
    after a restart would plan its queries again (the gap and export queries are large:
    planning them takes tens of seconds)."""

    def needs_neo4j(item: pytest.Item) -> bool:
        return "neo4j_server" in getattr(item, "fixturenames", ())

    items.sort(key=lambda item: (item.get_closest_marker("restarts_neo4j") is not None,
                                 needs_neo4j(item)))  # fmt: skip
    config.stash[NEEDS_NEO4J] = any(needs_neo4j(item) for item in items)


@dataclass
class Neo4jUnderTest:
    uri: str
    user: str
    password: str
    server: LocalNeo4j | None  # None when NEO4J_URI points at an outside server

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "neo4j_uri": self.uri,
            "neo4j_user": self.user,
            "neo4j_password": SecretStr(self.password),
            "neo4j_connection_timeout": 2.0,
            "neo4j_max_transaction_retry_time": 2.0,
            "retry_after_seconds": 3,
            # the session plans ahead once, at boot (_plan_ahead); an app need not again
            "plan_ahead": False,
            "audit_key": SecretStr(AUDIT_KEY),
        }
        values.update(overrides)
        return Settings.model_validate(values)


@pytest.fixture(scope="session", autouse=True)
def _neo4j_booting(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LocalNeo4j, Future[ServerInfo]] | None]:
    """The session's throwaway server, started in the background at the first test (None
    when ``NEO4J_URI`` names an outside server, or when no selected test needs one);
    stopped at the end of the session."""
    if os.environ.get("NEO4J_URI") or not request.config.stash.get(NEEDS_NEO4J, True):
        yield None
        return
    server = LocalNeo4j(
        home=tmp_path_factory.mktemp("neo4j"),
        cache_dir=Settings().cache_dir,
        bolt_port=free_port(),
        heap="768m",
        pagecache="256m",
        # Planning is most of the suite's time, and the answers are the same under any plan.
        # Each test loads a different small graph into the emptied database: the statistics
        # swing, and by default Neo4j plans a query again when they have moved and 10 s
        # have passed since it planned it. And it plans a query apart for each size class
        # of its list and string parameters (empty, 1, 2-10, 11-100, more).
        extra_settings={"dbms.cypher.min_replan_interval": "24h",
                        "internal.cypher.use_parameter_size": "false"},
    )
    stop_planning = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-boot") as pool:
        booting = pool.submit(_start_with_schema, server)
        planning = pool.submit(_plan_ahead, booting, stop_planning)  # runs once it has booted
        try:
            yield server, booting
        finally:
            stop_planning.set()
            booting.exception()  # waits: never stop a server that is still starting
            planning.exception()
            server.stop()


def _start_with_schema(server: LocalNeo4j) -> ServerInfo:
    info = server.start()
    with _database(info) as database:
        database.ensure_schema()  # before planning: a schema change empties the plan cache
    return info


def _plan_ahead(booting: Future[ServerInfo], stop: threading.Event) -> None:
    """Have the fresh server plan the gap, count, summary and support reads (as the API
    does at start-up) while the tests that need no Neo4j still run: planning them is tens
    of seconds of one core, which the first tests to read them would otherwise wait for.
    Plans made on the empty graph are kept (``min_replan_interval`` above)."""
    if booting.exception() is None:
        with _database(booting.result()) as database:
            warm_plans(database, stop=stop)


@contextmanager
def _database(server: Neo4jUnderTest | ServerInfo) -> Iterator[Database]:
    """A driver of its own on the server, closed on leaving."""
    if isinstance(server, ServerInfo):
        server = Neo4jUnderTest(server.uri, server.user, server.password, None)
    settings = server.settings()
    driver = open_driver(settings)
    try:
        yield Database(driver, QueryRegistry.load(settings.cypher_dir), settings.neo4j_database,
                       audit_key=AUDIT_KEY.encode())  # fmt: skip
    finally:
        driver.close()


@pytest.fixture(scope="session")
def neo4j_server(
    _neo4j_booting: tuple[LocalNeo4j, Future[ServerInfo]] | None,
) -> Neo4jUnderTest:
    """The session's Neo4j, once it answers."""
    if _neo4j_booting is None:  # no test needing it was selected, or NEO4J_URI is set
        return Neo4jUnderTest(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
            None,
        )
    server, booting = _neo4j_booting
    info = booting.result()
    return Neo4jUnderTest(info.uri, info.user, info.password, server)


@pytest.fixture(scope="session")
def registry() -> QueryRegistry:
    return QueryRegistry.load(Settings().cypher_dir)


@pytest.fixture(scope="session")
def session_database(neo4j_server: Neo4jUnderTest) -> Iterator[Database]:
    with _database(neo4j_server) as database:
        database.ensure_schema()
        yield database


@pytest.fixture(scope="module")
def demo_database(session_database: Database) -> Database:
    """The session's database holding only the demo region, loaded once for a module whose
    tests may change it (the test modules after it start from a wiped database)."""
    from graph_service.services.demo import load_demo

    session_database.wipe()
    session_database.ensure_schema()
    load_demo(session_database)
    return session_database


@pytest.fixture
def db(session_database: Database) -> Database:
    """The session's database, emptied of data (schema kept) before the test."""
    session_database.wipe()
    session_database.ensure_schema()
    return session_database


@pytest.fixture
def settings(neo4j_server: Neo4jUnderTest, db: Database) -> Settings:
    """Settings that point at the test server, whose database is empty."""
    return neo4j_server.settings()


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def admin_headers(db: Database) -> dict[str, str]:
    """Headers carrying the key of a fresh admin account (the database was just wiped)."""
    from graph_service.auth.principal import Principal, Role
    from graph_service.db.accounts import add_account

    return {"X-API-Key": add_account(db, Principal.cli(), "test-admin", Role.ADMIN)}


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis server (Debian's ``redis-server``, installed by ``make test``) for the
    session, in memory only, on a free port: the shared store of kept answers."""
    import shutil
    import subprocess
    import time

    import redis

    binary = shutil.which("redis-server") or shutil.which("valkey-server")
    assert binary, "no redis-server: `make tools` installs Debian's (apt-get install redis-server)"
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None, "redis-server exited"
                assert time.monotonic() < deadline, "redis-server did not answer in 20 s"
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(10)
