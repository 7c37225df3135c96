"""The export service: the graph, or one area's part of it, read from Neo4j and written in
one of the formats of :mod:`loaders.exporters` (CSV, XLSX, JSON, GraphML).

**An area's export** (``area=<area id>``) holds:

1. the area and every area ``PART_OF`` it, at any depth;
2. every node with a chain of ``LOCATED_IN`` relationships (through buildings and parks)
   ending at one of those areas: units, buildings, parks, party organizations,
   committees, stations, service posts;
3. every party organization that ``COVERS``, is ``ESTABLISHED_IN`` or ``LEADS`` a node of
   (2), e.g. a building branch with no location of its own;
4. every person, project and meeting joined by any relationship, either way, to a node of
   (1)–(3): officers assigned there, members of its organizations, registered members
   and volunteers, projects claimed by its units or serving its areas, meetings of its
   committees;
5. every relationship whose two ends are both exported.

So a member unit located outside the area (a district organ on a subdistrict's big
working committee) is not exported, nor its ``MEMBER_UNIT_OF`` relationship; the area's
parent areas are not exported either. An unknown area id raises
:class:`~graph_service.errors.NotFound`.

Everything is streamed from Neo4j a page at a time (see :mod:`graph_service.db.exports`)
and written as it comes by the format's writer (:mod:`loaders.exporters`).

>>> export_graph(db, "xlsx", Path("region.xlsx"), area="A-EQ")     # doctest: +SKIP
PosixPath('region.xlsx')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from graph_service.auth.principal import Principal
from graph_service.db import exports as repo
from graph_service.db.database import Database
from graph_service.db.report_facts import names_of
from graph_service.domain.calendar import DEFAULT_ZONE, today
from graph_service.domain.coordinates import CoordSystem
from graph_service.domain.kinds import NodeKind
from graph_service.domain.personal import PERSONAL_FIELDS
from graph_service.domain.tables import TABLES, Table
from graph_service.errors import InvalidInput
from graph_service.services import export_progress
from loaders import exporters as formats
from loaders.exporters import FORMATS, Row, SheetFull

if TYPE_CHECKING:  # networkx is slow to import; only the GraphML export needs it
    import networkx as nx


def table_rows(
    db: Database,
    table: Table,
    *,
    within: repo.AreaExport | None = None,
    page_size: int = repo.PAGE_SIZE,
    personal: bool = False,
) -> Iterator[Row]:
    """The rows of one table, streamed in export order: every column's field, in column
    order, None where the graph holds no value. Persons' phone, ID number and home address
    are left empty unless ``personal``. ``within``: the rows of an area's export only
    (:func:`graph_service.db.exports.area_export`)."""
    fields = [column.field for column in table.columns]
    if not personal and table.kind is NodeKind.PERSON:
        fields = [field for field in fields if field not in PERSONAL_FIELDS]
    if isinstance(table.kind, NodeKind):
        found = repo.node_rows(db, table.kind, within=within, page_size=page_size)
    else:
        found = repo.relationship_rows(db, table.kind, within=within, page_size=page_size)
    for props in found:
        yield {column.field: props.get(column.field) if column.field in fields else None
               for column in table.columns}  # fmt: skip


def tables(
    db: Database, *, area: str | None = None, page_size: int = repo.PAGE_SIZE,
    personal: bool = False,
) -> Iterator[tuple[Table, Iterator[Row]]]:
    """Every table with its rows (of ``area``'s export, or of the whole graph), read
    lazily: a table's rows are fetched as the writer reaches it. The area is not checked
    here (see :func:`graph_service.db.exports.require_area`)."""
    within = None if area is None else repo.area_export(db, area)
    count = export_progress.counted(db, within)  # to the CLI's progress bar, if it asked
    for table in TABLES:
        yield table, count(table, table_rows(db, table, within=within, page_size=page_size,
                                             personal=personal))  # fmt: skip


def export_csv(
    db: Database, folder: Path, *, area: str | None = None, page_size: int = repo.PAGE_SIZE,
    personal: bool = False,
) -> Path:
    """Write one ``<table key>.csv`` per non-empty table into ``folder``; return it
    (:func:`loaders.exporters.write_csv`)."""
    return formats.write_csv(tables(db, area=area, page_size=page_size, personal=personal),
                             folder)  # fmt: skip


def export_xlsx(
    db: Database, path: Path, *, area: str | None = None, page_size: int = repo.PAGE_SIZE,
    personal: bool = False, as_of: dt.date | None = None,
) -> Path:  # fmt: skip
    """Write one sheet per non-empty table into the workbook ``path``; return it. Each
    sheet's title row names the table, the area and the date (``as_of``, default today in
    China); relationship sheets show the names of both ends beside their ids. A table
    longer than a sheet is :class:`InvalidInput` (field ``format``), and ``path`` is left
    as it was."""
    with _sheet_full_refused():
        return formats.write_xlsx(
            tables(db, area=area, page_size=page_size, personal=personal), path,
            caption=sheet_caption(db, area, as_of), names=lambda ids: names_of(db, ids),
        )  # fmt: skip


def sheet_caption(db: Database, area: str | None, as_of: dt.date | None) -> str:
    """What follows a table's name in an export sheet's title row: the area (name and id,
    or 全部区域 for the whole graph) and the export's date."""
    if area is None:
        where = "全部区域 all areas"
    else:
        name = names_of(db, [area]).get(area)
        where = f"{name}（{area}）" if name else area
    day = as_of or today(DEFAULT_ZONE)
    return f"{where} · 导出日期 {day.isoformat()}"


