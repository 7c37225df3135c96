"""What-if (issue 26, item 1): the gaps changes would open and close, by the real rules,
with nothing written — checked against really applying the same changes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.db.entities import create_relationship, delete_node, update_relationship
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import REL_MODELS
from graph_service.errors import InvalidInput, NotFound
from graph_service.main import create_app
from graph_service.schemas.scenarios import AddChange, EndChange, RemoveChange
from graph_service.services.imports import import_files
from graph_service.services.scenarios import gaps_plan, what_if
from loaders.generator import ScaleSpec, generate_region
from tests.graph_snapshot import snapshot

ADMIN = Principal.cli()
DEMO_DAY = dt.date(2026, 6, 30)
TINY = ScaleSpec(1, 1, 2, 4, 6, 2, plant_everything=False)


def warm(db: Database, area: str, as_of: dt.date, some_id: str) -> None:
    """One what-if with a long time limit: the first run of each gap query inside a
    transaction that has written is planned again by Neo4j (tens of seconds on a fresh
    server), which the tests' what-ifs would otherwise each wait for."""
    timeout, db.timeout = db.timeout, 600.0
    try:
        what_if(db, ADMIN, area, as_of, [RemoveChange(op="remove", id=some_id)])
    finally:
        db.timeout = timeout


def state(db: Database) -> tuple[Any, ...]:
    """The graph, its data version and the audit trail's head."""
    rows = db.driver.execute_query(
        "OPTIONAL MATCH (m:GraphServiceMeta) OPTIONAL MATCH (h:AuditHead) "
        "OPTIONAL MATCH (e:AuditEvent) RETURN m.data_version AS v, h.seq AS seq, count(e) AS n",
        database_=db.database,
    ).records[0]
    return snapshot(db), rows["v"], rows["seq"], rows["n"]


@pytest.fixture(scope="module")
def demo(demo_database: Database) -> Database:
    warm(demo_database, "A-ERQI", DEMO_DAY, "PS-LI-XIAOMEI")
    return demo_database


def test_wang_lixin_leaving_opens_the_officer_gaps_of_his_branches_and_park(demo: Database) -> None:
    before = state(demo)
    result = what_if(demo, ADMIN, "A-ERQI", DEMO_DAY,
                     [RemoveChange(op="leave", id="PS-WANG-LIXIN")])  # fmt: skip
    assert state(demo) == before  # nothing written: graph, data version, audit trail
    opened = {(g.code, g.id) for g in result.opened}
    # his six assignments: five branches and the park; the ones with a second officer stay
    assert ("TEAM_PARK_NO_OFFICER", "PK-WENCHUANG") in opened
    branches = {i for c, i in opened if c == "TEAM_BRANCH_NO_OFFICER"}
    assert branches and branches <= {"PO-JIANXIN-B1", "PO-QUANJING-BB", "PO-WENCHUANG-PB",
                                     "PO-JIANXIN-SCHOOL", "PO-LUWEI"}  # fmt: skip
    assert result.after.team.covered == result.before.team.covered - len(opened & {
        (c, i) for c, i in opened if c.startswith("TEAM_") and c.endswith("_NO_OFFICER")})
    assert result.before.team.total == result.after.team.total


def test_changes_are_validated_naming_the_change_and_field(demo: Database) -> None:
    with pytest.raises(InvalidInput) as bad_type:
        what_if(demo, ADMIN, "A-ERQI", DEMO_DAY, [
            RemoveChange(op="remove", id="PS-LI-XIAOMEI"),
            EndChange(op="end", type="KNOWS", from_id="PS-WANG-LIXIN", to_id="PK-WENCHUANG"),
        ])  # fmt: skip
    assert bad_type.value.detail.startswith("第 1 项变更（changes[1].type）")
    with pytest.raises(NotFound) as gone:  # removed by change 0, named by change 1
        what_if(demo, ADMIN, "A-ERQI", DEMO_DAY, [
            RemoveChange(op="remove", id="PS-WANG-LIXIN"),
            EndChange(op="end", type="ASSIGNED_TO", from_id="PS-WANG-LIXIN",
                      to_id="PK-WENCHUANG"),
        ])  # fmt: skip
    assert "changes[1].from_id" in gone.value.detail
    with pytest.raises(InvalidInput) as leave:
        what_if(demo, ADMIN, "A-ERQI", DEMO_DAY, [RemoveChange(op="leave", id="PK-WENCHUANG")])
    assert "changes[0].op" in leave.value.detail


def test_a_change_outside_the_callers_areas_is_not_found(demo: Database) -> None:
    viewer = Principal(name="v", role=Role.VIEWER, areas=("A-JIANXIN",))
    with pytest.raises(NotFound):  # another community's officer … or the subdistrict
        what_if(demo, viewer, "A-ERQI", DEMO_DAY, [RemoveChange(op="remove", id="PS-WANG-LIXIN")])
    with pytest.raises(NotFound) as outside:
        what_if(demo, viewer, "A-JIANXIN", DEMO_DAY,
                [RemoveChange(op="remove", id="B-HEPING")])  # fmt: skip
    assert "changes[0].id" in outside.value.detail


