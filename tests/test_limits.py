"""Paging bounds are defined once (graph_service.limits) and every list route keeps to them:
a page of ``MAX_PAGE`` rows is answered, one more is a 422 naming ``limit``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.db.support import MAX_CANDIDATES
from graph_service.domain.gaps import RULES
from graph_service.limits import MAX_PAGE, MAX_SKIP
from graph_service.main import create_app

#: ``limit`` here is how many candidates of each kind, not a page of a list.
CANDIDATES = "/entities/{entity_id}/candidates"
#: The supporters' ``skip`` is bounded by the Cypher list slice it feeds (32-bit bounds).
SUPPORTERS = "/entities/{entity_id}/supporters"
PATH_VALUES = {"code": RULES[0].code, "entity_id": "A-NOWHERE", "area_id": "A-NOWHERE"}


def _paged(app: FastAPI) -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
    """Each GET route that takes ``limit``, with its parameters by name."""
    for path, operations in app.openapi()["paths"].items():
        params = {p["name"]: p for p in operations.get("get", {}).get("parameters", [])}
        if "limit" in params:
            yield path, params


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def test_every_list_route_declares_the_one_page_maximum(settings: Settings) -> None:
    routes = dict(_paged(create_app(settings)))
    # the entity and relationship lists, search, gap pages, the audit trail, supporters
    assert {"/units", "/search", "/gaps/{code}", "/audit", SUPPORTERS} <= set(routes)
    assert any(path.startswith("/relationships/") for path in routes)
    for path, params in routes.items():
        expected = MAX_CANDIDATES if path == CANDIDATES else MAX_PAGE
        assert params["limit"]["schema"]["maximum"] == expected, path
        if "skip" in params and path != SUPPORTERS:
            assert params["skip"]["schema"]["maximum"] == MAX_SKIP, path


def test_every_list_route_answers_a_full_page_and_refuses_one_row_more(
    client: TestClient,
) -> None:
    routes = dict(_paged(client.app))  # type: ignore[arg-type]
    for path in routes:
        if path == CANDIDATES:
            continue
        url = path.format(**{k: v for k, v in PATH_VALUES.items() if f"{{{k}}}" in path})
        full = client.get(url, params={"limit": MAX_PAGE, "q": "x"})
        # answered (an unknown entity's supporters: 404, after the page was accepted)
        assert full.status_code in (200, 404), (url, full.text)
        over = client.get(url, params={"limit": MAX_PAGE + 1, "q": "x"})
        assert over.status_code == 422, (url, over.text)
        assert [e["field"] for e in over.json()["errors"]] == ["query.limit"], url
