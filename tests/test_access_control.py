"""The authorization matrix: each role × every endpoint × an object inside and outside the
caller's areas — no leak, no unauthorized write.

The region (tests/access_world.py) has two mirrored subdistricts; the scoped accounts
cover ``S-A``. For every route of the app the test sends a request about an ``-A`` object
and one about its ``-B`` twin, and checks:

* the status each role must get (2xx inside; 404 outside for scoped roles — the object's
  existence is not revealed —; 403 for a viewer's writes; admin everywhere);
* that no response to a scoped caller carries a ``-B`` id, name or personal datum it did
  not send itself;
* that the graph on the ``B`` side is exactly as before after all of a scoped role's
  requests (nothing written outside its scope), and nothing at all after a viewer's.

The route table is checked against ``app.routes``, so a new endpoint without a row here
fails the test.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.services.imports import import_files
from tests.access_world import NODE_STEMS, REL_ENDS, node_id, secrets_of, side_rows, write_bundle

AS_OF = "2026-06-30"
SCOPED = (Role.ORGANIZER, Role.VIEWER, Role.SERVICE)

# how each node kind is placed inside an area when created (link, anchor stem)
PLACEMENT = {
    "areas": ("part_of", "S"),
    "units": ("located_in", "C"),
    "party_orgs": ("located_in", "C"),
    "committees": ("located_in", "C"),
    "buildings": ("located_in", "C"),
    "parks": ("located_in", "C"),
    "persons": ("assigned_to", "O"),
    "projects": ("serves", "C"),
    "meetings": ("of", "K"),
    "service_posts": ("located_in", "C"),
    "stations": ("located_in", "C"),
}
NAME_CHANGE = {"name": "改过的名称"}
REL_CHANGE = {"illustrative": True}


@dataclass
class World:
    client: TestClient
    db: Database
    keys: dict[Role, str] = field(default_factory=dict)

    def as_(self, role: Role) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}


@pytest.fixture
def world(settings: Settings, db: Database, tmp_path: Path) -> Iterator[World]:
    admin = Principal.cli()
    report = import_files(db, [write_bundle(tmp_path)])
    assert report.written, report.problems[:3]
    keys = {Role.ADMIN: add_account(db, admin, "root", Role.ADMIN)}
    for role in SCOPED:
        keys[role] = add_account(db, admin, f"{role.value}-a", role, ["S-A"])
    # a follow-up (整改台账) on each side, in its community, for the rows that read or edit one
    db.execute_write(lambda tx: tx.run(
        "UNWIND ['A', 'B'] AS side "
        "CREATE (:FollowUp {id: 'FU-' + side, rule: 'ORG_UNIT_NEEDS_OWN_ORG', "
        "  subject_id: 'U-' + side, subject_name: '单位' + side, subject_kind: 'Unit', "
        "  area_id: 'C-' + side, handler: '某', due: date('2099-01-01'), notes: '', "
        "  status: 'open', taken_on: date('2026-06-30'), created_by: 'root'})"
    ).consume())  # fmt: skip
    with TestClient(create_app(settings)) as client:
        yield World(client, db, keys)


def _snapshot(db: Database, side: str) -> dict[str, Any]:
    """Every node and relationship touching ``side``'s ids, with their properties."""
    suffix = f"-{side}"
    rows = db.execute_read(
        lambda tx: [
            r.data()
            for r in tx.run(
                "MATCH (n:Entity) WHERE n.id ENDS WITH $s "
                "OPTIONAL MATCH (n)-[r]-(m) "
                "WITH n, collect([type(r), startNode(r).id, endNode(r).id, "
                "  [k IN keys(r) WHERE NOT k STARTS WITH 'src_' | [k, toString(r[k])]]]) AS rels "
                "RETURN n.id AS id, [k IN keys(n) WHERE NOT k STARTS WITH 'src_' "
                "  | [k, toString(n[k])]] AS props, rels ORDER BY id",
                s=suffix,
            )
        ]
    )
    for row in rows:
        row["props"] = sorted(map(tuple, row["props"]))
        row["rels"] = sorted(json.dumps(r, ensure_ascii=False) for r in row["rels"])
    return {row["id"]: row for row in rows}


