"""POST /imports: upload files of the import format; get the report back."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from functools import partial as bound
from pathlib import Path, PurePath
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, File, Header, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response, StreamingResponse

from graph_service.api.paging import LINK_HEADER, Cursor, cursor_offset, link_next
from graph_service.api.security import PrincipalDep
from graph_service.deps import DatabaseDep, SettingsDep
from graph_service.domain.paging import offset_cursor
from graph_service.errors import InvalidInput, PayloadTooLarge
from graph_service.limits import MAX_PAGE
from graph_service.schemas.imports import ImportJobOut, ImportJobPage, ImportReportOut
from graph_service.services.import_jobs import ImportJobs, Upload
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
    202: {
        "description": (
            "A large upload (IMPORT_JOB_BYTES or more, or `Prefer: respond-async`): accepted "
            "as an import job, run after this answer; `Location` is the job's URL, where its "
            "progress and then its report are / 大文件作为后台任务导入，Location 为任务地址"
        ),
        "model": ImportJobOut,
        "headers": {
            "Location": {"description": "The job's URL / 任务地址",
                         "schema": {"type": "string", "format": "uri"}},
            "Preference-Applied": {"description": "respond-async, when the client asked for "
                                                  "it (RFC 7240)", "schema": {"type": "string"}},
        },
    },
    422: {"description": "A file had problems; nothing was written (see report)"},
}
#: how soon a client polling a running job is told to ask again
POLL_SECONDS = 2


@router.post(
    "/imports",
    summary="Import files / 导入文件",
    response_model=ImportReportOut,
    responses=_RESPONSES,
)
def create_import(
    request: Request,
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
    prefer: Annotated[str | None, Header(
        description="respond-async: import as a job (202) whatever the upload's size "
                    "(RFC 7240) / 要求后台导入")] = None,
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
    出错单元格标红并附批注。没有问题时照常返回 JSON 报告，不生成工作簿。

    **Large uploads are jobs.** An upload of ``IMPORT_JOB_BYTES`` or more (10 MiB by default;
    all its files together), or any upload sent with ``Prefer: respond-async``, answers
    ``202`` at once with the job (``status: queued``) and ``Location: /imports/jobs/{id}``;
    ``GET`` it for its phase and progress and, once ``succeeded`` or ``failed``, the same
    report as above. Only its account and admins see it. With ``error_report=xlsx`` the
    answer is always given in the request (the workbook is that answer).

    **大文件作为任务导入**：上传总量达到 IMPORT_JOB_BYTES（默认 10 MiB）或请求带
    ``Prefer: respond-async`` 时立即返回 202 和任务（Location 为任务地址），可查询进度，完成后
    查看与上文相同的报告；仅提交账号与管理员可见。指定 error_report=xlsx 时仍在请求内应答。"""
    who.require_write()
    asked = _prefers_async(prefer)
    size = sum(_size_of(upload) for upload in files)
    if error_report is None and (asked or size >= settings.import_job_bytes):
        jobs: ImportJobs = request.app.state.import_jobs
        uploads = [Upload(_checked_name(index, upload),
                          bound(_save, upload, limit=settings.max_upload_bytes))
                   for index, upload in enumerate(files)]  # fmt: skip
        job = jobs.create(who, uploads, size=size, dry_run=dry_run, partial=partial)
        return _accepted(request, job, applied=asked)
    sent: BinaryIO | None = None
    # locked while in use: if this process is killed, the next import removes the copies
    with import_folder(UPLOAD_PREFIX) as folder:
        sources = []
        for index, upload in enumerate(files):
            name = _checked_name(index, upload)
            # keep the organizer's file name: it names the table of a CSV
            path = Path(folder) / str(index) / name
            path.parent.mkdir()
            _save(upload, path, limit=settings.max_upload_bytes)
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


def _checked_name(index: int, upload: UploadFile) -> str:
    """The file's own name (no folders), refused unless of a type the importer reads."""
    name = PurePath(upload.filename or f"upload-{index}").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(
            f"{name}: 不支持的文件类型“{suffix}”，请使用 .csv、.xlsx、.xls、.ods、.json、"
            f".yaml 或 .geojson / unsupported file type '{suffix}'"
        )
    return name


def _save(upload: UploadFile, path: Path, *, limit: int) -> None:
    """Copy the upload to ``path``, refusing it past ``limit`` bytes (MAX_UPLOAD_BYTES, as
    the middleware)."""
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(
                    f"{path.name}: larger than {limit:,} bytes / 文件超过 {limit:,} 字节"
                )
            out.write(chunk)


def _size_of(upload: UploadFile) -> int:
    """The uploaded file's bytes, as the multipart parser counted them (or its end)."""
    if upload.size is not None:
        return upload.size
    handle = upload.file
    at = handle.tell()
    end = handle.seek(0, 2)
    handle.seek(at)
    return end


def _prefers_async(prefer: str | None) -> bool:
    """Whether a ``Prefer`` header (RFC 7240: preferences separated by commas, each maybe
    with parameters after ``;``) holds ``respond-async``."""
    return any(part.split(";")[0].strip().lower() == "respond-async"
               for part in (prefer or "").split(","))  # fmt: skip


