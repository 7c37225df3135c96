"""Each party organization's stored area (db/org_areas.py) against a real Neo4j.

The gap queries read ``resolved_area`` instead of working the area out, so it must equal
what the rule gives from the graph after every write. ``org_areas_stale`` computes the rule
for every organization and lists those that differ; these tests make writes of every kind
through the service and require it to stay empty. The ground-truth tests of test_gaps
check, over several generated regions, that the gap answers built on it are exact.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db import entities, org_areas
from graph_service.db.database import Database
from graph_service.db.exports import node_rows
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS
from graph_service.errors import Conflict, InvalidInput
from graph_service.services.demo import load_demo
from graph_service.services.exports import export_json
from graph_service.services.imports import import_files

ADMIN = Principal.cli()
AREA_RELS = sorted(org_areas.AREA_RELS)
NEW_NODE_FIELDS: dict[NodeKind, dict[str, str]] = {
    NodeKind.AREA: {"level": "community"}, NodeKind.UNIT: {"kind": "enterprise"},
    NodeKind.PARTY_ORG: {"kind": "branch"}, NodeKind.COMMITTEE: {"kind": "community"},
}  # fmt: skip
PLACES_AND_ORGS = [NodeKind.AREA, NodeKind.BUILDING, NodeKind.PARK, NodeKind.UNIT,
                   NodeKind.COMMITTEE, NodeKind.PARTY_ORG]  # fmt: skip


@pytest.fixture
def demo(db: Database) -> Database:
    assert load_demo(db) is not None
    return db


def _rows(db: Database, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = db.driver.execute_query(cypher, params, database_=db.database)
    return [record.data() for record in records]


def _ids(db: Database, kinds: frozenset[NodeKind] | list[NodeKind]) -> list[str]:
    rows = _rows(db, "MATCH (n:Entity) WHERE any(l IN labels(n) WHERE l IN $labels) "
                     "RETURN n.id AS id ORDER BY id", labels=[k.value for k in kinds])  # fmt: skip
    return [row["id"] for row in rows]


def _stored(db: Database) -> dict[str, str | None]:
    rows = _rows(db, "MATCH (o:PartyOrg) RETURN o.id AS id, o.resolved_area AS area")
    return {row["id"]: row["area"] for row in rows}


def test_the_demo_region_is_stored_with_every_organizations_area(demo: Database) -> None:
    stored = _stored(demo)
    # some demo organizations (the city's and district's organs) lie in no area of the demo
    assert stored and sum(area is not None for area in stored.values()) >= len(stored) // 2
    assert org_areas.stale(demo) == []


@hypothesis_settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_every_write_through_the_service_keeps_the_stored_areas_right(
    demo: Database, data: st.DataObject
) -> None:
    """Any sequence of relationship creates and deletes, node deletes and updates leaves
    every organization's stored area equal to what the rule gives."""
    db = demo
    db.wipe()  # each example starts from the demo region as imported
    assert load_demo(db) is not None
    for _ in range(data.draw(st.integers(1, 6), label="writes")):
        write = data.draw(st.sampled_from(["link", "create", "unlink", "delete", "rename"]),
                          label="write")  # fmt: skip
        if write == "create":  # a new node, placed by one area relationship either way round
            rel = data.draw(st.sampled_from(AREA_RELS), label="rel")
            new_is_source = data.draw(st.booleans(), label="new node is the source")
            kinds = rel.spec.sources if new_is_source else rel.spec.targets
            others = _ids(db, rel.spec.targets if new_is_source else rel.spec.sources)
            if not others:
                continue
            kind = data.draw(st.sampled_from(sorted(kinds)), label="kind")
            node_id = f"NEW-{kind.value}-{len(_stored(db))}-{data.draw(st.integers(0, 999))}"
            fields = {"id": node_id, "name": "新建节点"} | NEW_NODE_FIELDS.get(kind, {})
            model = NODE_MODELS[kind].model_validate(fields)
            other = data.draw(st.sampled_from(others), label="other")
            try:
                entities.create_node(db, ADMIN, model, (rel, other))
            except InvalidInput:
                continue  # the relationship does not join these two kinds this way round
        elif write == "link":
            rel = data.draw(st.sampled_from(AREA_RELS), label="rel")
            sources, targets = _ids(db, rel.spec.sources), _ids(db, rel.spec.targets)
            if not sources or not targets:
                continue
            start = data.draw(st.sampled_from(sources), label="from")
            ends = [t for t in targets if t != start]  # a node joined to itself is refused
            if not ends:
                continue
            model = REL_MODELS[rel].model_validate({
                "from_id": start, "to_id": data.draw(st.sampled_from(ends), label="to"),
            })  # fmt: skip
            try:
                entities.create_relationship(db, ADMIN, model)
            except Conflict:
                continue  # it exists already
        elif write == "unlink":
            existing = _rows(db, "MATCH (a)-[r]->(b) WHERE type(r) IN $types RETURN type(r) "
                                 "AS rel, a.id AS a, b.id AS b ORDER BY rel, a, b",
                             types=[r.value for r in AREA_RELS])  # fmt: skip
            if not existing:
                continue
            gone = data.draw(st.sampled_from(existing), label="unlink")
            entities.delete_relationship(db, ADMIN, RelKind(gone["rel"]), gone["a"], gone["b"])
        elif write == "delete":
            kind = data.draw(st.sampled_from(PLACES_AND_ORGS), label="kind")
            ids = _ids(db, [kind])
            if not ids:
                continue
            entities.delete_node(db, ADMIN, kind, data.draw(st.sampled_from(ids)), cascade=True)
        else:
            org = data.draw(st.sampled_from(_ids(db, [NodeKind.PARTY_ORG])), label="org")
            before = _stored(db)[org]
            entities.update_node(db, ADMIN, NodeKind.PARTY_ORG, org, {"name": "改名后的党组织"})
            assert _stored(db)[org] == before
        assert org_areas.stale(db) == [], f"after {write}"


