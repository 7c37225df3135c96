"""Problem details name their kind: a stable ``code``, and a ``type`` path of the service
that says what the kind means (issue 29)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.errors import GraphServiceError
from graph_service.main import create_app
from graph_service.problems import PROBLEM_TYPES, code_for_status


def kinds() -> list[type[GraphServiceError]]:
    found, waiting = [], [GraphServiceError]
    while waiting:
        kind = waiting.pop()
        found.append(kind)
        waiting.extend(kind.__subclasses__())
    return found


def test_every_error_kind_has_its_own_code_and_an_explanation() -> None:
    codes = [kind.code for kind in kinds()]
    assert len(codes) == len(set(codes)), "two kinds of error share a code"
    for kind in kinds():
        assert PROBLEM_TYPES[kind.code].status == kind.status
        chinese, _, english = kind.about.partition("/")  # Chinese first, then English
        assert re.search("[\u4e00-\u9fff]", chinese) and english.strip(), kind
    assert code_for_status(503) == "database-unavailable"  # the general kind, not a subkind
    assert code_for_status(500) == "internal-error"
    assert code_for_status(405) == "method-not-allowed"


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_each_answered_problem_names_a_type_the_service_explains_without_a_key(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    village = {"id": "A-X", "name": "x", "level": "村"}
    json_headers = admin_headers | {"content-type": "application/json"}
    answers = {
        "not-found": client.get("/units/U-NOWHERE", headers=admin_headers),
        "invalid-input": client.post("/areas", json=village, headers=admin_headers),
        "unauthorized": client.get("/units"),
        "method-not-allowed": client.put("/health"),
        "payload-too-large": client.post("/areas", content=b"x" * (2 << 20), headers=json_headers),
    }
    for code, answer in answers.items():
        body = answer.json()
        assert answer.headers["content-type"] == "application/problem+json", code
        assert (body["code"], body["type"], body["status"]) == (
            code, f"/problems/{code}", answer.status_code
        )  # fmt: skip
        explained = client.get(body["type"])  # no key: it is documentation
        assert explained.status_code == 200
        assert explained.json()["code"] == code
        assert explained.json()["status"] == answer.status_code
    listed = client.get("/problems").json()
    assert {each["code"] for each in listed["items"]} == set(PROBLEM_TYPES)
    assert (listed["total"], listed["next"]) == (len(PROBLEM_TYPES), None)
    unknown = client.get("/problems/no-such-kind")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not-found"


def test_an_error_cannot_overwrite_the_problems_own_members() -> None:
    for member in ("type", "code", "title", "status", "instance"):
        with pytest.raises(ValueError, match=member):
            GraphServiceError("detail", **{member: "x"})
    assert GraphServiceError("detail", rule="ORG_UNIT_UNCOVERED").extra == {
        "rule": "ORG_UNIT_UNCOVERED"
    }
