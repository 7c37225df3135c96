"""``graph-service load`` meeting a database that is away, or a graph changing under it,
says what happened and that running it again completes the import (in Chinese and
English), exits non-zero, and prints no traceback: real processes, the real Neo4j."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.neo4j_server.manager import free_port
from graph_service.services.imports import import_files
from tests.test_import_interrupted import BATCH, make_bundle, wait_until_paused
from tests.test_import_spool import start_load


def test_load_when_neo4j_is_away_says_so_without_a_traceback(tmp_path: Path) -> None:
    folder = make_bundle(tmp_path / "bundle", units=10)
    env = os.environ | {
        "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}",  # nothing listens
        "NEO4J_PASSWORD": "not-a-placeholder",
        "NEO4J_CONNECTION_TIMEOUT": "1",
        "NEO4J_MAX_TRANSACTION_RETRY_TIME": "1",
        "AUDIT_KEY": "test-audit-key",
    }
    done = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "load", str(folder)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) <= 3, done.stderr
    assert "Neo4j could not be reached during the import" in done.stderr
    assert "run the same command again to complete the import" in done.stderr
    assert "重新运行同一命令即可完成导入" in done.stderr


@pytest.mark.slow
def test_load_racing_a_delete_says_what_changed_without_a_traceback(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    """An area of the input is deleted while the import writes its units: the places of
    the units in it cannot be written. Before, they were left out unnoticed; now the import
    stops there and says so, and run again it completes (the area is in the input)."""
    folder = make_bundle(tmp_path / "bundle", units=2 * BATCH)  # start_load writes BATCH rows a go
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    paused = tmp_path / "paused"
    process = start_load(folder, settings, tmp, paused)
    wait_until_paused(process, paused)  # areas written, a batch of units, more to come
    db.driver.execute_query("MATCH (a:Area {id: 'A-C3'}) DETACH DELETE a", database_=db.database)
    paused.unlink()
    _, stderr = process.communicate(timeout=300)

    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr and len(stderr.splitlines()) <= 3, stderr
    assert "the graph changed while this import was writing LOCATED_IN" in stderr
    assert "refer to nodes deleted meanwhile" in stderr
    assert "run the import again to complete it" in stderr and "重新导入即可完成" in stderr

    again = import_files(db, [folder])
    assert again.written and not again.problems
    located = db.driver.execute_query(
        "MATCH (:Unit)-[r:LOCATED_IN]->(:Area) RETURN count(r) AS n", database_=db.database
    ).records[0]["n"]
    assert located == 2 * BATCH
