"""Weak points (issue 26, item 2) against brute force: every person and unit of small
generated regions removed in turn by the what-if's write path, every gap rule recounted.
Weak points run a rule only where a rule's declaration (domain/gaps.py, Loss) says a loss
can change it, and weigh several candidates in one what-if: these tests hold both against
the brute force, opens and closes alike."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from neo4j import ManagedTransaction

from graph_service.auth.principal import Principal
from graph_service.db import scenarios as repo
from graph_service.db.database import Database
from graph_service.db.entities import create_node, create_relationship, delete_node
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS
from graph_service.services.imports import import_files
from graph_service.services.scenarios import GapKey, gaps_plan
from graph_service.services.weak_points import Tally, weak_points
from loaders.generator import ScaleSpec, generate_region
from tests.test_scenarios import DEMO_DAY, warm

ADMIN = Principal.cli()
SMALL = ScaleSpec(1, 1, 2, 3, 5, 2, plant_everything=False)
# two subdistricts: organizations, employers and pairings that cross the area's edge
TWO = ScaleSpec(1, 2, 2, 2, 4, 2, plant_everything=False)


def _region(db: Database, tmp_path: Any, seed: int, spec: ScaleSpec) -> tuple[str, dt.date]:
    folder = generate_region(seed, spec, tmp_path / "region")
    as_of = dt.date.fromisoformat(json.loads((folder / "manifest.json").read_text())["as_of"])
    assert import_files(db, [folder]).ok
    area = db.driver.execute_query(
        "MATCH (a:Area {level: 'subdistrict'}) RETURN a.id AS id ORDER BY id LIMIT 1",
        database_=db.database).records[0]["id"]  # fmt: skip
    return area, as_of


def _brute(db: Database, area: str, as_of: dt.date) -> dict[str, tuple[set[GapKey], set[GapKey]]]:
    """Each person and unit removed alone as a what-if removes it, every rule counted
    again: the gaps its loss opens and those it closes."""
    everyone = {r["id"]: NodeKind(r["kind"]) for r in db.driver.execute_query(
        "MATCH (n:Person|Unit) RETURN n.id AS id, labels(n)[0] AS kind",
        database_=db.database).records}  # fmt: skip
    warm(db, area, as_of, sorted(everyone)[0])
    before = set(db.read_plan(lambda: gaps_plan(db.registry, ADMIN, area, as_of)))
    out = {}
    for node_id in sorted(everyone):

        def work(tx: ManagedTransaction, node_id: str = node_id) -> set[GapKey]:
            repo.remove_node(db, tx, everyone[node_id], node_id)
            return set(db.run_plan_in(tx, gaps_plan(db.registry, ADMIN, area, as_of)))

        after = repo.rolled_back(db, work, "test")
        out[node_id] = (after - before, before - after)
    return out


def _check(found: Any, brute: dict[str, tuple[set[GapKey], set[GapKey]]]) -> None:
    """The ranking names exactly those whose loss opens a gap, with its gaps and closes."""
    opening = {c: opened for c, (opened, _) in brute.items() if opened}
    assert opening, "the region should have a single point of failure"
    assert {w.entity.id: {(g.code, g.id, g.related_id) for g in w.gaps}
            for w in found.ranked} == opening  # fmt: skip
    assert {w.entity.id: w.closes for w in found.ranked} == {
        c: len(brute[c][1]) for c in opening}
    assert [w.opens for w in found.ranked] == sorted(map(len, opening.values()), reverse=True)


def test_the_ranking_equals_removing_every_person_and_unit(db: Database, tmp_path: Any) -> None:
    area, as_of = _region(db, tmp_path, 5, SMALL)
    brute = _brute(db, area, as_of)  # every person and unit, not only supporters
    tally = Tally()
    found = weak_points(db, ADMIN, area, as_of, limit=10_000, tally=tally)
    _check(found, brute)
    # most candidates cannot open a gap and are not weighed; several share a what-if
    assert set(tally.weighed) >= {w.entity.id for w in found.ranked}
    assert len(tally.weighed) < len(tally.candidates)
    assert tally.what_ifs < len(tally.weighed)
    # the worst one, removed for real through the service's write path
    worst = found.ranked[0]
    before = set(db.read_plan(lambda: gaps_plan(db.registry, ADMIN, area, as_of)))
    delete_node(db, ADMIN, NodeKind(worst.entity.kind), str(worst.entity.id), cascade=True)
    after = set(db.read_plan(lambda: gaps_plan(db.registry, ADMIN, area, as_of)))
    assert after - before == {(g.code, g.id, g.related_id) for g in worst.gaps}
    assert len(before - after) == worst.closes
    # redundancy: a target whose supporters are one officer is a single point
    for row in found.redundancy:
        assert row.supporters >= row.officers
        assert sum(row.by_channel.values()) >= row.supporters


@pytest.mark.parametrize("seed", [3, 8])
def test_one_subdistrict_of_two_equals_brute_force(db: Database, tmp_path: Any, seed: int) -> None:
    """A subdistrict beside another: employers, pairings and party organizations across
    its edge; every candidate removed for real (its loss may move a person or an
    organization into or out of the area)."""
    area, as_of = _region(db, tmp_path, seed, TWO)
    brute = _brute(db, area, as_of)
    tally = Tally()
    found = weak_points(db, ADMIN, area, as_of, limit=10_000, tally=tally)
    _check(found, {c: brute[c] for c in tally.candidates})


def test_a_unit_whose_loss_brings_an_organization_in(db: Database, tmp_path: Any) -> None:
    """A branch established in a unit of the next subdistrict and covering one here lies
    there (its own unit comes first); that unit, paired with a community here, is a
    candidate whose loss brings the branch in (its gaps open here), weighed with the rules
    that find organizations by area, as removing it for real says."""
    area, as_of = _region(db, tmp_path, 3, TWO)

    def one(query: str, **params: Any) -> str:
        records = db.driver.execute_query(query, database_=db.database, **params).records
        return str(records[0]["id"])

    under = "(:Area {id: $a})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(u:Unit)"
    there = one("MATCH (s:Area {level: 'subdistrict'}) WHERE s.id <> $a "
                "MATCH (s)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(u:Unit) "
                "RETURN u.id AS id ORDER BY id LIMIT 1", a=area)  # fmt: skip
    here = one(f"MATCH {under} RETURN u.id AS id ORDER BY id LIMIT 1", a=area)
    community = one("MATCH (:Area {id: $a})<-[:PART_OF*1..8]-(c:Area {level: 'community'}) "
                    "RETURN c.id AS id ORDER BY id LIMIT 1", a=area)  # fmt: skip
    branch = NODE_MODELS[NodeKind.PARTY_ORG].model_validate(
        {"id": "PO-ACROSS", "name": "跨街道支部", "kind": "branch"})
    create_node(db, ADMIN, branch, (RelKind.ESTABLISHED_IN, there))
    for rel, start, end in ((RelKind.COVERS, "PO-ACROSS", here),
                            (RelKind.PAIRED_WITH, there, community)):  # fmt: skip
        create_relationship(db, ADMIN, REL_MODELS[rel].model_validate(
            {"from_id": start, "to_id": end}))  # fmt: skip
    brute = _brute(db, area, as_of)
    assert ("TEAM_BRANCH_NO_OFFICER", "PO-ACROSS", None) in brute[there][0]
    tally = Tally()
    found = weak_points(db, ADMIN, area, as_of, limit=10_000, tally=tally)
    _check(found, {c: brute[c] for c in tally.candidates})
    assert there in tally.weighed


def test_demo_weak_points_name_wang_lixin_and_a_cut_point(demo_database: Database) -> None:
    warm(demo_database, "A-ERQI", DEMO_DAY, "PS-LI-XIAOMEI")
    found = weak_points(demo_database, ADMIN, "A-ERQI", DEMO_DAY)
    ids = [w.entity.id for w in found.ranked]
    assert "PS-WANG-LIXIN" in ids
    wang = found.ranked[ids.index("PS-WANG-LIXIN")]
    assert "PK-WENCHUANG" in {g.id for g in wang.gaps}
    park = next(r for r in found.redundancy if r.target.id == "PK-WENCHUANG")
    assert park.officers == 1
    assert found.network["nodes"] > 0 and found.articulation_points
