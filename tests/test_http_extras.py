"""Compression and cross-origin calls: answers of 1 KiB and more go gzip-compressed to
clients that accept it; browsers on the origins CORS_ORIGINS names may call the API with
a key, others get no CORS permission, and none are allowed by default."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from graph_service.api import gzip_once
from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.services.demo import load_demo

DASHBOARD = "https://dash.example.org"


def test_large_answers_are_compressed_for_clients_that_accept_it(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        raw = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip"
        plain = client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert raw.json() == plain.json()
        # the wire bytes are gzip of the JSON, and much smaller
        request = client.build_request("GET", "/openapi.json",
                                       headers={"Accept-Encoding": "gzip"})  # fmt: skip
        wire = client.send(request, stream=True)
        body = b"".join(wire.iter_raw())
        assert gzip.decompress(body) == plain.content and len(body) < len(plain.content) / 4
        small = client.get("/health", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in small.headers  # under 1 KiB: not worth it


def test_a_big_kept_answer_is_compressed_once_and_sent_the_same_each_time(
    settings: Settings, db: Database, admin_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The map's places (a kept answer) at a threshold the demo's answer passes: gzip of
    the very JSON sent plain, the same wire bytes from the kept compression the second
    time, Vary naming Accept-Encoding, and the tag and its 304 as without gzip."""
    load_demo(db)
    monkeypatch.setattr(gzip_once, "MIN_BYTES", 512)
    url = "/map/places?area=A-ERQI&as_of=2026-06-30"
    with TestClient(create_app(settings)) as client:
        plain = client.get(url, headers=admin_headers | {"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and len(plain.content) >= 512
        assert "content-encoding" not in plain.headers
        assert "Accept-Encoding" in plain.headers["vary"]
        wires = []
        for _ in range(2):
            request = client.build_request("GET", url, headers=admin_headers | {
                "Accept-Encoding": "gzip, deflate"})  # fmt: skip
            answer = client.send(request, stream=True)
            assert answer.headers["content-encoding"] == "gzip"
            assert answer.headers["etag"] == plain.headers["etag"]
            wire = b"".join(answer.iter_raw())
            assert int(answer.headers["content-length"]) == len(wire)
            wires.append(wire)
        assert gzip.decompress(wires[0]) == plain.content
        assert wires[0] == wires[1] == gzip_once.gzipped(plain.content)
        unchanged = client.get(url, headers=admin_headers | {
            "Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]})  # fmt: skip
        assert unchanged.status_code == 304 and unchanged.content == b""


def preflight(client: TestClient, origin: str) -> Any:
    return client.options("/gaps", headers={
        "Origin": origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "X-API-Key"})  # fmt: skip


def test_only_the_configured_origins_may_call_from_a_browser(
    settings: Settings, admin_headers: dict[str, str]
) -> None:
    allowed = settings.model_copy(update={"cors_origins": f"{DASHBOARD}, https://b.example:8443"})
    with TestClient(create_app(allowed)) as client:
        ok = preflight(client, DASHBOARD)
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == DASHBOARD
        assert "x-api-key" in ok.headers["access-control-allow-headers"].lower()
        answer = client.get("/gaps", headers=admin_headers | {"Origin": DASHBOARD})
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == DASHBOARD
        exposed = answer.headers["access-control-expose-headers"].lower()
        assert "etag" in exposed and "link" in exposed  # a page's next, readable by scripts
        assert "access-control-allow-credentials" not in answer.headers
        other = preflight(client, "https://elsewhere.example")
        assert "access-control-allow-origin" not in other.headers
    with TestClient(create_app(settings)) as client:  # the default: no origin
        assert "access-control-allow-origin" not in preflight(client, DASHBOARD).headers


@pytest.mark.parametrize("value", ["dash.example.org", "https://x.example/path", "*"])
def test_a_bad_origin_is_refused_at_start(value: str) -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS"):
        Settings(cors_origins=value)
