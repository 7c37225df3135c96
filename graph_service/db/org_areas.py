"""Each party organization's area, stored on it as ``resolved_area``.

Where a party organization lies is not one relationship but a rule (see
``cypher/_fragments/org_area.cypher``): its own place — where it is LOCATED_IN, else where
the unit it is ESTABLISHED_IN or the committee it LEADS is, else where what it COVERS is —
else the place of its nearest ancestor (UNDER). The gap queries filter and report
organizations by that area, and computing it for every candidate took most of their time
(a walk down from the area, then up again from each organization and its ancestors). So it
is stored, indexed, and every write that can change it refreshes it in the same
transaction:

* a created or deleted LOCATED_IN, ESTABLISHED_IN, LEADS, COVERS or UNDER relationship
  refreshes from its start node (:func:`refresh`);
* a deleted node refreshes from the start nodes of those relationships that ended at it
  (:func:`sources_of`, read before the delete);
* applying the schema stores every organization's area again (:func:`store_all`), which is
  also how a database written before this existed, or written around the service, is put
  right (``graph-service db refresh-areas``).

Nothing else changes an area: dates do not count, ids and kinds do not change, and a
node's properties are replaced with ``resolved_area`` kept.

The stored area is also where an organization lies for area scope (the visible fragment),
so for an area-scoped writer a refresh is a write like any other: one that would move an
organization's area into or out of the writer's areas (an organization outside them
covering a unit the write moves; a branch that would inherit an area outside them) is
refused whole, naming only the organizations the writer may see.

Two writes at once could each miss the other's half of a chain (an organization made to
cover a unit while that unit's building is put in an area); they cannot, as every write
transaction holds the graph's write lock from its start (see ``Database.execute_write``):
the later sees the earlier's writes committed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any, Protocol

from neo4j import ManagedTransaction

from graph_service.domain.kinds import RelKind
from graph_service.errors import Forbidden


class QueryRunner(Protocol):
    """What this module asks of :class:`graph_service.db.database.Database`: to run named
    queries. Written as a protocol so that this module need not import ``database``, which
    imports it (applying the schema stores every area: :func:`store_all`)."""

    def read(
        self, name: str, /, placeholders: Mapping[str, Enum] | None = None, **params: Any
    ) -> list[dict[str, Any]]: ...

    def write(
        self, name: str, /, placeholders: Mapping[str, Enum] | None = None, **params: Any
    ) -> list[dict[str, Any]]: ...

    def run_in(
        self, tx: ManagedTransaction, name: str, /,
        placeholders: Mapping[str, Enum] | None = None, **params: Any,
    ) -> list[dict[str, Any]]: ...  # fmt: skip

PROPERTY = "resolved_area"
PAGE = 2_000

#: The relationship types the area rule walks; a change to any other changes no area.
AREA_RELS = frozenset({
    RelKind.LOCATED_IN, RelKind.ESTABLISHED_IN, RelKind.LEADS, RelKind.COVERS, RelKind.UNDER,
})  # fmt: skip


def refresh(
    db: QueryRunner,
    tx: ManagedTransaction,
    start_ids: Iterable[str],
    *,
    scope: Sequence[str] | None,
    created: Collection[str] = (),
) -> int:
    """Refresh, inside the writer's transaction, the area of every organization that may
    depend on ``start_ids`` (see ``org_areas_refresh``); returns how many changed.

    ``scope`` is the writer's area scope (None: unscoped). A scoped writer may change only
    organizations whose area lies in its scope both before and after; otherwise this
    raises :class:`Forbidden` and the writer's transaction, which holds the refresh, rolls
    back whole. Organizations the write itself ``created`` had no area before: the writer
    checks where they end up (a new node must lie inside the writer's areas)."""
    changes = refreshed(db, tx, start_ids)
    if scope is not None:
        new = set(created)
        _require_inside(db, tx, scope, [c for c in changes if c["id"] not in new])
    return len(changes)


def refreshed(
    db: QueryRunner, tx: ManagedTransaction, start_ids: Iterable[str]
) -> list[dict[str, Any]]:
    """Refresh as :func:`refresh` does, unscoped; each organization whose area changed, as
    ``{id, before, after}`` (area ids, None for none)."""
    ids = sorted(set(start_ids))
    if not ids:
        return []
    changes: list[dict[str, Any]] = db.run_in(tx, "org_areas_refresh", ids=ids)[0]["changes"]
    return changes


def _require_inside(
    db: QueryRunner, tx: ManagedTransaction, scope: Sequence[str], changes: list[dict[str, Any]]
) -> None:
    if not changes:
        return
    areas = sorted({c[side] for c in changes for side in ("before", "after") if c[side]})
    inside = set(db.run_in(tx, "areas_within", ids=areas, scope=list(scope))[0]["inside"])
    # an organization whose area was outside the scope is outside: not named
    hidden = sum(1 for c in changes if c["before"] not in inside)
    leaving = sorted(c["id"] for c in changes if c["before"] in inside and c["after"] not in inside)
    if not hidden and not leaving:
        return
    parts_en, parts_zh = [], []
    if leaving:
        parts_en.append(f"move party organization(s) {', '.join(leaving[:10])} out of them")
        parts_zh.append(f"使党组织 {', '.join(leaving[:10])} 移出您的区域")
    if hidden:
        parts_en.append(f"change the area of {hidden} party organization(s) outside them")
        parts_zh.append(f"改变 {hidden} 个范围外党组织的所属区域")
    raise Forbidden(
        f"this write would {' and '.join(parts_en)} (the area of a party organization is "
        f"its own place, else its parent's); nothing was changed / 此操作将"
        f"{'并'.join(parts_zh)}（党组织的所属区域取其自身位置，否则取上级组织的），已拒绝，"
        "未作任何改动",
        organizations=leaving[:100],
    )


def sources_of(db: QueryRunner, tx: ManagedTransaction, node_id: str) -> list[str]:
    """What to :func:`refresh` once ``node_id`` is deleted (read it before deleting)."""
    return [row["id"] for row in db.run_in(tx, "org_area_sources", id=node_id)]


def store_all(db: QueryRunner, page: int = PAGE) -> int:
    """Store every organization's area again, a page per transaction; returns how many
    changed. Each page is right on its own, so an interrupted run can simply be repeated."""
    after, changed = "", 0
    while True:
        row = db.write("org_areas_store", after=after, limit=page)[0]
        if not row["looked_at"]:
            return changed
        after, changed = row["last"], changed + int(row["changed"] or 0)


def stale(db: QueryRunner, limit: int = 100) -> list[dict[str, str | None]]:
    """Organizations whose stored area is not the one the graph gives now."""
    return db.read("org_areas_stale", limit=limit)
