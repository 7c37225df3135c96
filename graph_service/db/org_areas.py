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

Two writes at once could each miss the other's half of a chain (an organization made to
cover a unit while that unit's building is put in an area), so a refresh first takes one
lock (``org_areas_lock``): refreshes run one at a time, and the later sees the earlier's
writes committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from neo4j import ManagedTransaction

from graph_service.domain.kinds import RelKind

if TYPE_CHECKING:
    from graph_service.db.database import Database

PROPERTY = "resolved_area"
PAGE = 2_000

#: The relationship types the area rule walks; a change to any other changes no area.
AREA_RELS = frozenset({
    RelKind.LOCATED_IN, RelKind.ESTABLISHED_IN, RelKind.LEADS, RelKind.COVERS, RelKind.UNDER,
})  # fmt: skip


def refresh(db: Database, tx: ManagedTransaction, start_ids: Iterable[str]) -> int:
    """Refresh, inside the writer's transaction, the area of every organization that may
    depend on ``start_ids`` (see ``org_areas_refresh``); returns how many changed."""
    ids = sorted(set(start_ids))
    if not ids:
        return 0
    db.run_in(tx, "org_areas_lock")  # one refresh at a time, each seeing the others' writes
    return int(db.run_in(tx, "org_areas_refresh", ids=ids)[0]["changed"] or 0)


def sources_of(db: Database, tx: ManagedTransaction, node_id: str) -> list[str]:
    """What to :func:`refresh` once ``node_id`` is deleted (read it before deleting)."""
    return [row["id"] for row in db.run_in(tx, "org_area_sources", id=node_id)]


def store_all(db: Database, page: int = PAGE) -> int:
    """Store every organization's area again, a page per transaction; returns how many
    changed. Each page is right on its own, so an interrupted run can simply be repeated."""
    after, changed = "", 0
    while True:
        row = db.write("org_areas_store", after=after, limit=page)[0]
        if not row["looked_at"]:
            return changed
        after, changed = row["last"], changed + int(row["changed"] or 0)


def stale(db: Database, limit: int = 100) -> list[dict[str, str | None]]:
    """Organizations whose stored area is not the one the graph gives now."""
    return db.read("org_areas_stale", limit=limit)