def _job_answer(
    request: Request, job: dict[str, Any], status_code: int = 200, *, applied: bool = False
) -> JSONResponse:
    body = ImportJobOut.model_validate(job).model_dump(mode="json")
    response = JSONResponse(body, status_code=status_code)
    if status_code == 202:
        response.headers["Location"] = str(request.url_for("get_import_job", job_id=job["id"]))
    if applied:
        response.headers["Preference-Applied"] = "respond-async"
    if job["status"] in ("queued", "running"):
        response.headers["Retry-After"] = str(POLL_SECONDS)  # when to ask again
    return response


def _accepted(request: Request, job: dict[str, Any], *, applied: bool = False) -> JSONResponse:
    return _job_answer(request, job, 202, applied=applied)


JobId = Annotated[str, PathParam(description="The job's id (Location of the 202) / 任务编号",
                                 max_length=64)]  # fmt: skip
_JOB_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such job, or another account's / 任务不存在或非本账号提交"},
}


@router.get(
    "/imports/jobs",
    summary="List import jobs / 导入任务列表",
    response_model=ImportJobPage,
    responses={200: {"description": "OK", "headers": LINK_HEADER}},
)
def list_import_jobs(
    request: Request,
    response: Response,
    who: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Cursor = None,
) -> Any:
    """The import jobs the caller may see, newest first: those it sent; an admin sees
    everyone's. Each without its report (``GET /imports/jobs/{id}`` gives it). The list
    envelope: ``items``, ``total``, ``next`` (and ``Link: rel="next"``).

    调用者可见的导入任务，新的在前：本账号提交的；管理员可见全部。列表不含报告，单个任务的报告
    见 GET /imports/jobs/{id}。"""
    jobs: ImportJobs = request.app.state.import_jobs
    skip = cursor_offset(cursor, 0)
    rows, total = jobs.listed(who, skip, limit)
    following = offset_cursor(skip, len(rows), total)
    link_next(request, response, following)
    return ImportJobPage(items=[ImportJobOut.model_validate(job) for job in rows],
                         total=total, next=following)  # fmt: skip


@router.get(
    "/imports/jobs/{job_id}",
    summary="Get an import job / 查看导入任务",
    response_model=ImportJobOut,
    responses=_JOB_RESPONSES,
)
def get_import_job(request: Request, who: PrincipalDep, job_id: JobId) -> Any:
    """An import job: its status (queued, running, succeeded, failed, interrupted), its
    phase (validate, then write, or preview in a dry run) with the rows done of about how
    many, and once it has ended its import report — the synchronous answer's, problems
    included — or why it failed. While it is queued or running the answer says when to
    ask again (``Retry-After``). A job is seen by the account that sent it and by admins;
    to anyone else it does not exist (404).

    导入任务：状态（排队、运行、成功、失败、中断）、阶段（校验，然后写入；试运行为预览）与进度；
    结束后附导入报告（与同步导入的应答相同，含全部问题）或失败原因。仅提交账号与管理员可见，
    其他账号 404。"""
    jobs: ImportJobs = request.app.state.import_jobs
    return _job_answer(request, jobs.visible(who, job_id))


@router.post(
    "/imports/jobs/{job_id}/resume",
    summary="Resume an import job / 继续导入任务",
    status_code=202,
    response_model=ImportJobOut,
    responses={
        **_JOB_RESPONSES,
        202: {"description": "Queued again; Location is the job's URL / 已重新排队",
              "headers": {"Location": {"description": "The job's URL / 任务地址",
                                       "schema": {"type": "string", "format": "uri"}}}},
        403: {"description": "The job's account may no longer write / 提交账号已无写权限"},
        409: {"description": "Not interrupted, its files are on another machine, or its "
                             "account is revoked / 任务未中断、文件在其他服务器或账号已吊销"},
    },
)
def resume_import_job(request: Request, who: PrincipalDep, job_id: JobId) -> Any:
    """Run an interrupted job again, from its saved files, as the account that sent it (as
    that account is now: its role and areas). The importer is idempotent: what the
    interrupted run committed is counted unchanged, the rest is written, and the graph is
    the one an uninterrupted import gives. Audited as any import. Resuming is never
    automatic (a file that stopped the process would stop it again at every start).

    Errors: 404 as for GET; 409 when the job is not interrupted, when its files are on
    another machine (resume it through that machine's API), or when its account was
    revoked; 403 when that account may no longer write.

    以提交账号（按其当前角色与区域）用保存的文件重新运行已中断的任务。导入是幂等的：中断前
    已提交的数据计为未变，其余写入，结果与未中断的导入相同。与其他导入一样记入审计。不会自动
    继续。错误：404 同上；任务未中断、文件在其他服务器或账号已吊销 409；账号已无写权限 403。"""
    jobs: ImportJobs = request.app.state.import_jobs
    return _accepted(request, jobs.resume(who, job_id))
