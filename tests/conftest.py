"""Test fixtures: one real Neo4j server for the whole session.

Unless ``NEO4J_URI`` is set (then that server is used, and wiped between tests), the
session starts a throwaway managed server on a free port in a temporary folder, using
the jars cached by ``graph-service db start``, and stops it at the end. Each test starts
from an empty database (schema kept) without restarting the server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from graph_service.config import Settings
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.neo4j_server.manager import LocalNeo4j, free_port


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that restart the session's Neo4j run last. A restart empties the server's
    query-plan cache, and every test after a restart would plan its queries again (the
    gap and export queries are large: planning them takes tens of seconds)."""
    items.sort(key=lambda item: item.get_closest_marker("restarts_neo4j") is not None)


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
        }
        values.update(overrides)
        return Settings.model_validate(values)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jUnderTest]:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield Neo4jUnderTest(
            uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"], None
        )
        return
    home = tmp_path_factory.mktemp("neo4j")
    server = LocalNeo4j(
        home=home,
        cache_dir=Settings().cache_dir,
        bolt_port=free_port(),
        heap="768m",
        pagecache="256m",
    )
    info = server.start()
    try:
        yield Neo4jUnderTest(info.uri, info.user, info.password, server)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def registry() -> QueryRegistry:
    return QueryRegistry.load(Settings().cypher_dir)


@pytest.fixture(scope="session")
def session_database(neo4j_server: Neo4jUnderTest, registry: QueryRegistry) -> Iterator[Database]:
    settings = neo4j_server.settings()
    driver = open_driver(settings)
    database = Database(driver, registry, settings.neo4j_database)
    database.ensure_schema()
    try:
        yield database
    finally:
        driver.close()


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
