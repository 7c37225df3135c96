"""The import repository: id lookups and batched upserts, one transaction per batch."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from neo4j import ManagedTransaction

from graph_service.db import org_areas
from graph_service.db.database import Database
from graph_service.db.records import native
from graph_service.domain.kinds import NodeKind, RelKind


def existing_kinds(db: Database, ids: Iterable[str]) -> dict[str, NodeKind]:
    """The kind of every given id already in the database (unknown ids are left out)."""
    id_list = list(ids)
    if not id_list:
        return {}
    rows = db.read("entity_labels", ids=id_list)
    return {row["id"]: NodeKind(row["label"]) for row in rows if row["label"] is not None}


def entities_named(
    db: Database, names: Sequence[str], scope: list[str] | None
) -> dict[str, list[tuple[str, NodeKind]]]:
    """The (id, kind) of the entities inside ``scope`` called each of ``names`` (Chinese or
    English name), for an import row that names an end instead of giving its id."""
    found: dict[str, list[tuple[str, NodeKind]]] = {}
    if names:
        for row in db.read("entities_named", names=list(names), scope=scope):
            found.setdefault(row["name"], []).append((row["id"], NodeKind(row["label"])))
    return found


def existing_kinds_in(db: Database, tx: ManagedTransaction, ids: list[str]) -> dict[str, NodeKind]:
    """:func:`existing_kinds` inside the caller's transaction."""
    rows = db.run_in(tx, "entity_labels", ids=ids) if ids else []
    return {row["id"]: NodeKind(row["label"]) for row in rows if row["label"] is not None}


def _run(
    db: Database, tx: ManagedTransaction | None, name: str, placeholders: dict[str, Any],
    **params: Any,
) -> list[dict[str, Any]]:  # fmt: skip
    """In the caller's transaction if given, else in a transaction of its own."""
    if tx is None:
        return db.write(name, placeholders=placeholders, **params)
    return db.run_in(tx, name, placeholders=placeholders, **params)


def upsert_nodes(
    db: Database,
    kind: NodeKind,
    rows: Sequence[dict[str, Any]],
    imported_at: dt.datetime,
    tx: ManagedTransaction | None = None,
) -> Counter[str]:
    """Upsert one batch of one kind; rows are ``{props, location, src_file, src_row}``."""
    result = _run(
        db, tx, "upsert_nodes", {"label": kind}, rows=list(rows), imported_at=imported_at
    )
    return Counter({r["status"]: r["rows"] for r in result})


def upsert_relationships(
    db: Database,
    rel: RelKind,
    from_kind: NodeKind,
    to_kind: NodeKind,
    rows: Sequence[dict[str, Any]],
    imported_at: dt.datetime,
    tx: ManagedTransaction | None = None,
    *,
    scope: Sequence[str] | None,
    created: Collection[str] = (),
) -> Counter[str]:
    """Upsert one batch of one type between two kinds; rows are
    ``{from_id, to_id, props, src_file, src_row}``. Created relationships of a type the
    area rule walks refresh the party organizations' stored areas in the same transaction
    (:mod:`graph_service.db.org_areas`): for an importer with an area ``scope``, a refresh
    that would move an organization (other than those it ``created``) into or out of its
    areas refuses the import."""
    placeholders = {"rel": rel, "from_label": from_kind, "to_label": to_kind}

    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        result = db.run_in(tx, "upsert_relationships", placeholders=placeholders,
                           rows=list(rows), imported_at=imported_at)  # fmt: skip
        if rel in org_areas.AREA_RELS:  # an update changes properties only: no area
            org_areas.refresh(db, tx, (i for r in result for i in r["created_from"]),
                              scope=scope, created=created)  # fmt: skip
        return result

    result = work(tx) if tx is not None else db.execute_write(work, "upsert_relationships")
    return Counter({r["status"]: r["rows"] for r in result})


def preview_nodes(db: Database, rows: Sequence[dict[str, Any]]) -> Counter[str]:
    """What :func:`upsert_nodes` would do with one batch (created, updated, unchanged),
    by the same test, writing nothing."""
    result = db.read("preview_nodes", rows=list(rows))
    return Counter({r["status"]: r["rows"] for r in result})


def preview_relationships(
    db: Database, rel: RelKind, from_kind: NodeKind, to_kind: NodeKind,
    rows: Sequence[dict[str, Any]],
) -> Counter[str]:  # fmt: skip
    """What :func:`upsert_relationships` would do with one batch, writing nothing."""
    placeholders = {"rel": rel, "from_label": from_kind, "to_label": to_kind}
    result = db.read("preview_relationships", placeholders=placeholders, rows=list(rows))
    return Counter({r["status"]: r["rows"] for r in result})


def relationships_exist(db: Database, rel: RelKind) -> bool:
    """Whether any relationship of the type is stored (the count store: no scan)."""
    return bool(db.read("relationships_exist", placeholders={"rel": rel})[0]["found"])


class StoredTerms(NamedTuple):
    """What :func:`stored_terms` found for a batch of import rows."""

    #: (from id, to id) -> the stored terms (since, until) of the pair, for the pairs with
    #: any, as far as a row of the batch not found unchanged needs them
    terms: dict[tuple[str, str], list[tuple[dt.date | None, dt.date | None]]]
    #: the index in the batch of each row whose stored term is already as it gives it
    unchanged: set[int]


def stored_terms(db: Database, rel: RelKind, rows: Sequence[dict[str, Any]]) -> StoredTerms:
    """The stored terms of the relationships of a type between the ends of each import row
    (``{from_id, to_id, props, …}``), and the rows that would leave their stored term
    unchanged (the write's own test, import_rel_status)."""
    found = StoredTerms({}, set())
    if not rows:
        return found
    sent = [{"from_id": r["from_id"], "to_id": r["to_id"], "props": r["props"]} for r in rows]
    (row,) = db.read("stored_terms", placeholders={"rel": rel}, rows=sent)
    found.unchanged.update(row["unchanged"])
    for index, stored in row["stored"]:
        pair = (rows[index]["from_id"], rows[index]["to_id"])
        if pair not in found.terms:
            found.terms[pair] = [(native(since), native(until)) for since, until in stored]
    return found


class StoredNodes(NamedTuple):
    """What :func:`stored_nodes` found for a batch of import rows."""

    kinds: dict[str, NodeKind]  # id -> the kind it is stored as
    unchanged: set[str]  # ids whose stored node is already as the row gives it


def stored_nodes(db: Database, rows: Sequence[dict[str, Any]]) -> StoredNodes:
    """The stored kind of each import row's id (``{props, location, …}``) that exists, and
    the ids whose node the row would leave unchanged (the write's own test,
    import_node_status)."""
    found = StoredNodes({}, set())
    if not rows:
        return found
    sent = [{"props": r["props"], "location": r["location"]} for r in rows]
    (row,) = db.read("stored_nodes", rows=sent)
    for index, label, unchanged in row["stored"]:
        if label is None:
            continue
        node_id = rows[index]["props"]["id"]
        found.kinds[node_id] = NodeKind(label)
        if unchanged:
            found.unchanged.add(node_id)
    return found
