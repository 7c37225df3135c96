"""The import's spool of validated rows: unreadable on disk, removed however the import
ends — by itself on success, an error or SIGTERM, by the next import after ``kill -9`` —
against a real ``graph-service load`` process and the real Neo4j."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.services import imports as importer
from graph_service.services.imports import (
    SPOOL_LOCK,
    SPOOL_PREFIX,
    UPLOAD_PREFIX,
    import_files,
    remove_stale_spools,
)
from tests.graph_snapshot import snapshot
from tests.test_import_interrupted import (
    AREAS,
    BATCH,
    count_entities,
    expected_graph,
    load_command,
    make_bundle,
    wait_until_paused,
)

PHONE = "13812345678"
ID_NUMBER = "11010119900307117X"
HOME = "二七新村建新街3号"
PERSONS = 200
#: two batches of units (of BATCH rows, as the `graph-service load` processes here write):
#: each kill lands after a batch, with more of the import to come
UNITS = 2 * BATCH


def bundle_with_persons(folder: Path) -> Path:
    """The interrupted-import bundle (areas, units, where each unit is), and persons whose
    phone, ID number and home address are planted, to look for on disk."""
    make_bundle(folder, UNITS)
    with (folder / "persons.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["编号 id", "名称 name", "电话 phone", "身份证号 id_number", "住址 home_address"]
        )
        writer.writerows(
            [f"PS-{i:04d}", f"居民{i}", PHONE, ID_NUMBER, HOME] for i in range(PERSONS)
        )
    return folder


def spools(root: Path) -> list[Path]:
    return sorted(root.glob(f"{SPOOL_PREFIX}*"))


def start_load(
    folder: Path, settings: Settings, tmp: Path, paused: Path | None = None
) -> subprocess.Popen[str]:
    """`graph-service load FOLDER` writing BATCH rows a transaction, pausing after its first
    batch of units when given ``paused`` (load_command)."""
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "TMPDIR": str(tmp),  # the spool lands here, apart from other tests' and users'
    }
    if settings.audit_key is not None:  # the suite's signing key, not a key file in .data
        env["AUDIT_KEY"] = settings.audit_key.get_secret_value()
    return subprocess.Popen(load_command(folder, paused), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


@pytest.mark.slow
def test_killed_and_terminated_imports_leave_no_readable_spool_and_a_rerun_completes(
    db: Database, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH_SIZE", BATCH)  # as in the processes started
    folder = bundle_with_persons(tmp_path / "bundle")
    expected = expected_graph(db, folder)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    planted = [value.encode() for value in (PHONE, ID_NUMBER, HOME)]

    # 1. kill -9 while writing: the spool stays, but nothing in it can be read
    paused = tmp_path / "paused"
    killed = start_load(folder, settings, tmp, paused)
    wait_until_paused(killed, paused)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    partway = count_entities(db)
    assert partway == AREAS + BATCH  # the first batch of units, no person yet
    [left] = spools(tmp)
    files = sorted(left.glob("*.spool"))
    assert {f.name for f in files} >= {"Person.spool", "Unit.spool", "LOCATED_IN.spool"}
    for file in files:
        data = file.read_bytes()
        for value in planted:
            assert value not in data, f"{value!r} is in clear in {file.name}"
        assert "居民".encode() not in data and b"U-000001" not in data

    # 2. the next import removes the dead one's spool; SIGTERM stops it cleanly
    paused.unlink()
    terminated = start_load(folder, settings, tmp, paused)
    wait_until_paused(terminated, paused)  # the rest of the units written, no person yet
    assert count_entities(db) == AREAS + UNITS
    assert not left.exists(), "the killed import's spool outlived the next import's start"
    terminated.send_signal(signal.SIGTERM)
    _, stderr = terminated.communicate(timeout=60)
    assert terminated.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert "SIGTERM" in stderr and "run the same command again" in stderr
    assert "重新运行同一命令即可完成导入" in stderr
    assert spools(tmp) == [], "SIGTERM left the spool behind"

    # 3. running it again completes the import: the graph of an uninterrupted one
    completed = start_load(folder, settings, tmp)
    _, stderr = completed.communicate(timeout=300)
    assert completed.returncode == 0, stderr
    assert spools(tmp) == []
    assert snapshot(db) == expected


def test_a_running_importers_spool_is_kept_and_a_dead_ones_removed(
    db: Database, tmp_path: Path
) -> None:
    """remove_stale_spools tells a spool whose importer runs (its lock is held) from one
    whose importer died (nobody holds the lock), removes the API's copies of uploads left by
    a killed process too, and leaves young unlocked folders alone."""
    folder = make_bundle(tmp_path / "bundle", units=10)
    dead = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=tmp_path))
    (dead / SPOOL_LOCK).write_text("999999")  # its process is gone: nothing holds the lock
    (dead / "Unit.spool").write_bytes(b"sealed rows")
    upload = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX, dir=tmp_path))  # the API's, killed
    (upload / SPOOL_LOCK).write_text("999998")
    (upload / "0").mkdir()
    (upload / "0" / "persons.csv").write_text(f"编号 id,名称 name,电话 phone\nPS-1,居民,{PHONE}\n")
    making = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=tmp_path))  # no lock file yet
    looked: list[tuple[list[Path], list[Path]]] = []

    def look(phase: str, done: int, total: int | None) -> None:
        """During the import: its own spool, and what a clean-up then removes."""
        if not looked:
            ours = [f for f in spools(Path(tempfile.gettempdir()))
                    if (f / SPOOL_LOCK).exists()
                    and (f / SPOOL_LOCK).read_text() == str(os.getpid())]  # fmt: skip
            looked.append((ours, remove_stale_spools()))

    assert import_files(db, [folder], progress=look).written
    [(ours, removed)] = looked
    assert len(ours) == 1 and ours[0] not in removed, "a running import's spool was removed"
    assert not ours[0].exists(), "the import did not remove its own spool"
    assert remove_stale_spools(tmp_path) == sorted([dead, upload])
    assert making.exists()  # young and unlocked: perhaps being made
    old = time.time() - 3600
    os.utime(making, (old, old))
    assert remove_stale_spools(tmp_path) == [making]
