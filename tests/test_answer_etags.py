"""ETags on kept answers (gap pages, gap counts, coverage summaries, their CSV and XLSX
files), against the real Neo4j and the demo region: ``If-None-Match`` answers 304 without a
body while the answer is as the client holds it, never after a write that changed it; tags
differ by parameters and by scope; and, over random requests and writes, a JSON answer's tag
changes exactly when its body does."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.main import create_app
from loaders.demo import DEMO_AS_OF
from tests.conftest import Neo4jUnderTest

AS_OF = DEMO_AS_OF.isoformat()
COMMUNITIES = ["A-JIANXIN", "A-HEPING", "A-MINSHENG", "A-WENHUA"]
TAGGED = [("/gaps/counts", "gap_counts"), ("/gaps/{code}", "gap_list"),
          ("/areas/{area_id}/coverage", "get_coverage")]  # fmt: skip


@pytest.fixture(scope="module")
def client(neo4j_server: Neo4jUnderTest, demo_database: Database) -> Iterator[TestClient]:
    """One app on the demo region for the module: its tests write, each to what it asks
    of (a unit of its own id, a name of its own), so they hold in any order."""
    admin = _key(demo_database, "test-admin", Role.ADMIN, [])
    with TestClient(create_app(neo4j_server.settings()), headers=admin) as test_client:
        yield test_client


def _key(db: Database, name: str, role: Role, areas: list[str]) -> dict[str, str]:
    return {"X-API-Key": add_account(db, Principal.cli(), name, role, areas)}


def _get(client: TestClient, path: str, params: dict[str, Any], tag: str | None = None,
         headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    sent = dict(headers or {})
    if tag is not None:
        sent["If-None-Match"] = tag
    answer = client.get(path, params=params, headers=sent)
    assert answer.status_code in (200, 304), answer.text
    assert answer.headers["cache-control"] == "private, no-cache"
    return answer


def _unchanged(answer: Response, tag: str) -> None:
    assert answer.status_code == 304 and answer.content == b"", answer.status_code
    assert answer.headers["etag"] == tag


ASKED = [
    ("/gaps/counts", {"as_of": AS_OF, "area": "A-ERQI"}),
    ("/gaps/ORG_UNIT_UNCOVERED", {"as_of": AS_OF, "area": "A-ERQI"}),
    ("/areas/A-ERQI/coverage", {"as_of": AS_OF}),
    ("/gaps/ORG_UNIT_UNCOVERED", {"as_of": AS_OF, "format": "csv"}),
    ("/areas/A-ERQI/coverage", {"as_of": AS_OF, "format": "xlsx"}),
]


def test_304_while_unchanged_and_200_with_a_new_tag_after_a_write(client: TestClient) -> None:
    before = {}
    for path, params in ASKED:
        first = _get(client, path, params)
        tag = first.headers["etag"]
        assert first.status_code == 200 and first.content
        assert tag.startswith('W/"' if params.get("format") in ("csv", "xlsx") else '"')
        _unchanged(_get(client, path, params, tag), tag)
        assert _get(client, path, params, '"other"').status_code == 200
        before[path, params.get("format")] = first
    path, params = ASKED[-1]  # a list, a weak tag held as strong, and "*" match as well
    tag = before[path, params.get("format")].headers["etag"]
    for held in (f'"other", {tag}', tag.removeprefix("W/"), "*"):
        _unchanged(_get(client, path, params, held), tag)

    # a write through the API that changes every one of them: a new uncovered enterprise
    unit = {"id": "U-NEW", "name": "济南新开商贸有限公司", "kind": "non_public_enterprise"}
    made = client.post("/units", params={"link": "located_in", "link_to": "A-HEPING"}, json=unit)
    assert made.status_code == 201, made.text
    for path, params in ASKED:
        old = before[path, params.get("format")]
        again = _get(client, path, params, old.headers["etag"])
        assert again.status_code == 200 and again.content, (path, params)
        assert again.headers["etag"] != old.headers["etag"]
        if params.get("format") in (None, "json"):
            assert again.content != old.content
        _unchanged(_get(client, path, params, again.headers["etag"]), again.headers["etag"])
    page = _get(client, "/gaps/ORG_UNIT_UNCOVERED", {"as_of": AS_OF, "area": "A-ERQI"}).json()
    assert "U-NEW" in [item["id"] for item in page["items"]]

    # "*" holds only for an answer there is: an unknown area is 404, file or not
    star = {"If-None-Match": "*"}
    for fmt in ("json", "csv", "xlsx"):
        for path, params in (("/gaps/ORG_UNIT_UNCOVERED", {"area": "A-NONE"}),
                             ("/areas/A-NONE/coverage", {})):  # fmt: skip
            missing = client.get(path, params={**params, "format": fmt}, headers=star)
            assert missing.status_code == 404, (path, fmt)


def test_a_write_that_leaves_an_answer_as_it_was_keeps_its_tag(client: TestClient) -> None:
    """Renaming an enterprise changes the gap list that names it, not the counts: the
    counts' holder keeps its copy (304), the list's holder gets the new one; a file's
    tag names the data version, so it changes with any write."""
    counts = ("/gaps/counts", {"as_of": AS_OF, "area": "A-HEPING"})
    listed = ("/gaps/ORG_UNIT_UNCOVERED", {"as_of": AS_OF, "area": "A-HEPING"})
    filed = ("/gaps/ORG_UNIT_UNCOVERED", {"as_of": AS_OF, "area": "A-HEPING", "format": "csv"})
    held = {asked[0] + str(asked[1]): _get(client, *asked) for asked in (counts, listed, filed)}

    renamed = client.patch("/units/U-HESHUN", json={"name": "济南和顺商贸集团有限公司"})
    assert renamed.status_code == 200, renamed.text

    old_counts = held[counts[0] + str(counts[1])]
    _unchanged(_get(client, *counts, old_counts.headers["etag"]), old_counts.headers["etag"])
    assert _get(client, *counts).content == old_counts.content
    old_list = held[listed[0] + str(listed[1])]
    new_list = _get(client, *listed, old_list.headers["etag"])
    assert new_list.status_code == 200 and "济南和顺商贸集团有限公司" in new_list.text
    old_file = held[filed[0] + str(filed[1])]
    assert _get(client, *filed, old_file.headers["etag"]).status_code == 200


def test_tags_differ_by_parameters_and_by_scope(
    client: TestClient, demo_database: Database
) -> None:
    erqi = {"as_of": AS_OF, "area": "A-ERQI"}
    asked = [
        ("/gaps/counts", erqi), ("/gaps/counts", {**erqi, "area": "A-HEPING"}),
        ("/gaps/counts", {**erqi, "as_of": "2026-01-31"}),
        ("/gaps/ORG_UNIT_UNCOVERED", erqi), ("/gaps/ORG_UNIT_UNCOVERED", {**erqi, "limit": 1}),
        ("/gaps/ORG_UNIT_UNCOVERED", {**erqi, "skip": 1, "limit": 1}),
        ("/gaps/ORG_UNIT_UNCOVERED", {**erqi, "format": "csv"}),
        ("/gaps/ORG_UNIT_UNCOVERED", {**erqi, "format": "xlsx"}),
        ("/gaps/REACH_UNIT_UNTIED", erqi),
        ("/gaps/REACH_UNIT_UNTIED", {**erqi, "kinds": ["state_enterprise"]}),
        ("/areas/A-ERQI/coverage", {"as_of": AS_OF}),
        ("/areas/A-HEPING/coverage", {"as_of": AS_OF}),
    ]  # fmt: skip
    tags = [_get(client, path, params).headers["etag"] for path, params in asked]
    assert len(set(tags)) == len(tags)

    # the same questions of A-ERQI from an organizer and a viewer of it: the bodies may be
    # equal, the tags are not, and one caller's tag never gets another a 304
    db = demo_database
    callers = {"admin": {}, "organizer": _key(db, "org-erqi", Role.ORGANIZER, ["A-ERQI"]),
               "viewer": _key(db, "viewer-erqi", Role.VIEWER, ["A-ERQI"]),
               "other organizer": _key(db, "org-two", Role.ORGANIZER, ["A-ERQI", "A-HEPING"])}
    for path, params in asked[3:4] + asked[6:7]:  # a page and a file
        seen = {who: _get(client, path, params, headers=key) for who, key in callers.items()}
        assert len({answer.headers["etag"] for answer in seen.values()}) == len(callers), path
        for (mine, key), (theirs, answer) in itertools.product(callers.items(), seen.items()):
            again = _get(client, path, params, answer.headers["etag"], headers=key)
            assert again.status_code == (304 if mine == theirs else 200), (path, mine, theirs)


def test_the_openapi_declares_the_tag_and_304(client: TestClient) -> None:
    document = client.app.openapi()  # type: ignore[attr-defined]
    for path, operation_id in TAGGED:
        operation = document["paths"][path]["get"]
        assert operation["operationId"] == operation_id
        assert "ETag" in operation["responses"]["200"]["headers"]
        assert "ETag" in operation["responses"]["304"]["headers"]
        assert "content" not in operation["responses"]["304"]
        names = {(p["in"], p["name"]) for p in operation["parameters"]}
        assert ("header", "If-None-Match") in names


# ---- the property: across any write, the tag changes exactly when the body does ---------


@dataclass(frozen=True)
class Asked:
    path: str
    params: dict[str, Any]


# pages first: a rule's page costs one query, the counts and a summary one per rule
ASKS = st.one_of(
    st.builds(lambda code, area, skip, limit: Asked(
                  f"/gaps/{code}", {"as_of": AS_OF, "area": area, "skip": skip, "limit": limit}),
              st.sampled_from(["ORG_UNIT_UNCOVERED", "ORG_BUILDING_UNCOVERED",
                               "TEAM_BRANCH_NO_OFFICER", "REACH_UNIT_UNTIED"]),
              st.sampled_from(["A-ERQI", *COMMUNITIES]), st.integers(0, 3), st.integers(1, 5)),
    st.builds(lambda area: Asked("/gaps/counts", {"as_of": AS_OF, "area": area}),
              st.sampled_from([None, "A-ERQI", *COMMUNITIES])),
    st.builds(lambda area: Asked(f"/areas/{area}/coverage", {"as_of": AS_OF}),
              st.sampled_from(["A-ERQI", *COMMUNITIES])),
)  # fmt: skip
NAMES = st.text("和顺泉讯德源福康鲁味商贸科技有限公司", min_size=2, max_size=8)
WRITES = st.one_of(
    st.tuples(st.just("rename unit"), st.sampled_from(["U-HESHUN", "U-QUANXUN", "U-LINLI",
                                                        "U-LVDI", "U-SCHOOL"]), NAMES),
    st.tuples(st.just("rename area"), st.sampled_from(COMMUNITIES), NAMES),
    st.tuples(st.just("new unit"), st.sampled_from(COMMUNITIES),
              st.sampled_from(["non_public_enterprise", "social_organization", "enterprise"])),
)  # fmt: skip


def _write(client: TestClient, write: tuple[str, str, str], serial: int) -> None:
    what, target, value = write
    if what == "rename unit":
        answer = client.patch(f"/units/{target}", json={"name": f"济南{value}{serial}"})
    elif what == "rename area":
        answer = client.patch(f"/areas/{target}", json={"name": f"{value}{serial}社区"})
    else:
        unit = {"id": f"U-P{serial}", "name": f"济南新{serial}有限公司", "kind": value}
        answer = client.post("/units", params={"link": "located_in", "link_to": target},
                             json=unit)  # fmt: skip
    assert answer.is_success, answer.text


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(asked=ASKS, write=WRITES)
def test_the_tag_changes_exactly_when_the_body_does(
    client: TestClient, asked: Asked, write: tuple[str, str, str]
) -> None:  # fmt: skip
    serial = next(_SERIAL)
    params = {name: value for name, value in asked.params.items() if value is not None}
    before = _get(client, asked.path, params)
    _write(client, write, serial)
    after = _get(client, asked.path, params)
    assert (after.headers["etag"] != before.headers["etag"]) == (after.content != before.content)
    held = _get(client, asked.path, params, before.headers["etag"])
    assert held.status_code == (304 if after.content == before.content else 200)


_SERIAL = itertools.count()
