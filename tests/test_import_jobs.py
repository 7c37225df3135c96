"""Imports as jobs (POST /imports → 202, GET /imports/jobs/{id}) against the real Neo4j: the
same report and graph as the synchronous path, seen only by its account and admins, a bad
row failing it with nothing written, and — with a real API process killed (SIGKILL) in the
middle of writing — interrupted after the restart, then resumed to the uninterrupted graph."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.neo4j_server.manager import free_port
from graph_service.services.imports import import_files
from tests.conftest import AUDIT_KEY
from tests.graph_snapshot import snapshot
from tests.test_import_interrupted import (
    AREAS,
    BATCH,
    count_entities,
    expected_graph,
    make_bundle,
    prelude,
    wait_until_paused,
)

Files = list[tuple[str, tuple[str, bytes, str]]]
ENDED = {"succeeded", "failed", "interrupted"}


def upload_of(folder: Path) -> Files:
    return [("files", (path.name, path.read_bytes(), "text/csv"))
            for path in sorted(folder.iterdir())]  # fmt: skip


def admin(db: Database) -> dict[str, str]:
    return {"X-API-Key": add_account(db, Principal.cli(), "jobs-admin", Role.ADMIN)}


def organizers(db: Database) -> dict[str, dict[str, str]]:
    """Two organizers: of the whole subdistrict (A-S) and of one community (A-C1)."""
    cli = Principal.cli()
    return {
        "mine": {"X-API-Key": add_account(db, cli, "jobs-mine", Role.ORGANIZER, ["A-S"])},
        "other": {"X-API-Key": add_account(db, cli, "jobs-other", Role.ORGANIZER, ["A-C1"])},
    }


def seeded(db: Database, bundle: Path) -> dict[str, dict[str, str]]:
    """The bundle's areas (so the organizers' areas exist) and the three accounts."""
    assert import_files(db, [bundle / "areas.csv", bundle / "part_of.csv"]).written
    return {"admin": admin(db)} | organizers(db)


def wait_for(client: TestClient | httpx.Client, url: str, headers: dict[str, str],
             until: set[str], seconds: float = 120) -> dict[str, Any]:  # fmt: skip
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        job: dict[str, Any] = answer.json()
        if job["status"] in until:
            return job
        assert time.monotonic() < deadline, f"the job is still {job['status']}: {job}"
        time.sleep(0.1)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """Areas, 600 units in them, and the communities in the subdistrict (so an organizer of
    the subdistrict may import it)."""
    folder = make_bundle(tmp_path / "bundle", 600)
    rows = "\n".join(f"A-C{i},A-S" for i in range(20))
    (folder / "part_of.csv").write_text(f"from_id,to_id\n{rows}\n", encoding="utf-8")
    return folder


def test_a_large_upload_is_a_job_with_the_synchronous_report_and_graph(
    db: Database, settings: Settings, bundle: Path, tmp_path: Path
) -> None:
    files = upload_of(bundle)
    size = sum(len(content) for _, (_, content, _) in files)
    keys = seeded(db, bundle)
    with TestClient(create_app(settings)) as client:  # 10 MiB: this upload is answered at once
        answer = client.post("/imports", files=files, headers=keys["mine"])
        assert answer.status_code == 200, answer.text
        expected_report, expected = answer.json(), snapshot(db)
    db.wipe()
    keys = seeded(db, bundle)
    jobs_dir = tmp_path / "jobs"
    job_settings = settings.model_copy(update={"import_job_bytes": size,
                                               "import_jobs_dir": jobs_dir})  # fmt: skip
    with TestClient(create_app(job_settings)) as client:
        accepted = client.post("/imports", files=files, headers=keys["mine"])
        assert accepted.status_code == 202, accepted.text
        job = accepted.json()
        assert job["status"] in ("queued", "running") and job["account"] == "jobs-mine"
        assert job["bytes"] == size and job["files"] == [name for _, (name, _, _) in files]
        location = accepted.headers["Location"]
        assert location.endswith(f"/imports/jobs/{job['id']}")
        assert "Preference-Applied" not in accepted.headers
        done = wait_for(client, location, keys["mine"], ENDED)
        assert done["status"] == "succeeded", done
        assert done["report"] == expected_report
        assert done["phase"] == "write" and done["runs"] == 1 and done["error"] is None
        assert snapshot(db) == expected
        assert not (jobs_dir / job["id"]).exists(), "its files outlived the job"

        # seen by its account and admins only: to anyone else it does not exist
        assert client.get(location, headers=keys["admin"]).json()["report"] == expected_report
        for who, seen in (("mine", True), ("admin", True), ("other", False)):
            listed = client.get("/imports/jobs", headers=keys[who])
            assert listed.status_code == 200
            ids = [item["id"] for item in listed.json()["items"]]
            assert (job["id"] in ids) is seen, who
            assert all(item["report"] is None for item in listed.json()["items"])
        assert client.get(location, headers=keys["other"]).status_code == 404
        resumed = client.post(f"{location}/resume", headers=keys["other"])
        assert resumed.status_code == 404
        # only an interrupted job is resumed
        assert client.post(f"{location}/resume", headers=keys["mine"]).status_code == 409
        assert client.get("/imports/jobs/not-a-job", headers=keys["admin"]).status_code == 404

        # a small upload the client asks to be a job (RFC 7240): the same, at once
        small = [("files", ("areas.csv", (bundle / "areas.csv").read_bytes(), "text/csv"))]
        asked = client.post("/imports", files=small, headers=keys["admin"]
                            | {"Prefer": "return=minimal, respond-async; wait=5"})  # fmt: skip
        assert asked.status_code == 202 and asked.headers["Preference-Applied"] == "respond-async"
        again = wait_for(client, asked.headers["Location"], keys["admin"], ENDED)
        assert again["status"] == "succeeded" and again["report"]["totals"]["unchanged"] == AREAS

        # a job runs as its account, with its areas: one community's organizer may not
        # import the subdistrict's units
        refused = client.post("/imports", files=files, headers=keys["other"])
        assert refused.status_code == 202
        failed = wait_for(client, refused.headers["Location"], keys["other"], ENDED)
        assert failed["status"] == "failed" and failed["report"] is None
        assert failed["error"]["status"] == 403 and failed["error"]["code"] == "forbidden"
        assert snapshot(db) == expected

        # the list envelope: an admin sees the three jobs, newest first, two at a time
        first = client.get("/imports/jobs", params={"limit": 2}, headers=keys["admin"])
        page = first.json()
        assert page["total"] == 3 and len(page["items"]) == 2 and page["next"]
        assert first.headers["Link"].endswith('>; rel="next"')
        rest = client.get("/imports/jobs", params={"limit": 2, "cursor": page["next"]},
                          headers=keys["admin"]).json()  # fmt: skip
        assert rest["next"] is None
        assert [item["id"] for item in page["items"] + rest["items"]] == [
            failed["id"], again["id"], job["id"]]
        assert client.get("/imports/jobs", headers=keys["mine"]).json()["total"] == 1


def test_a_job_with_a_bad_row_fails_with_its_problems_and_writes_nothing(
    db: Database, settings: Settings, bundle: Path, tmp_path: Path
) -> None:
    units = bundle / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    lines[300] = lines[300].replace("enterprise", "不是单位类型")
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    keys = seeded(db, bundle)
    before = count_entities(db)
    jobs_dir = tmp_path / "jobs"
    job_settings = settings.model_copy(update={"import_job_bytes": 0, "import_jobs_dir": jobs_dir})
    with TestClient(create_app(job_settings), headers=keys["mine"]) as client:
        accepted = client.post("/imports", files=upload_of(bundle))
        assert accepted.status_code == 202, accepted.text
        job = wait_for(client, accepted.headers["Location"], keys["mine"], ENDED)
    assert job["status"] == "failed" and job["error"] is None
    report = job["report"]
    assert not report["written"] and not report["ok"]
    # the bad unit, and where it is (its end is a rejected row)
    assert [(p["file"], p["row"]) for p in report["problems"]] == [
        ("units.csv", 301), ("located_in.csv", 301)]
    assert "不是单位类型" in report["problems"][0]["value"]
    assert count_entities(db) == before, "a failed job wrote something"
    assert not (jobs_dir / job["id"]).exists()


@pytest.mark.slow
def test_a_stopping_api_interrupts_its_job_which_a_new_one_resumes(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    folder = make_bundle(tmp_path / "bundle")  # 10,000 units: seconds to validate
    expected = expected_graph(db, folder)
    keys = {"admin": admin(db)}
    job_settings = settings.model_copy(update={"import_job_bytes": 0,
                                               "import_jobs_dir": tmp_path / "jobs"})  # fmt: skip
    with TestClient(create_app(job_settings), headers=keys["admin"]) as client:
        accepted = client.post("/imports", files=upload_of(folder))
        assert accepted.status_code == 202
        location = accepted.headers["Location"]
    # the app has stopped (as on SIGTERM): its job stopped at its next row, files kept
    with TestClient(create_app(job_settings), headers=keys["admin"]) as client:
        job = client.get(location).json()
        assert job["status"] == "interrupted" and job["error"]["code"] == "import-interrupted"
        assert (tmp_path / "jobs" / job["id"] / "files").is_dir()
        assert client.post(f"{location}/resume").status_code == 202
        done = wait_for(client, location, keys["admin"], {"succeeded", "failed"})
    assert done["status"] == "succeeded", done
    assert snapshot(db) == expected


# ---- a real API process, killed and started again ---------------------------------------------


class Api:
    """``graph-service serve`` in a process of its own, as deployed."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, paused: Path | None = None) -> None:
        """Start it; with ``paused``, its imports write BATCH rows a transaction and the
        first pauses after its first batch of units (test_import_interrupted.prelude)."""
        command = ([sys.executable, "-c", prelude(paused)] if paused is not None
                   else [sys.executable, "-m", "graph_service.cli"])  # fmt: skip
        self.process = subprocess.Popen(
            [*command, "serve", "--port", str(self.port)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, "the API process exited"
            with contextlib.suppress(httpx.TransportError):  # not listening yet
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            assert time.monotonic() < deadline, "the API did not answer in 60 s"
            time.sleep(0.2)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def api(settings: Settings, tmp_path: Path) -> Iterator[Api]:
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "AUDIT_KEY": AUDIT_KEY,
        "DATA_DIR": str(tmp_path / "data"),
        "PLAN_AHEAD": "false",
        "IMPORT_JOB_BYTES": "0",
    }
    server = Api(env, free_port())
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_an_api_killed_mid_job_reads_interrupted_after_restart_and_resume_completes_it(
    db: Database, api: Api, tmp_path: Path
) -> None:
    folder = make_bundle(tmp_path / "bundle")  # two batches of units: the kill lands after one
    expected = expected_graph(db, folder)
    keys = {"admin": admin(db)}
    paused = tmp_path / "paused"
    api.start(paused)
    with httpx.Client(base_url=api.url, headers=keys["admin"], timeout=60) as client:
        accepted = client.post("/imports", files=upload_of(folder))
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["id"]
        location = accepted.headers["Location"]
        assert api.process is not None
        wait_until_paused(api.process, paused)
        writing = client.get(location).json()
        api.kill()
        partway = count_entities(db)
        assert partway == AREAS + BATCH, "the kill lands between the two batches of units"
        assert writing["status"] == "running" and writing["phase"] == "write", writing
    files = tmp_path / "data" / "import-jobs" / job_id / "files"
    assert files.is_dir()

    keys |= organizers(db)  # their areas were written before the kill
    api.start()
    with httpx.Client(base_url=api.url, headers=keys["admin"], timeout=60) as client:
        job = client.get(location).json()
        assert job["status"] == "interrupted", job
        assert job["error"]["code"] == "import-interrupted" and job["report"] is None
        assert files.is_dir(), "an interrupted job's files are kept"
        # the organizer who did not send it cannot resume it
        assert client.post(f"{location}/resume", headers=keys["other"]).status_code == 404

        resumed = client.post(f"{location}/resume")
        assert resumed.status_code == 202, resumed.text
        assert resumed.headers["Location"] == location
        done = wait_for(client, location, keys["admin"], {"succeeded", "failed"})
    assert done["status"] == "succeeded" and done["runs"] == 2, done
    counts = done["report"]["counts"]
    # what the killed run committed stayed, and was not written again
    assert counts["Area"]["unchanged"] + counts["Unit"]["unchanged"] == partway
    assert snapshot(db) == expected
    assert not files.parent.exists(), "the job's files outlived it"

    # the command line's view of the jobs
    listed = cli("imports", "jobs", "--format", "json", env=api.env)
    assert [job["id"] for job in json.loads(listed)] == [job_id]
    shown = json.loads(cli("imports", "show", job_id, env=api.env))
    assert shown["status"] == "succeeded" and shown["report"]["totals"] == done["report"]["totals"]


def cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "graph_service.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout
