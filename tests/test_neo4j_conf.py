"""The managed server's neo4j.conf, as the running server took it."""

from __future__ import annotations

import pytest

from graph_service.db.database import Database
from graph_service.neo4j_server.manager import TX_LOG_RETENTION
from tests.conftest import Neo4jUnderTest


def test_transaction_logs_are_kept_within_a_bound(
    neo4j_server: Neo4jUnderTest, session_database: Database
) -> None:
    """Neo4j's default keeps two days of transaction logs whatever their size; the managed
    server keeps at most a gigabyte of them (a value the server refuses would not start it)."""
    if neo4j_server.server is None:
        pytest.skip("an outside server (NEO4J_URI) has its own configuration")
    records, _, _ = session_database.driver.execute_query(
        "SHOW SETTINGS YIELD name, value WHERE name = 'db.tx_log.rotation.retention_policy' "
        "RETURN value",
        database_="system",
    )
    assert [r["value"] for r in records] == [TX_LOG_RETENTION] == ["2 days 1G"]
