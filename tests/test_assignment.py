"""The best assignment of officers (issue 26, item 4): optimal against an integer program on
random instances, never over anyone's capacity, eligible by the candidates answer's own
rule, and applied exactly, audited, in one transaction that closes those gaps."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from graph_service.auth.principal import Principal, Role
from graph_service.db import audit
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.db.entities import create_relationship
from graph_service.db.gaps import list_gaps
from graph_service.db.support import candidates, portfolio
from graph_service.domain.kinds import RelKind
from graph_service.domain.models import REL_MODELS
from graph_service.domain.paging import MAX_PAGE
from graph_service.errors import Conflict, Forbidden, NotFound
from graph_service.main import create_app
from graph_service.services.assignment import apply_plan, propose, solve_min_cost_flow
from graph_service.services.imports import import_files
from loaders.generator import generate
from tests.conftest import Neo4jUnderTest
from tests.test_gaps import Bundle

ADMIN = Principal.cli()
AS_OF = dt.date(2024, 6, 1)
CAPACITY = 3  # the deployment's default in these tests

# ---- the solver against an integer program ---------------------------------------------------


def optimum(
    remaining: list[int], edges: list[tuple[int, int, int]], targets: int
) -> tuple[int, int]:
    """(most targets covered, least total cost among those) by scipy's MILP (HiGHS): one
    binary per edge, minimising Σ (cost − M)·x with M above any total cost, so one more
    target covered always beats any saving in distance."""
    if not edges:
        return 0, 0
    big = sum(cost for *_, cost in edges) + 1
    c = np.array([cost - big for *_, cost in edges], dtype=float)
    rows = []
    for officer, capacity in enumerate(remaining):
        rows.append(([1.0 if e[0] == officer else 0.0 for e in edges], capacity))
    for target in range(targets):
        rows.append(([1.0 if e[1] == target else 0.0 for e in edges], 1))
    matrix = np.array([r for r, _ in rows])
    upper = np.array([u for _, u in rows], dtype=float)
    found = milp(c, constraints=LinearConstraint(matrix, -np.inf, upper),
                 integrality=np.ones(len(edges)), bounds=Bounds(0, 1))  # fmt: skip
    assert found.success
    x = np.round(found.x).astype(int)
    return int(x.sum()), int(sum(e[2] for e, on in zip(edges, x, strict=True) if on))


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[int], list[tuple[int, int, int]], int]:
    officers = draw(st.integers(1, 5))
    targets = draw(st.integers(1, 8))
    remaining = draw(st.lists(st.integers(0, 3), min_size=officers, max_size=officers))
    pairs = draw(st.sets(st.tuples(st.integers(0, officers - 1), st.integers(0, targets - 1)),
                         max_size=officers * targets))  # fmt: skip
    edges = [(o, t, draw(st.integers(0, 5000))) for o, t in sorted(pairs)]
    return remaining, edges, targets


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_flow_is_optimal_and_within_capacity(
    instance: tuple[list[int], list[tuple[int, int, int]], int],
) -> None:
    remaining, edges, targets = instance
    pairs = solve_min_cost_flow(remaining, edges, targets)
    cost = {(o, t): c for o, t, c in edges}
    assert all(pair in cost for pair in pairs)  # only eligible pairs
    per_officer = Counter(o for o, _ in pairs)
    assert all(per_officer[o] <= remaining[o] for o in per_officer)  # never over capacity
    assert len({t for _, t in pairs}) == len(pairs)  # a target gets one officer
    assert (len(pairs), sum(cost[p] for p in pairs)) == optimum(remaining, edges, targets)


# ---- on the graph --------------------------------------------------------------------------------


def small_region() -> Bundle:
    """S1 (K1, K2): P1 (instructor, capacity 3, holds B-A1) and P2 (liaison, the default
    capacity, holds O-1) may take two more each; five targets have no officer. S2 (K3): P3
    (capacity 1) is full; B-4 has no officer. S3 (K4): nobody; B-6 has no officer."""
    b = Bundle()
    b.node("areas", "S3", level="subdistrict").rel("part_of", "S3", "D")
    b.node("areas", "K4", level="community").rel("part_of", "K4", "S3")
    b.node("persons", "P1", capacity=3).node("persons", "P2").node("persons", "P3", capacity=1)
    for node_id, table, kind, where, point in (
        ("B-A1", "buildings", "commercial", "K1", (36.650, 117.000)),
        ("B-1", "buildings", "commercial", "K1", (36.651, 117.001)),
        ("B-2", "buildings", "commercial", "K2", (36.670, 117.020)),
        ("B-3", "buildings", "mixed", "K2", None),
        ("PK-1", "parks", "featured", "K2", (36.671, 117.021)),
        ("B-S2", "buildings", "commercial", "K3", (36.600, 117.100)),
        ("B-4", "buildings", "commercial", "K3", (36.601, 117.101)),
        ("B-6", "buildings", "commercial", "K4", (36.500, 117.200)),
    ):  # fmt: skip
        coords = {"latitude": point[0], "longitude": point[1]} if point else {}
        b.node(table, node_id, kind=kind, **coords).rel("located_in", node_id, where)
    for org_id, where in (("O-1", "K2"), ("O-2", "K1")):
        b.node("party_orgs", org_id, kind="branch").rel("located_in", org_id, where)
    b.rel("assigned_to", "P1", "B-A1", role="instructor")
    b.rel("assigned_to", "P2", "O-1", role="liaison")
    b.rel("assigned_to", "P3", "B-S2", role="instructor")
    return b


@pytest.fixture
def region(db: Database, tmp_path: Path) -> Database:
    small_region().load(db, tmp_path)
    return db


def assigned_to(db: Database) -> set[tuple[str, str, str, Any]]:
    rows = db.driver.execute_query(
        "MATCH (p:Person)-[r:ASSIGNED_TO]->(t) RETURN p.id AS p, t.id AS t, r.role AS role, "
        "r.since AS since", database_=db.database,
    ).records  # fmt: skip
    return {(r["p"], r["t"], r["role"], r["since"]) for r in rows}


def officer_gaps(db: Database) -> set[str]:
    return {item.id for code in ("TEAM_BRANCH_NO_OFFICER", "TEAM_BUILDING_NO_OFFICER",
                                 "TEAM_PARK_NO_OFFICER")
            for item in list_gaps(db, ADMIN, code, as_of=AS_OF, limit=MAX_PAGE).items}  # fmt: skip


def officer_gaps_in(db: Database, area: str, as_of: dt.date) -> set[str]:
    return {item.id for code in ("TEAM_BRANCH_NO_OFFICER", "TEAM_BUILDING_NO_OFFICER",
                                 "TEAM_PARK_NO_OFFICER")
            for item in list_gaps(db, ADMIN, code, as_of=as_of, area=area,
                                  limit=MAX_PAGE).items}  # fmt: skip


def test_the_plan_covers_the_most_within_capacity_by_the_candidates_rule(region: Database) -> None:
    plan = propose(region, ADMIN, "C", as_of=AS_OF, default_capacity=CAPACITY)
    assert plan.targets == 7  # B-1, B-2, B-3, PK-1, O-2 in S1; B-4 in S2; B-6 in S3
    assert plan.assigned == 4  # P1 and P2 may take two more each
    by_officer = Counter(a.officer.id for a in plan.assignments)
    assert by_officer == {"P1": 2, "P2": 2}
    loads = {o.officer.id: o for o in plan.officers}
    assert (loads["P1"].capacity, loads["P1"].own_capacity, loads["P1"].remaining) == (3, True, 2)
    assert (loads["P2"].capacity, loads["P2"].own_capacity, loads["P2"].remaining) == (3, False, 2)
    assert loads["P3"].remaining == 0
    for item in plan.assignments:  # each officer is one the candidates answer proposes
        assert item.target.id is not None
        offered = candidates(region, ADMIN, item.target.id, AS_OF, limit=50)
        assert item.officer.id in {c.candidate.id for c in offered.officers}
        assert item.role == ("instructor" if item.officer.id == "P1" else "liaison")
    left = {u.target.id: u.reason for u in plan.unassigned}
    assert left["B-4"] == "no_capacity_left" and left["B-6"] == "no_eligible_officer"
    assert len(left) == 3 and sum(r == "no_capacity_left" for r in left.values()) == 2
    assert plan.total_distance_m == sum(a.distance_m for a in plan.assignments)
    # B-1 is 140 m from P1's B-A1: the nearest pair of all is in the plan, measured in metres
    near = next(a for a in plan.assignments if a.target.id == "B-1")
    assert (near.officer.id, near.by) == ("P1", "coordinates") and 100 < near.distance_m < 200


def test_apply_writes_exactly_the_plan_audited_and_closes_those_gaps(region: Database) -> None:
    plan = propose(region, ADMIN, "C", as_of=AS_OF, default_capacity=CAPACITY)
    before, gaps_before = assigned_to(region), officer_gaps(region)
    applied = apply_plan(region, ADMIN, "C", as_of=AS_OF, fingerprint=plan.fingerprint,
                         default_capacity=CAPACITY)  # fmt: skip
    assert applied.created == plan.assigned == 4
    written = assigned_to(region) - before
    assert {(p, t, role) for p, t, role, _ in written} == {
        (a.officer.id, a.target.id, a.role) for a in plan.assignments
    }
    assert all(since.to_native() == AS_OF for *_, since in written)
    events = audit.list_events(region, action="rel.create", limit=10)
    assert sorted(e["seq"] for e in events) == sorted(applied.audit_events)
    assert all(e["details"]["fingerprint"] == plan.fingerprint for e in events)
    assert audit.verify_chain(region)[1] == []
    assert gaps_before - officer_gaps(region) == {a.target.id for a in plan.assignments}
    for officer in ("P1", "P2"):  # never over capacity
        assert portfolio(region, ADMIN, officer, AS_OF).load == 3
    again = propose(region, ADMIN, "C", as_of=AS_OF, default_capacity=CAPACITY)
    assert again.assigned == 0 and again.targets == 3
    # the same fingerprint again: the graph has changed since, refused, nothing written
    with pytest.raises(Conflict):
        apply_plan(region, ADMIN, "C", as_of=AS_OF, fingerprint=plan.fingerprint,
                   default_capacity=CAPACITY)  # fmt: skip


def test_a_plan_overtaken_by_a_write_is_refused_whole(region: Database) -> None:
    plan = propose(region, ADMIN, "S1", as_of=AS_OF, default_capacity=CAPACITY)
    model = REL_MODELS[RelKind.ASSIGNED_TO].model_validate(
        {"from_id": "P1", "to_id": "B-3", "role": "instructor", "since": AS_OF.isoformat()})
    create_relationship(region, ADMIN, model)  # someone assigns P1 meanwhile
    before = assigned_to(region)
    with pytest.raises(Conflict) as refused:
        apply_plan(region, ADMIN, "S1", as_of=AS_OF, fingerprint=plan.fingerprint,
                   default_capacity=CAPACITY)  # fmt: skip
    assert refused.value.extra["fingerprint"] != plan.fingerprint
    assert assigned_to(region) == before


def test_scope_and_role(region: Database) -> None:
    outside = Principal(name="k3", role=Role.ORGANIZER, areas=["K3"])
    with pytest.raises(NotFound):
        propose(region, outside, "S1", as_of=AS_OF, default_capacity=CAPACITY)
    organizer = Principal(name="s1", role=Role.ORGANIZER, areas=["S1"])
    plan = propose(region, organizer, "S1", as_of=AS_OF, default_capacity=CAPACITY)
    assert plan.assigned == 4  # the same plan as the admin's for S1
    viewer = Principal(name="v", role=Role.VIEWER, areas=["S1"])
    with pytest.raises(Forbidden):
        apply_plan(region, viewer, "S1", as_of=AS_OF, fingerprint=plan.fingerprint,
                   default_capacity=CAPACITY)  # fmt: skip
    applied = apply_plan(region, organizer, "S1", as_of=AS_OF, fingerprint=plan.fingerprint,
                         default_capacity=CAPACITY)  # fmt: skip
    assert applied.created == 4
    assert {e["actor"] for e in audit.list_events(region, action="rel.create")} == {"s1"}


@pytest.fixture
def client(region: Database, neo4j_server: Neo4jUnderTest) -> Iterator[tuple[TestClient, str, str]]:
    admin = add_account(region, ADMIN, "plan-admin", Role.ADMIN)
    viewer = add_account(region, ADMIN, "plan-viewer", Role.VIEWER, areas=["S1"])
    settings = neo4j_server.settings(officer_capacity=CAPACITY)
    with TestClient(create_app(settings)) as http:
        yield http, admin, viewer


def test_over_http(client: tuple[TestClient, str, str]) -> None:
    http, admin, viewer = client
    day = {"as_of": AS_OF.isoformat()}
    shown = http.post("/areas/S1/assignment-plan", params=day, headers={"X-API-Key": viewer})
    assert shown.status_code == 200, shown.text
    plan = shown.json()
    assert plan["assigned"] == 4 and plan["solver"] == "ortools.SimpleMinCostFlow"
    body = {"as_of": AS_OF.isoformat(), "fingerprint": plan["fingerprint"]}
    path = "/areas/S1/assignment-plan/apply"
    assert http.post(path, json=body, headers={"X-API-Key": viewer}).status_code == 403
    done = http.post(path, json=body, headers={"X-API-Key": admin})
    assert done.status_code == 200, done.text
    assert done.json()["created"] == 4
    again = http.post(path, json=body, headers={"X-API-Key": admin})
    assert again.status_code == 409
    assert http.post("/areas/NOWHERE/assignment-plan", params=day,
                     headers={"X-API-Key": admin}).status_code == 404  # fmt: skip
    assert http.post(path, json=body | {"extra": 1},
                     headers={"X-API-Key": admin}).status_code == 422  # fmt: skip


@pytest.mark.slow
def test_a_generated_region_is_planned_within_capacity_by_the_candidates_rule(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "region"
    generate(2, "community", folder)
    assert import_files(db, [folder]).ok
    top = db.driver.execute_query("MATCH (a:Area {level: 'subdistrict'}) RETURN a.id AS id",
                                  database_=db.database).records[0]["id"]  # fmt: skip
    as_of = dt.date(2026, 6, 30)
    plan = propose(db, ADMIN, top, as_of=as_of, default_capacity=4)
    assert plan.targets > 0
    loads = {o.officer.id: o for o in plan.officers}
    assert all(o.planned <= o.remaining for o in loads.values())
    for item in plan.assignments:
        assert item.target.id is not None
        offered = candidates(db, ADMIN, item.target.id, as_of, limit=500)
        assert item.officer.id in {c.candidate.id for c in offered.officers}
    for left in plan.unassigned:  # nobody eligible, or everyone eligible is full
        assert left.target.id is not None
        offered = candidates(db, ADMIN, left.target.id, as_of, limit=500)
        eligible = [c.candidate.id for c in offered.officers]
        assert len(eligible) == left.eligible
        assert all(loads[o].planned == loads[o].remaining for o in eligible)
    pairs = [[a.officer.id, a.target.id] for a in plan.assignments]
    before = _term_counts(db, pairs)
    applied = apply_plan(db, ADMIN, top, as_of=as_of, fingerprint=plan.fingerprint,
                         default_capacity=4)  # fmt: skip
    assert applied.created == plan.assigned
    after = _term_counts(db, pairs)
    for a in plan.assignments:  # a term not yet begun is moved; else a new term is added
        pair = (str(a.officer.id), str(a.target.id))
        assert after[pair] == before.get(pair, 0) + (0 if a.renews else 1), pair
    assert officer_gaps_in(db, top, as_of).isdisjoint({a.target.id for a in plan.assignments})
    for officer in loads.values():
        assert officer.officer.id is not None
        load = portfolio(db, ADMIN, officer.officer.id, as_of).load
        assert load <= max(officer.capacity, officer.load)


def _term_counts(db: Database, pairs: list[list[str | None]]) -> dict[tuple[str, str], int]:
    """How many ASSIGNED_TO terms join each (officer, target) pair that has any."""
    records = db.driver.execute_query(
        "UNWIND $pairs AS pair MATCH (:Person {id: pair[0]})-[r:ASSIGNED_TO]->(t {id: pair[1]}) "
        "RETURN pair[0] AS officer, pair[1] AS target, count(r) AS terms",
        pairs=pairs, database_=db.database,
    ).records  # fmt: skip
    return {(r["officer"], r["target"]): r["terms"] for r in records}
