"""The export repository: the graph read back in id order, one page at a time.

Nodes come out of ``cypher/exports/export_nodes_page.cypher`` (or its area variant) in
``id`` order, relationships out of ``export_relationships_page.cypher`` in
``(from_id, to_id)`` order. Paging is by keyset (``id > last id``) on the unique id
indexes, so each page is one short read transaction and memory stays flat however large
the graph is. What comes out is plain Python: provenance (``src_file``, ``src_row``,
``src_at``) is dropped, the ``location`` point becomes ``latitude``/``longitude``, and
Neo4j temporal values become :mod:`datetime` values.

>>> for node in node_rows(db, NodeKind.AREA):          # doctest: +SKIP
...     print(node["id"], node["name"])
A-JN 济南市
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from graph_service.db import org_areas
from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.errors import NotFound

PAGE_SIZE = 5_000
#: Provenance, and what the service stores for itself (a party organization's area): never
#: exported, so an export re-imports as it was given.
NOT_EXPORTED = frozenset({"src_file", "src_row", "src_at", org_areas.PROPERTY})


def require_area(db: Database, area_id: str) -> None:
    """Raise :class:`NotFound` unless ``area_id`` is the id of an area."""
    if not db.read("export_area", id=area_id):
        raise NotFound(f"no area with id '{area_id}' / 没有编号为 {area_id} 的区域", id=area_id)


def _plain(value: Any) -> Any:
    if isinstance(value, Date | DateTime | Time):
        return value.to_native()
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key in NOT_EXPORTED:
            continue
        if isinstance(value, Point):
            if key == "location":
                # WGS-84 points: x is the longitude, y the latitude
                out["latitude"] = float(value[1])
                out["longitude"] = float(value[0])
            continue
        out[key] = _plain(value)
    return out


def node_rows(
    db: Database, kind: NodeKind, *, area: str | None = None, page_size: int = PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    """Every node of ``kind`` (of the export of ``area``, if given), in id order.

    Each is a dict of its stored properties without provenance, ``location`` given as
    ``latitude`` and ``longitude``. The caller checks ``area`` with :func:`require_area`.
    """
    after = ""
    while True:
        if area is None:
            page = db.read(
                "export_nodes_page", placeholders={"label": kind}, after=after, limit=page_size
            )
        else:
            page = db.read(
                "export_area_nodes_page",
                placeholders={"label": kind},
                area=area,
                after=after,
                limit=page_size,
            )
        for record in page:
            yield _clean(record["props"])
        if len(page) < page_size:
            return
        after = page[-1]["props"]["id"]


def relationship_rows(
    db: Database, rel: RelKind, *, area: str | None = None, page_size: int = PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    """Every relationship of type ``rel`` (both ends in the export of ``area``, if given),
    in ``(from_id, to_id)`` order, as ``{"from_id", "to_id", **properties}``."""
    after_from = after_to = after_rel = ""
    while True:
        cursor = {"after_from": after_from, "after_to": after_to, "after_rel": after_rel}
        if area is None:
            page = db.read(
                "export_relationships_page", placeholders={"rel": rel}, limit=page_size, **cursor
            )
        else:
            page = db.read(
                "export_area_relationships_page",
                placeholders={"rel": rel},
                area=area,
                limit=page_size,
                **cursor,
            )
        for record in page:
            ends = {"from_id": record["from_id"], "to_id": record["to_id"]}
            yield ends | _clean(record["props"])
        if len(page) < page_size:
            return
        last = page[-1]
        after_from, after_to, after_rel = last["from_id"], last["to_id"], last["rel_id"]
