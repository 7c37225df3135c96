"""GET /exports: the graph, or one area's subtree, in the import format, GraphML, or GeoJSON
(its places with their gaps on a date, for a map)."""

from __future__ import annotations

import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query
from fastapi.responses import FileResponse

from graph_service.api.query_types import AsOf
from graph_service.api.security import PrincipalDep
from graph_service.db import audit
from graph_service.db.scope import scoped_area
from graph_service.deps import DatabaseDep
from graph_service.services.exports import export_graph

router = APIRouter(tags=["exports · 导出"])


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    GRAPHML = "graphml"
    GEOJSON = "geojson"


class Crs(StrEnum):
    """The coordinate system of a GeoJSON export (WGS-84 as RFC 7946 has it by default)."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


MEDIA = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "application/zip",
    ExportFormat.JSON: "application/json",
    ExportFormat.GRAPHML: "application/graphml+xml",
    ExportFormat.GEOJSON: "application/geo+json",
}


@router.get(
    "/exports",
    summary="Export / 导出",
    response_class=FileResponse,
    responses={200: {"description": "The file (CSV: a zip of one CSV per table)"},
               404: {"description": "Unknown area"}},
)  # fmt: skip
def get_export(
    db: DatabaseDep,
    who: PrincipalDep,
    background: BackgroundTasks,
    as_of: AsOf,
    format: Annotated[ExportFormat, Query(description="xlsx | csv | json | graphml | geojson")] = (
        ExportFormat.XLSX
    ),
    area: Annotated[str | None, Query(max_length=64, description="Area id: its subtree only")] = (
        None
    ),
    personal: Annotated[
        bool,
        Query(description="Include persons' phone, ID number and home address (admin or "
                          "organizer; audited) / 包含个人信息（需管理员或组织员，留痕）"),
    ] = False,
    crs: Annotated[
        Crs,
        Query(description="geojson only: the coordinates' system, wgs84 (default), gcj02 (高德/"
                          "腾讯) or bd09 (百度) / 仅 geojson：坐标系"),
    ] = Crs.WGS84,
) -> FileResponse:
    """The whole graph or one area's subtree, in the import format (re-importable as is) or
    as GraphML for Gephi, yEd and networkx. Area-scoped accounts export inside their areas
    only. Without ``personal`` the personal-data columns are left empty. ``xlsx``: a sheet
    per table with a Chinese tab, a title row (area, date), the header frozen with a filter,
    relationship sheets with both ends' names beside their ids; xlsx and csv write
    enumerated values in Chinese (docs/exports.md). Errors: 404 when the area is unknown
    (or outside your areas).

    导出全部数据或某区域及其下级区域的数据：导入格式（可原样再导入；xlsx、csv 压缩包、json）
    或 GraphML（Gephi、yEd、networkx）。区域受限账户只能导出其负责区域；未指定 personal 时
    个人信息列留空。xlsx 每表一个中文工作表，首行为标题（区域、日期），表头冻结并带筛选，关系表
    在编号旁列出名称；xlsx 与 csv 的枚举值为中文。错误：区域不存在或不在您负责的范围内 404。

    ``format=geojson``: the buildings, parks, units, stations and service posts that have
    coordinates, as RFC 7946 point Features with their gap codes on ``as_of`` and coverage
    status (docs/places.md), for QGIS, geopandas or a map page; ``crs`` gives the
    coordinates for a 高德/百度 basemap instead of WGS-84.
    ``format=geojson``：带坐标的楼宇、园区、单位、阵地和服务岗位，附其在 as_of 当日的问题代码和
    覆盖状态。"""
    if personal:
        who.require_personal_data()
    area = db.execute_read(lambda tx: scoped_area(db, tx, who, area), "export_scope")
    if personal:
        audit.record_alone(db, who, audit.Change(
            "export.personal", target=area, targets=[area] if area else [],
            details={"format": format.value, "area": area},
        ))  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="graph-export-"))
    stem = f"export-{area}" if area else "export"
    try:
        if format is ExportFormat.CSV:
            written = export_graph(db, "csv", folder / stem, area=area, personal=personal)
            archive = shutil.make_archive(str(folder / stem), "zip", root_dir=written)
            path, name = Path(archive), f"{stem}.zip"
        else:
            path = export_graph(db, format.value, folder / f"{stem}.{format.value}", area=area,
                                personal=personal, as_of=as_of, crs=crs.value, who=who)  # fmt: skip
            name = path.name
    except BaseException:
        # no response will be sent, so no background task would remove the folder
        shutil.rmtree(folder, ignore_errors=True)
        raise
    background.add_task(shutil.rmtree, folder, True)
    return FileResponse(path, media_type=MEDIA[format], filename=name)
