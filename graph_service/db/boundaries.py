"""Area boundaries in the store: what a new boundary is checked against (its parents' and
its children's, :func:`around`), the check itself for a set of (child, parent) pairs
(:func:`strays`), the API's checks, and the import's writes of a ``.geojson`` file's
boundaries. The format and the geometry are :mod:`graph_service.domain.boundaries`.

A parent is an area the child is ``PART_OF`` by a relationship not ended before today;
both need a boundary for there to be anything to check.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from graph_service.db.database import Database
from graph_service.domain.boundaries import Outside, outside
from graph_service.errors import InvalidInput


@dataclass(frozen=True)
class Around:
    """A stored area's boundary, and its parents' and children's (id → boundary)."""

    boundary: str | None
    parents: dict[str, str | None] = field(default_factory=dict)
    children: dict[str, str] = field(default_factory=dict)


def around(
    db: Database, ids: Sequence[str], today: dt.date | None = None,
    tx: ManagedTransaction | None = None,
) -> dict[str, Around]:  # fmt: skip
    """Each stored area of ``ids`` with what its boundary is checked against."""
    if not ids:
        return {}
    params: dict[str, Any] = {"ids": list(ids), "today": today or dt.date.today()}
    rows = (db.run_in(tx, "area_boundaries_around", **params) if tx is not None
            else db.read("area_boundaries_around", **params))  # fmt: skip
    return {
        row["id"]: Around(
            row["boundary"],
            {p["id"]: p["boundary"] for p in row["parents"]},
            {c["id"]: c["boundary"] for c in row["children"]},
        )
        for row in rows
    }


def strays(
    pairs: Iterable[tuple[str, str]], boundary_of: Callable[[str], str | None]
) -> Iterator[tuple[str, str, Outside]]:
    """The (child, parent) pairs both of which have a boundary where the child's leaves
    the parent's, with where it does."""
    for child, parent in dict.fromkeys(pairs):
        inner, outer = boundary_of(child), boundary_of(parent)
        if inner is not None and outer is not None:
            found = outside(inner, outer)
            if found is not None:
                yield child, parent, found


def stray_words(child: str, parent: str, where: Outside, *, of: str) -> tuple[str, str]:
    """Why a pair is refused, said from ``of``'s side (the child's or the parent's)."""
    zh, en = where.words()
    if of == child:
        return (
            f"区域 {child} 的边界不在上级区域 {parent} 的边界内：{zh}",
            f"the boundary of {child} is not inside that of its parent {parent}: {en}",
        )
    return (
        f"下级区域 {child} 的边界不在本区域 {parent} 的边界内：{zh}",
        f"the boundary of {child}, part of {parent}, is not inside {parent}'s: {en}",
    )


def _refuse(refused: list[tuple[str, str, Outside]], of: str, field_name: str) -> None:
    if not refused:
        return
    said = [stray_words(child, parent, where, of=of) for child, parent, where in refused]
    raise InvalidInput(
        "；".join(zh for zh, _ in said) + " / " + "; ".join(en for _, en in said),
        errors=[{"field": field_name, "message": f"{zh} / {en}"} for zh, en in said],
    )


def check_area(db: Database, tx: ManagedTransaction, area_id: str, boundary: str) -> None:
    """An API write giving ``area_id`` the boundary ``boundary``: 422 (field ``boundary``)
    unless it lies inside its stored parents' and around its stored children's."""
    found = around(db, [area_id], tx=tx).get(area_id, Around(None))
    pairs = [(area_id, p) for p in found.parents] + [(c, area_id) for c in found.children]
    known = {**found.parents, **found.children, area_id: boundary}
    _refuse(list(strays(pairs, known.get)), area_id, "boundary")


def check_part_of(db: Database, tx: ManagedTransaction, child: str, parent: str) -> None:
    """An API write making ``child`` PART_OF ``parent`` (areas) now: 422 (field ``to_id``)
    when both have boundaries and the child's leaves the parent's."""
    found = around(db, [child, parent], tx=tx)
    known = {i: a.boundary for i, a in found.items()}
    _refuse(list(strays([(child, parent)], known.get)), child, "to_id")


def set_boundaries(
    db: Database, rows: Sequence[dict[str, Any]], imported_at: dt.datetime,
    tx: ManagedTransaction | None = None,
) -> Counter[str]:  # fmt: skip
    """Set stored areas' boundaries (rows ``{id, boundary, src_file, src_row}``): how many
    were updated and how many already had theirs."""
    params: dict[str, Any] = {"rows": list(rows), "imported_at": imported_at}
    result = (db.run_in(tx, "area_boundaries_set", **params) if tx is not None
              else db.write("area_boundaries_set", **params))  # fmt: skip
    return Counter({r["status"]: r["rows"] for r in result})


def preview_boundaries(db: Database, rows: Sequence[dict[str, Any]]) -> Counter[str]:
    """What :func:`set_boundaries` would do, writing nothing."""
    result = db.read("area_boundaries_preview", rows=list(rows))
    return Counter({r["status"]: r["rows"] for r in result})
