"""The managed local server through the real `graph-service db` commands, and the compose file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from pydantic import SecretStr

from graph_service.cli_db import open_database
from graph_service.config import Settings
from graph_service.db.first_load import entities_stored
from graph_service.neo4j_server.manager import LocalNeo4j, Neo4jServerError, free_port
from graph_service.services.imports import import_files
from loaders.demo import DEMO_BUNDLE


class _FailingAfterImport(LocalNeo4j):
    """The managed server, whose neo4j-admin import fails once it has replaced the store."""

    def import_full(self, *args: Any, **kwargs: Any) -> str:
        super().import_full(*args, **kwargs)
        raise Neo4jServerError("neo4j-admin failed after the store was replaced (a test)")


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph_service.cli", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_db_start_env_status_backup_restore_stop_leaves_no_java_behind(tmp_path: Path) -> None:
    """`db start`, `db env` and `db status`, a second start, a second server on the taken
    port; a backup, wipe and restore giving back an identical export; `db stop` leaving no
    Java behind. One managed server for all of it: a fresh server's first start (its store
    made, its password set, its JVM booted) was most of the time of each half."""
    data = tmp_path / "data"
    env = os.environ | {"DATA_DIR": str(data)}
    env.pop("NEO4J_URI", None)
    port = str(free_port())
    started = cli("db", "start", "--port", port, env=env)
    assert started.returncode == 0, started.stderr
    pid = None
    failing: LocalNeo4j | None = None
    try:
        lines = dict(line.split("=", 1) for line in cli("db", "env", env=env).stdout.splitlines())
        assert lines["NEO4J_URI"] == f"bolt://127.0.0.1:{port}"
        password_file = data / "neo4j" / "password"
        assert password_file.stat().st_mode & 0o777 == 0o600
        assert lines["NEO4J_PASSWORD"] == password_file.read_text().strip()
        with GraphDatabase.driver(
            lines["NEO4J_URI"], auth=(lines["NEO4J_USER"], lines["NEO4J_PASSWORD"])
        ) as driver:
            records, _, _ = driver.execute_query(
                "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition"
            )
            assert records[0]["v"].startswith("5.26.") and records[0]["edition"] == "community"
        assert cli("db", "status", env=env).returncode == 0
        # a second start reuses the running server
        again = cli("db", "start", env=env)
        assert again.returncode == 0 and f":{port}" in again.stdout
        assert LocalNeo4j(data / "neo4j", data).pid() is not None
        # the port is taken now: a second server on it gets a clear error
        other = LocalNeo4j(tmp_path / "other", Path.home() / ".cache" / "graph-service",
                           bolt_port=int(port))  # fmt: skip
        with pytest.raises(Neo4jServerError, match=f"Port {port} .* is taken"):
            other.start()

        # backup, wipe, restore: the same export
        # the demo region, and a unit whose cells a CSV writer must quote: a note spanning
        # lines, quotes, commas (the first load below writes them through neo4j-admin)
        extra = tmp_path / "units.csv"
        extra.write_text(
            "编号 id,名称 name,备注 note,地址 address,单位类型 kind,纬度 latitude,经度 longitude\n"
            'U-QUOTED,"引号""单位"", 逗号","第一行\n第二行, ""引""",'
            '"经十路 1 号",enterprise,36.65,117.12\n',
            encoding="utf-8",
        )  # fmt: skip
        loaded = cli("load", str(DEMO_BUNDLE), str(extra), env=env)
        assert loaded.returncode == 0, loaded.stderr
        exported = cli("export", str(tmp_path / "before.json"), "--format", "json", env=env)
        assert exported.returncode == 0, exported.stderr
        backup = tmp_path / "backups" / "erqi.dump"
        backed_up = cli("db", "backup", str(backup), env=env)
        assert backed_up.returncode == 0, backed_up.stderr
        assert backup.stat().st_size > 0 and "running again" in backed_up.stdout
        assert [p.name for p in backup.parent.iterdir()] == ["erqi.dump"]  # no leftovers

        lines = dict(line.split("=", 1) for line in cli("db", "env", env=env).stdout.splitlines())
        with GraphDatabase.driver(
            lines["NEO4J_URI"], auth=(lines["NEO4J_USER"], lines["NEO4J_PASSWORD"])
        ) as driver:
            driver.execute_query("MATCH (n) DETACH DELETE n")  # the wipe

        unasked = cli("db", "restore", str(backup), env=env)
        assert unasked.returncode != 0 and "--yes" in unasked.stderr
        not_a_dump = tmp_path / "not.dump"
        not_a_dump.write_bytes(b"not a dump" * 100)
        running = LocalNeo4j(data / "neo4j", data).pid()
        refused = cli("db", "restore", str(not_a_dump), "--yes", env=env)
        assert refused.returncode != 0
        assert "不是 neo4j-admin 能读取的备份文件" in refused.stderr, refused.stderr
        assert f"{not_a_dump}" in refused.stderr and "nothing was changed" in refused.stderr
        assert LocalNeo4j(data / "neo4j", data).pid() == running  # refused before any stop
        missing = cli("db", "restore", str(tmp_path / "none.dump"), "--yes", env=env)
        assert missing.returncode != 0 and "备份文件不存在" in missing.stderr, missing.stderr
        restored = cli("db", "restore", str(backup), "--yes", env=env)
        assert restored.returncode == 0, restored.stderr
        again = cli("export", str(tmp_path / "after.json"), "--format", "json", env=env)
        assert again.returncode == 0, again.stderr
        before = (tmp_path / "before.json").read_bytes()
        assert len(before) > 10_000
        assert (tmp_path / "after.json").read_bytes() == before

        # a first load into the emptied database (neo4j-admin database import): the same
        # graph as the transactional import gave, the accounts and the audit trail kept
        assert cli("users", "add", "keeper", "--role", "admin", env=env).returncode == 0
        with GraphDatabase.driver(
            lines["NEO4J_URI"], auth=(lines["NEO4J_USER"], lines["NEO4J_PASSWORD"])
        ) as driver:
            driver.execute_query("MATCH (n:Entity) DETACH DELETE n")
        # neo4j-admin failing once the store is replaced: the dump taken first is loaded back
        settings = Settings(neo4j_uri=lines["NEO4J_URI"], neo4j_user=lines["NEO4J_USER"],
                            neo4j_password=SecretStr(lines["NEO4J_PASSWORD"]))  # fmt: skip
        failing = _FailingAfterImport.attached(data / "neo4j", data)
        with open_database(settings) as db:
            with pytest.raises(Neo4jServerError, match="after the store was replaced"):
                import_files(db, [DEMO_BUNDLE, extra], first_load=failing)
            assert not entities_stored(db)
        assert not (data / "neo4j" / "data" / "neo4j.aside").exists()  # moved back
        assert "keeper" in cli("users", "list", env=env).stdout
        verified = cli("audit", "--verify", env=env)
        assert verified.returncode == 0 and "OK" in verified.stdout, verified.stdout

        first = cli("load", str(DEMO_BUNDLE), str(extra), "--first-load", env=env)
        assert first.returncode == 0, first.stderr
        assert "neo4j-admin database import" in first.stderr  # its steps' times
        assert "CSV files written beside validation" in first.stderr  # csv_beside.py
        loaded = cli("export", str(tmp_path / "first.json"), "--format", "json", env=env)
        assert loaded.returncode == 0, loaded.stderr
        assert (tmp_path / "first.json").read_bytes() == before
        assert "第一行\\n第二行" in before.decode()  # the note kept its line break
        assert not (data / "neo4j" / "data" / "neo4j.aside").exists()  # removed once whole
        assert "keeper" in cli("users", "list", env=env).stdout
        verified = cli("audit", "--verify", env=env)
        assert verified.returncode == 0 and "OK" in verified.stdout, verified.stdout
        trail = cli("audit", "--format", "json", env=env).stdout
        assert '"import.finish"' in trail and "first_load" in trail
        # the graph is there now: a second first load is refused before the server stops
        again = cli("load", str(DEMO_BUNDLE), "--first-load", env=env)
        assert again.returncode != 0 and "数据库中已有数据" in again.stderr, again.stderr

        # the JVM running now (the backup, the restore and the first load restarted it)
        pid = LocalNeo4j(data / "neo4j", data).pid()
        assert pid is not None
    finally:
        stopped = cli("db", "stop", env=env)
        if failing is not None:  # it started the server again: its child, to be reaped
            failing.stop()
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    stat = Path(f"/proc/{pid}/stat")
    # gone, or a zombie waiting for a container's init to reap it: not running either way
    assert not stat.exists() or ") Z " in stat.read_text(), "the JVM is still alive after stop"
    assert cli("db", "status", env=env).returncode == 3