# ---- the route table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    body: Any = None
    files: Any = None


Expect = Callable[[Role, str], set[int]]  # (role, side) -> allowed statuses


def read_expect(role: Role, side: str) -> set[int]:
    if role is Role.ADMIN or side == "A":
        return {200}
    return {404}


def write_expect(ok: int) -> Expect:
    def expect(role: Role, side: str) -> set[int]:
        if role is Role.VIEWER:
            return {403}
        if role is Role.ADMIN or side == "A":
            return {ok}
        return {404}

    return expect


def list_expect(role: Role, side: str) -> set[int]:
    return {200}


@dataclass
class Row:
    method: str
    path: str
    calls: Callable[[str], list[Call]]
    expect: Expect
    restore: Callable[[str], list[Call]] | None = None  # run as admin afterwards


def _node_rows() -> list[Row]:
    rows: list[Row] = []
    for key, stem in NODE_STEMS.items():
        base = f"/{key}"
        link, anchor = PLACEMENT[key]
        template = {row["id"]: row for row in side_rows("A")[key]}[node_id(stem, "A")]

        def body(side: str, key: str = key, template: dict[str, Any] = template) -> dict[str, Any]:
            return template | {"id": f"NEW-{key}-{side}"}

        rows += [
            Row("GET", base, lambda s, b=base: [Call("GET", f"{b}?limit=500")], list_expect),
            Row("GET", base + "/{node_id}",
                lambda s, b=base, st=stem: [Call("GET", f"{b}/{node_id(st, s)}")], read_expect),
            Row("POST", base,
                lambda s, b=base, bd=body, ln=link, an=anchor: [
                    Call("POST", f"{b}?link={ln}&link_to={node_id(an, s)}", bd(s))],
                write_expect(201)),
            Row("PATCH", base + "/{node_id}",
                lambda s, b=base, st=stem: [Call("PATCH", f"{b}/{node_id(st, s)}", NAME_CHANGE)],
                write_expect(200)),
            Row("DELETE", base + "/{node_id}",
                lambda s, b=base, k=key: [Call("DELETE", f"{b}/NEW-{k}-{s}?cascade=true")],
                write_expect(204)),
        ]  # fmt: skip
    return rows


def _rel_rows() -> list[Row]:
    rows: list[Row] = []
    for key, (start, end) in REL_ENDS.items():
        base = f"/relationships/{key}"
        one = base + "/{from_id}/{to_id}"

        def ends(side: str, start: str = start, end: str = end) -> str:
            return f"{node_id(start, side)}/{node_id(end, side)}"

        def original(side: str, key: str = key, start: str = start, end: str = end) -> Any:
            return next(r for r in side_rows(side)[key]
                        if r["from_id"] == node_id(start, side)
                        and r["to_id"] == node_id(end, side))  # fmt: skip

        rows += [
            Row("GET", base, lambda s, b=base: [Call("GET", f"{b}?limit=500")], list_expect),
            Row("GET", one, lambda s, b=base, e=ends: [Call("GET", f"{b}/{e(s)}")], read_expect),
            Row("GET", one + "/terms",
                lambda s, b=base, e=ends: [Call("GET", f"{b}/{e(s)}/terms")], read_expect),
            Row("PATCH", one, lambda s, b=base, e=ends: [Call("PATCH", f"{b}/{e(s)}", REL_CHANGE)],
                write_expect(200)),
            # creating one that exists: 409 once the caller may see both ends
            Row("POST", base, lambda s, b=base, o=original: [Call("POST", b, o(s))],
                write_expect(409)),
            # deleting is undone by the admin afterwards, so every row sees the same world
            Row("DELETE", one, lambda s, b=base, e=ends: [Call("DELETE", f"{b}/{e(s)}")],
                write_expect(204),
                restore=lambda s, b=base, o=original: [Call("POST", b, o(s))]),
        ]  # fmt: skip
    return rows


def _import_calls(side: str) -> list[Call]:
    # a new unit placed in the side's community, as CSV files
    units = f"id,name,kind\nNEW-IMP-{side},导入单位{side},enterprise\n"
    located = f"from_id,to_id\nNEW-IMP-{side},C-{side}\n"
    files = [("files", ("units.csv", io.BytesIO(units.encode()), "text/csv")),
             ("files", ("located_in.csv", io.BytesIO(located.encode()), "text/csv"))]  # fmt: skip
    return [Call("POST", "/imports", files=files)]


