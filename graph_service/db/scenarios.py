"""What-if transactions: changes applied with the service's own write statements, the gap
rules read in the same transaction, and everything rolled back.

A what-if writes nothing: :func:`rolled_back` runs its work in a write transaction that is
never committed (the work's answer leaves by an exception the driver rolls back on), and
takes neither the graph's write lock nor an audit event (no ``data_version_bump``): the
data version, the audit trail and every kept answer stay as they are. Reads inside the
transaction see its own changes; every other transaction never does.

The changes are those of :mod:`graph_service.db.entities`' writes — ``node_delete``,
``rel_replace``, ``rel_create``, with the stored organization areas refreshed the same way
(:mod:`graph_service.db.org_areas`) — so the gap rules see exactly the graph the real
write would leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
from neo4j import ManagedTransaction

from graph_service.db import gaps, org_areas
from graph_service.db.database import Database, Record, unavailable_as_503
from graph_service.db.entities import rel_fields
from graph_service.db.plans import ID_LENGTHS, PlanningSteps, Step, no_id, step
from graph_service.db.registry import QueryRegistry
from graph_service.db.support import ALL
from graph_service.domain.gaps import Keeper, KeptAt, Tie
from graph_service.domain.kinds import REL_SPECS, NodeKind, RelKind
from graph_service.domain.models import RelIn

T = TypeVar("T")


class _Undo(Exception):
    """Carries a what-if's answer out of the transaction function, which the driver then
    rolls back (an exception that is not transient is not retried)."""

    def __init__(self, answer: Any) -> None:
        super().__init__("rolled back")
        self.answer = answer


def rolled_back(db: Database, work: Callable[[ManagedTransaction], T], label: str) -> T:
    """Run ``work`` in a write transaction and roll it back; its answer.

    The transaction is routed as a write (it changes the graph for its own reads) and has
    the service's time limit; it takes no lock but those of what it changes, so writers
    wait for it only where they touch the same nodes.
    """
    gate = db.availability

    def undone(tx: ManagedTransaction) -> T:
        raise _Undo(work(tx))

    if gate is not None:
        gate.admit()
    try:
        with (
            unavailable_as_503(gate.saw_away if gate is not None else None),
            db.driver.session(
                database=db.database, default_access_mode=neo4j.WRITE_ACCESS
            ) as session,
        ):
            session.execute_write(
                neo4j.unit_of_work(timeout=db.timeout, metadata={"query": label})(undone)
            )
    except _Undo as done:
        answer: T = done.answer
        return answer
    raise AssertionError("a what-if transaction ended without its answer")  # pragma: no cover


#: Lists as long as each size class Neo4j plans apart (see ``ID_LENGTHS``): 1, 2-10, 11-100
#: and more. Weak points sends thousands of ids at once.
ID_LIST_SIZES = (1, 2, 11, 101)


#: The relationships a what-if most often ends or adds: an officer's assignment.
PLANNED_RELS = (RelKind.ASSIGNED_TO,)


def planning_steps(registry: QueryRegistry, as_of: dt.date) -> PlanningSteps:
    """What a what-if sends inside its changed transaction, to plan ahead there (``changed``):
    the gap lists, counts and summary of an area, and the writes of a leave, a removal and
    an assignment added or ended, with ids that name nothing; and (``run``) the reads of
    weak points."""
    writes: list[Step] = []
    for length in ID_LENGTHS:
        nothing = no_id(length)
        writes += [step("entity_exists", id=nothing), step("org_area_sources", id=nothing)]
        writes += [step(name, ids=[nothing] * size) for size in ID_LIST_SIZES
                   for name in ("nodes_remove", "org_areas_refresh")]  # fmt: skip
        writes += [step("node_delete", placeholders={"label": kind}, id=nothing)
                   for kind in (NodeKind.PERSON, NodeKind.UNIT)]
    for rel in PLANNED_RELS:
        spec = REL_SPECS[rel]
        for pair in ({"from_id": no_id(a), "to_id": no_id(b)} for a in ID_LENGTHS
                     for b in ID_LENGTHS):  # fmt: skip
            writes.append(step("rel_terms", placeholders={"rel": rel}, **pair))
            writes += [step("rel_replace", placeholders={"rel": rel}, since=since, props={}, **pair)
                       for since in (as_of, None)]  # fmt: skip
            writes += [step("rel_create", placeholders={"rel": rel, "from_label": source,
                                                        "to_label": target}, props={}, **pair)
                       for source in sorted(spec.sources) for target in sorted(spec.targets)]
    return PlanningSteps(weak_points_steps(registry, as_of),
                         [], gaps.planning_steps(registry, as_of).run + writes)  # fmt: skip


def weak_points_steps(registry: QueryRegistry, as_of: dt.date) -> list[Step]:
    """The reads of weak points (:mod:`graph_service.services.weak_points`) with lists of
    each size class, their ids naming nothing: the support network's targets and their
    supporters, and what the rules' loss declarations ask of the candidates."""
    keepers = {k for r in registry.rules.enabled if r.loss for k in r.loss.kept_by}
    ties = {t for r in registry.rules.enabled if r.loss for t in r.loss.ties}
    branch_kinds = list(registry.rules.kinds.get("TEAM_BRANCH_NO_OFFICER", ()))
    out: list[Step] = []
    for length in ID_LENGTHS:
        nothing = no_id(length)
        out.append(step("support_targets", area=nothing, branch_kinds=branch_kinds))
        out.append(Step("supporters", {"id": nothing, "as_of": as_of, "skip": 0, "limit": ALL},
                        batches=ID_LIST_SIZES))  # fmt: skip
        for size in ID_LIST_SIZES:
            ids = [nothing] * size
            out.append(step("loss_org_dependents", ids=ids, area=nothing))
            out += [step("loss_kept" if k.at is KeptAt.SUBJECT else "loss_kept_for_unit",
                         placeholders={"rel": k.rel, "by": k.by}, ids=ids, as_of=as_of)
                    for k in sorted(keepers, key=repr)]  # fmt: skip
            out += [step("loss_tied_from" if t.into_subject else "loss_tied_to",
                         placeholders={"rel": t.rel}, ids=ids)
                    for t in sorted(ties, key=repr)]  # fmt: skip
    return out


