"""GET /exports: the graph, or one area's subtree, in the import format or GraphML."""

from __future__ import annotations

import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query
from fastapi.responses import FileResponse

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


MEDIA = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "application/zip",
    ExportFormat.JSON: "application/json",
    ExportFormat.GRAPHML: "application/graphml+xml",
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
    format: Annotated[ExportFormat, Query(description="xlsx | csv | json | graphml")] = (
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
) -> FileResponse:
    """The whole graph or one area's subtree, in the import format (re-importable as is) or
    as GraphML for Gephi, yEd and networkx. Area-scoped accounts export inside their areas
    only. Without ``personal`` the personal-data columns are left empty. Errors: 404 when
    the area is unknown (or outside your areas).

    导出全部数据或某区域及其下级区域的数据：导入格式（可原样再导入；xlsx、csv 压缩包、json）
    或 GraphML（Gephi、yEd、networkx）。区域受限账户只能导出其负责区域；未指定 personal 时
    个人信息列留空。错误：区域不存在或不在您负责的范围内 404。"""
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
                                personal=personal)  # fmt: skip
            name = path.name
    except BaseException:
        # no response will be sent, so no background task would remove the folder
        shutil.rmtree(folder, ignore_errors=True)
        raise
    background.add_task(shutil.rmtree, folder, True)
    return FileResponse(path, media_type=MEDIA[format], filename=name)
