"""The best assignment of officers to an area's uncovered branches, buildings and parks.

**Targets.** The gaps of the rules that an assigned officer closes — TEAM_BRANCH_NO_OFFICER,
TEAM_BUILDING_NO_OFFICER, TEAM_PARK_NO_OFFICER (those that are on) — in the area as of a
date, found by the gap lists' own queries (:func:`graph_service.db.gaps.every_gap_read`).

**Who may take which.** The candidates answer's rule, by its own query
(``cypher/support/candidates.cypher``, see docs/rules.md#candidates): the officers of a
target are the persons with a current instructor or liaison ``ASSIGNED_TO`` something in the
target's pool (its subdistrict; for a target above or outside any subdistrict, its own area)
— the same for every target of one pool, none of which anyone is assigned to, so the query
runs once a pool (and once a target whose pool it does not confirm). A scoped account
plans with the officers it may see only: it could not assign another.

**Capacity.** An officer may hold ``capacity`` targets at once: the person's own
``capacity`` field, else the deployment's ``OFFICER_CAPACITY`` (default 5). Their load is the
distinct targets they hold now as instructor or liaison (the candidates answer's ``load``);
what they may still take is ``max(0, capacity - load)``.

**Distance.** Between an officer and a target: the least, over the officer's current
targets in the target's pool, of the metres between the two (great circle) where both have
coordinates, else the area-tree steps between their areas times :data:`STEP_METRES`.

**The plan** covers the most targets, and among those plans the one of least total
distance, never beyond anyone's remaining capacity: a min-cost maximum flow (source → officer,
capacity = what they may still take; officer → eligible target, capacity 1, cost = distance;
target → sink, capacity 1), solved exactly by OR-Tools' ``SimpleMinCostFlow``. A target left
uncovered either has no eligible officer, or every eligible officer is full — already, or
with the plan's other targets, since covering those instead would not cover more.

**Applying** (:func:`apply_plan`) proposes again and refuses (:class:`Conflict`, 409) when
what the plan is computed from — the targets, who may take them, their loads and capacities,
the distances — differs from the plan the caller saw (its ``fingerprint``). Then one write
transaction, under the graph's write lock, checks again that the officers' loads are as
planned and no target got an officer meanwhile, and creates each ``ASSIGNED_TO`` (the
officer's role, since the plan's date) through the relationship model, with one
``rel.create`` audit event each, as ``POST /relationships/assigned_to`` would: a new term
(see :mod:`graph_service.domain.terms`) after any that ended. Where the officer has a term
to the target that has not begun yet, which the new one would overlap, that term is moved
to start on the plan's date instead (``rel.update``, before and after in the event; the
plan marks it ``renews``).

>>> solve_min_cost_flow([2, 1], [(0, 0, 5), (0, 1, 1), (1, 1, 3), (1, 2, 9)], 3)
[(0, 0), (0, 1), (1, 2)]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from neo4j import ManagedTransaction

from graph_service.auth.principal import Principal
from graph_service.db import audit, gaps
from graph_service.db.database import Database, Fetch
from graph_service.db.plans import Plan, step
from graph_service.db.records import native
from graph_service.db.scope import scoped_area_plan, visible_ids_plan
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import REL_MODELS
from graph_service.domain.terms import overlaps
from graph_service.errors import Conflict, NotFound
from graph_service.schemas.planning import (
    AppliedPlan,
    AssignmentPlan,
    OfficerLoad,
    PlannedAssignment,
    Unassigned,
)
from graph_service.schemas.support import EntityRef

#: the rules whose gaps an assigned instructor or liaison officer closes
TARGET_RULES = ("TEAM_BRANCH_NO_OFFICER", "TEAM_BUILDING_NO_OFFICER", "TEAM_PARK_NO_OFFICER")
#: metres one step in the area tree (a community to its subdistrict) counts for, where the
#: two ends have no coordinates to measure
STEP_METRES = 1_000
EARTH_RADIUS_M = 6_371_008.8
#: a candidates $limit no pool reaches (Cypher's slice bounds are 32-bit)
_EVERY = 1 << 30

Reason = Literal["no_eligible_officer", "no_capacity_left"]
Measure = Literal["coordinates", "area_tree"]
REASON_ZH = {
    "no_eligible_officer": "辖区内没有可选的党建指导员或联络员",
    "no_capacity_left": "可选人员均已达包挂上限",
}


# ---- the solver -------------------------------------------------------------------------------


def solve_min_cost_flow(
    remaining: Sequence[int], edges: Sequence[tuple[int, int, int]], targets: int
) -> list[tuple[int, int]]:
    """The (officer, target) pairs covering the most targets, then of least total cost,
    each officer ``o`` taking at most ``remaining[o]``, each target at most one officer.
    ``edges`` are (officer, target, cost ≥ 0) with officers and targets numbered from 0.
    Exact: OR-Tools' min-cost maximum flow. Pairs come sorted."""
    from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

    officers = len(remaining)
    source, sink = officers + targets, officers + targets + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    for officer, capacity in enumerate(remaining):
        if capacity > 0:
            flow.add_arc_with_capacity_and_unit_cost(source, officer, capacity, 0)
    pair_arcs = []
    for officer, target, cost in edges:
        arc = flow.add_arc_with_capacity_and_unit_cost(officer, officers + target, 1, cost)
        pair_arcs.append((arc, officer, target))
    for target in range(targets):
        flow.add_arc_with_capacity_and_unit_cost(officers + target, sink, 1, 0)
    if not pair_arcs:
        return []
    # the most that can flow: the targets, or what the officers may still take
    most = min(targets, sum(max(0, c) for c in remaining))
    flow.set_node_supply(source, most)
    flow.set_node_supply(sink, -most)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return sorted((officer, target) for arc, officer, target in pair_arcs if flow.flow(arc) > 0)


# ---- distances --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where an entity is: its area chain (ids, the top first) and its coordinates."""

    chain: tuple[str, ...]
    levels: tuple[str | None, ...]
    point: tuple[float, float] | None

    def pool(self) -> str | None:
        """The candidates answer's pool: the subdistrict, else the area itself."""
        for area, level in zip(self.chain, self.levels, strict=True):
            if level == "subdistrict":
                return area
        return self.chain[-1] if self.chain else None


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle metres between two (latitude, longitude) points.

    >>> round(metres((36.65, 117.0), (36.66, 117.0)))
    1112
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)  # fmt: skip
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def area_steps(a: Sequence[str], b: Sequence[str]) -> int:
    """Steps in the area tree between the areas ending two chains (top first).

    >>> area_steps(["C", "D", "S", "A"], ["C", "D", "S", "B"]), area_steps(["C"], ["C"])
    (2, 0)
    """
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    if shared == 0:  # different trees, or lying nowhere: as far as the two tops
        return len(a) + len(b)
    return len(a) + len(b) - 2 * shared


def distance(a: Place, b: Place) -> tuple[int, str, int]:
    """(metres, how measured, area steps) between two places."""
    steps = area_steps(a.chain, b.chain)
    if a.point is not None and b.point is not None:
        return round(metres(a.point, b.point)), "coordinates", steps
    return steps * STEP_METRES, "area_tree", steps


# ---- proposing --------------------------------------------------------------------------------


@dataclass
class _Inputs:
    """What a plan is computed from, read in one transaction."""

    area: str
    as_of: dt.date
    targets: list[dict[str, Any]] = field(default_factory=list)  # id, name, kind, gap
    eligible: dict[str, list[str]] = field(default_factory=dict)  # target -> officer ids
    officers: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    existing: set[tuple[str, str]] = field(default_factory=set)  # (officer, target), any date


