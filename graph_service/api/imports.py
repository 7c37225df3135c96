"""POST /imports: upload files of the import format; get the report back."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile

from graph_service.api.security import PrincipalDep
from graph_service.deps import DatabaseDep, SettingsDep
from graph_service.errors import InvalidInput, PayloadTooLarge
from graph_service.schemas.imports import ImportReportOut
from graph_service.services.imports import UPLOAD_PREFIX, Source, import_files, import_folder

router = APIRouter(tags=["imports"])

SUFFIXES = {".csv", ".xlsx", ".xls", ".ods", ".json", ".yaml", ".yml"}


@router.post(
    "/imports",
    summary="Import files / 导入文件",
    response_model=ImportReportOut,
    responses={422: {"description": "A file had problems; nothing was written (see report)"}},
)
def create_import(
    db: DatabaseDep,
    who: PrincipalDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="CSV, XLSX, XLS, ODS, JSON or YAML files")],
    dry_run: Annotated[bool, Query(description="Validate only / 仅校验")] = False,
    partial: Annotated[bool, Query(description="Write the good rows / 仅写入有效行")] = False,
) -> ImportReportOut:
    """Validate every row of every file; write nothing if any row is bad (unless
    ``partial``). The report counts created, updated, unchanged and rejected per kind
    and lists every problem with file, sheet, row, column, value and reason. An area-scoped
    account's import is one transaction (at most 50,000 rows) and is refused whole if any
    of it would lie outside the account's areas.

    A CSV file's name names its table (``units.csv`` or ``单位.csv``); an XLSX workbook has a
    sheet per table (``graph-service template`` writes one); a JSON or YAML bundle holds
    every table. Columns are the English field names or the Chinese titles. A YAML bundle
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
    文件名即表名（units.csv 或 单位.csv）；XLSX 每个工作表一张表；JSON/YAML 包含全部表。
    列名可用英文字段名或中文标题。区域受限账户的导入为单个事务（至多 50,000 行），任何数据超出
    其负责区域即整体拒绝。错误：文件有问题（不写入，应答附报告）或类型不支持 422。"""
    who.require_write()
    # locked while in use: if this process is killed, the next import removes the copies
    with import_folder(UPLOAD_PREFIX) as folder:
        sources = []
        for index, upload in enumerate(files):
            name = PurePath(upload.filename or f"upload-{index}").name
            suffix = Path(name).suffix.lower()
            if suffix not in SUFFIXES:
                raise InvalidInput(
                    f"{name}: 不支持的文件类型“{suffix}”，请使用 .csv、.xlsx、.xls、.ods、.json 或 "
                    f".yaml / unsupported file type '{suffix}'"
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
        report = import_files(db, sources, dry_run=dry_run, partial=partial, who=who)
    body = ImportReportOut.model_validate(report.as_dict())
    if report.problems and not report.written:
        first = report.problems[0]
        raise InvalidInput(
            f"{len(report.problems)} problem(s); nothing was written. First: {first}",
            report=body.model_dump(),
        )
    return body
