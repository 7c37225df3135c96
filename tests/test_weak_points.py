"""Weak points (issue 26, item 2) against brute force: every person and unit of a small
generated region removed in turn, the gaps recounted by the real rules."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.entities import delete_node
from graph_service.domain.kinds import NodeKind
from graph_service.schemas.scenarios import RemoveChange
from graph_service.services.imports import import_files
from graph_service.services.scenarios import gaps_plan, what_if
from graph_service.services.weak_points import weak_points
from loaders.generator import ScaleSpec, generate_region
from tests.test_scenarios import DEMO_DAY, warm

ADMIN = Principal.cli()
SMALL = ScaleSpec(1, 1, 2, 3, 5, 2, plant_everything=False)


@pytest.fixture
def region(db: Database, tmp_path: Any) -> tuple[Database, str, dt.date]:
    folder = generate_region(5, SMALL, tmp_path / "region")
    as_of = dt.date.fromisoformat(json.loads((folder / "manifest.json").read_text())["as_of"])
    assert import_files(db, [folder]).ok
    area = db.driver.execute_query("MATCH (a:Area {level: 'subdistrict'}) RETURN a.id AS id",
                                   database_=db.database).records[0]["id"]  # fmt: skip
    return db, area, as_of


def test_the_ranking_equals_removing_every_person_and_unit(region: Any) -> None:
    db, area, as_of = region
    everyone = [(r["id"], r["kind"]) for r in db.driver.execute_query(
        "MATCH (n:Person|Unit) RETURN n.id AS id, labels(n)[0] AS kind ORDER BY id",
        database_=db.database).records]  # fmt: skip
    warm(db, area, as_of, everyone[0][0])
    found = weak_points(db, ADMIN, area, as_of, limit=10_000)
    brute = {}
    for node_id, _ in everyone:  # brute force: every person and unit, not only supporters
        opened = what_if(db, ADMIN, area, as_of, [RemoveChange(op="remove", id=node_id)]).opened
        if opened:
            brute[node_id] = {(g.code, g.id, g.related_id) for g in opened}
    assert brute, "the region should have a single point of failure"
    assert {w.entity.id: {(g.code, g.id, g.related_id) for g in w.gaps}
            for w in found.ranked} == brute  # fmt: skip
    assert [w.opens for w in found.ranked] == sorted((len(v) for v in brute.values()),
                                                     reverse=True)  # fmt: skip
    # the worst one, removed for real through the service's write path
    worst = found.ranked[0]
    before = set(db.read_plan(lambda: gaps_plan(db.registry, ADMIN, area, as_of)))
    delete_node(db, ADMIN, NodeKind(worst.entity.kind), str(worst.entity.id), cascade=True)
    after = set(db.read_plan(lambda: gaps_plan(db.registry, ADMIN, area, as_of)))
    assert after - before == {(g.code, g.id, g.related_id) for g in worst.gaps}
    # redundancy: a target whose supporters are one officer is a single point
    for row in found.redundancy:
        assert row.supporters >= row.officers
        assert sum(row.by_channel.values()) >= row.supporters


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