def test_a_database_moved_aside_comes_back_whole_and_is_never_overwritten(tmp_path: Path) -> None:
    """A first load moves the stopped database's folders aside and back (renames); a
    folder left by an interrupted one is refused, not replaced, and nothing moves then."""
    server = LocalNeo4j(tmp_path / "n", tmp_path / "cache", bolt_port=free_port())
    data = tmp_path / "n" / "data"
    store = {data / "databases" / "neo4j" / "neostore": b"store",
             data / "databases" / "neo4j" / "schema" / "index": b"index",
             data / "transactions" / "neo4j" / "neostore.transaction.db.0": b"log",
             data / "databases" / "system" / "neostore": b"system"}  # fmt: skip
    for file, content in store.items():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(content)

    aside = server.move_aside()
    assert not (data / "databases" / "neo4j").exists()
    assert not (data / "transactions" / "neo4j").exists()
    assert (data / "databases" / "system" / "neostore").read_bytes() == b"system"
    (data / "databases" / "neo4j").mkdir()  # what a failed import leaves
    (data / "databases" / "neo4j" / "neostore").write_bytes(b"half written")
    server.move_back(aside)
    assert {f: f.read_bytes() for f in store} == store
    assert not aside.exists()

    left = server.move_aside()  # an interrupted first load's
    (data / "databases" / "neo4j").mkdir()
    with pytest.raises(Neo4jServerError, match="interrupted first load"):
        server.move_aside()
    assert (left / "databases" / "neostore").read_bytes() == b"store"
    assert (data / "databases" / "neo4j").is_dir()


