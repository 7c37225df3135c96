"""GET /exports: the graph, or one area's subtree, in the import format or GraphML."""

from __future__ import annotations

import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query
from fastapi.responses import FileResponse

from graph_service.deps import DatabaseDep
from loaders.exporters import export_graph

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
    background: BackgroundTasks,
    format: Annotated[ExportFormat, Query(description="xlsx | csv | json | graphml")] = (
        ExportFormat.XLSX
    ),
    area: Annotated[str | None, Query(max_length=64, description="Area id: its subtree only")] = (
        None
    ),
) -> FileResponse:
    """The whole graph or one area's subtree, in the import format (re-importable as is) or
    as GraphML for Gephi, yEd and networkx."""
    folder = Path(tempfile.mkdtemp(prefix="graph-export-"))
    background.add_task(shutil.rmtree, folder, True)
    stem = f"export-{area}" if area else "export"
    if format is ExportFormat.CSV:
        written = export_graph(db, "csv", folder / stem, area=area)
        archive = shutil.make_archive(str(folder / stem), "zip", root_dir=written)
        path, name = Path(archive), f"{stem}.zip"
    else:
        path = export_graph(db, format.value, folder / f"{stem}.{format.value}", area=area)
        name = path.name
    return FileResponse(path, media_type=MEDIA[format], filename=name)
