"""What a first load keeps of the database it replaces.

A first load (:mod:`graph_service.services.first_load`) writes the graph with Neo4j's
offline importer, which replaces the whole database. It is only for a graph without domain
nodes, but the database still holds the service's own records: accounts, console sessions,
the audit trail, the schema's meta node, follow-ups, import jobs. They are read before the
server stops (:func:`set_aside`) and written back, labels and properties exactly as they
were, once it runs again (:func:`put_back`): the audit trail's hash chain still verifies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from graph_service.db.bookkeeping import bookkeeping
from graph_service.db.database import Database

PAGE = 5_000
#: the schema's meta node, which holds the graph's data version (db/result_cache.py)
META = "GraphServiceMeta"


@dataclass
class SetAside:
    """The nodes and relationships outside the domain graph, as they were stored."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)


def entities_stored(db: Database) -> bool:
    """Whether any domain node (:Entity) is stored."""
    return bool(db.read("entity_any")[0]["found"])


def _pages(db: Database, name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while page := db.read(name, skip=len(rows), limit=PAGE):
        rows += page
        if len(page) < PAGE:
            break
    return rows


def set_aside(db: Database) -> SetAside:
    """Every node that is not a domain node, and every relationship between two such."""
    return SetAside(_pages(db, "aside_nodes"), _pages(db, "aside_relationships"))


def put_back(db: Database, aside: SetAside) -> None:
    """Write what :func:`set_aside` read into the database that replaced it. The meta
    node comes back with a new data version: a kept answer about the graph that was
    replaced is never served about the one that replaced it."""
    element_ids: dict[str, str] = {}
    nodes = [row | {"props": row["props"] | {"data_version": str(uuid.uuid4())}}
             if META in row["labels"] else row for row in aside.nodes]  # fmt: skip
    for start in range(0, len(nodes), PAGE):
        rows = nodes[start : start + PAGE]
        for row in bookkeeping(db, "put_back_nodes", rows=rows):
            element_ids[row["key"]] = row["element_id"]
    rels = [{"from_id": element_ids[r["from_key"]], "to_id": element_ids[r["to_key"]],
             "type": r["type"], "props": r["props"]} for r in aside.relationships]  # fmt: skip
    for start in range(0, len(rels), PAGE):
        bookkeeping(db, "put_back_relationships", rows=rels[start : start + PAGE])
