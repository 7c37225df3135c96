"""Where to put the next station (graph_service/services/places.py): the integer program is
optimal on small random cases (checked by brute force over every choice of sites), and the
plan of a small area picks the sites a person would, through the service, the API and the
CLI."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.domain.coordinates import haversine_m
from graph_service.errors import InvalidInput, NotFound
from graph_service.main import create_app
from graph_service.services.places import (
    Candidates,
    Place,
    grid_sites,
    plan_stations,
    solve_max_cover,
)
from tests.test_gaps import Bundle

AS_OF = dt.date(2026, 6, 30)


def brute_force(weights: list[float], covers: list[frozenset[int]], k: int) -> float:
    best = 0.0
    for size in range(min(k, len(covers)) + 1):
        for chosen in itertools.combinations(range(len(covers)), size):
            covered = set().union(*(covers[j] for j in chosen))
            best = max(best, sum(weights[i] for i in covered))
    return best


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[float], list[frozenset[int]], int]:
    n_points = draw(st.integers(0, 9))
    weights = draw(st.lists(st.integers(0, 20).map(float), min_size=n_points, max_size=n_points))
    n_sites = draw(st.integers(0, 7))
    covers = [frozenset(draw(st.sets(st.integers(0, max(n_points - 1, 0)), max_size=n_points)))
              if n_points else frozenset() for _ in range(n_sites)]  # fmt: skip
    return weights, covers, draw(st.integers(0, 4))


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_integer_program_is_optimal(
    instance: tuple[list[float], list[frozenset[int]], int],
) -> None:
    weights, covers, k = instance
    chosen, covered, optimal = solve_max_cover(weights, covers, k)
    assert optimal
    assert len(chosen) <= k and len(set(chosen)) == len(chosen)
    # what it reports is what its sites cover, and nothing does better
    assert covered == sum(weights[i] for i in set().union(*(covers[j] for j in chosen)))
    assert covered == brute_force(weights, covers, k)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(36.60, 36.70), st.floats(116.95, 117.05)), min_size=1,
                max_size=30),
       st.sampled_from([300.0, 800.0, 1500.0]))  # fmt: skip
def test_a_grid_leaves_no_place_further_than_its_half_diagonal(
    points: list[tuple[float, float]], spacing: float
) -> None:
    demand = [Place(f"P{n}", "p", "Building", None, lat, lon, None)
              for n, (lat, lon) in enumerate(points)]  # fmt: skip
    sites = grid_sites(demand, spacing)
    for place in demand:
        nearest = min(haversine_m(place.latitude, place.longitude, s.latitude, s.longitude)
                      for s in sites)  # fmt: skip
        assert nearest <= spacing * 0.7072 + 1


# A small area, in metres around 36.65 N 117.00 E: one station serving what is near it, a
# cluster 4.5 km east (two buildings and a unit with 10 formal party members) and one 5.5 km
# north (two buildings). A new station in the east cluster brings 12; in the north, 2.
def small_area() -> Bundle:
    b = Bundle()
    b.node("stations", "ST", latitude=36.650, longitude=117.000)
    b.rel("located_in", "ST", "K1")
    for node_id, lat, lon in (("B-NEAR", 36.652, 117.000), ("B-E1", 36.650, 117.050),
                              ("B-E2", 36.651, 117.051), ("B-N1", 36.700, 117.000),
                              ("B-N2", 36.7005, 117.000)):  # fmt: skip
        b.node("buildings", node_id, kind="commercial", latitude=lat, longitude=lon)
        b.rel("located_in", node_id, "K1")
    b.node("units", "U-E", kind="non_public_enterprise", formal_party_members=10,
           latitude=36.650, longitude=117.0505)  # fmt: skip
    b.rel("located_in", "U-E", "B-E1")
    # a place of another subdistrict is not planned for
    b.node("buildings", "B-OTHER", kind="commercial", latitude=36.660, longitude=117.100)
    b.rel("located_in", "B-OTHER", "K3")
    return b


@pytest.fixture
def area_db(db: Database, tmp_path: Path) -> Database:
    small_area().load(db, tmp_path)
    return db


def test_the_plan_picks_the_cluster_that_weighs_most(area_db: Database) -> None:
    plan = plan_stations(area_db, "S1", k=1, as_of=AS_OF, radius_m=1000)
    assert plan.optimal and plan.candidates == Candidates.BUILDINGS
    # B-NEAR lies in the existing station's circle; B-OTHER in another subdistrict
    assert plan.uncovered_count == 5 and plan.uncovered_weight == 14
    assert plan.candidate_count == 5  # the subdistrict's buildings
    (pick,) = plan.picks
    assert pick.site.id in {"B-E1", "B-E2"}
    assert set(pick.gained) == {"B-E1", "B-E2", "U-E"} and pick.gained_weight == 12
    assert plan.covered_weight == 12


def test_each_pick_says_what_it_adds_the_largest_first(area_db: Database) -> None:
    plan = plan_stations(area_db, "S1", k=3, as_of=AS_OF, radius_m=1000)
    assert plan.covered_weight == 14 and len(plan.picks) == 2  # a third adds nothing
    assert [p.gained_weight for p in plan.picks] == [12, 2]
    assert set(plan.picks[1].gained) == {"B-N1", "B-N2"}
    grid = plan_stations(area_db, "S1", k=2, as_of=AS_OF, radius_m=1000,
                         candidates=Candidates.GRID)  # fmt: skip
    assert grid.covered_weight == 14 and grid.candidate_count > 10
    # a larger circle from the existing station (6 km) serves both clusters already
    wide = plan_stations(area_db, "S1", k=1, as_of=AS_OF, radius_m=6000)
    assert wide.uncovered_count == 0 and wide.picks == ()


def test_bad_plans_are_refused(area_db: Database) -> None:
    with pytest.raises(NotFound):
        plan_stations(area_db, "NO-SUCH", k=1, as_of=AS_OF, radius_m=1000)
    with pytest.raises(InvalidInput):
        plan_stations(area_db, "S1", k=0, as_of=AS_OF, radius_m=1000)
    with pytest.raises(InvalidInput):
        plan_stations(area_db, "S1", k=1, as_of=AS_OF, radius_m=1000, candidates="roofs")
    # a grid of a million points is refused before one is made
    with pytest.raises(InvalidInput, match="grid_spacing_m"):
        plan_stations(area_db, "S1", k=1, as_of=AS_OF, radius_m=10, candidates=Candidates.GRID)


def test_the_api_and_the_cli_give_the_same_plan(
    area_db: Database, settings: Settings, tmp_path: Path
) -> None:
    expected = plan_stations(area_db, "S1", k=2, as_of=AS_OF, radius_m=1000)
    key = add_account(area_db, Principal.cli(), "plan-admin", Role.ADMIN)
    with TestClient(create_app(settings), headers={"X-API-Key": key}) as client:
        answer = client.get("/areas/S1/station-plan", params={"as_of": "2026-06-30", "k": 2})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["covered_weight"] == expected.covered_weight and body["optimal"]
        assert [p["site"]["id"] for p in body["picks"]] == [p.site.id for p in expected.picks]
        assert client.get("/areas/NO-SUCH/station-plan", params={"k": 1}).status_code == 404
        assert client.get("/areas/S1/station-plan", params={"k": 0}).status_code == 422
        grid = client.get("/areas/S1/station-plan", params={"candidates": "grid", "k": 2})
        assert grid.status_code == 200 and grid.json()["covered_weight"] == 14
    env = os.environ | {"NEO4J_URI": settings.neo4j_uri, "NEO4J_USER": settings.neo4j_user,
                        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value()}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "plan", "stations", "--area", "S1", "--k",
         "2", "--as-of", "2026-06-30", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["covered_weight"] == 14 and printed["optimal"]
    rows = printed["picks"]
    assert [row["id"] for row in rows] == [p.site.id for p in expected.picks]
    assert [row["gained_weight"] for row in rows] == [12, 2]