def _import_expect(role: Role, side: str) -> set[int]:
    if role is Role.VIEWER:
        return {403}
    if role is Role.ADMIN or side == "A":
        return {200}
    return {403}  # refused whole: the rows would lie outside the caller's areas


def _other_rows() -> list[Row]:
    def sup(what: str) -> Callable[[str], list[Call]]:
        return lambda s: [Call("GET", f"/entities/{node_id('O', s)}/{what}?as_of={AS_OF}")]

    return [
        Row("GET", "/entities/{entity_id}",
            lambda s: [Call("GET", f"/entities/{node_id('U', s)}")], read_expect),
        Row("GET", "/search", lambda s: [Call("GET", f"/search?q={'甲' if s == 'A' else '乙'}")],
            list_expect),
        Row("GET", "/entities/{entity_id}/supporters", sup("supporters"), read_expect),
        Row("GET", "/entities/{entity_id}/portfolio",
            lambda s: [Call("GET", f"/entities/{node_id('P', s)}/portfolio?as_of={AS_OF}")],
            read_expect),
        Row("GET", "/entities/{entity_id}/shared-supporters/{other_id}",
            lambda s: [Call("GET", f"/entities/{node_id('O', s)}/shared-supporters/"
                                   f"{node_id('K', s)}?as_of={AS_OF}")], read_expect),
        Row("GET", "/entities/{entity_id}/candidates",
            lambda s: [Call("GET", f"/entities/{node_id(stem, s)}/candidates?as_of={AS_OF}")
                       for stem in ("BD", "O", "U")], read_expect),
        Row("GET", "/entities/{entity_id}/history",
            lambda s: [Call("GET", f"/entities/{node_id(stem, s)}/history")
                       for stem in ("U", "P", "C")], read_expect),
        Row("GET", "/network/{entity_id}",
            lambda s: [Call("GET", f"/network/{node}?as_of={AS_OF}")
                       for node in (node_id("C", s), node_id("BD", s), f"S-{s}")], read_expect),
        Row("GET", "/gaps", lambda s: [Call("GET", "/gaps")], list_expect),
        Row("GET", "/gaps/counts",
            lambda s: [Call("GET", f"/gaps/counts?as_of={AS_OF}&area=S-{s}")], read_expect),
        Row("GET", "/gaps/{code}",
            lambda s: [Call("GET", f"/gaps/{code}?as_of={AS_OF}&area=S-{s}")
                       for code in ("ORG_UNIT_NEEDS_OWN_ORG", "TEAM_BUILDING_NO_OFFICER",
                                    "REACH_UNIT_UNTIED", "LEAD_UNIT_UNREPRESENTED")],
            read_expect),
        Row("GET", "/areas/{area_id}/coverage",
            lambda s: [Call("GET", f"/areas/S-{s}/coverage?as_of={AS_OF}&format={f}")
                       for f in ("json", "csv")], read_expect),
        Row("GET", "/exports",
            lambda s: [Call("GET", f"/exports?format={f}&area=S-{s}") for f in ("json", "csv")],
            read_expect),
        Row("POST", "/imports", _import_calls, _import_expect),
        # import jobs are seen by their account and admins only: nobody's job is this one
        Row("GET", "/imports/jobs", lambda s: [Call("GET", "/imports/jobs")], list_expect),
        Row("GET", "/imports/jobs/{job_id}",
            lambda s: [Call("GET", f"/imports/jobs/{s.lower() * 32}")],
            lambda role, side: {404}),
        Row("POST", "/imports/jobs/{job_id}/resume",
            lambda s: [Call("POST", f"/imports/jobs/{s.lower() * 32}/resume")],
            lambda role, side: {404}),
        Row("GET", "/audit", lambda s: [Call("GET", "/audit")],
            lambda role, side: {200} if role is Role.ADMIN else {403}),
        Row("PUT", "/accounts/{name}/password",
            lambda s: [Call("PUT", "/accounts/root/password", {"password": "新的足够长的密码"})],
            lambda role, side: {204} if role is Role.ADMIN else {403}),
        # signing in needs a password, not a key; with a key but no cookie, no session
        Row("POST", "/session",
            lambda s: [Call("POST", "/session", {"name": "root", "password": "不是这个密码"})],
            lambda role, side: {401}),
        Row("GET", "/session", lambda s: [Call("GET", "/session")], lambda role, side: {401}),
        Row("DELETE", "/session", lambda s: [Call("DELETE", "/session")],
            lambda role, side: {204}),
        # 整改台账: a rule that does not report an area (422 for whoever may write there)
        Row("POST", "/follow-ups",
            lambda s: [Call("POST", "/follow-ups", {
                "rule": "ORG_BUILDING_UNCOVERED", "subject_id": f"S-{s}", "area": f"S-{s}",
                "handler": "某", "due": "2099-01-01"})],
            write_expect(422)),
        Row("GET", "/follow-ups",
            lambda s: [Call("GET", f"/follow-ups?area=S-{s}"),
                       Call("GET", f"/follow-ups?area=S-{s}&format=csv")], read_expect),
        Row("GET", "/follow-ups/{follow_up_id}",
            lambda s: [Call("GET", f"/follow-ups/FU-{s}")], read_expect),
        # 409 once the list has closed it (its rule does not report the unit)
        Row("PATCH", "/follow-ups/{follow_up_id}",
            lambda s: [Call("PATCH", f"/follow-ups/FU-{s}", {"notes": "已联系"})],
            lambda role, side: {403} if role is Role.VIEWER
            else {200, 409} if role is Role.ADMIN or side == "A" else {404}),
        # planning: what-if, weak points, what changed, the best assignment, station siting
        Row("POST", "/scenarios",
            lambda s: [Call("POST", "/scenarios", {"area": f"S-{s}", "as_of": AS_OF,
                                                   "changes": [{"op": "leave",
                                                                "id": node_id("P", s)}]})],
            read_expect),
        Row("GET", "/areas/{area_id}/weak-points",
            lambda s: [Call("GET", f"/areas/S-{s}/weak-points?as_of={AS_OF}")], read_expect),
        Row("GET", "/areas/{area_id}/changes",
            lambda s: [Call("GET", f"/areas/S-{s}/changes?from=2025-01-01&to={AS_OF}"),
                       Call("GET", f"/areas/S-{s}/changes?from=2025-01-01&to={AS_OF}"
                                   "&format=csv")], read_expect),
        Row("POST", "/areas/{area_id}/assignment-plan",
            lambda s: [Call("POST", f"/areas/S-{s}/assignment-plan?as_of={AS_OF}")],
            read_expect),
        # a fingerprint of no plan: refused as stale wherever the caller may write
        Row("POST", "/areas/{area_id}/assignment-plan/apply",
            lambda s: [Call("POST", f"/areas/S-{s}/assignment-plan/apply",
                            {"as_of": AS_OF, "fingerprint": "0" * 32})], write_expect(409)),
        Row("GET", "/areas/{area_id}/station-plan",
            lambda s: [Call("GET", f"/areas/S-{s}/station-plan?k=1")], read_expect),
        Row("GET", "/map/settings", lambda s: [Call("GET", "/map/settings")], list_expect),
        Row("GET", "/map/places",
            lambda s: [Call("GET", f"/map/places?area=S-{s}&as_of={AS_OF}")], read_expect),
        # accounts and the trail's check: admins only
        Row("GET", "/accounts", lambda s: [Call("GET", "/accounts")],
            lambda role, side: {200} if role is Role.ADMIN else {403}),
        Row("POST", "/accounts",
            lambda s: [Call("POST", "/accounts", {"name": f"new-{s}", "role": "viewer",
                                                  "areas": [f"S-{s}"]})],
            lambda role, side: {201} if role is Role.ADMIN else {403}),
        Row("DELETE", "/accounts/{name}", lambda s: [Call("DELETE", f"/accounts/nobody-{s}")],
            lambda role, side: {404} if role is Role.ADMIN else {403}),
        Row("GET", "/audit/verify", lambda s: [Call("GET", "/audit/verify")],
            lambda role, side: {200} if role is Role.ADMIN else {403}),
        Row("GET", "/health", lambda s: [Call("GET", "/health")], list_expect),
        Row("GET", "/ready", lambda s: [Call("GET", "/ready")], list_expect),
        Row("GET", "/problems", lambda s: [Call("GET", "/problems")], list_expect),
        Row("GET", "/problems/{code}", lambda s: [Call("GET", "/problems/not-found")],
            list_expect),
    ]  # fmt: skip


