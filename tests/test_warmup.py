"""Planning ahead (graph_service/db/warmup.py): the steps planned at start-up are the ones
the gap, count, summary and support reads send, with parameters of the same types (as
Neo4j's plan cache tells them apart), and they find nothing when they are run."""

from __future__ import annotations

import datetime as dt
import fcntl
import threading
from collections.abc import Mapping
from enum import Enum
from typing import Any

from fastapi.testclient import TestClient

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db import warmup
from graph_service.db.database import Database
from graph_service.db.gaps import RULES, count_gaps, coverage_summary, list_gaps
from graph_service.db.plans import PlanningSteps, Step
from graph_service.db.registry import QueryRegistry
from graph_service.db.scenarios import weak_points_steps
from graph_service.db.support import candidates, portfolio, supporters
from graph_service.db.warmup import default_steps, lock_file, warm_plans
from graph_service.domain.models import ID_PATTERN
from graph_service.main import create_app
from graph_service.schemas.scenarios import AddChange, EndChange, RemoveChange
from graph_service.services.demo import load_demo
from graph_service.services.scenarios import what_if
from graph_service.services.weak_points import weak_points
from loaders.demo import DEMO_AS_OF

ADMIN = Principal.cli()


def size_class(n: int) -> str:
    """How Neo4j 5.26 tells lists and strings apart in its plan cache (measured: a list of
    2 after a list of 10 is a hit, a list of 11 a miss; the same for a string's length)."""
    for bound in (0, 1, 10, 100):
        if n <= bound:
            return f"<={bound}"
    return ">100"


