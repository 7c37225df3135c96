"""/health, /ready, and 503 while Neo4j is away, against the real server."""

from __future__ import annotations

from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.main import create_app
from graph_service.neo4j_server.manager import free_port


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


# That the API finds Neo4j back by itself after a restart (/ready 503 with a Retry-After while
# it is away, 200 again after) is checked in tests/test_outage.py, during the one stop and
# start of the session's server that serves all such checks.