ROWS = _node_rows() + _rel_rows() + _other_rows()


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _operations(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) of the app's OpenAPI document: every endpoint it serves."""
    return {(method.upper(), path) for path, item in app.openapi()["paths"].items()
            for method in item}  # fmt: skip


def test_the_matrix_covers_every_route(settings: Settings) -> None:
    routes = {(method, _template(path)) for method, path in _operations(create_app(settings))}
    covered = {(row.method, _template(row.path)) for row in ROWS}
    assert routes - covered == set(), "routes missing from the authorization matrix"
    assert covered - routes == set(), "matrix rows for routes that do not exist"


def _send(world: World, role: Role, call: Call) -> Any:
    return world.client.request(call.method, call.url, headers=world.as_(role),
                                json=call.body, files=call.files)  # fmt: skip


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_authorization_matrix(world: World, role: Role) -> None:
    before_b = _snapshot(world.db, "B")
    before_a = _snapshot(world.db, "A")
    secrets_b = secrets_of("B")
    failures: list[str] = []
    # reads first, then writes, each inside (A) and outside (B)
    ordered = sorted(ROWS, key=lambda r: r.method != "GET")
    for row in ordered:
        for side in ("A", "B"):
            allowed = row.expect(role, side)
            calls = row.calls(side)
            statuses = []
            for call in calls:
                response = _send(world, role, call)
                statuses.append(response.status_code)
                if response.status_code >= 500:
                    failures.append(f"{call.method} {call.url}: {response.status_code}")
                if role is not Role.ADMIN:
                    sent = call.url + json.dumps(call.body, ensure_ascii=False) + "".join(
                        part[1][1].getvalue().decode() for part in call.files or []
                    )
                    leaked = {s for s in secrets_b if s in response.text and s not in sent}
                    if leaked:
                        failures.append(f"{call.method} {call.url} leaked {sorted(leaked)}")
            if row.restore and set(statuses) <= {200, 201, 204}:
                for call in row.restore(side):
                    assert _send(world, Role.ADMIN, call).status_code == 201, call
            if calls and not set(statuses) <= allowed:
                failures.append(f"{role.value} {row.method} {row.path} [{side}]: got {statuses},"
                                f" allowed {sorted(allowed)}")  # fmt: skip
    assert failures == [], "\n".join(failures)
    after_b = _snapshot(world.db, "B")
    if role is Role.ADMIN:
        assert after_b != before_b  # the admin's writes did reach B (the test can tell)
    else:
        assert after_b == before_b, "a scoped role changed data outside its areas"
    if role is Role.VIEWER:
        assert _snapshot(world.db, "A") == before_a, "a viewer changed data"


