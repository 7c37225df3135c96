"""POST /imports: upload files of the import format; get the report back."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import StreamingResponse

from graph_service.api.security import PrincipalDep
from graph_service.deps import DatabaseDep, SettingsDep
from graph_service.errors import InvalidInput, PayloadTooLarge
from graph_service.schemas.imports import ImportReportOut
from graph_service.services.imports import (
    UPLOAD_PREFIX,
    Source,
    import_files,
    import_folder,
)

router = APIRouter(tags=["imports"])

SUFFIXES = {".csv", ".xlsx", ".xls", ".ods", ".json", ".yaml", ".yml", ".geojson"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the error workbook's file name as the browser saves it (ASCII, then Chinese: RFC 6266)
ERROR_WORKBOOK_NAME = "import-errors.xlsx"
ERROR_WORKBOOK_NAME_ZH = "%E5%AF%BC%E5%85%A5%E9%94%99%E8%AF%AF.xlsx"  # 导入错误.xlsx


class ErrorReport(StrEnum):
    """How an import with problems answers: the JSON report (default) or the workbook."""

    XLSX = "xlsx"


_REPORT_EXAMPLE: dict[str, Any] = {
    "files": ["单位.csv"], "dry_run": False, "partial": False, "written": True, "ok": True,
    "counts": {"Unit": {"created": 2, "updated": 0, "unchanged": 1, "rejected": 0}},
    "totals": {"created": 2, "updated": 0, "unchanged": 1, "rejected": 0},
    "problems": [], "warnings": [],
    "digests": {"单位.csv": "9f2c4b0e6a1d3c5e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6"},
    "encodings": {"单位.csv": "gb18030"},
}  # fmt: skip

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "The import report. With `error_report=xlsx` and a problem found, the error "
            "workbook instead (an attachment; `X-Import-Problems` counts the problems, "
            "`X-Import-Written` says whether good rows were written) / 导入报告；指定 "
            "error_report=xlsx 且发现问题时，为错误工作簿（附件）"
        ),
        "content": {
            "application/json": {"examples": {"clean": {
                "summary": "A clean import / 无问题的导入", "value": _REPORT_EXAMPLE,
            }}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
        "headers": {
            "X-Import-Problems": {"description": "error_report=xlsx: problems found / 问题数",
                                  "schema": {"type": "integer"}},
            "X-Import-Written": {"description": "error_report=xlsx: rows were written / 是否"
                                                "已写入", "schema": {"type": "boolean"}},
        },
    },
    422: {"description": "A file had problems; nothing was written (see report)"},
}


@router.post(
    "/imports",
    summary="Import files / 导入文件",
    response_model=ImportReportOut,
    responses=_RESPONSES,
)
def create_import(
    db: DatabaseDep,
    who: PrincipalDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(
        description="CSV, XLSX, XLS, ODS, JSON or YAML files; GeoJSON (.geojson) files of "
                    "area boundaries beside them")],
    dry_run: Annotated[bool, Query(description="Validate only / 仅校验")] = False,
    partial: Annotated[bool, Query(description="Write the good rows / 仅写入有效行")] = False,
    error_report: Annotated[
        ErrorReport | None,
        Query(description="xlsx: when a problem is found, answer 200 with the error workbook "
                          "(the uploaded rows, 错误原因, bad cells marked) instead of the 422 "
                          "report / 发现问题时返回错误工作簿"),
    ] = None,
) -> Any:
    """Validate every row of every file; write nothing if any row is bad (unless
    ``partial``). The report counts created, updated, unchanged and rejected per kind
    and lists every problem with file, sheet, row, column, value and reason. An area-scoped
    account's import is one transaction (at most 50,000 rows) and is refused whole if any
    of it would lie outside the account's areas.

    A CSV file's name names its table (``units.csv`` or ``单位.csv``); an XLSX workbook has a
    sheet per table (``graph-service template`` writes one); a JSON or YAML bundle holds
    every table; a ``.geojson`` FeatureCollection beside them gives areas' boundaries
    (each Feature's ``properties.id`` an area id, its geometry a Polygon or MultiPolygon).
    Columns are the English field names or the Chinese titles. A YAML bundle
    that adds a grid and its place to the demo region (``make run``, then ``graph-service
    demo``):

        format: regional-party-network
        version: 1
        tables:
          areas:
            - {id: A-JIANXIN-G1, name: 建新社区第一网格, name_en: Jianxin Grid 1, level: grid,
               illustrative: true}
          part_of:
            - {from_id: A-JIANXIN-G1, to_id: A-JIANXIN, illustrative: true}

    Errors: 422 when a file has problems (nothing is written; the report is in the answer)
    or is of an unsupported type.

    校验每个文件的每一行；有任何错误则不写入（除非指定 partial 仅写入有效行）。报告按类型统计
    新建、更新、未变和拒绝的行数，并逐条列出问题所在的文件、工作表、行、列、值和原因。CSV
    文件名即表名（units.csv 或 单位.csv）；XLSX 每个工作表一张表；JSON/YAML 包含全部表；
    同时上传的 .geojson 文件给出区域边界（properties.id 为区域编号）。
    列名可用英文字段名或中文标题。区域受限账户的导入为单个事务（至多 50,000 行），任何数据超出
    其负责区域即整体拒绝。错误：文件有问题（不写入，应答附报告）或类型不支持 422。

    **The error workbook** (``error_report=xlsx``). When the import finds a problem, the
    answer is ``200`` with ``import-errors.xlsx`` (导入错误.xlsx) as an attachment, so a
    browser saves it: a first sheet ``错误汇总`` listing every problem, then, for every
    uploaded table with a bad row, all its rows in their order with a ``错误原因`` column
    (Chinese first), their row numbers, and the bad cells filled red with the reason as a
    comment. ``X-Import-Problems`` counts the problems and ``X-Import-Written`` says whether
    anything was written (``partial``). An import without problems answers the JSON report
    as without the parameter (no workbook): look at the Content-Type.

    **错误工作簿**（error_report=xlsx）：发现问题时返回 200 和附件 导入错误.xlsx——首页“错误汇总”
    列出全部问题；每个有错误行的表一页，按原顺序列出全部行，含“错误原因”列（中文在前）和行号，
    出错单元格标红并附批注。没有问题时照常返回 JSON 报告，不生成工作簿。"""
    who.require_write()
    sent: BinaryIO | None = None
    # locked while in use: if this process is killed, the next import removes the copies
    with import_folder(UPLOAD_PREFIX) as folder:
        sources = []
        for index, upload in enumerate(files):
            name = PurePath(upload.filename or f"upload-{index}").name
            suffix = Path(name).suffix.lower()
            if suffix not in SUFFIXES:
                raise InvalidInput(
                    f"{name}: 不支持的文件类型“{suffix}”，请使用 .csv、.xlsx、.xls、.ods、.json、"
                    f".yaml 或 .geojson / unsupported file type '{suffix}'"
                )
            # keep the organizer's file name: it names the table of a CSV
            path = Path(folder) / str(index) / name
            path.parent.mkdir()
            size = 0
            with path.open("wb") as out:
                while chunk := upload.file.read(1 << 20):
                    size += len(chunk)
                    if size > settings.max_upload_bytes:  # MAX_UPLOAD_BYTES, as the middleware
                        raise PayloadTooLarge(
                            f"{name}: larger than {settings.max_upload_bytes:,} bytes / "
                            f"文件超过 {settings.max_upload_bytes:,} 字节"
                        )
                    out.write(chunk)
            sources.append(Source(path, name))
        workbook = Path(folder) / ERROR_WORKBOOK_NAME if error_report else None
        report = import_files(db, sources, dry_run=dry_run, partial=partial, who=who,
                              error_report=workbook)  # fmt: skip
        if workbook is not None and report.problems:
            # open before the folder goes: the open file keeps its bytes until it is sent
            # (or the client leaves), and nothing of the upload stays on disk meanwhile
            sent = workbook.open("rb")
    if sent is not None:
        return StreamingResponse(_chunks(sent), media_type=XLSX, headers={
            "Content-Disposition": f'attachment; filename="{ERROR_WORKBOOK_NAME}"; '
                                   f"filename*=UTF-8''{ERROR_WORKBOOK_NAME_ZH}",
            "X-Import-Problems": str(len(report.problems)),
            "X-Import-Written": "true" if report.written else "false",
        })  # fmt: skip
    body = ImportReportOut.model_validate(report.as_dict())
    if report.problems and not report.written:
        first = report.problems[0]
        raise InvalidInput(
            f"{len(report.problems)} problem(s); nothing was written. First: {first}",
            report=body.model_dump(),
        )
    return body


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(1 << 20):
            yield chunk