def entity_kind(db: Database, tx: ManagedTransaction, entity_id: str) -> NodeKind | None:
    """The kind of the entity ``entity_id`` in the transaction's graph (None: there is none)."""
    rows = db.run_in(tx, "entity_exists", id=entity_id)
    return NodeKind(rows[0]["kind"]) if rows else None


@dataclass(frozen=True)
class Removed:
    """What deleting a node did: how many relationships went with it, and each party
    organization whose stored area moved (``{id, before, after}``)."""

    relationships: int
    moved: list[dict[str, Any]]


def remove_node(db: Database, tx: ManagedTransaction, kind: NodeKind, node_id: str) -> Removed:
    """Delete a node with its relationships, as ``DELETE /<kind>/{id}?cascade=true`` does
    (the organizations whose stored area depended on it refreshed)."""
    sources = org_areas.sources_of(db, tx, node_id)
    rows = db.run_in(tx, "node_delete", placeholders={"label": kind}, id=node_id)
    moved = org_areas.refreshed(db, tx, sources)
    return Removed(int(rows[0]["relationships"]) if rows else 0, moved)


def remove_nodes(db: Database, tx: ManagedTransaction, ids: Sequence[str]) -> Removed:
    """Delete several nodes with their relationships in one statement (``nodes_remove``),
    then refresh the organizations whose stored area depended on any of them, as
    :func:`remove_node` does for each: the relationships that went, and every organization
    whose area moved."""
    rows = db.run_in(tx, "nodes_remove", ids=list(ids))
    gone = {row["id"] for row in rows}
    sources = {source for row in rows for source in row["sources"]} - gone
    return Removed(sum(int(row["relationships"]) for row in rows),
                   org_areas.refreshed(db, tx, sources))  # fmt: skip