def test_two_writes_at_once_on_one_chain_both_count(demo: Database) -> None:
    """An organization is made to cover a unit while, in another transaction, the unit's
    building is put in an area. Each refresh alone would miss the other's half; every write
    transaction holds the graph's write lock from its start (``Database.execute_write``),
    so the later one waits for the earlier to commit, and then sees it."""
    db = demo
    _rows(db, """
        CREATE (:Entity:PartyOrg {id: 'PO-RACE', name: '竞态党支部', kind: 'branch'}),
               (:Entity:Unit {id: 'U-RACE', name: '竞态公司', kind: 'non_public_enterprise'})
                 -[:LOCATED_IN]->(:Entity:Building {id: 'B-RACE', name: '竞态大厦'})""")

    def link(tx: Any, rel: RelKind, ends: tuple[NodeKind, NodeKind], ids: tuple[str, str]) -> None:
        db.run_in(tx, "rel_create",
                  placeholders={"rel": rel, "from_label": ends[0], "to_label": ends[1]},
                  from_id=ids[0], to_id=ids[1], props={})  # fmt: skip
        org_areas.refresh(db, tx, [ids[0]], scope=None)

    linked, release = threading.Event(), threading.Event()

    def first_work(tx: Any) -> None:
        link(tx, RelKind.COVERS, (NodeKind.PARTY_ORG, NodeKind.UNIT), ("PO-RACE", "U-RACE"))
        linked.set()
        release.wait(30)  # still open while the second write starts

    def second() -> None:
        db.execute_write(lambda tx: link(tx, RelKind.LOCATED_IN, (NodeKind.BUILDING,
                                                                  NodeKind.AREA),
                                         ("B-RACE", "A-JIANXIN")))  # fmt: skip

    # two databases over one server, as two API processes have: they meet in Neo4j's lock
    other_db = Database(db.driver, db.registry, db.database, audit_key=db.audit_key)
    first = threading.Thread(target=lambda: other_db.execute_write(first_work))
    first.start()
    assert linked.wait(30)
    other = threading.Thread(target=second)
    other.start()
    other.join(timeout=2)
    assert other.is_alive()  # waiting for the first transaction's lock
    release.set()
    first.join(timeout=60)
    other.join(timeout=60)
    assert not first.is_alive() and not other.is_alive()
    assert _stored(db)["PO-RACE"] == "A-JIANXIN"
    assert org_areas.stale(db) == []


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    return subprocess.run([sys.executable, "-m", "graph_service.cli", *args],
                          capture_output=True, text=True, env=env, check=False)  # fmt: skip


def test_a_write_around_the_service_is_found_and_put_right(
    demo: Database, settings: Settings
) -> None:
    db = demo
    # cypher-shell, say: two organizations placed in an area, first and last by id; the
    # service refreshes nothing
    first, last = "PO-0-RAW", "PO-ZZ-RAW"
    _rows(db, """
        MATCH (a:Area {id: 'A-JIANXIN'})
        UNWIND $ids AS id
        CREATE (:Entity:PartyOrg {id: id, name: '手工添加', kind: 'branch'})-[:LOCATED_IN]->(a)""",
          ids=[first, last])  # fmt: skip
    stale = org_areas.stale(db)
    assert stale == [{"id": first, "stored": None, "computed": "A-JIANXIN"},
                     {"id": last, "stored": None, "computed": "A-JIANXIN"}]  # fmt: skip
    # a page of 7 at a time: the two are on different pages of the demo's organizations
    assert len(_stored(db)) > 7
    assert org_areas.store_all(db, page=7) == 2
    assert org_areas.stale(db) == [] and _stored(db)[last] == "A-JIANXIN"
    # and through the command an operator runs
    _rows(db, "MATCH (:PartyOrg {id: $id})-[r:LOCATED_IN]->() DELETE r", id=first)
    check = _cli(settings, "db", "refresh-areas", "--check")
    assert check.returncode == 1 and f"{first}: stored A-JIANXIN, computed None" in check.stdout
    fixed = _cli(settings, "db", "refresh-areas")
    assert fixed.returncode == 0 and "1 changed" in fixed.stdout, fixed.stdout + fixed.stderr
    assert _stored(db)[first] is None
    assert _cli(settings, "db", "refresh-areas", "--check").returncode == 0


def test_the_stored_area_is_neither_read_back_nor_exported(demo: Database, tmp_path: Path) -> None:
    db = demo
    org = next(i for i, area in sorted(_stored(db).items()) if area is not None)
    shown = entities.get_node(db, ADMIN, NodeKind.PARTY_ORG, org)
    assert org_areas.PROPERTY not in shown.model_dump()
    rows = list(node_rows(db, NodeKind.PARTY_ORG))
    assert rows and all(org_areas.PROPERTY not in row for row in rows)
    # the export re-imports as unchanged, and every organization keeps its area
    before = _stored(db)
    exported = export_json(db, tmp_path / "all.json", personal=True)
    report = import_files(db, [exported])
    assert report.written and not report.problems
    assert {status for status, n in report.totals().items() if n} == {"unchanged"}
    assert _stored(db) == before
    # renaming the organization by import replaces its properties; its area stays
    document = json.loads(exported.read_text(encoding="utf-8"))
    row = next(r for r in document["tables"]["party_orgs"] if r["id"] == org)
    row["name"] = "改名后的党组织"
    renamed = tmp_path / "renamed.json"
    renamed.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    report = import_files(db, [renamed])
    assert report.written and report.counts[NodeKind.PARTY_ORG.value].updated == 1
    assert _stored(db) == before