def _places_plan(ids: list[str]) -> Plan[dict[str, Place]]:
    """Where each entity of ``ids`` is (see ``places_of``), its area's chain read once an area."""
    rows = yield step("places_of", ids=ids)
    homes = sorted({row["home"] for row in rows if row["home"] is not None})
    chains: dict[str, list[Mapping[str, Any]]] = {}
    if homes:
        chains = {row["id"]: row["chain"] for row in (yield step("area_chains", ids=homes))}
    places = {}
    for row in rows:
        chain = chains.get(row["home"], []) if row["home"] is not None else []
        point = None
        if row["latitude"] is not None and row["longitude"] is not None:
            point = (float(row["latitude"]), float(row["longitude"]))
        places[row["id"]] = Place(tuple(a["id"] for a in chain),
                                  tuple(a["level"] for a in chain), point)  # fmt: skip
    return places


def _officers_of(target_id: str, as_of: dt.date) -> Plan[tuple[list[str], str | None]]:
    """The officers the candidates answer proposes for a target (all of them), and the
    pool it took them from."""
    found = yield step("candidates", id=target_id, as_of=as_of, limit=_EVERY)
    if not found:
        return [], None
    row = found[0]
    path = row["area_path"]
    pool = path[int(row["pool_at"])]["id"] if path else None
    return [officer["id"] for officer in row["officers"]], pool


def _inputs_plan(
    db: Database, who: Principal, area: str, as_of: dt.date
) -> Plan[_Inputs]:
    asked = yield from scoped_area_plan(who, area)
    assert asked is not None  # an area was named
    rows = yield step("area_with_children", id=asked)
    if not rows:
        raise NotFound(f"no area with id {asked!r} / 区域不存在", id=asked)
    inputs = _Inputs(asked, as_of)
    on = {rule.code for rule in db.registry.rules.enabled}
    seen_targets: set[str] = set()
    for code in TARGET_RULES:
        if code not in on:
            continue
        page = yield from gaps.every_gap_read(db.registry, who, code, as_of=as_of,
                                              area=asked).make()  # fmt: skip
        for item in page.items:
            if item.id not in seen_targets:
                seen_targets.add(item.id)
                inputs.targets.append({"id": item.id, "name": item.name, "kind": item.kind,
                                       "gap": code})  # fmt: skip
    inputs.targets.sort(key=lambda t: t["id"])
    ids = [t["id"] for t in inputs.targets]
    inputs.places = yield from _places_plan(ids)
    # the candidates answer, once a pool: its officers are those of every target there
    by_pool: dict[str | None, list[str]] = {}
    kind_of = {t["id"]: t["kind"] for t in inputs.targets}
    # a party organization first: for one, the candidates query skips covering organizations
    for target_id in sorted(ids, key=lambda i: (kind_of[i] != NodeKind.PARTY_ORG.value, i)):
        place = inputs.places.get(target_id)
        by_pool.setdefault(place.pool() if place else None, []).append(target_id)
    for pool, members in sorted(by_pool.items(), key=lambda kv: str(kv[0])):
        names, answered = yield from _officers_of(members[0], as_of)
        inputs.eligible[members[0]] = names
        for target_id in members[1:]:
            if pool is not None and answered == pool:
                inputs.eligible[target_id] = names
            else:  # the query placed it elsewhere than we did: ask for each
                inputs.eligible[target_id], _ = yield from _officers_of(target_id, as_of)
    every = sorted({o for names in inputs.eligible.values() for o in names})
    if who.scope is not None and every:
        visible = yield from visible_ids_plan(who, every)
        inputs.eligible = {t: [o for o in names if o in visible]
                           for t, names in inputs.eligible.items()}  # fmt: skip
        every = [o for o in every if o in visible]
    past = yield step("assignments_to", ids=ids)
    # a term not yet begun on the plan's date would overlap the new one: it is moved to start
    # then; a term that ended stays as it was (its history), and a new term follows it
    inputs.existing = {(row["officer"], row["target"]) for row in past
                       if row["until"] is None or native(row["until"]) >= as_of}  # fmt: skip
    loads = yield step("officer_loads", ids=every, as_of=as_of)
    inputs.officers = {row["id"]: dict(row) for row in loads}
    held = sorted({t for row in loads for t in row["targets"]} - set(inputs.places))
    if held:
        inputs.places.update((yield from _places_plan(held)))
    return inputs


