"""An import killed half-way (or losing Neo4j half-way) loses nothing committed, and
re-running it completes it: the final graph equals that of an uninterrupted import."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.services import imports as importer
from graph_service.services.imports import import_files
from tests.graph_snapshot import snapshot

#: rows per write transaction, in this process (monkeypatched) and in the `graph-service load`
#: processes the tests start (load_command): a fifth of the service's 5,000, so the same
#: transactions in the same order write a fifth of the rows
BATCH = 1_000
UNITS = 2 * BATCH  # two batches of units: the kill lands after the first
AREAS = 21


def prelude(paused: Path | None = None) -> str:
    """Python run before the CLI's entry point in a process a test starts: the import's
    batch size (a module constant, read at each flush) set to BATCH. With ``paused``, the
    process creates that file once its first batch of units is committed, and waits until
    the file is removed (or it is killed): a test acts between two batches, however fast
    the machine."""
    code = f"from graph_service.services import imports\nimports.BATCH_SIZE = {BATCH}\n"
    if paused is not None:
        code += (
            "import pathlib, time\nfrom graph_service.db import imports as repo\n"
            f"paused, write = pathlib.Path({str(paused)!r}), repo.upsert_nodes\n"
            "def pausing(db, kind, *args, **kwargs):\n"
            "    counts = write(db, kind, *args, **kwargs)\n"
            "    if kind.value == 'Unit' and not pausing.done:\n"
            "        pausing.done = True\n"
            "        paused.touch()\n"
            "        deadline = time.monotonic() + 600\n"
            "        while paused.exists() and time.monotonic() < deadline:\n"
            "            time.sleep(0.05)\n"
            "    return counts\n"
            "pausing.done = False\n"
            "repo.upsert_nodes = pausing\n"
        )
    return code + "from graph_service.cli import main\nmain()"


def load_command(folder: Path, paused: Path | None = None) -> list[str]:
    """`graph-service load FOLDER` for a process of its own (:func:`prelude`)."""
    return [sys.executable, "-c", prelude(paused), "load", str(folder)]


def wait_until_paused(process: subprocess.Popen[Any], paused: Path) -> None:
    """Wait for a process started with ``load_command(folder, paused)`` to pause."""
    deadline = time.monotonic() + 120
    while not paused.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, err = process.communicate()
            raise AssertionError(f"the import did not pause (exit {process.returncode}): "
                                 f"{err!s:.2000}")  # fmt: skip
        time.sleep(0.05)


def make_bundle(folder: Path, units: int = UNITS) -> Path:
    folder.mkdir()
    with (folder / "areas.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["编号 id", "名称 name", "层级 level"])
        writer.writerows(
            [["A-S", "示例街道", "subdistrict"]]
            + [[f"A-C{i}", f"示例{i}社区", "community"] for i in range(20)]
        )
    with (folder / "units.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["编号 id", "名称 name", "单位类型 kind", "正式党员数 formal_party_members"]
        )
        writer.writerows([f"U-{i:06d}", f"示例单位{i}", "enterprise", i % 7] for i in range(units))
    with (folder / "located_in.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["起点编号 from_id", "终点编号 to_id", "开始日期 since"])
        writer.writerows([f"U-{i:06d}", f"A-C{i % 20}", "2020-01-01"] for i in range(units))
    return folder


def count_entities(db: Database) -> int:
    return int(db.read("entity_count")[0]["entities"])


def expected_graph(db: Database, folder: Path) -> object:
    db.wipe()
    assert import_files(db, [folder]).written
    graph = snapshot(db)
    db.wipe()
    return graph


@pytest.mark.slow
def test_killed_importer_then_rerun_gives_the_uninterrupted_graph(
    db: Database, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH_SIZE", BATCH)  # as in the process killed
    folder = make_bundle(tmp_path / "bundle")
    expected = expected_graph(db, folder)
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    paused = tmp_path / "paused"
    process = subprocess.Popen(load_command(folder, paused), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    wait_until_paused(process, paused)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    partway = count_entities(db)
    assert partway == AREAS + BATCH, "the kill lands between the two batches of units"

    report = import_files(db, [folder])
    assert report.written
    # what was committed before the kill stayed, and is not written again
    assert report.counts["Area"].unchanged + report.counts["Unit"].unchanged == partway
    assert snapshot(db) == expected


# An import losing Neo4j half-way is checked in tests/test_outage.py, during the one stop and
# start of the session's server that serves all such checks (with make_bundle, expected_graph
# and count_entities from here).
