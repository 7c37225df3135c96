"""The region a bench runs on: the managed Neo4j started on a kept home (``--home``, which a
later run reuses), or a generated region loaded into a fresh one. Imported by the benches
run as scripts (``python bench/<name>.py``), beside which it lies."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from neo4j import Driver

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account, set_password
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.errors import Conflict
from graph_service.neo4j_server.manager import LocalNeo4j, ServerInfo, free_port
from graph_service.services.imports import import_files


@dataclass
class Region:
    info: ServerInfo
    driver: Driver
    db: Database
    work: Path  # a temporary folder of the run


@contextmanager
def open_region(
    home: Path | None, *, scale: str, seed: int, heap: str, pagecache: str, prefix: str
) -> Iterator[Region]:
    """The server up with the schema applied, the region loaded unless ``home`` holds one;
    stopped on leaving."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    reuse = home is not None and (home / "data").exists()
    server = LocalNeo4j(home or work / "neo4j", Settings().cache_dir, bolt_port=free_port(),
                        heap=heap, pagecache=pagecache)  # fmt: skip
    info = server.start()
    try:
        settings = Settings(neo4j_uri=info.uri, neo4j_password=info.password_secret())
        driver = open_driver(settings)
        try:
            db = Database(driver, QueryRegistry.load(settings.cypher_dir),
                          settings.neo4j_database)  # fmt: skip
            db.ensure_schema()
            if not reuse:
                from loaders.generator import generate

                generate(seed, scale, work / "bundle")
                report = import_files(db, [work / "bundle"])
                assert report.written, report.problems[:3]
            yield Region(info, driver, db, work)
        finally:
            driver.close()
    finally:
        server.stop()


#: Debian's Chromium, which the browser benches drive (never a browser Playwright downloads)
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def console_account(db: Database, name: str, password: str) -> None:
    """An admin account that signs in to the console with ``password`` (kept from an
    earlier run on the same home, or made now)."""
    admin = Principal.cli()
    with contextlib.suppress(Conflict):
        add_account(db, admin, name, Role.ADMIN)
    set_password(db, admin, name, password)


def console_context(playwright: Any, base: str) -> Any:
    """A Chromium browser context on the console at ``base``: Chinese, a laptop's screen,
    five minutes for anything a cold server plans first."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
    context = browser.new_context(base_url=base, locale="zh-CN",
                                  viewport={"width": 1366, "height": 860})  # fmt: skip
    context.set_default_timeout(300_000)
    return context


@contextmanager
def running_api(region: Region, **env: str) -> Iterator[str]:
    """The API (one uvicorn worker) on the region's server, its base URL once ``/ready``
    answers; ``env`` adds settings (``QUERY_TIMEOUT_SECONDS="300"`` …). Stopped on leaving."""
    port = free_port()
    settings = os.environ | {"NEO4J_URI": region.info.uri, "NEO4J_USER": region.info.user,
                             "NEO4J_PASSWORD": region.info.password} | env  # fmt: skip
    api = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "graph_service.main:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=settings,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        yield base
    finally:
        api.terminate()
        try:
            api.wait(30)
        except subprocess.TimeoutExpired:  # a worker stuck retrying a server that is gone
            api.kill()
            api.wait(30)