def test_wrong_java_version_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_home = tmp_path / "jdk"
    (fake_home / "bin").mkdir(parents=True)
    java = fake_home / "bin" / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"25.0.1\" 2025-10-21' >&2\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(fake_home))
    server = LocalNeo4j(
        tmp_path / "n", Path.home() / ".cache" / "graph-service", bolt_port=free_port()
    )
    with pytest.raises(Neo4jServerError, match=r"needs Java 17 to 21.*Java 25"):
        server.start()


def test_missing_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))
    server = LocalNeo4j(tmp_path / "n", tmp_path / "cache", bolt_port=free_port())
    with pytest.raises(Neo4jServerError, match="Java was not found"):
        server.start()


def _compose() -> list[str] | None:
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_file_is_valid_and_takes_the_password_from_the_environment(repo_root: Path) -> None:
    compose = _compose()
    if compose is None:
        pytest.skip("no docker compose client on this machine")
    env = os.environ | {"NEO4J_PASSWORD": "a-real-password"}
    ok = subprocess.run([*compose, "config"], cwd=repo_root, env=env, capture_output=True,
                        text=True, check=False)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "neo4j:5.26-community" in ok.stdout
    assert "service_healthy" in ok.stdout
    env.pop("NEO4J_PASSWORD")
    missing = subprocess.run([*compose, "config"], cwd=repo_root, env=env, capture_output=True,
                             text=True, check=False)  # fmt: skip
    assert missing.returncode != 0
    assert "NEO4J_PASSWORD" in missing.stderr
    assert "a-real-password" not in (repo_root / "docker-compose.yml").read_text()