def export_json(
    db: Database, path: Path, *, area: str | None = None, page_size: int = repo.PAGE_SIZE,
    personal: bool = False,
) -> Path:
    """Write the JSON document (:func:`loaders.exporters.write_json`) to ``path``."""
    return formats.write_json(tables(db, area=area, page_size=page_size, personal=personal),
                              path)  # fmt: skip


def to_networkx(
    db: Database, *, area: str | None = None, page_size: int = repo.PAGE_SIZE,
    personal: bool = False
) -> nx.MultiDiGraph:
    """The graph (or an area's export) as a networkx ``MultiDiGraph``, in export order
    (:func:`loaders.exporters.to_networkx`)."""
    return formats.to_networkx(tables(db, area=area, page_size=page_size, personal=personal))


def export_graphml(
    db: Database, path: Path, *, area: str | None = None, page_size: int = repo.PAGE_SIZE,
    personal: bool = False,
) -> Path:
    """Write the graph (or an area's export) as GraphML to ``path``; return it."""
    return formats.write_graphml(
        tables(db, area=area, page_size=page_size, personal=personal), path
    )


#: the map's format: places with their gaps, not the import format (services/places.py)
GEOJSON = "geojson"


def export_graph(
    db: Database, fmt: str, out: Path, *, area: str | None = None, personal: bool = False,
    as_of: dt.date | None = None, crs: str | None = None, who: Principal | None = None,
) -> Path:  # fmt: skip
    """Export the whole graph, or the export of ``area`` (see the module docstring).

    ``fmt`` is ``csv`` (``out`` is a folder), ``xlsx``, ``json``, ``graphml`` or
    ``geojson`` (``out`` is a file). ``geojson`` writes the places of the area with the
    gaps they have on ``as_of`` (required for it), coordinates in ``crs`` (wgs84, gcj02,
    bd09; default WGS-84), the gap rules run as ``who`` (default: the CLI's principal);
    see :mod:`graph_service.services.places`. Returns what was written. Raises
    :class:`InvalidInput` for an unknown format or coordinate system and :class:`NotFound`
    for an unknown area, before anything is written.
    """
    name = fmt.strip().lower().lstrip(".")
    if name not in formats.WRITERS and name != GEOJSON:
        raise InvalidInput(
            f"unknown export format '{fmt}'; use one of: {', '.join([*FORMATS, GEOJSON])} / "
            "导出格式无效",
            field="format",
        )
    try:
        system = CoordSystem.parse(crs)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="crs") from None
    if system is not CoordSystem.WGS84 and name != GEOJSON:
        raise InvalidInput("坐标系仅适用于 geojson 导出 / crs applies to the geojson format only",
                           field="crs")  # fmt: skip
    if area is not None:
        repo.require_area(db, area)
    if name == GEOJSON:
        from graph_service.services.places import export_geojson

        if as_of is None:
            raise InvalidInput("geojson 导出需要日期 / the geojson export needs as_of",
                               field="as_of")  # fmt: skip
        return export_geojson(db, out, area=area, as_of=as_of, crs=system, who=who)
    if name == "xlsx":
        return export_xlsx(db, out, area=area, personal=personal, as_of=as_of)
    with _sheet_full_refused():
        return formats.WRITERS[name](tables(db, area=area, personal=personal), out)


@contextmanager
def _sheet_full_refused() -> Iterator[None]:
    """An XLSX table longer than a sheet, as the 422 of the ``format`` asked for."""
    try:
        yield
    except SheetFull as full:
        raise InvalidInput(str(full), field="format") from full
