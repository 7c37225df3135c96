"""/health, /ready, and 503 while Neo4j is away, against the real server."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.main import create_app
from graph_service.neo4j_server.manager import free_port
from tests.conftest import Neo4jUnderTest


def test_health_and_ready_on_a_live_server(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json() == {"status": "ok"}
        ready = client.get("/ready")
        assert ready.status_code == 200
        body = ready.json()
        assert body["status"] == "ready"
        assert len(body["schema_version"]) == 16


def test_ready_is_503_with_retry_after_when_nothing_listens(settings: Settings) -> None:
    away = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{free_port()}"})
    with TestClient(create_app(away)) as client:
        assert client.get("/health").status_code == 200
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.headers["retry-after"] == str(away.retry_after_seconds)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["status"] == 503 and problem["instance"] == "/ready"


def test_openapi_docs_are_served(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/docs").status_code == 200
        spec = client.get("/openapi.json").json()
        assert "/ready" in spec["paths"]


@pytest.mark.restarts_neo4j
def test_api_recovers_by_itself_when_neo4j_restarts(
    neo4j_server: Neo4jUnderTest, settings: Settings
) -> None:
    if neo4j_server.server is None:
        pytest.skip("the server is outside this test session (NEO4J_URI); cannot stop it")
    with TestClient(create_app(settings)) as client:
        assert client.get("/ready").status_code == 200
        neo4j_server.server.stop()
        try:
            down = client.get("/ready")
            assert down.status_code == 503
            assert "retry-after" in down.headers
        finally:
            neo4j_server.server.start()
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline:
            status = client.get("/ready").status_code
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200
