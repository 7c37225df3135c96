"""Writers racing on one thing, against the real Neo4j: several threads behind a barrier
send the same create, or updates of different fields, at the same moment. Exactly one
create may win (the others are told it exists), and no update may undo another."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from graph_service.auth.principal import Principal
from graph_service.db import audit, entities
from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS
from graph_service.errors import Conflict

ROOT = Principal.cli()
ROUNDS = 5


def released_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in a thread of its own, all released at once; each call's answer or
    the exception it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except Exception as exc:  # the outcome is the test's to judge
            return exc

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def as_processes(db: Database, count: int) -> list[Database]:
    """``count`` databases over the same server, as ``count`` API processes have: each
    orders only its own writes, so the writers meet in Neo4j's lock, as writers on several
    processes or machines do."""
    return [Database(db.driver, db.registry, db.database, audit_key=db.audit_key)
            for _ in range(count)]  # fmt: skip


def _node(db: Database, node_kind: NodeKind, **fields: Any) -> None:
    entities.create_node(db, ROOT, NODE_MODELS[node_kind].model_validate(fields))


@pytest.fixture
def region(db: Database) -> Database:
    _node(db, NodeKind.AREA, id="A-1", name="示例社区", level="community")
    _node(db, NodeKind.BUILDING, id="B-1", name="示例大厦")
    entities.create_relationship(db, ROOT, REL_MODELS[RelKind.LOCATED_IN].model_validate(
        {"from_id": "B-1", "to_id": "A-1"}))  # fmt: skip
    for i in range(ROUNDS):
        _node(db, NodeKind.PERSON, id=f"P-{i}", name=f"指导员{i}")
        _node(db, NodeKind.UNIT, id=f"U-{i}", name=f"单位{i}", kind="enterprise")
    return db


def _count(db: Database, cypher: str, **params: Any) -> int:
    return int(db.execute_read(lambda tx: tx.run(cypher, params).single(strict=True)[0]))


def test_concurrent_creates_of_one_relationship_make_exactly_one(region: Database) -> None:
    for i in range(ROUNDS):
        model = REL_MODELS[RelKind.ASSIGNED_TO].model_validate(
            {"from_id": f"P-{i}", "to_id": "B-1", "role": "liaison"})  # fmt: skip
        outcomes = released_together(
            [lambda model=model, each=each: entities.create_relationship(each, ROOT, model)
             for each in as_processes(region, 8)])  # fmt: skip
        assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
        assert all(isinstance(o, Conflict) for o in outcomes if isinstance(o, Exception))
        stored = _count(region, "MATCH (:Person {id: $p})-[r:ASSIGNED_TO]->(:Building {id: 'B-1'}) "
                                "RETURN count(r)", p=f"P-{i}")  # fmt: skip
        assert stored == 1
    creates = [e for e in audit.list_events(region, action="rel.create", limit=100)
               if e["kind"] == RelKind.ASSIGNED_TO.value]  # fmt: skip
    assert len(creates) == ROUNDS  # one event for each relationship stored, none for the refused


def test_concurrent_updates_of_different_fields_all_hold(region: Database) -> None:
    fields = {"name_en": "Unit", "address": "经七路1号", "credit_code": "91370100MA3C00000E",
              "formal_party_members": 7, "note": "共建单位", "illustrative": True}  # fmt: skip
    for i in range(ROUNDS):
        node_id = f"U-{i}"
        outcomes = released_together([
            (lambda field=field, value=value, node_id=node_id, each=each: entities.update_node(
                each, ROOT, NodeKind.UNIT, node_id, {field: value}))
            for (field, value), each in zip(fields.items(), as_processes(region, len(fields)),
                                            strict=True)
        ])  # fmt: skip
        assert not [o for o in outcomes if isinstance(o, Exception)]
        stored = entities.get_node(region, ROOT, NodeKind.UNIT, node_id).model_dump()
        assert {field: stored[field] for field in fields} == fields
    # each update's audit event records what it changed, and the trail holds
    updates = audit.list_events(region, action="node.update", limit=100)
    assert len(updates) == ROUNDS * len(fields)
    assert all(len(e["after"]) == 1 for e in updates)
    assert audit.verify_chain(region)[1] == []


def test_concurrent_updates_of_one_relationship_all_hold(region: Database) -> None:
    rel = REL_MODELS[RelKind.ASSIGNED_TO]
    entities.create_relationship(region, ROOT, rel.model_validate(
        {"from_id": "P-0", "to_id": "B-1", "role": "liaison"}))  # fmt: skip
    changes = [{"since": "2025-01-01"}, {"until": "2027-12-31"}, {"role": "instructor"},
               {"illustrative": True}]  # fmt: skip
    outcomes = released_together([
        (lambda change=change, each=each: entities.update_relationship(
            each, ROOT, RelKind.ASSIGNED_TO, "P-0", "B-1", change))
        for change, each in zip(changes, as_processes(region, len(changes)), strict=True)
    ])  # fmt: skip
    assert not [o for o in outcomes if isinstance(o, Exception)]
    stored = entities.get_relationship(region, ROOT, RelKind.ASSIGNED_TO, "P-0", "B-1")
    dumped = stored.model_dump(mode="json")
    assert (dumped["since"], dumped["until"], dumped["illustrative"]) == (
        "2025-01-01", "2027-12-31", True)  # fmt: skip
    assert str(dumped["role"]) in {"instructor", "党建指导员"}


# ---- the audit trail against someone who can write to Neo4j but lacks the key -------------


def _tamper(db: Database, cypher: str, **params: Any) -> None:
    db.execute_write(lambda tx: tx.run(cypher, params).consume())


def _rehash_from(db: Database, seq: int, key: bytes | None) -> None:
    """What a forger does after editing event ``seq``: compute every later hash again
    (under ``key``: a guessed one; None: plain SHA-256 with the events unkeyed) and move
    the head, its signature copied from before."""
    events = [e for e in audit._chain(db) if int(e["seq"]) >= seq]
    prev = str(events[0].get("prev_hash", ""))
    for event in events:
        event["prev_hash"] = prev
        if key is None:
            event.pop("mac", None)
        event["hash"] = audit._digest(prev, event, key)
        _tamper(db, "MATCH (e:AuditEvent {seq: $seq}) SET e = $event",
                seq=event["seq"], event=event)  # fmt: skip
        prev = event["hash"]
    _tamper(db, "MATCH (h:AuditHead) SET h.hash = $hash", hash=prev)


@pytest.mark.parametrize("attack", ["edit", "rewrite with a guessed key", "rewrite unkeyed",
                                    "delete the newest", "delete the newest, head set back",
                                    "delete one in the middle"])  # fmt: skip
def test_the_trail_shows_every_edit_rewrite_and_cut_made_without_the_key(
    region: Database, attack: str
) -> None:
    assert audit.verify_chain(region) == (ROUNDS * 2 + 3, [])
    newest = ROUNDS * 2 + 3
    if attack == "edit":
        _tamper(region, "MATCH (e:AuditEvent {seq: 2}) SET e.actor = 'someone-else'")
    elif attack == "rewrite with a guessed key":
        _tamper(region, "MATCH (e:AuditEvent {seq: 2}) SET e.actor = 'someone-else'")
        _rehash_from(region, 2, b"guessed-key")
    elif attack == "rewrite unkeyed":
        _tamper(region, "MATCH (e:AuditEvent {seq: 2}) SET e.actor = 'someone-else'")
        _rehash_from(region, 2, None)
    elif attack.startswith("delete the newest"):
        _tamper(region, "MATCH (e:AuditEvent {seq: $seq}) DELETE e", seq=newest)
        if attack.endswith("head set back"):
            before = [e for e in audit._chain(region)][-1]
            _tamper(region, "MATCH (h:AuditHead) SET h.seq = $seq, h.hash = $hash",
                    seq=before["seq"], hash=before["hash"])  # fmt: skip
    else:
        _tamper(region, "MATCH (e:AuditEvent {seq: 4}) DELETE e")
    assert audit.verify_chain(region)[1], attack
    # the same trail, checked without the key, cannot vouch for keyed events
    unkeyed = Database(region.driver, region.registry, region.database)
    assert audit.verify_chain(unkeyed)[1]