def kind(value: Any, inside: bool = False) -> Any:
    """A parameter's type as the plan cache sees it (a string's length inside a list does
    not count: measured too)."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return ("list", size_class(len(value)), frozenset(kind(v, True) for v in value))
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, str) and not inside:
        return ("str", size_class(len(value)))
    return type(value).__name__


def signature(name: str, params: Mapping[str, Any], placeholders: Mapping[str, Enum] | None) -> Any:
    return (
        name,
        tuple(sorted((key, member.value) for key, member in (placeholders or {}).items())),
        tuple(sorted((key, kind(value)) for key, value in params.items())),
    )


def recorded(db: Database, monkeypatch: Any) -> list[Any]:
    """The signatures of the queries ``db`` runs from now on, in order (a list it fills)."""
    sent: list[Any] = []
    run_in = db.run_in

    def recording(tx: Any, name: str, /, placeholders: Any = None, **params: Any) -> Any:
        sent.append(signature(name, params, placeholders))
        return run_in(tx, name, placeholders, **params)

    monkeypatch.setattr(db, "run_in", recording)
    return sent


def test_the_steps_planned_ahead_are_those_the_reads_send(db: Database, monkeypatch: Any) -> None:
    load_demo(db)
    steps = default_steps(db.registry, DEMO_AS_OF)
    planned = {signature(s.name, s.params, s.placeholders) for s in steps.run + steps.explain}
    # those of weak points are sent by it (below); "supporters" by both
    weak = {s.name for s in weak_points_steps(db.registry, DEMO_AS_OF)} - {"supporters"}
    names = {s[0] for s in planned} - weak
    sent = recorded(db, monkeypatch)
    parent, _, _ = db.driver.execute_query(
        "MATCH (a:Area) OPTIONAL MATCH (a)-[:PART_OF]->(p:Area) RETURN a.id AS id, p.id AS up"
    )
    up = {row["id"]: row["up"] for row in parent}
    root = next(a for a, above in up.items() if above is None)
    # the area with the most children under the top, to summarize a long list of areas
    below = max((a for a in up if a != root), key=lambda a: sum(u == a for u in up.values()))
    for area in (None, below):
        for rule in RULES:
            list_gaps(db, ADMIN, rule.code, as_of=DEMO_AS_OF, area=area)
        count_gaps(db, ADMIN, as_of=DEMO_AS_OF, area=area)
    for area in (root, below):
        coverage_summary(db, ADMIN, area, as_of=DEMO_AS_OF)
    some, _, _ = db.driver.execute_query(
        "MATCH (o:PartyOrg)<-[:ASSIGNED_TO]-(p:Person) RETURN o.id AS org, p.id AS person LIMIT 1"
    )
    supporters(db, ADMIN, some[0]["org"], DEMO_AS_OF)
    supporters(db, ADMIN, some[0]["org"], DEMO_AS_OF, limit=100)  # the API's page
    portfolio(db, ADMIN, some[0]["person"], DEMO_AS_OF)
    candidates(db, ADMIN, some[0]["org"], DEMO_AS_OF)
    reads = [s for s in sent if s[0] in names]
    assert {s[0] for s in reads} == names  # every planned query was sent
    missing = sorted({s for s in reads if s not in planned}, key=str)
    assert not missing, f"sent but not planned ahead: {missing}"


def test_a_what_ifs_and_weak_points_statements_are_planned_ahead(
    db: Database, monkeypatch: Any
) -> None:
    load_demo(db)
    steps = default_steps(db.registry, DEMO_AS_OF)
    changed = {signature(s.name, s.params, s.placeholders) for s in steps.changed}
    sent = recorded(db, monkeypatch)
    rows, _, _ = db.driver.execute_query(
        "MATCH (p:Person)-[:ASSIGNED_TO]->(t:Building) WHERE p.id <> 'PS-WANG-LIXIN' "
        "RETURN p.id AS p, t.id AS t ORDER BY p, t LIMIT 1"
    )
    officer, target = rows[0]["p"], rows[0]["t"]
    others, _, _ = db.driver.execute_query(
        "MATCH (p:Person) WHERE NOT p.id IN ['PS-WANG-LIXIN', $officer] "
        "RETURN p.id AS p ORDER BY p LIMIT 1", officer=officer,
    )  # fmt: skip
    what_if(db, ADMIN, "A-ERQI", DEMO_AS_OF, [
        RemoveChange(op="leave", id="PS-WANG-LIXIN"),
        EndChange(op="end", type="ASSIGNED_TO", from_id=officer, to_id=target),
        AddChange(op="add", type="ASSIGNED_TO", from_id=others[0]["p"], to_id=target,
                  props={"role": "liaison"}),
    ])  # fmt: skip
    first = next(i for i, s in enumerate(sent) if s[0] in {"nodes_remove", "node_delete"})
    missing = sorted({s for s in sent[first:] if s not in changed}, key=str)
    assert not missing, f"sent after a change but not planned ahead as changed: {missing}"
    # weak points: its reads before its what-ifs as run, the what-ifs' as changed
    sent.clear()
    found = weak_points(db, ADMIN, "A-ERQI", DEMO_AS_OF)
    assert found.ranked  # the demo has people whose loss opens gaps
    run = {signature(s.name, s.params, s.placeholders) for s in steps.run}
    first = next(i for i, s in enumerate(sent) if s[0] == "nodes_remove")
    missing = sorted({s for s in sent[:first] if s not in run}
                     | {s for s in sent[first:] if s not in changed}, key=str)  # fmt: skip
    assert not missing, f"weak points sent but not planned ahead: {missing}"


def test_planning_ahead_as_changed_writes_nothing(db: Database) -> None:
    load_demo(db)
    before = db.driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
    version = db.driver.execute_query(
        "MATCH (m:GraphServiceMeta) RETURN m.data_version AS v").records[0]["v"]
    steps = default_steps(db.registry, DEMO_AS_OF)
    warmed = warm_plans(db, PlanningSteps([], [], steps.changed))
    assert (warmed.planned, warmed.failed) == (len(steps.changed), 0)
    assert db.driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"] == before
    assert db.driver.execute_query(
        "MATCH (m:GraphServiceMeta) RETURN m.data_version AS v").records[0]["v"] == version


def test_every_step_fits_its_query_and_names_nothing_that_exists(registry: QueryRegistry) -> None:
    steps = default_steps(registry, dt.date(2026, 6, 30))
    assert len(steps.explain) == 2 * len(RULES)  # the lists and counts of everywhere
    for each in steps.run + steps.explain:
        query = registry[each.name]  # a query of requests: a step is one of them
        assert set(each.params) == (query.requests or query.params), each.name
        query.render(**(each.placeholders or {}))  # every placeholder given
    # the steps that are run name ids no entity can have (an id starts with a letter, a
    # digit or a character), so they find nothing and cost next to nothing on any graph;
    # the others are planned only
    for each in [*steps.run, *steps.changed]:
        ids = [each.params[key] for key in ("id", "area", "from_id", "to_id") if key in each.params]
        ids += [x for key in ("ids", "areas") for x in each.params.get(key, [])]
        assert ids and not any(ID_PATTERN.match(x) for x in ids), each
    for each in steps.changed:
        assert set(each.params) == registry[each.name].params, each.name
        registry[each.name].render(**(each.placeholders or {}))  # every placeholder given
    for each in steps.explain:
        assert each.params.get("area") is None, each


def test_a_failing_step_is_skipped_and_a_stop_ends_early(db: Database) -> None:
    bad = Step("no_such_query", {})
    good = Step("area_with_children", {"id": "x"})
    warmed = warm_plans(db, PlanningSteps([bad, good], []))
    assert (warmed.planned, warmed.failed) == (1, 1)
    stop = threading.Event()
    stop.set()
    assert warm_plans(db, PlanningSteps([good], [good]), stop=stop).planned == 0


def test_the_api_plans_ahead_at_start_up_unless_another_process_does(
    settings: Settings, monkeypatch: Any
) -> None:
    # a few steps: all of them plan above; here what counts is who runs them, and when
    one = Step("area_with_children", {"id": "x"})
    few = PlanningSteps([one], [Step("area_with_children", {"id": ""})])
    monkeypatch.setattr(warmup, "default_steps", lambda registry, as_of: few)
    ahead = settings.model_copy(update={"plan_ahead": True})
    app = create_app(ahead)
    with TestClient(app):
        app.state.planning.thread.join(timeout=60)
        assert app.state.planning.warmed is not None
        assert (app.state.planning.warmed.planned, app.state.planning.warmed.failed) == (2, 0)
    # while another process of this machine holds the lock, this one leaves it to it
    with lock_file(f"{ahead.neo4j_uri} {ahead.neo4j_database}").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        app = create_app(ahead)
        with TestClient(app):
            app.state.planning.thread.join(timeout=60)
            assert not app.state.planning.thread.is_alive()
            assert app.state.planning.warmed is None
    app = create_app(settings)  # the tests' settings do not plan ahead
    with TestClient(app):
        assert app.state.planning is None


def test_without_a_lock_file_it_plans_anyway(db: Database, monkeypatch: Any, tmp_path: Any) -> None:
    few = PlanningSteps([Step("area_with_children", {"id": "x"})], [])
    monkeypatch.setattr(warmup, "default_steps", lambda registry, as_of: few)
    monkeypatch.setattr(warmup, "lock_file", lambda server: tmp_path / "no" / "such" / "dir")
    planning = warmup.warm_in_background(db, "bolt://nowhere neo4j")
    planning.thread.join(timeout=60)
    assert planning.warmed is not None and planning.warmed.planned == 1
