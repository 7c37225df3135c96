"""The audit trail: an append-only, hash-chained log of every write.

Each write of the service — through the API, an import or the CLI — appends one
:AuditEvent in the same transaction as the change, so a change is never stored without
its record (and a rolled-back change leaves none). Events are numbered in commit
order; each carries a hash of the previous event's hash and its own content, so editing
or deleting an event in the database breaks the chain, which :func:`verify_chain`
(``graph-service audit --verify``) detects. No query of the service updates or deletes an
event.

A hash anyone can compute proves little against someone who can write to Neo4j: they
could edit an event and compute every later hash again, or delete the newest event and set
the head back. So when the service has an audit key (kept outside Neo4j: ``AUDIT_KEY`` or
the file ``AUDIT_KEY_FILE``, made on first use) each hash is an HMAC-SHA256 under it
(``mac: hmac-sha256`` on the event), and the head carries an HMAC of the last number and
hash: without the key, no edit, rewrite or cut of the tail passes :func:`verify_chain`.
Events written before a key was set keep their plain SHA-256; the first keyed event's
hash covers the last of them.

Personal data never enters the trail in clear: before/after values of phone, ID number
and home address are masked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import ManagedTransaction

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.domain.personal import masked


def _stamp(moment: dt.datetime) -> str:
    """UTC, microseconds, 'Z': sorts and compares as text."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


MAC = "hmac-sha256"


def _digest(prev_hash: str, event: Mapping[str, Any], key: bytes | None) -> str:
    """The event's hash: HMAC-SHA256 under ``key`` when the event says it is keyed, else
    SHA-256 (events written before the trail had a key)."""
    content = json.dumps(
        {k: v for k, v in event.items() if k != "hash"}, ensure_ascii=False, sort_keys=True
    )
    data = (prev_hash + "\n" + content).encode("utf-8")
    if event.get("mac") == MAC:
        if key is None:
            raise ValueError("a keyed event needs the audit key")
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def _head_mac(key: bytes, seq: int, digest: str) -> str:
    """What the head carries: only the key's holder can set the head to a number and hash."""
    return hmac.new(key, f"head\n{seq}\n{digest}".encode(), hashlib.sha256).hexdigest()


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
    """Append one event inside the caller's write transaction; return its number.

    The transaction holds the graph's write lock since it began (``execute_write``), and
    read the trail's head as it took it: no other event can come between. The event is
    stored with the transaction's next statement, or as it ends (see
    :meth:`Database.carry_audit`): record it before the write's last statement."""
    head = db.audit_position(tx)
    event: dict[str, Any] = {
        "seq": head.seq + 1,
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
        "prev_hash": head.hash,
        "mac": MAC if db.audit_key is not None else None,
    }
    event = {k: v for k, v in event.items() if v is not None}
    digest = _digest(head.hash, event, db.audit_key)
    head_mac = _head_mac(db.audit_key, event["seq"], digest) if db.audit_key else None
    db.carry_audit(tx, event, digest, head_mac)
    return int(event["seq"])


def record_alone(db: Database, who: Principal, change: Change) -> int:
    """Append one event in a transaction of its own (import start/finish, exports)."""
    return db.execute_write(lambda tx: record(db, tx, who, change), "audit_record")


def decoded(event: Mapping[str, Any]) -> dict[str, Any]:
    """A stored event as it was recorded: before, after and details back from their JSON."""
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
    return [decoded(row["event"]) for row in rows]


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
    """Walk the whole trail; return how many events were checked and what is wrong.

    Checked: numbers without gaps, each event's link to the one before and its hash (an
    HMAC under the database's audit key for keyed events), no plain event after a keyed
    one, and that the last event is the one the head names — with the head's own HMAC
    when there is a key, so a cut tail with the head set back is found too.
    """
    key = db.audit_key
    problems: list[str] = []
    prev_hash, expected, checked, keyed = "", 1, 0, False
    for event in _chain(db):
        seq = int(event["seq"])
        if seq != expected:
            problems.append(f"event {expected}" + (f"–{seq - 1}" if seq - 1 > expected else "")
                            + " missing (deleted?)")  # fmt: skip
        if event.get("prev_hash") != prev_hash:
            problems.append(f"event {seq}: previous hash does not match event {seq - 1}")
        if event.get("mac") == MAC:
            keyed = True
            if key is None:
                problems.append(f"event {seq}: keyed, and no audit key was given to check it")
            elif not hmac.compare_digest(_digest(prev_hash_of(event), event, key),
                                         str(event.get("hash"))):  # fmt: skip
                problems.append(f"event {seq}: content does not match its hash (edited, or "
                                "hashed again without the key?)")  # fmt: skip
        elif keyed:
            problems.append(f"event {seq}: not keyed, after keyed events (rewritten?)")
        elif _digest(prev_hash_of(event), event, None) != event.get("hash"):
            problems.append(f"event {seq}: content does not match its hash (edited?)")
        prev_hash, expected, checked = str(event.get("hash")), seq + 1, checked + 1
    problems.extend(_head_problems(db, expected - 1, prev_hash, key))
    return checked, problems


def prev_hash_of(event: Mapping[str, Any]) -> str:
    return str(event.get("prev_hash", ""))


def _head_problems(db: Database, last_seq: int, last_hash: str, key: bytes | None) -> list[str]:
    rows = db.read("audit_head")
    if not rows:
        return [] if last_seq == 0 else ["the trail has events but no head (deleted?)"]
    seq, digest, mac = int(rows[0]["seq"]), str(rows[0]["hash"]), rows[0]["mac"]
    problems = []
    if seq != last_seq or digest != last_hash:
        problems.append(f"the head names event {seq}, the last event is {last_seq} "
                        "(events deleted, or the head moved?)")  # fmt: skip
    if key is not None and seq:
        if mac is None:
            problems.append("the head is not signed with the audit key (set back?)")
        elif not hmac.compare_digest(_head_mac(key, seq, digest), str(mac)):
            problems.append("the head's signature does not match it (set back or edited?)")
    return problems


def load_key(value: str | None, path: Path, create: bool) -> bytes | None:
    """The audit key: ``value`` (from ``AUDIT_KEY``) if given, else the file ``path``,
    which is made (32 random bytes, hex, mode 0600) when missing and ``create`` is set.
    Several processes may start at once: the file is made exclusively, and a process that
    lost the race reads the winner's."""
    if value:
        return value.encode("utf-8")
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(os.urandom(32).hex() + "\n")
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise ValueError(f"the audit key file {path} is empty / 审计密钥文件为空")
    return text.encode("utf-8")


def key_of(settings: Settings) -> bytes | None:
    """The audit key the settings name (see :func:`load_key`), made on first use."""
    value = settings.audit_key.get_secret_value() if settings.audit_key else None
    return load_key(value, settings.audit_key_file or settings.data_dir / "audit.key", True)
