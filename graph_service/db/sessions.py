"""Console sessions on ``:Session`` nodes (see :mod:`graph_service.auth.sessions`).

A session's writes (create, touch, delete) are bookkeeping beside the graph, not changes
to it: they run in transactions of their own (:mod:`graph_service.db.bookkeeping`), without
the graph's write lock and its new data version. Revoking an account or setting its password
ends its sessions inside that (audited) write instead: :mod:`graph_service.db.accounts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph_service.auth.keys import key_digest
from graph_service.auth.principal import Principal, Role
from graph_service.auth.sessions import new_token
from graph_service.db.bookkeeping import bookkeeping
from graph_service.db.database import Database
from graph_service.db.plans import KeptRead, Plan, step

#: a session's last use is written at most this often (and at most every quarter of the idle
#: time): a write on every request would cost each read a transaction
TOUCH_EVERY_MS = 60_000


@dataclass(frozen=True)
class Session:
    principal: Principal
    csrf_token: str


@dataclass(frozen=True)
class Timeouts:
    idle_ms: int
    lifetime_ms: int


def start(db: Database, account: str, timeouts: Timeouts) -> tuple[str, str] | None:
    """A new session of ``account``: (token for the cookie, CSRF token), or None when the
    account is revoked or has no password. Only the token's digest is stored."""
    token, csrf = new_token(), new_token()
    rows = bookkeeping(db, "session_create", token_digest=key_digest(token), account=account,
                       csrf_token=csrf, lifetime_ms=timeouts.lifetime_ms,
                       idle_ms=timeouts.idle_ms)  # fmt: skip
    return (token, csrf) if rows else None


def find(db: Database, token: str, timeouts: Timeouts) -> Session | None:
    """The live session holding ``token`` (its account as it is now), or None; a session
    in use has its idle time started again."""
    digest = key_digest(token)
    rows = db.read("session_get", token_digest=digest, idle_ms=timeouts.idle_ms)
    if not rows:
        return None
    row = rows[0]
    if int(row["idle_ms"]) >= min(TOUCH_EVERY_MS, timeouts.idle_ms // 4):
        bookkeeping(db, "session_touch", token_digest=digest)
    principal = Principal(name=row["name"], role=Role(row["role"]),
                          areas=tuple(row["areas"] or ()))  # fmt: skip
    return Session(principal, row["csrf_token"])


def end(db: Database, token: str) -> None:
    bookkeeping(db, "session_delete", token_digest=key_digest(token))


def _areas_plan(ids: Sequence[str] | None) -> Plan[list[dict[str, Any]]]:
    rows = yield step("session_areas", ids=ids)
    return [{"id": row["id"], "name": row["name"]} for row in rows]


#: an admin's areas: the top areas of the whole graph, the same for every admin
_TOP_AREAS = KeptRead(("session_top_areas",), lambda: _areas_plan(None), "session_areas")


def areas_of(db: Database, principal: Principal) -> list[dict[str, Any]]:
    """The areas a principal sees, as ``{"id", "name"}``: its own, or for an admin (the
    whole graph) the top areas. Finding those looks at every area (~40 ms on the city, at
    every page an admin opens), so they are kept until the graph changes (the result cache;
    the list is shared: not to be changed)."""
    if principal.is_admin:
        return db.read_kept(_TOP_AREAS)
    return db.read_plan(lambda: _areas_plan(list(principal.areas)), "session_areas")