def test_api_and_cli(demo: Database, neo4j_server: Any, tmp_path: Path) -> None:
    key = add_account(demo, ADMIN, "scenario-viewer", Role.VIEWER, ["A-ERQI"])
    app = create_app(neo4j_server.settings())
    body = {"area": "A-ERQI", "as_of": "2026-06-30",
            "changes": [{"op": "leave", "id": "PS-WANG-LIXIN"}]}  # fmt: skip
    with TestClient(app, headers={"X-API-Key": key}) as client:
        answer = client.post("/scenarios", json=body)
        assert answer.status_code == 200, answer.text
        assert "PK-WENCHUANG" in {g["id"] for g in answer.json()["opened"]}
        bad = client.post("/scenarios", json=body | {"changes": [
            {"op": "add", "type": "ASSIGNED_TO", "from_id": "PS-WANG-LIXIN",
             "to_id": "PK-WENCHUANG", "props": {"role": "instructor"}}]})  # fmt: skip
        assert bad.status_code == 409, bad.text
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password}  # fmt: skip
    import os

    done = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "what-if", "--area", "A-ERQI",
         "--as-of", "2026-06-30", "--remove", "PS-WANG-LIXIN", "--format", "json"],
        env=os.environ | env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "PK-WENCHUANG" in {g["id"] for g in json.loads(done.stdout)[0]["opened"]}


# ---- the property: a what-if equals really applying the changes -------------------------------


@pytest.fixture(scope="module")
def tiny(session_database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = generate_region(3, TINY, tmp_path_factory.mktemp("tiny"))
    as_of = dt.date.fromisoformat(json.loads((folder / "manifest.json").read_text())["as_of"])
    db = session_database

    def load() -> None:
        db.wipe()
        db.ensure_schema()
        report = import_files(db, [folder])
        assert report.ok, [p.as_dict() for p in report.problems[:5]]

    load()
    records = db.driver.execute_query(
        "MATCH (a:Area {level: 'subdistrict'}) RETURN a.id AS id", database_=db.database
    ).records
    area = records[0]["id"]
    pool = _pool(db)
    warm(db, area, as_of, pool["leavers"][0][0])
    yield db, area, as_of, pool, load


def _pool(db: Database) -> dict[str, list[Any]]:
    def rows(query: str) -> list[tuple[Any, ...]]:
        return [tuple(r.values()) for r in db.driver.execute_query(
            query, database_=db.database).records]  # fmt: skip

    return {
        "leavers": rows("MATCH (n:Person|Unit) RETURN n.id, labels(n)[0] = 'Person' "
                        "ORDER BY n.id"),
        "rels": rows("MATCH (a)-[r:ASSIGNED_TO|COVERS|REPORTED_TO|VOLUNTEERS_IN|PAIRED_WITH|"
                     "MEMBER_UNIT_OF|SERVES_ON|MEMBER_OF]->(b) RETURN type(r), a.id, b.id "
                     "ORDER BY a.id, b.id, type(r)"),
        "people": rows("MATCH (p:Person) RETURN p.id ORDER BY p.id"),
        "targets": rows("MATCH (t) WHERE t:Building OR t:Park OR (t:PartyOrg AND t.kind "
                        "IN ['branch', 'joint_branch']) RETURN t.id ORDER BY t.id"),
    }


@st.composite
def change_sets(draw: st.DrawFn, pool: dict[str, list[Any]]) -> list[Any]:
    leavers = draw(st.lists(st.sampled_from(pool["leavers"]), max_size=2, unique=True))
    gone = {i for i, _ in leavers}
    rels = [r for r in pool["rels"] if r[1] not in gone and r[2] not in gone]
    ends = draw(st.lists(st.sampled_from(rels), max_size=2, unique=True)) if rels else []
    existing = {(r[1], r[2]) for r in pool["rels"] if r[0] == "ASSIGNED_TO"}
    people = [p for (p,) in pool["people"] if p not in gone]
    pairs = [(p, t) for p in people[:8] for (t,) in pool["targets"] if (p, t) not in existing]
    adds = draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)) if pairs else []
    changes: list[Any] = [RemoveChange(op="leave", id=i) for i, _ in leavers]
    changes += [EndChange(op="end", type=t, from_id=a, to_id=b) for t, a, b in ends]
    changes += [AddChange(op="add", type="ASSIGNED_TO", from_id=p, to_id=t,
                          props={"role": "instructor", "since": "2026-01-01"}) for p, t in adds]
    return changes or [RemoveChange(op="leave", id=pool["leavers"][0][0])]


def _apply_for_real(db: Database, changes: list[Any], as_of: dt.date) -> None:
    """The same changes through the service's write path (audited, committed)."""
    for change in changes:
        if isinstance(change, RemoveChange):
            kind = db.read("entity_exists", id=change.id)[0]["kind"]
            delete_node(db, ADMIN, NodeKind(kind), change.id, cascade=True)
        elif isinstance(change, EndChange):
            update_relationship(db, ADMIN, RelKind(change.type), change.from_id, change.to_id,
                                {"until": as_of - dt.timedelta(days=1)})  # fmt: skip
        else:
            model = REL_MODELS[RelKind(change.type)].model_validate(
                change.props | {"from_id": change.from_id, "to_id": change.to_id})
            create_relationship(db, ADMIN, model)


def test_a_what_if_equals_applying_the_changes_for_real(tiny: Any) -> None:
    db, area, as_of, pool, load = tiny

    @settings(max_examples=6, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        changes = data.draw(change_sets(pool))
        before = state(db)
        result = what_if(db, ADMIN, area, as_of, changes)
        assert state(db) == before  # the graph, its data version and the audit trail
        old = db.read_plan(lambda: gaps_plan(db.registry, ADMIN, area, as_of))
        try:
            _apply_for_real(db, changes, as_of)
            new = db.read_plan(lambda: gaps_plan(db.registry, ADMIN, area, as_of))
        finally:
            load()
        assert {(g.code, g.id, g.related_id) for g in result.opened} == set(new) - set(old)
        assert {(g.code, g.id, g.related_id) for g in result.closed} == set(old) - set(new)

    check()
