"""GET /entities/{id}/history: an entity's history from the audit trail, for anyone who may
read the entity (issue 24, item 5), against the real Neo4j holding the demo region.

The writes are the API's own: an organizer of 和平社区 edits a unit of its community, an
admin pairs it with 文化社区 (a relationship with an end outside the organizer's areas) and
applies an assignment plan for 二七新村街道 (whose events name the subdistrict in their
details). What each account should see is computed from other answers, not written here:
the admin's whole trail (GET /audit) for the events, and what the account can itself read
(GET /entities/{id}: 200 or 404) for which events and values it may see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.main import create_app
from loaders.demo import DEMO_AS_OF
from tests.conftest import Neo4jUnderTest

UNIT = "U-LUWEI"  # 济南鲁味餐饮管理有限公司, in 和平社区
OUTSIDE_UNIT = "U-LINLI"  # 二七邻里公益服务社, in 文化社区
OUTSIDE_AREA = "A-WENHUA"  # 文化社区
SUBDISTRICT = "A-ERQI"  # 二七新村街道, above both communities
CHAIN = ("prev_hash", "hash", "mac")
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")  # ids the demo's ids look like


@dataclass
class World:
    client: TestClient
    keys: dict[str, str]  # account name → its API key
    planned: list[dict[str, Any]]  # the assignments the plan applied
    readable: dict[tuple[str, str], bool] = field(default_factory=dict)

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, headers={"X-API-Key": self.keys[who]})

    def history(self, who: str, entity_id: str, **params: Any) -> list[dict[str, Any]]:
        answer = self.get(who, f"/entities/{entity_id}/history", **params)
        assert answer.status_code == 200, answer.text
        events: list[dict[str, Any]] = answer.json()["items"]
        return events

    def reads(self, who: str, entity_id: str) -> bool:
        """Whether the account reads the entity itself (its route: 200, else 404); the
        writes are done, so each is asked once."""
        if (who, entity_id) not in self.readable:
            status: int = self.get(who, f"/entities/{quote(entity_id, safe='')}").status_code
            assert status in (200, 404), status
            self.readable[who, entity_id] = status == 200
        return self.readable[who, entity_id]


@pytest.fixture(scope="module")
def world(neo4j_server: Neo4jUnderTest, demo_database: Database) -> Iterator[World]:
    accounts = {
        "admin": ("history-admin", Role.ADMIN, []),
        "heping": ("heping-org", Role.ORGANIZER, ["A-HEPING"]),
        "heping-viewer": ("heping-view", Role.VIEWER, ["A-HEPING"]),
        "wenhua": ("wenhua-org", Role.ORGANIZER, [OUTSIDE_AREA]),
    }
    keys = {who: add_account(demo_database, Principal.cli(), name, role, areas)
            for who, (name, role, areas) in accounts.items()}  # fmt: skip
    # capacity 5: the demo's plan for the subdistrict then assigns an officer in 和平社区
    app = create_app(neo4j_server.settings(officer_capacity=5))
    with TestClient(app) as client:

        def send(who: str, method: str, path: str, body: Any) -> Any:
            answer = client.request(method, path, json=body, headers={"X-API-Key": keys[who]})
            assert answer.status_code in (200, 201), answer.text
            return answer.json()

        send("heping", "PATCH", f"/units/{UNIT}", {"note": "2026年7月走访"})
        send("admin", "POST", "/relationships/paired_with",
             {"from_id": UNIT, "to_id": OUTSIDE_AREA, "since": "2026-01-01"})  # fmt: skip
        send("admin", "PATCH", f"/units/{UNIT}", {"name_en": "Luwei Catering"})
        send("heping", "PATCH", f"/units/{UNIT}", {"note": "2026年7月走访（已核实）"})
        send("wenhua", "PATCH", f"/units/{OUTSIDE_UNIT}", {"note": "文化社区的修改"})
        plan = f"/areas/{SUBDISTRICT}/assignment-plan"
        proposed = send("admin", "POST", f"{plan}?as_of={DEMO_AS_OF}", None)
        send("admin", "POST", f"{plan}/apply",
             {"as_of": DEMO_AS_OF.isoformat(), "fingerprint": proposed["fingerprint"]})  # fmt: skip
        yield World(client, keys, proposed["assignments"])


def _trail(world: World, entity_id: str) -> list[dict[str, Any]]:
    """The admin's whole trail about the entity (GET /audit): writes to it and to its
    relationships, newest first."""
    events = world.get("admin", "/audit", target=entity_id, limit=1000).json()["items"]
    return [e for e in events if e["action"].split(".")[0] in ("node", "rel")]


def _texts(value: Any, place: str = "") -> Iterator[tuple[str, str]]:
    """(place, text) of every string in the value: details.area, details.ids[0] …"""
    if isinstance(value, str):
        yield place, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{place}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{place}[{index}]")


def _blanked(value: Any, hidden: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _blanked(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [_blanked(v, hidden) for v in value]
    return None if value in hidden else value


def _expected(world: World, who: str, entity_id: str) -> list[dict[str, Any]]:
    """What ``who`` should see of the entity's history, from the admin's trail and from
    what ``who`` can read: events whose every target it reads, and in them every value
    naming an entity that exists (the admin reads it) and it does not read, withheld."""
    seen = []
    for event in _trail(world, entity_id):
        if not all(world.reads(who, t) for t in event["targets"]):
            continue
        shown = {k: v for k, v in event.items() if k not in CHAIN}
        texts = [(place, text) for part in ("before", "after", "details")
                 for place, text in _texts(event.get(part), part)
                 if ID.match(text) and text not in event["targets"]]  # fmt: skip
        hidden = {text for _, text in texts
                  if world.reads("admin", text) and not world.reads(who, text)}  # fmt: skip
        for part in ("before", "after", "details"):
            shown[part] = _blanked(event.get(part), hidden)
        shown["redacted"] = sorted(place for place, text in texts if text in hidden)
        seen.append(shown)
    return seen


def _sorted_redacted(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e | {"redacted": sorted(e["redacted"])} for e in events]


ACCOUNTS = ("admin", "heping", "heping-viewer", "wenhua")


def test_each_account_sees_what_it_may_read_and_nothing_else(world: World) -> None:
    """For every account and every entity the writes touched: 404 exactly when the account
    cannot read the entity, else the trail's events it may see, newest first."""
    touched = {UNIT, OUTSIDE_UNIT, OUTSIDE_AREA, SUBDISTRICT, "A-HEPING"}
    touched |= {a[end]["id"] for a in world.planned for end in ("officer", "target")}
    for who in ACCOUNTS:
        for entity_id in sorted(touched):
            answer = world.get(who, f"/entities/{entity_id}/history")
            if not world.reads(who, entity_id):
                assert answer.status_code == 404, (who, entity_id, answer.text)
                continue
            assert answer.status_code == 200, (who, entity_id, answer.text)
            got = answer.json()["items"]
            assert [e["seq"] for e in got] == sorted((e["seq"] for e in got), reverse=True)
            assert _sorted_redacted(got) == _expected(world, who, entity_id), (who, entity_id)