class _Distances:
    """Officer-to-target distances (see the module's docstring), computed an officer and a
    pool at a time: every target of the pool the officer may take against every place the
    officer holds there, as numpy arrays (one pair at a time cost seconds for a district)."""

    def __init__(self, inputs: _Inputs) -> None:
        import numpy as np

        self.np = np
        self.inputs = inputs
        self.chain_index: dict[tuple[str, ...], int] = {}
        self.steps_cache: dict[tuple[int, int], int] = {}
        self.chains: list[tuple[str, ...]] = []

    def _chain(self, chain: tuple[str, ...]) -> int:
        if chain not in self.chain_index:
            self.chain_index[chain] = len(self.chains)
            self.chains.append(chain)
        return self.chain_index[chain]

    def _steps(self, a: int, b: int) -> int:
        if (a, b) not in self.steps_cache:
            self.steps_cache[a, b] = area_steps(self.chains[a], self.chains[b])
        return self.steps_cache[a, b]

    def _points(self, places: Sequence[Place]) -> Any:
        np = self.np
        points = np.array([p.point if p.point else (np.nan, np.nan) for p in places],
                          dtype=float).reshape(-1, 2)  # fmt: skip
        return np.radians(points)

    def batch(
        self, officer: str, pool: str | None, targets: Sequence[str]
    ) -> list[tuple[int, str, int]]:
        """(metres, how measured, area steps) from the officer's nearest current place in
        ``pool`` (any of them when none lies there) to each of ``targets`` (all of that pool)."""
        np = self.np
        places = self.inputs.places
        held = [places[t] for t in self.inputs.officers[officer]["targets"] if t in places]
        near = [p for p in held if pool is not None and pool in p.chain] or held
        here = [places.get(t, Place((), (), None)) for t in targets]
        if not near:
            return [(area_steps(p.chain, ()) * STEP_METRES, "area_tree",
                     area_steps(p.chain, ())) for p in here]  # fmt: skip
        # steps between the few distinct areas on each side, then spread to every pair
        held_chains = np.array([self._chain(p.chain) for p in near])
        kinds, spread = np.unique(held_chains, return_inverse=True)
        target_chains = [self._chain(p.chain) for p in here]
        steps = np.array([[self._steps(c, int(k)) for k in kinds] for c in target_chains],
                         dtype=float).reshape(len(here), len(kinds))[:, spread.ravel()]  # fmt: skip
        a, b = self._points(here)[:, None, :], self._points(near)[None, :, :]
        h = (np.sin((b[..., 0] - a[..., 0]) / 2) ** 2 + np.cos(a[..., 0]) * np.cos(b[..., 0])
             * np.sin((b[..., 1] - a[..., 1]) / 2) ** 2)  # fmt: skip
        with np.errstate(invalid="ignore"):
            metres_ = np.rint(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0, 1))))
        measured = ~np.isnan(metres_)
        cost = np.where(measured, np.nan_to_num(metres_), steps * STEP_METRES)
        # least metres, then fewest steps, then a measured distance before a counted one
        best = np.argmin(cost * 1e6 + steps * 2 + ~measured, axis=1)
        rows = np.arange(len(here))
        return [(int(c), "coordinates" if m else "area_tree", int(k))
                for c, m, k in zip(cost[rows, best], measured[rows, best], steps[rows, best],
                                   strict=True)]  # fmt: skip


def _role(roles: Sequence[str]) -> str:
    """The role the officer already holds (instructor when both)."""
    held = sorted(str(role) for role in roles if role)
    return held[0] if held else "liaison"


