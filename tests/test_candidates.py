"""Who should be assigned to, or cover, a branch, building, park or unit: against the real
Neo4j, checked on hand-made regions and, for many generated ones, against a plain Python
reading of the rule (``candidates.cypher``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db import support
from graph_service.db.database import Database
from graph_service.errors import InvalidInput, NotFound
from graph_service.main import create_app
from graph_service.services.imports import import_files

AS_OF = dt.date(2026, 6, 30)
ADMIN = Principal.cli()

# 街道 S (社区 K1 with 网格 G1, 社区 K2), and a second 街道 T (社区 K3), in one city.
AREAS = [
    {"id": "A-CITY", "name": "示例市", "level": "city"},
    {"id": "A-S", "name": "示例街道", "level": "subdistrict"},
    {"id": "A-K1", "name": "一号社区", "level": "community"},
    {"id": "A-G1", "name": "一号社区第1网格", "level": "grid"},
    {"id": "A-K2", "name": "二号社区", "level": "community"},
    {"id": "A-T", "name": "邻近街道", "level": "subdistrict"},
    {"id": "A-K3", "name": "三号社区", "level": "community"},
]
PARENT = {"A-S": "A-CITY", "A-K1": "A-S", "A-G1": "A-K1", "A-K2": "A-S", "A-T": "A-CITY",
          "A-K3": "A-T"}  # fmt: skip

HAND_MADE = {
    "buildings": [
        {"id": "B-TARGET", "name": "目标大厦"},  # in G1: the entity asked about
        {"id": "B-G1", "name": "网格内大厦"},
        {"id": "B-K1", "name": "社区一大厦"},
        {"id": "B-K2", "name": "社区二大厦"},
        {"id": "B-K2B", "name": "社区二二号楼"},
        {"id": "B-T", "name": "邻街道大厦"},
    ],
    "parks": [{"id": "P-K2", "name": "二号社区园区"}],
    "units": [{"id": "U-K1", "name": "社区一科技公司", "kind": "非公企业"}],
    "party_orgs": [
        {"id": "O-TARGET", "name": "目标大厦党支部", "kind": "building_branch"},
        {"id": "O-JOINT", "name": "社区二联合党支部", "kind": "joint_branch"},
        {"id": "O-G1", "name": "网格大厦党支部", "kind": "building_branch"},
        {"id": "O-OLD", "name": "已撤销覆盖的党支部", "kind": "building_branch"},
        {"id": "O-T", "name": "邻街道党支部", "kind": "building_branch"},
    ],
    "persons": [
        {"id": "P-NEAR", "name": "网格指导员"},  # works in G1, load 2
        {"id": "P-LIGHT", "name": "社区二联络员"},  # works in K2 only, load 1
        {"id": "P-HEAVY", "name": "社区一指导员"},  # works in K1, load 3 (one in T)
        {"id": "P-DONE", "name": "已联系目标的联络员"},  # already assigned to B-TARGET
        {"id": "P-PAST", "name": "期满指导员"},  # assignment in G1 ended
        {"id": "P-AWAY", "name": "邻街道指导员"},  # works in T only
    ],
    "located_in": [
        {"from_id": "B-TARGET", "to_id": "A-G1"}, {"from_id": "B-G1", "to_id": "A-G1"},
        {"from_id": "B-K1", "to_id": "A-K1"}, {"from_id": "B-K2", "to_id": "A-K2"},
        {"from_id": "B-K2B", "to_id": "P-K2"}, {"from_id": "P-K2", "to_id": "A-K2"},
        {"from_id": "B-T", "to_id": "A-K3"}, {"from_id": "U-K1", "to_id": "B-K1"},
        {"from_id": "O-TARGET", "to_id": "B-TARGET"}, {"from_id": "O-JOINT", "to_id": "B-K2"},
        {"from_id": "O-G1", "to_id": "B-G1"}, {"from_id": "O-OLD", "to_id": "B-G1"},
        {"from_id": "O-T", "to_id": "B-T"},
    ],
    "assigned_to": [
        {"from_id": "P-NEAR", "to_id": "B-G1", "role": "instructor"},
        {"from_id": "P-NEAR", "to_id": "O-G1", "role": "liaison", "since": "2025-01-01"},
        {"from_id": "P-LIGHT", "to_id": "P-K2", "role": "liaison"},
        {"from_id": "P-HEAVY", "to_id": "B-K1", "role": "instructor"},
        {"from_id": "P-HEAVY", "to_id": "U-K1", "role": "instructor"},
        {"from_id": "P-HEAVY", "to_id": "B-T", "role": "instructor"},
        {"from_id": "P-DONE", "to_id": "B-TARGET", "role": "liaison"},
        {"from_id": "P-DONE", "to_id": "B-K1", "role": "liaison"},
        {"from_id": "P-PAST", "to_id": "B-G1", "role": "instructor", "until": "2025-12-31"},
        {"from_id": "P-AWAY", "to_id": "B-T", "role": "liaison"},
    ],
    "covers": [
        {"from_id": "O-TARGET", "to_id": "B-TARGET"},
        {"from_id": "O-JOINT", "to_id": "B-K2"}, {"from_id": "O-JOINT", "to_id": "B-K2B"},
        {"from_id": "O-JOINT", "to_id": "U-K1"},
        {"from_id": "O-G1", "to_id": "B-G1"},
        {"from_id": "O-OLD", "to_id": "B-G1", "until": "2026-01-31"},
        {"from_id": "O-T", "to_id": "B-T"},
    ],
}  # fmt: skip


def _bundle(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    part_of = [{"from_id": child, "to_id": parent} for child, parent in PARENT.items()]
    return {"format": "regional-party-network", "version": 1,
            "tables": {"areas": AREAS, "part_of": part_of, **tables}}  # fmt: skip


def _load(db: Database, tmp_path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    path = tmp_path / "region.json"
    path.write_text(json.dumps(_bundle(tables), ensure_ascii=False), encoding="utf-8")
    report = import_files(db, [path])
    assert report.ok, [str(p) for p in report.problems]


@pytest.fixture
def region(db: Database, tmp_path: Path) -> Database:
    _load(db, tmp_path, HAND_MADE)
    return db


def _listed(group: list[Any]) -> list[tuple[str | None, int, str, int]]:
    return [(c.candidate.id, c.load, c.near.id, c.nearby) for c in group]


def test_officers_for_a_building_nearest_first_then_lightest(region: Database) -> None:
    found = support.candidates(region, ADMIN, "B-TARGET", AS_OF)
    assert [a.id for a in found.area_path] == ["A-CITY", "A-S", "A-K1", "A-G1"]
    assert found.pool is not None and found.pool.id == "A-S"
    # P-NEAR shares the grid; P-HEAVY (load 3, one of them in the other subdistrict) the
    # community; P-LIGHT only the subdistrict. P-DONE is assigned already, P-PAST's
    # assignment ended, P-AWAY works in the other subdistrict only.
    assert _listed(found.officers) == [
        ("P-NEAR", 2, "A-G1", 2), ("P-HEAVY", 3, "A-K1", 2), ("P-LIGHT", 1, "A-S", 1),
    ]  # fmt: skip
    assert found.officers_total == 3
    assert found.officers[0].roles == ["instructor", "liaison"]
    assert found.officers[0].roles_zh == ["党建指导员", "党建联络员"]
    # O-TARGET covers it already; O-OLD's cover ended; O-T is in the other subdistrict.
    # O-G1 shares the grid; O-JOINT (3 covered: two in K2, one unit in K1) the community K1.
    assert _listed(found.covering_orgs) == [("O-G1", 1, "A-G1", 1), ("O-JOINT", 3, "A-K1", 1)]
    assert found.covering_orgs[1].roles == ["joint_branch"]
    assert found.covering_orgs[1].roles_zh == ["联合党支部"]


def test_as_of_decides_who_is_working_and_who_is_assigned(region: Database) -> None:
    before = support.candidates(region, ADMIN, "B-TARGET", dt.date(2025, 6, 30))
    # on that day P-PAST still worked in the grid, P-NEAR's liaison post had begun, and
    # O-OLD still covered the grid's building
    assert _listed(before.officers) == [
        ("P-PAST", 1, "A-G1", 1), ("P-NEAR", 2, "A-G1", 2), ("P-HEAVY", 3, "A-K1", 2),
        ("P-LIGHT", 1, "A-S", 1),
    ]  # fmt: skip
    assert [c.candidate.id for c in before.covering_orgs] == ["O-G1", "O-OLD", "O-JOINT"]
    assert before.covering_orgs[1].near.id == "A-G1"


def test_what_each_kind_of_entity_is_offered(region: Database) -> None:
    branch = support.candidates(region, ADMIN, "O-TARGET", AS_OF)  # its area: the grid
    # P-DONE is assigned to the building, not to its branch; a tie in load goes by id
    assert [c.candidate.id for c in branch.officers] == ["P-DONE", "P-NEAR", "P-HEAVY",
                                                          "P-LIGHT"]  # fmt: skip
    assert branch.covering_orgs == [] and branch.covering_orgs_total == 0
    unit = support.candidates(region, ADMIN, "U-K1", AS_OF)
    assert unit.officers == [] and unit.officers_total == 0
    # O-JOINT covers it already
    assert _listed(unit.covering_orgs) == [("O-G1", 1, "A-K1", 1), ("O-TARGET", 1, "A-K1", 1)]
    park = support.candidates(region, ADMIN, "P-K2", AS_OF)
    assert _listed(park.officers) == [("P-DONE", 2, "A-S", 2), ("P-NEAR", 2, "A-S", 2),
                                      ("P-HEAVY", 3, "A-S", 2)]  # fmt: skip
    # a building inside the park shares the park's community
    assert _listed(park.covering_orgs)[0] == ("O-JOINT", 3, "A-K2", 2)


def test_a_few_at_a_time_and_the_errors(region: Database) -> None:
    found = support.candidates(region, ADMIN, "B-TARGET", AS_OF, limit=1)
    assert _listed(found.officers) == [("P-NEAR", 2, "A-G1", 2)]
    assert found.officers_total == 3 and found.covering_orgs_total == 2
    with pytest.raises(NotFound):
        support.candidates(region, ADMIN, "B-NONE", AS_OF)
    with pytest.raises(InvalidInput) as area:
        support.candidates(region, ADMIN, "A-K1", AS_OF)
    assert area.value.extra["field"] == "entity_id" and "Area" in area.value.detail
    with pytest.raises(InvalidInput) as limit:
        support.candidates(region, ADMIN, "B-TARGET", AS_OF, limit=0)
    assert limit.value.extra["field"] == "limit"


def test_an_entity_in_no_area_has_no_candidates(db: Database, tmp_path: Path) -> None:
    _load(db, tmp_path, {
        "buildings": [{"id": "B-LOST", "name": "无区域大厦"}, {"id": "B-K1", "name": "社区一大厦"}],
        "persons": [{"id": "P-1", "name": "指导员"}],
        "located_in": [{"from_id": "B-K1", "to_id": "A-K1"}],
        "assigned_to": [{"from_id": "P-1", "to_id": "B-K1", "role": "instructor"}],
    })  # fmt: skip
    found = support.candidates(db, ADMIN, "B-LOST", AS_OF)
    assert found.area_path == [] and found.pool is None
    assert found.officers == [] and found.covering_orgs == []


@pytest.fixture
def client(
    region: Database, settings: Settings, admin_headers: dict[str, str]
) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        test_client.headers.update(admin_headers)
        yield test_client


def test_over_http(client: TestClient) -> None:
    response = client.get("/entities/B-TARGET/candidates",
                          params={"as_of": AS_OF.isoformat(), "limit": 2})  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["candidate"]["id"] for c in body["officers"]] == ["P-NEAR", "P-HEAVY"]
    assert body["officers_total"] == 3
    assert body["covering_orgs"][0]["near"] == {"id": "A-G1", "name": "一号社区第1网格",
                                                "level": "grid"}  # fmt: skip
    missing = client.get("/entities/B-NONE/candidates")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    area = client.get("/entities/A-K1/candidates")
    assert area.status_code == 422 and "Area" in area.json()["detail"]
    assert client.get("/entities/B-TARGET/candidates", params={"limit": 0}).status_code == 422


def test_cli_prints_candidates_as_a_table_and_json(settings: Settings, region: Database) -> None:
    env = {**os.environ, "NEO4J_URI": settings.neo4j_uri, "COLUMNS": "160",
           "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value()}  # fmt: skip
    cli = [sys.executable, "-m", "graph_service.cli", "candidates", "B-TARGET",
           "--as-of", AS_OF.isoformat()]  # fmt: skip
    table = subprocess.run(cli, capture_output=True, text=True, env=env, check=True).stdout
    assert "网格指导员" in table and "社区二联合党支部" in table and "示例街道" in table
    rows = json.loads(subprocess.run([*cli, "--format", "json"], capture_output=True,
                                     text=True, env=env, check=True).stdout)  # fmt: skip
    assert [(r["id"], r["load"]) for r in rows] == [
        ("P-NEAR", 2), ("P-HEAVY", 3), ("P-LIGHT", 1), ("O-G1", 1), ("O-JOINT", 3),
    ]  # fmt: skip


# ---- generated regions against the rule read plainly ----------------------------------

# mostly in the first subdistrict, so that most entities have candidates; some in the city
# itself, above any subdistrict
PLACE_AREAS = ["A-S", "A-K1", "A-G1", "A-K2", "A-K1", "A-G1", "A-T", "A-K3", "A-CITY"]
DAYS = [None, "2025-01-01", "2026-06-30", "2026-07-01"]


@st.composite
def regions(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """Buildings and parks in areas (a building may stand in a park), units in buildings or
    areas, organizations in buildings, and officers' assignments and organizations' covers
    with dates around AS_OF."""
    parks = [{"id": f"P-{i}", "name": f"园区{i}"} for i in range(draw(st.integers(0, 2)))]
    buildings = [{"id": f"B-{i}", "name": f"大厦{i}"} for i in range(draw(st.integers(2, 6)))]
    units = [{"id": f"U-{i}", "name": f"公司{i}", "kind": "非公企业"}
             for i in range(draw(st.integers(0, 3)))]  # fmt: skip
    orgs = [{"id": f"O-{i}", "name": f"党支部{i}", "kind": "joint_branch"}
            for i in range(draw(st.integers(1, 4)))]  # fmt: skip
    persons = [{"id": f"PS-{i}", "name": f"干部{i}"} for i in range(draw(st.integers(2, 6)))]
    located = [{"from_id": p["id"], "to_id": draw(st.sampled_from(PLACE_AREAS))} for p in parks]
    spots = PLACE_AREAS + [p["id"] for p in parks]
    located += [{"from_id": b["id"], "to_id": draw(st.sampled_from(spots))} for b in buildings]
    homes = PLACE_AREAS + [b["id"] for b in buildings]
    located += [{"from_id": u["id"], "to_id": draw(st.sampled_from(homes))} for u in units]
    located += [{"from_id": o["id"], "to_id": draw(st.sampled_from(buildings))["id"]}
                for o in orgs]  # fmt: skip
    places = [x["id"] for x in buildings + parks + units]
    targets = places + [o["id"] for o in orgs] + sorted(set(PLACE_AREAS))

    def dated(row: dict[str, Any]) -> dict[str, Any]:
        since = draw(st.sampled_from(DAYS))
        until = draw(st.sampled_from([d for d in DAYS if d is None or since is None or d >= since]))
        return row | ({"since": since} if since else {}) | ({"until": until} if until else {})

    assigned = {
        (p["id"], draw(st.sampled_from(targets))): draw(st.sampled_from(["instructor", "liaison"]))
        for p in persons
        for _ in range(draw(st.integers(1, 4)))
    }
    covers = {(o["id"], draw(st.sampled_from(places)))
              for o in orgs for _ in range(draw(st.integers(1, 3)))}  # fmt: skip
    return {
        "parks": parks, "buildings": buildings, "units": units, "party_orgs": orgs,
        "persons": persons, "located_in": located,
        "assigned_to": [dated({"from_id": p, "to_id": t, "role": r})
                        for (p, t), r in sorted(assigned.items())],
        "covers": [dated({"from_id": o, "to_id": t}) for o, t in sorted(covers)],
    }  # fmt: skip


def _current(row: dict[str, Any], day: dt.date) -> bool:
    since, until = row.get("since"), row.get("until")
    return (since is None or dt.date.fromisoformat(since) <= day) and (
        until is None or dt.date.fromisoformat(until) >= day
    )


def _expected(tables: dict[str, list[dict[str, Any]]], entity: str, day: dt.date) -> dict[str, Any]:
    """The rule of ``candidates.cypher``, read plainly: every place stands in one place."""
    inside = {row["from_id"]: row["to_id"] for row in tables["located_in"]}
    areas = {a["id"] for a in AREAS}

    def area_of(node: str) -> str:  # organizations, buildings, parks, units: one chain
        while node not in areas:
            node = inside[node]
        return node

    def chain(area: str) -> list[str]:  # the top first
        return [*chain(PARENT[area]), area] if area in PARENT else [area]

    path = chain(area_of(entity))
    levels = {a["id"]: a["level"] for a in AREAS}
    subdistrict = [i for i, a in enumerate(path) if levels[a] == "subdistrict"]
    pool_at = subdistrict[0] if subdistrict else len(path) - 1

    def shared(target: str) -> int | None:  # the index in path of the nearest shared area
        theirs = chain(target if target in areas else area_of(target))
        if not subdistrict:  # above any subdistrict: only what is in the entity's own area
            return pool_at if theirs == path else None
        if len(theirs) <= pool_at or theirs[pool_at] != path[pool_at]:
            return None  # not under the entity's subdistrict
        common = [i for i in range(len(path)) if i < len(theirs) and theirs[i] == path[i]]
        return max(common)

    def ranked(
        rows: list[dict[str, Any]], kinds: set[str] | None
    ) -> list[tuple[str, int, str, int]]:
        now = [r for r in rows if _current(r, day)]
        found = []
        for who in sorted({r["from_id"] for r in now}):
            mine = {r["to_id"] for r in now if r["from_id"] == who}
            there = {t: shared(t) for t in mine if kinds is None or t.split("-")[0] in kinds}
            there = {t: s for t, s in there.items() if s is not None}
            if not there or entity in mine:
                continue
            near = max(there.values())
            found.append((who, len(mine), path[near], sum(s == near for s in there.values())))
        return sorted(found, key=lambda c: (-path.index(c[2]), c[1], c[0]))

    prefix = entity.split("-")[0]
    return {
        "officers": ranked(tables["assigned_to"], None) if prefix in {"O", "B", "P"} else [],
        "orgs": ranked(tables["covers"], {"B", "P", "U"}) if prefix in {"B", "P", "U"} else [],
    }


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables=regions(), data=st.data())
def test_generated_regions_give_exactly_the_rules_candidates(
    db: Database, tmp_path: Path, tables: dict[str, list[dict[str, Any]]], data: st.DataObject
) -> None:
    db.wipe()
    _load(db, tmp_path, tables)
    entities = [x["id"] for key in ("buildings", "parks", "units", "party_orgs")
                for x in tables[key]]  # fmt: skip
    entity = data.draw(st.sampled_from(entities), label="entity")
    day = dt.date.fromisoformat(data.draw(st.sampled_from(DAYS[1:]), label="as_of"))
    found = support.candidates(db, ADMIN, entity, day, limit=support.MAX_CANDIDATES)
    expected = _expected(tables, entity, day)
    event(f"officers: {min(len(expected['officers']), 3)}, orgs: {min(len(expected['orgs']), 3)}")
    event(f"pool: {found.pool.level if found.pool else None}")
    assert _listed(found.officers) == expected["officers"]
    assert _listed(found.covering_orgs) == expected["orgs"]
    assert (found.officers_total, found.covering_orgs_total) == (
        len(expected["officers"]),
        len(expected["orgs"]),
    )
