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
from graph_service.db.entities import delete_node
from graph_service.domain.kinds import NodeKind
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