def _fingerprint(inputs: _Inputs, capacities: dict[str, int],
                 costs: list[tuple[str, str, int]]) -> str:  # fmt: skip
    what = {
        "area": inputs.area, "as_of": inputs.as_of.isoformat(),
        "targets": [[t["id"], t["gap"]] for t in inputs.targets],
        "officers": [[o, capacities[o], len(inputs.officers[o]["targets"]),
                      _role(inputs.officers[o]["roles"])] for o in sorted(inputs.officers)],
        "costs": costs, "renew": sorted(inputs.existing),
    }  # fmt: skip
    text = json.dumps(what, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _person(officer: dict[str, Any]) -> EntityRef:
    return EntityRef(id=officer["id"], name=officer["name"], kind=NodeKind.PERSON.value)


@dataclass(frozen=True)
class FlowInstance:
    """The plan's problem in numbers: officers and targets numbered from 0 (officers in id
    order, targets in ``inputs.targets``' order), what each officer may still take, and an
    edge (officer, target, metres) for each eligible pair with how it was measured."""

    officer_ids: list[str]
    capacities: dict[str, int]
    remaining: list[int]
    edges: list[tuple[int, int, int]]
    measured: dict[tuple[int, int], tuple[int, str, int]]
    targets: int


def flow_instance(inputs: _Inputs, default_capacity: int) -> FlowInstance:
    """The numbers a solver needs, from what was read (the bench gives them to others)."""
    capacities = {o: int(row["capacity"]) if row["capacity"] is not None else default_capacity
                  for o, row in inputs.officers.items()}  # fmt: skip
    officer_ids = sorted(inputs.officers)
    officer_at = {o: i for i, o in enumerate(officer_ids)}
    remaining = [max(0, capacities[o] - len(inputs.officers[o]["targets"])) for o in officer_ids]
    pairs: list[tuple[int, int]] = []
    groups: dict[tuple[int, str | None], list[int]] = {}
    for t, target in enumerate(inputs.targets):
        here = inputs.places.get(target["id"])
        pool = here.pool() if here else None
        for officer in sorted(set(inputs.eligible.get(target["id"], []))):
            if officer not in officer_at:  # gone between the two reads
                continue
            pairs.append((officer_at[officer], t))
            groups.setdefault((officer_at[officer], pool), []).append(t)
    distances = _Distances(inputs)
    measured: dict[tuple[int, int], tuple[int, str, int]] = {}
    for (o, pool), ts in groups.items():
        found = distances.batch(officer_ids[o], pool, [inputs.targets[t]["id"] for t in ts])
        measured.update({(o, t): d for t, d in zip(ts, found, strict=True)})
    edges = [(o, t, measured[o, t][0]) for o, t in pairs]
    return FlowInstance(officer_ids, capacities, remaining, edges, measured, len(inputs.targets))


def plan_from(inputs: _Inputs, default_capacity: int) -> AssignmentPlan:
    """The best plan for what was read (see the module's docstring)."""
    flow = flow_instance(inputs, default_capacity)
    officer_ids, capacities, remaining = flow.officer_ids, flow.capacities, flow.remaining
    edges, measured = flow.edges, flow.measured
    costs = [(officer_ids[o], inputs.targets[t]["id"], c) for o, t, c in edges]
    started = time.perf_counter()
    pairs = solve_min_cost_flow(remaining, edges, len(inputs.targets))
    solve_ms = (time.perf_counter() - started) * 1000
    planned = [0] * len(officer_ids)
    assignments = []
    for o, t in pairs:
        planned[o] += 1
        held, wanted = inputs.officers[officer_ids[o]], inputs.targets[t]
        metres_, by, steps = measured[o, t]
        assignments.append(PlannedAssignment(
            officer=_person(held),
            target=EntityRef(id=wanted["id"], name=wanted["name"], kind=wanted["kind"]),
            role=_role(held["roles"]), distance_m=metres_, by=cast(Measure, by),
            area_steps=steps, renews=(held["id"], wanted["id"]) in inputs.existing,
        ))  # fmt: skip
    covered = {t for _, t in pairs}
    eligible_count = [0] * len(inputs.targets)
    for _, t, _ in edges:
        eligible_count[t] += 1
    unassigned = []
    for t, target in enumerate(inputs.targets):
        if t in covered:
            continue
        reason: Reason = "no_capacity_left" if eligible_count[t] else "no_eligible_officer"
        unassigned.append(Unassigned(
            target=EntityRef(id=target["id"], name=target["name"], kind=target["kind"]),
            gap=target["gap"], reason=reason, reason_zh=REASON_ZH[reason],
            eligible=eligible_count[t],
        ))  # fmt: skip
    officers = [OfficerLoad(
        officer=_person(inputs.officers[o]),
        roles=sorted(str(r) for r in inputs.officers[o]["roles"] if r),
        capacity=capacities[o], own_capacity=inputs.officers[o]["capacity"] is not None,
        load=len(inputs.officers[o]["targets"]), remaining=remaining[i], planned=planned[i],
    ) for i, o in enumerate(officer_ids)]  # fmt: skip
    return AssignmentPlan(
        area=inputs.area, as_of=inputs.as_of,
        fingerprint=_fingerprint(inputs, capacities, costs),
        targets=len(inputs.targets), assigned=len(assignments),
        total_distance_m=sum(a.distance_m for a in assignments),
        assignments=assignments, unassigned=unassigned, officers=officers,
        solver="ortools.SimpleMinCostFlow", solve_ms=round(solve_ms, 3),
    )  # fmt: skip


def read_inputs(db: Database, who: Principal, area: str, as_of: dt.date) -> _Inputs:
    """What a plan for ``area`` on ``as_of`` is computed from, read in one transaction."""
    return db.read_plan(lambda: _inputs_plan(db, who, area, as_of), "assignment_inputs")


def propose(
    db: Database, who: Principal, area: str, *, as_of: dt.date, default_capacity: int
) -> AssignmentPlan:
    """The best assignment for the area's uncovered branches, buildings and parks on
    ``as_of`` (see the module's docstring). Writes nothing. Raises :class:`NotFound` for an
    area that does not exist or lies outside the caller's areas."""
    return plan_from(read_inputs(db, who, area, as_of), default_capacity)


# ---- applying ---------------------------------------------------------------------------------


def _write_one(
    db: Database, tx: ManagedTransaction, who: Principal, plan: AssignmentPlan,
    item: PlannedAssignment, stored: Mapping[str, Any] | None, as_of: dt.date,
    target_kind: NodeKind,
) -> int:  # fmt: skip
    """One assignment of the plan, as the relationships API writes it: a new ASSIGNED_TO
    term (``rel.create``), or the officer's term to the target that has not begun yet moved
    to begin on ``as_of`` (``rel.update``: terms of one pair never overlap). The audit event
    goes with the write; its number is returned."""
    rel = RelKind.ASSIGNED_TO
    model_class = REL_MODELS[rel]
    ends = {"from_id": item.officer.id, "to_id": item.target.id}
    wanted = {"role": item.role, "since": as_of, "until": None}
    details = {"via": "assignment-plan", "area": plan.area, "fingerprint": plan.fingerprint,
               "distance_m": item.distance_m}  # fmt: skip
    target = f"{item.officer.id}->{item.target.id}"
    targets = [str(item.officer.id), str(item.target.id)]
    if stored is None:
        model = model_class.model_validate(ends | wanted)
        seq = audit.record(db, tx, who, audit.Change(
            "rel.create", kind=rel.value, target=target, targets=targets,
            after=model.model_dump(mode="json", exclude_none=True), details=details,
        ))  # fmt: skip
        db.run_in(tx, "rel_create",
                  placeholders={"rel": rel, "from_label": NodeKind.PERSON,
                                "to_label": target_kind},
                  from_id=model.from_id, to_id=model.to_id,
                  props=model.graph_properties())  # fmt: skip
        return seq
    kept = {k: v for k, v in stored["props"].items() if k not in ("src_file", "src_row", "src_at")}
    current = model_class.model_validate(_plain(kept) | ends)
    model = model_class.model_validate(current.model_dump() | wanted | ends)
    seq = audit.record(db, tx, who, audit.Change(
        "rel.update", kind=rel.value, target=target, targets=targets,
        before=current.model_dump(mode="json", exclude_none=True),
        after=model.model_dump(mode="json", exclude_none=True), details=details,
    ))  # fmt: skip
    db.run_in(tx, "rel_replace", placeholders={"rel": rel}, from_id=model.from_id,
              to_id=model.to_id, since=current.since, props=model.graph_properties())  # fmt: skip
    return seq


def _plain(props: Mapping[str, Any]) -> dict[str, Any]:
    """Stored properties with the driver's dates as Python's."""
    return {key: native(value) for key, value in props.items()}


def apply_plan(
    db: Database, who: Principal, area: str, *, as_of: dt.date, fingerprint: str,
    default_capacity: int,
) -> AppliedPlan:  # fmt: skip
    """Write the plan proposed for ``area`` on ``as_of`` if it is still the one with
    ``fingerprint``: every ``ASSIGNED_TO`` in one audited transaction. Raises
    :class:`Conflict` (409) when the graph gives another plan now, or changed under the
    plan between reading and writing; :class:`Forbidden` for a role that may not write."""
    who.require_write()
    plan = propose(db, who, area, as_of=as_of, default_capacity=default_capacity)
    if plan.fingerprint != fingerprint:
        raise Conflict(
            "the graph changed since this plan was made: propose again and review it / "
            "方案生成后数据已变化，请重新生成并确认方案",
            fingerprint=plan.fingerprint,
        )
    officers = sorted({a.officer.id for a in plan.assignments if a.officer.id})
    targets = [a.target.id for a in plan.assignments if a.target.id]
    loads = {o.officer.id: o.load for o in plan.officers}
    rels = [(RelKind.ASSIGNED_TO.value, a.officer.id or "", a.target.id or "")
            for a in plan.assignments]  # fmt: skip

    def work(tx: ManagedTransaction) -> list[int]:
        fetched = db.fetched(tx)
        kinds: dict[str, NodeKind] = {}
        for node_id in [*officers, *targets]:
            node = fetched.get(node_id)
            if node is None or not node["visible"]:
                raise Conflict(f"'{node_id}' is gone or outside your areas: propose again / "
                               f"{node_id} 已不存在或不在您的权限范围内，请重新生成方案")
            kinds[node_id] = NodeKind(node["kind"])
        found = db.run_in(tx, "assignment_check", officers=officers, targets=targets,
                          as_of=as_of)[0]  # fmt: skip
        changed = [row["id"] for row in found["loads"] if row["load"] != loads.get(row["id"])]
        if changed or found["assigned"]:
            raise Conflict(
                "officers' loads or the targets changed meanwhile: propose again / "
                "人员包挂数或对象已变化，请重新生成方案",
                officers=sorted(changed), targets=sorted(found["assigned"]),
            )  # fmt: skip
        events = []
        for item in plan.assignments:
            assert item.officer.id is not None and item.target.id is not None
            terms = db.fetched_terms(tx, RelKind.ASSIGNED_TO.value, item.officer.id,
                                     item.target.id)  # fmt: skip
            stored = next((t for t in terms if overlaps(
                (native(t["props"].get("since")), native(t["props"].get("until"))),
                (as_of, None))), None)  # fmt: skip
            if (stored is not None) != item.renews:
                raise Conflict(f"ASSIGNED_TO from '{item.officer.id}' to '{item.target.id}' "
                               "was created or deleted meanwhile: propose again / "
                               "关系已变化，请重新生成方案")  # fmt: skip
            events.append(_write_one(db, tx, who, plan, item, stored, as_of,
                                     kinds[item.target.id]))  # fmt: skip
        return events

    if not plan.assignments:
        return AppliedPlan(plan=plan, created=0, audit_events=[])
    events = db.execute_write(work, "assignment_apply",
                              Fetch([*officers, *targets], who.scope, rels))  # fmt: skip
    return AppliedPlan(plan=plan, created=len(events), audit_events=events)
