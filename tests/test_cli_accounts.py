"""`graph-service users add | list | revoke` and `graph-service audit`, as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.services.imports import import_files
from tests.access_world import write_bundle


def _cli(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "COLUMNS": "200",
    }
    return subprocess.run([sys.executable, "-m", "graph_service.cli", *args],
                          capture_output=True, text=True, env=env, check=check)  # fmt: skip


def test_first_admin_then_a_scoped_organizer_then_revoke(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    assert import_files(db, [write_bundle(tmp_path)]).written
    admin_key = _cli(settings, "users", "add", "alice", "--role", "admin").stdout.strip()
    assert admin_key.startswith("gsk_")
    organizer_key = _cli(settings, "users", "add", "wang", "--role", "organizer",
                         "--area", "S-A").stdout.strip()  # fmt: skip
    refused = _cli(settings, "users", "add", "li", "--role", "viewer", check=False)
    assert refused.returncode == 1 and "--area" in refused.stderr
    unknown = _cli(settings, "users", "add", "li", "--role", "viewer", "--area", "NOPE",
                   check=False)  # fmt: skip
    assert unknown.returncode == 1 and "NOPE" in unknown.stderr

    listed = json.loads(_cli(settings, "users", "list", "--format", "json").stdout)
    assert {(row["name"], row["role"], row["areas"]) for row in listed} == {
        ("alice", "admin", ""), ("wang", "organizer", "S-A")}  # fmt: skip
    assert admin_key not in json.dumps(listed) and organizer_key not in json.dumps(listed)

    # keys looked up on every request, so the revocation shows at once (the default
    # remembers a key for AUTH_CACHE_SECONDS: test_caches.py)
    with TestClient(create_app(settings.model_copy(update={"auth_cache_seconds": 0}))) as client:
        wang = {"X-API-Key": organizer_key}
        assert client.get("/units/U-A", headers=wang).status_code == 200
        assert client.get("/units/U-B", headers=wang).status_code == 404
        _cli(settings, "users", "revoke", "wang")
        assert client.get("/units/U-A", headers=wang).status_code == 401
        assert client.get("/audit", headers={"X-API-Key": admin_key}).status_code == 200

    trail = json.loads(_cli(settings, "audit", "--format", "json").stdout)
    actions = [(row["action"], row.get("target")) for row in trail]
    assert ("account.revoke", "wang") in actions and ("account.add", "alice") in actions
    assert all(row["actor"].startswith("cli:") for row in trail)
    verified = _cli(settings, "audit", "--verify")
    assert "OK" in verified.stdout
