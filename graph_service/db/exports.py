"""The export repository: the graph read back in id order, one page at a time.

Nodes come out of ``cypher/exports/export_nodes_page.cypher`` in ``id`` order,
relationships out of ``export_relationships_page.cypher`` in ``(from_id, to_id)`` order.
Paging is by keyset (``id > last id``) on the unique id indexes, so each page is one short
read transaction and memory stays flat however large the graph is. An area's export first
finds its nodes' ids by one walk down from the area (:func:`area_export`), then reads them
a page of ids at a time. What comes out is plain Python: provenance (``src_file``, ``src_row``,
``src_at``) is dropped, the ``location`` point becomes ``latitude``/``longitude``, and
Neo4j temporal values become :mod:`datetime` values.

>>> for node in node_rows(db, NodeKind.AREA):          # doctest: +SKIP
...     print(node["id"], node["name"])
A-JN 济南市
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from neo4j.spatial import Point
from neo4j.time import Duration

from graph_service.db import org_areas
from graph_service.db.database import Database
from graph_service.db.records import native
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
    if isinstance(value, Duration):  # no Python twin: its ISO text
        return str(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return native(value)


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


_NODE_LABELS = frozenset(kind.value for kind in NodeKind)


@dataclass(frozen=True)
class AreaExport:
    """The nodes in the export of one area (see ``export_area_members.cypher``): their ids
    in id order, by label. Found by one walk down from the area, so an area's export costs
    what the area holds; its ids are held in memory (a few hundred bytes each: the export of
    a district of the city graph peaked at 135 MB, a subdistrict's at 90)."""

    area: str
    ids: tuple[str, ...]
    by_label: dict[str, tuple[str, ...]]
    members: frozenset[str]


def area_export(db: Database, area_id: str) -> AreaExport:
    """The nodes in the export of ``area_id`` (checked first with :func:`require_area`)."""
    ids: list[str] = []
    by_label: dict[str, list[str]] = {}
    for record in db.read("export_area_members", scope=[area_id]):
        ids.append(record["id"])
        for label in record["labels"]:
            if label in _NODE_LABELS:  # not Entity, which every one carries
                by_label.setdefault(label, []).append(record["id"])
    return AreaExport(
        area_id, tuple(ids), {k: tuple(v) for k, v in by_label.items()}, frozenset(ids)
    )


def _pages(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _page(
    db: Database, name: str, placeholders: dict[str, NodeKind | RelKind], **params: Any
) -> list[dict[str, Any]]:
    """The rows of a page query, which answers with one row: the page as a list."""
    (row,) = db.read(name, placeholders=placeholders, **params)
    page: list[dict[str, Any]] = row["page"]
    return page


def node_rows(
    db: Database,
    kind: NodeKind,
    *,
    within: AreaExport | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[dict[str, Any]]:
    """Every node of ``kind`` (of an area's export, if ``within``), in id order.

    Each is a dict of its stored properties without provenance, ``location`` given as
    ``latitude`` and ``longitude``.
    """
    if within is not None:
        for ids in _pages(within.by_label.get(kind.value, ()), page_size):
            page = _page(db, "export_nodes_by_id", {"label": kind}, ids=ids)
            for props in page:
                yield _clean(props)
        return
    after = ""
    while True:
        page = _page(db, "export_nodes_page", {"label": kind}, after=after, limit=page_size)
        for props in page:
            yield _clean(props)
        if len(page) < page_size:
            return
        after = page[-1]["id"]


def relationship_rows(
    db: Database,
    rel: RelKind,
    *,
    within: AreaExport | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[dict[str, Any]]:
    """Every relationship of type ``rel`` (both ends in an area's export, if ``within``),
    in ``(from_id, to_id)`` order, as ``{"from_id", "to_id", **properties}``."""
    if within is not None:
        # pages of start nodes in id order, each page's relationships in order: in order
        for ids in _pages(within.ids, page_size):
            page = _page(db, "export_relationships_from", {"rel": rel}, ids=ids)
            for record in page:
                if record["to_id"] in within.members:
                    ends = {"from_id": record["from_id"], "to_id": record["to_id"]}
                    yield ends | _clean(record["props"])
        return
    after_from = after_to = after_rel = ""
    while True:
        cursor = {"after_from": after_from, "after_to": after_to, "after_rel": after_rel}
        page = _page(db, "export_relationships_page", {"rel": rel}, limit=page_size, **cursor)
        for record in page:
            ends = {"from_id": record["from_id"], "to_id": record["to_id"]}
            yield ends | _clean(record["props"])
        if len(page) < page_size:
            return
        last = page[-1]
        after_from, after_to, after_rel = last["from_id"], last["to_id"], last["rel_id"]
