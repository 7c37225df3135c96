"""How the service serves the console's files (graph_service/api/console.py), on a build of
its own in a temporary folder: the single-page fallback, the caches, the policy, no file
outside the build, and the 503 page while nothing is built. No Neo4j: the app's lifespan
does not run under these clients."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.api.console import ASSET_CACHE, console_router
from graph_service.config import Settings
from graph_service.main import create_app

INDEX = "<!doctype html><title>console</title><div id=app></div>"


def _client(dist: Path) -> TestClient:
    app = FastAPI()
    app.include_router(console_router(dist))
    return TestClient(app)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    (dist / "assets").mkdir()
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    (dist / "robots.txt").write_text("User-agent: *")
    (dist.parent / "secret.txt").write_text("not the console's")
    return dist


def test_pages_get_the_index_and_assets_are_kept_a_year(built: Path) -> None:
    client = _client(built)
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 307 and home.headers["location"] == "/console/"
    pages = ("/console/", "/console/dashboard", "/console/gaps/ORG_UNIT_UNCOVERED",
             "/console/entities/A-JIANXIN", "/console/login?next=/console/dashboard")
    for page in pages:
        answer = client.get(page)
        assert answer.status_code == 200 and answer.text == INDEX, page
        assert answer.headers["cache-control"] == "no-cache"
        assert "default-src 'self'" in answer.headers["content-security-policy"]
    asset = client.get("/console/assets/index-abc123.js")
    assert asset.text == "console.log(1)" and asset.headers["cache-control"] == ASSET_CACHE
    assert client.get("/console/robots.txt").headers["cache-control"] == "no-cache"
    # an asset of an older build is missing, not a page: the browser must not run HTML
    assert client.get("/console/assets/index-old999.js").status_code == 404


def test_a_precompressed_asset_goes_as_it_is_to_a_browser_taking_gzip(tmp_path: Path) -> None:
    """The build writes name.js.gz beside name.js (console/scripts/precompress.mjs): that
    file is sent, byte for byte, to whoever accepts gzip; the plain file to whoever does not."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    script = "export const rates = [" + ",".join(str(i) for i in range(2000)) + "]\n"
    (tmp_path / "assets" / "index-abc123.js").write_text(script)
    packed = gzip.compress(script.encode(), compresslevel=9)
    (tmp_path / "assets" / "index-abc123.js.gz").write_bytes(packed)
    app = create_app(Settings(neo4j_password="unused-no-lifespan", console_dir=tmp_path))
    client = TestClient(app)
    for accept in ("gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8", "*"):
        answer = client.get("/console/assets/index-abc123.js", headers={"Accept-Encoding": accept})
        assert answer.headers["content-encoding"] == "gzip", accept
        assert answer.headers["content-length"] == str(len(packed)), accept
        assert answer.text == script and answer.headers["cache-control"] == ASSET_CACHE
        assert answer.headers["content-type"].startswith("text/javascript")
        assert answer.headers["vary"] == "Accept-Encoding"
    for accept in ("identity", "br"):
        answer = client.get("/console/assets/index-abc123.js", headers={"Accept-Encoding": accept})
        assert "content-encoding" not in answer.headers, accept
        assert answer.content == script.encode() and answer.headers["cache-control"] == ASSET_CACHE


def test_the_page_answers_304_while_the_build_is_the_same(built: Path) -> None:
    client = _client(built)
    first = client.get("/console/dashboard")
    tag = first.headers["etag"]
    again = client.get("/console/gaps/ORG_UNIT_UNCOVERED", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert again.headers["cache-control"] == "no-cache"
    assert "default-src 'self'" in again.headers["content-security-policy"]
    assert client.get("/console/", headers={"If-None-Match": '"other"'}).text == INDEX


@settings(max_examples=60, deadline=None)
@given(st.text(st.sampled_from("./%2e5cf\\secrtx"), max_size=24))
def test_nothing_outside_the_build_is_served(built: Path, path: str) -> None:
    answer = _client(built).get("/console/" + path)
    assert "not the console's" not in answer.text, path


def test_a_path_climbing_out_gets_the_index_not_the_file(built: Path) -> None:
    client = _client(built)
    for path in ("%2e%2e/secret.txt", "..%2fsecret.txt", "assets/%2e%2e/%2e%2e/secret.txt"):
        answer = client.get("/console/" + path)
        assert "not the console's" not in answer.text, path


def test_without_a_build_a_page_says_how_to_build_it(tmp_path: Path) -> None:
    answer = _client(tmp_path / "dist").get("/console/dashboard")
    assert answer.status_code == 503
    assert "npm ci &amp;&amp; npm run build" in answer.text and "make run" in answer.text


def test_the_app_serves_the_console_outside_its_openapi() -> None:
    app = create_app(Settings(neo4j_password="unused-no-lifespan"))
    paths = app.openapi()["paths"]
    assert not any(path.startswith("/console") for path in paths) and "/" not in paths
    assert any(getattr(route, "path", "") == "/console/{path:path}" for route in app.routes)


def test_the_openapi_dump_is_the_apps_document() -> None:
    dumped = subprocess.run([sys.executable, "-m", "graph_service.openapi_dump"],
                            capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    app = create_app(Settings(neo4j_password="unused-no-lifespan"))
    assert json.loads(dumped.stdout) == json.loads(json.dumps(app.openapi()))


def test_the_app_serves_the_build_console_dir_names(built: Path) -> None:
    """CONSOLE_DIR: where an installed package (the Docker image) finds the build."""
    app = create_app(Settings(neo4j_password="unused-no-lifespan", console_dir=built))
    page = TestClient(app).get("/console/dashboard")
    assert page.status_code == 200 and page.text == INDEX
    asset = TestClient(app).get("/console/assets/index-abc123.js")
    assert asset.status_code == 200 and asset.text == "console.log(1)"