def test_nothing_but_health_ready_and_docs_answers_without_a_key(world: World) -> None:
    # /session: tests/test_sessions.py; /problems: what an error's type means
    open_paths = {"/health", "/ready", "/session", "/problems", "/problems/{code}"}
    operations = _operations(world.client.app)
    assert len(operations) > 150
    for method, path in sorted(operations):
        if path in open_paths:
            continue
        url = re.sub(r"\{[^}]+\}", "U-A", path)
        for headers in ({}, {"X-API-Key": "gsk_not-a-key"},
                        {"Authorization": "Bearer gsk_not-a-key"}):  # fmt: skip
            response = world.client.request(method, url, headers=headers)
            assert response.status_code == 401, (method, url, headers)
            assert response.headers["content-type"] == "application/problem+json"
            assert "www-authenticate" in response.headers
    assert world.client.get("/health").status_code == 200
    assert world.client.get("/openapi.json").status_code == 200


def test_docs_can_require_a_key(world: World, settings: Settings) -> None:
    closed = settings.model_copy(update={"docs_public": False})
    with TestClient(create_app(closed)) as client:
        assert client.get("/openapi.json").status_code == 401
        assert client.get("/docs").status_code == 401
        key = {"X-API-Key": world.keys[Role.VIEWER]}
        assert client.get("/openapi.json", headers=key).json()["info"]["title"]
        assert client.get("/docs", headers=key).status_code == 200


