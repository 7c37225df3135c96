"""The audit trail: an append-only, hash-chained log of every write.

Each write of the service — through the API, an import or the CLI — appends one
:AuditEvent in the same transaction as the change, so a change is never stored without
its record (and a rolled-back change leaves none). Events are numbered in commit
order; each carries the SHA-256 of the previous event's hash and its own content, so
editing or deleting an event in the database breaks the chain, which
:func:`verify_chain` (``graph-service audit --verify``) detects. No query of the service
updates or deletes an event.

Personal data never enters the trail in clear: before/after values of phone, ID number
and home address are masked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.domain.personal import masked


def _stamp(moment: dt.datetime) -> str:
    """UTC, microseconds, 'Z': sorts and compares as text."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _digest(prev_hash: str, event: Mapping[str, Any]) -> str:
    content = json.dumps(
        {k: v for k, v in event.items() if k != "hash"}, ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256((prev_hash + "\n" + content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    """What one write did, for the trail."""

    action: str  # node.create, rel.update, import.finish, export.personal, account.add …
    kind: str | None = None
    target: str | None = None
    targets: Sequence[str] = ()
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    details: Mapping[str, Any] | None = None


def record(db: Database, tx: ManagedTransaction, who: Principal, change: Change) -> int:
    """Append one event inside the caller's write transaction; return its number."""
    head = db.run_in(tx, "audit_advance")[0]
    event: dict[str, Any] = {
        "seq": int(head["seq"]),
        "at": _stamp(dt.datetime.now(dt.UTC)),
        "actor": who.name,
        "role": who.role.value,
        "via": who.via,
        "action": change.action,
        "kind": change.kind,
        "target": change.target,
        "targets": list(change.targets) or None,
        "before": _json(masked(change.before) if change.before is not None else None),
        "after": _json(masked(change.after) if change.after is not None else None),
        "details": _json(change.details),
        "prev_hash": head["prev_hash"],
    }
    event = {k: v for k, v in event.items() if v is not None}
    digest = _digest(str(head["prev_hash"]), event)
    db.run_in(tx, "audit_append", event=event, hash=digest)
    return int(event["seq"])


def record_alone(db: Database, who: Principal, change: Change) -> int:
    """Append one event in a transaction of its own (import start/finish, exports)."""
    return db.execute_write(lambda tx: record(db, tx, who, change), "audit_record")


def _decoded(event: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(event)
    for key in ("before", "after", "details"):
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


def list_events(
    db: Database,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    after_seq: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Events newest first; page with ``after_seq`` = the last seq of the previous page."""
    rows = db.read(
        "audit_list", actor=actor, action=action, target=target,
        since=_stamp(since) if since else None, until=_stamp(until) if until else None,
        after_seq=after_seq, limit=limit,
    )  # fmt: skip
    return [_decoded(row["event"]) for row in rows]


def _chain(db: Database, page: int = 1000) -> Iterator[dict[str, Any]]:
    start = 1
    while True:
        rows = db.read("audit_chain", from_seq=start, limit=page)
        for row in rows:
            yield dict(row["event"])
        if len(rows) < page:
            return
        start = int(rows[-1]["event"]["seq"]) + 1


def verify_chain(db: Database) -> tuple[int, list[str]]:
    """Walk the whole trail; return how many events were checked and what is wrong."""
    problems: list[str] = []
    prev_hash, expected, checked = "", 1, 0
    for event in _chain(db):
        seq = int(event["seq"])
        if seq != expected:
            problems.append(f"event {expected}" + (f"–{seq - 1}" if seq - 1 > expected else "")
                            + " missing (deleted?)")  # fmt: skip
        if event.get("prev_hash") != prev_hash:
            problems.append(f"event {seq}: previous hash does not match event {seq - 1}")
        if _digest(str(event.get("prev_hash", "")), event) != event.get("hash"):
            problems.append(f"event {seq}: content does not match its hash (edited?)")
        prev_hash, expected, checked = str(event.get("hash")), seq + 1, checked + 1
    return checked, problems
