"""Planning ahead (graph_service/db/warmup.py): the steps planned at start-up are the ones
the gap, count and summary reads send, with parameters of the same types, and every one of
them plans on a real server."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from enum import Enum
from typing import Any

from fastapi.testclient import TestClient

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.db.gaps import (
    RULES,
    PlanningSteps,
    count_gaps,
    coverage_summary,
    list_gaps,
    planning_steps,
)
from graph_service.db.plans import Step
from graph_service.db.warmup import warm_plans
from graph_service.main import create_app
from loaders.demo import DEMO_AS_OF, load_demo

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


def test_the_steps_planned_ahead_are_those_the_reads_send(db: Database, monkeypatch: Any) -> None:
    load_demo(db)
    steps = planning_steps(db.registry, DEMO_AS_OF)
    planned = {signature(s.name, s.params, s.placeholders) for s in steps.run + steps.explain}
    names = {s[0] for s in planned}
    sent: list[Any] = []
    run_in = db.run_in

    def recording(tx: Any, name: str, /, placeholders: Any = None, **params: Any) -> Any:
        sent.append(signature(name, params, placeholders))
        return run_in(tx, name, placeholders, **params)

    monkeypatch.setattr(db, "run_in", recording)
    parent, _, _ = db.driver.execute_query(
        "MATCH (a:Area) OPTIONAL MATCH (a)-[:PART_OF]->(p:Area) RETURN a.id AS id, p.id AS up"
    )
    up = {row["id"]: row["up"] for row in parent}
    root = next(a for a, above in up.items() if above is None)
    # the area with the most children under the top, to summarize a long list of areas
    below = max((a for a in up if a != root), key=lambda a: sum(u == a for u in up.values()))
    for area in (None, root, below):
        for rule in RULES:
            list_gaps(db, ADMIN, rule.code, as_of=DEMO_AS_OF, area=area)
        count_gaps(db, ADMIN, as_of=DEMO_AS_OF, area=area)
    for area in (root, below):
        coverage_summary(db, ADMIN, area, as_of=DEMO_AS_OF)
    gap_reads = [s for s in sent if s[0] in names]
    assert {s[0] for s in gap_reads} == names  # every planned query was sent
    missing = sorted({s for s in gap_reads if s not in planned}, key=str)
    assert not missing, f"sent but not planned ahead: {missing}"


def test_every_step_plans_and_the_run_ones_find_nothing(db: Database) -> None:
    load_demo(db)
    steps = planning_steps(db.registry, dt.date(2026, 6, 30))
    assert len(steps.explain) == 2 * len(RULES)  # the lists and counts of everywhere
    warmed = warm_plans(db, steps)
    assert (warmed.planned, warmed.failed) == (len(steps.run) + len(steps.explain), 0)
    # the steps that are run name no area that exists, so they read next to nothing
    for each in steps.run:
        rows = db.read(each.name, **each.params)
        assert all(not row.get("total") for row in rows), (each.name, rows)


def test_a_failing_step_is_skipped_and_a_stop_ends_early(db: Database) -> None:
    bad = Step("no_such_query", {})
    good = Step("area_paths", {"ids": ["x"]})
    warmed = warm_plans(db, PlanningSteps([bad, good], []))
    assert (warmed.planned, warmed.failed) == (1, 1)
    stop = threading.Event()
    stop.set()
    assert warm_plans(db, PlanningSteps([good], [good]), stop=stop).planned == 0


def test_the_api_plans_ahead_at_start_up_and_stops_with_it(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"plan_ahead": True}))
    with TestClient(app):
        thread, _ = app.state.planning
        assert thread.name == "plan-warmup"
    assert not thread.is_alive()
    app = create_app(settings)  # the tests' settings do not plan ahead
    with TestClient(app):
        assert app.state.planning is None
