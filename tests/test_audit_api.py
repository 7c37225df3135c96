"""The audit trail over HTTP: paging back with before_seq, and its bounds.

Against the real Neo4j: a seq past what a Cypher integer holds (2**63) was a 500 (the driver
could not send it; found by fuzzing) and is now a 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.main import create_app


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        for n in range(3):
            body = {"id": f"A-AUDIT-{n}", "name": f"审计区域{n}", "level": "community"}
            assert test_client.post("/areas", json=body).status_code == 201
        yield test_client


def test_pages_back_with_before_seq(client: TestClient) -> None:
    every = client.get("/audit", params={"limit": 500}).json()["items"]
    seqs = [event["seq"] for event in every]
    assert len(seqs) >= 4 and seqs == sorted(seqs, reverse=True)  # the account and 3 areas
    newest = seqs[0]
    older = client.get("/audit", params={"before_seq": newest, "limit": 2}).json()
    assert [event["seq"] for event in older["items"]] == seqs[1:3]
    # the cursor pages as before_seq does, and the Link header carries it
    first = client.get("/audit", params={"limit": 1})
    assert first.json()["items"][0]["seq"] == newest
    assert first.headers["link"] == (
        f'<http://testserver/audit?limit=1&cursor={first.json()["next"]}>; rel="next"'
    )
    by_cursor = client.get("/audit", params={"cursor": first.json()["next"], "limit": 2})
    assert by_cursor.json() == older
    largest = client.get("/audit", params={"before_seq": 2**63 - 1, "limit": 500})
    assert largest.status_code == 200 and largest.json()["items"] == every


@pytest.mark.parametrize("seq", [0, 2**63, 10**30])
def test_a_seq_out_of_range_is_refused_naming_the_field(client: TestClient, seq: int) -> None:
    answer = client.get("/audit", params={"before_seq": seq})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in answer.json()["errors"]] == ["query.before_seq"]