def stored_terms(
    db: Database, tx: ManagedTransaction, rel: RelKind, from_id: str, to_id: str
) -> list[dict[str, Any]]:
    """The fields of every stored term of a relationship (empty: there is none), by start
    date, no start first (see :mod:`graph_service.domain.terms`)."""
    rows = db.run_in(tx, "rel_terms", placeholders={"rel": rel}, from_id=from_id, to_id=to_id)
    terms = [rel_fields(row["props"]) | {"from_id": from_id, "to_id": to_id} for row in rows]
    return sorted(terms, key=lambda term: term.get("since") or dt.date.min)


def replace_rel(
    db: Database, tx: ManagedTransaction, model: RelIn, since: dt.date | None
) -> None:
    """Store new fields for the term of a relationship that starts on ``since``, as ``PATCH
    /relationships/…`` does (dates move no organization's area: none is refreshed)."""
    db.run_in(tx, "rel_replace", placeholders={"rel": model.kind_of_rel},
              from_id=model.from_id, to_id=model.to_id, since=since,
              props=model.graph_properties())  # fmt: skip


def add_rel(
    db: Database, tx: ManagedTransaction, model: RelIn, from_kind: NodeKind, to_kind: NodeKind
) -> None:
    """Create a relationship, as ``POST /relationships/…`` does (with the refresh of the
    stored organization areas it may move)."""
    rel = model.kind_of_rel
    db.run_in(tx, "rel_create",
              placeholders={"rel": rel, "from_label": from_kind, "to_label": to_kind},
              from_id=model.from_id, to_id=model.to_id,
              props=model.graph_properties())  # fmt: skip
    if rel in org_areas.AREA_RELS:
        org_areas.refresh(db, tx, [model.from_id], scope=None)


def support_targets(
    db: Database, tx: ManagedTransaction, area: str, branch_kinds: Sequence[str]
) -> list[Record]:
    """The targets an area's support network is projected around (``support_targets``)."""
    return db.run_in(tx, "support_targets", area=area, branch_kinds=list(branch_kinds))


def every_supporter(
    db: Database, tx: ManagedTransaction, ids: Sequence[str], as_of: dt.date
) -> list[list[Record]]:
    """Every supporter of each of ``ids`` (the ``supporters`` query, one request each, all
    sent at once): each one's rows (none for an id that does not exist)."""
    if not ids:
        return []
    requests = [{"id": i, "as_of": as_of, "skip": 0, "limit": ALL} for i in ids]
    return db.run_requests(tx, "supporters", None, requests)


# ---- what a loss can touch (weak points; the declarations are domain/gaps.py's Loss) -------


def kept(
    db: Database, tx: ManagedTransaction, keeper: Keeper, ids: Sequence[str], as_of: dt.date
) -> list[Record]:
    """For each of ``ids``: what it keeps as ``keeper`` says (``kept``; ``related`` too when
    the relationship ends at the gap's related node) and how many keep it so (``keepers``)."""
    name = "loss_kept" if keeper.at is KeptAt.SUBJECT else "loss_kept_for_unit"
    return db.run_in(tx, name, placeholders={"rel": keeper.rel, "by": keeper.by},
                     ids=list(ids), as_of=as_of)  # fmt: skip


def org_dependents(
    db: Database, tx: ManagedTransaction, ids: Sequence[str], area: str
) -> list[Record]:
    """For each of ``ids``: the organizations whose stored area may depend on it (``org``)
    and whether that area lies in ``area``'s subtree (``inside``)."""
    return db.run_in(tx, "loss_org_dependents", ids=list(ids), area=area)


def tied(db: Database, tx: ManagedTransaction, tie: Tie, ids: Sequence[str]) -> list[Record]:
    """For each of ``ids``: the subjects it is tied to as ``tie`` says (``{id, subject}``)."""
    name = "loss_tied_from" if tie.into_subject else "loss_tied_to"
    return db.run_in(tx, name, placeholders={"rel": tie.rel}, ids=list(ids))