def test_a_revoked_key_stops_working_and_bearer_works_too(world: World) -> None:
    """With AUTH_CACHE_SECONDS=0 a revoked key stops on the next request (test_caches.py
    covers the default, where it stops within those seconds)."""
    from graph_service.auth.key_cache import KeyCache
    from graph_service.db.accounts import revoke_account

    world.client.app.state.keys = KeyCache(0)  # type: ignore[attr-defined]
    key = world.keys[Role.ORGANIZER]
    bearer = {"Authorization": f"Bearer {key}"}
    assert world.client.get("/units/U-A", headers=bearer).status_code == 200
    revoke_account(world.db, Principal.cli(), "organizer-a")
    assert world.client.get("/units/U-A", headers=bearer).status_code == 401
    assert world.client.get("/units/U-A", headers={"X-API-Key": key}).status_code == 401


def test_scoped_lists_show_exactly_the_inside(world: World) -> None:
    key = world.as_(Role.VIEWER)
    for table, stem in NODE_STEMS.items():
        ids = {item["id"] for item in world.client.get(f"/{table}?limit=500",
                                                       headers=key).json()["items"]}  # fmt: skip
        assert node_id(stem, "A") in ids
        assert not {i for i in ids if i.endswith("-B")}, table
    admin_units = world.client.get("/units", headers=world.as_(Role.ADMIN)).json()
    assert {"U-A", "U-B"} <= {item["id"] for item in admin_units["items"]}


def test_a_supporter_across_the_border_shows_as_existing_without_details(world: World) -> None:
    key = world.as_(Role.VIEWER)
    portfolio = world.client.get(f"/entities/P-X/portfolio?as_of={AS_OF}", headers=key).json()
    targets = [item["target"] for item in portfolio["items"]]
    assert {"id": "O-A", "name": "甲科技公司党支部", "kind": "PartyOrg",
            "outside_scope": False} in targets  # fmt: skip
    assert {"id": None, "name": None, "kind": "PartyOrg", "outside_scope": True} in targets
    assert portfolio["load"] == 2
    admin = world.client.get(f"/entities/P-X/portfolio?as_of={AS_OF}",
                             headers=world.as_(Role.ADMIN)).json()  # fmt: skip
    assert {item["target"]["id"] for item in admin["items"]} == {"O-A", "O-B"}


def test_a_scoped_account_with_several_areas_must_choose_one(world: World) -> None:
    key = add_account(world.db, Principal.cli(), "two-areas", Role.VIEWER, ["S-A", "S-B"])
    headers = {"X-API-Key": key}
    answer = world.client.get(f"/gaps/counts?as_of={AS_OF}", headers=headers)
    assert answer.status_code == 422 and "area" in answer.json()["detail"]
    assert world.client.get(f"/gaps/counts?as_of={AS_OF}&area=S-B", headers=headers).is_success
    assert world.client.get("/units/U-B", headers=headers).is_success
    # one-area accounts default to their area
    one = world.client.get(f"/gaps/counts?as_of={AS_OF}", headers=world.as_(Role.VIEWER))
    assert one.status_code == 200


def test_an_organizer_must_place_what_it_creates_inside_its_areas(world: World) -> None:
    key = world.as_(Role.ORGANIZER)
    loose = world.client.post("/units", headers=key,
                              json={"id": "U-LOOSE", "name": "无处安放", "kind": "enterprise"})
    assert loose.status_code == 403 and "link" in loose.json()["detail"]
    admin = world.as_(Role.ADMIN)
    assert world.client.get("/units/U-LOOSE", headers=admin).status_code == 404  # rolled back
    placed = world.client.post("/units?link=located_in&link_to=BD-A", headers=key,
                               json={"id": "U-NEW", "name": "新单位", "kind": "enterprise"})
    assert placed.status_code == 201
    assert world.client.get("/relationships/located_in/U-NEW/BD-A", headers=key).is_success