def test_an_organizer_sees_its_community_s_unit_without_what_lies_outside(world: World) -> None:
    mine = world.history("heping", UNIT)
    updates = [e for e in mine if e["action"] == "node.update"]
    assert [e["actor"] for e in updates] == ["heping-org", "history-admin", "heping-org"]
    assert updates[0]["after"] == {"note": "2026年7月走访（已核实）"}
    assert updates[0]["before"] == {"note": "2026年7月走访"}
    # the pairing with 文化社区 is the admin's to see: its other end is outside 和平社区
    assert not [e for e in mine if e["kind"] == "PAIRED_WITH"]
    paired = [e for e in world.history("admin", UNIT) if e["kind"] == "PAIRED_WITH"]
    assert [e["targets"] for e in paired] == [[UNIT, OUTSIDE_AREA]]
    # nor does 文化社区's organizer see it in its community's history
    assert not [e for e in world.history("wenhua", OUTSIDE_AREA) if e["kind"] == "PAIRED_WITH"]
    assert world.history("heping-viewer", UNIT) == mine  # reading is enough


def test_another_community_s_entity_is_not_found_as_its_read(world: World) -> None:
    for entity_id in (OUTSIDE_UNIT, "U-NO-SUCH-UNIT"):
        history = world.get("heping", f"/entities/{entity_id}/history")
        read = world.get("heping", f"/entities/{entity_id}")
        assert history.status_code == read.status_code == 404
        assert history.headers["content-type"].startswith("application/problem+json")
        assert entity_id in history.json()["detail"]


def test_details_naming_another_scope_are_withheld(world: World) -> None:
    """The plan's events name the subdistrict it was made for (details.area): outside
    和平社区, withheld from its organizer, who still sees the assignment in its community."""
    inside = [a for a in world.planned if world.reads("heping", a["target"]["id"])]
    assert inside, world.planned
    target = inside[0]["target"]["id"]
    assigned = [e for e in world.history("heping", target) if e["kind"] == "ASSIGNED_TO"
                and e["details"] and e["details"].get("via") == "assignment-plan"]  # fmt: skip
    assert len(assigned) == 1, assigned
    event = assigned[0]
    assert event["details"]["area"] is None and event["redacted"] == ["details.area"]
    assert event["details"]["fingerprint"] and event["targets"][1] == target
    full = next(e for e in world.history("admin", target) if e["seq"] == event["seq"])
    assert full["details"]["area"] == SUBDISTRICT and full["redacted"] == []
    assert {k: v for k, v in full.items() if k not in ("details", "redacted")} == {
        k: v for k, v in event.items() if k not in ("details", "redacted")
    }


def test_an_admin_sees_the_whole_trail_about_it(world: World) -> None:
    for entity_id in (UNIT, OUTSIDE_AREA, world.planned[0]["officer"]["id"]):
        trail = [{k: v for k, v in e.items() if k not in CHAIN} | {"redacted": []}
                 for e in _trail(world, entity_id)]  # fmt: skip
        assert world.history("admin", entity_id) == trail
        assert trail


@settings(max_examples=8, deadline=None)
@given(limit=st.integers(1, 4), who=st.sampled_from(ACCOUNTS[:2]))
def test_pages_back_by_next(world: World, limit: int, who: str) -> None:
    """Walking back a page at a time by ``next`` gives the one long page; the last page's
    ``next`` is null, and ``before_seq`` (older clients) pages as the cursor does."""
    whole = world.history(who, UNIT, limit=1000)
    walked: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        answer = world.get(who, f"/entities/{UNIT}/history", limit=limit,
                           **({"cursor": cursor} if cursor else {}))  # fmt: skip
        page = answer.json()
        walked += page["items"]
        if page["next"] is None:
            assert "link" not in answer.headers
            break
        assert answer.headers["link"].endswith(f'cursor={page["next"]}>; rel="next"')
        before = world.history(who, UNIT, limit=limit, before_seq=page["items"][-1]["seq"])
        cursor = page["next"]
        assert world.history(who, UNIT, limit=limit, cursor=cursor) == before
    assert walked == whole and len(whole) >= 3


@pytest.mark.parametrize("before_seq", [0, 2**63])
def test_a_seq_out_of_range_is_refused_naming_the_field(world: World, before_seq: int) -> None:
    answer = world.get("heping", f"/entities/{UNIT}/history", before_seq=before_seq)
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["query.before_seq"]
