"""The import report as the API returns it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

from graph_service.schemas.paging import page_of


class ProblemOut(BaseModel):
    file: str
    sheet: str | None = None
    row: int | None = Field(default=None, description="Row as Excel shows it (header = 1)")
    column: str | None = None
    value: str | None = None
    reason: str = Field(description="In English")
    reason_zh: str = Field(description="中文说明")


class KindCountsOut(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


class ImportReportOut(BaseModel):
    """What an import did, or (dry run, or any problem without partial) would do."""

    files: list[str]
    dry_run: bool
    partial: bool
    written: bool = Field(description="True when rows were written to the database")
    ok: bool = Field(description="True when no problem was found")
    counts: dict[str, KindCountsOut] = Field(description="Per node label / relationship type")
    totals: dict[str, int]
    problems: list[ProblemOut]
    warnings: list[ProblemOut] = Field(
        default_factory=list,
        description="Imported, but probably not meant: the template's example rows left in "
        "/ 已导入但可能并非本意的行（如未删除的模板示例行）",
    )
    digests: dict[str, str] = Field(description="SHA-256 of each file")
    encodings: dict[str, str] = Field(
        default_factory=dict,
        description="The encoding each text file (CSV, JSON, YAML) was read in, as detected "
        "from the whole file: utf-8, utf-8-sig (with a BOM) or gb18030 (also GBK) / 文本文件的编码",
    )


class ImportJobStatus(StrEnum):
    """Where an import job is: ``queued`` → ``running`` → ``succeeded`` or ``failed``; or
    ``interrupted`` (its API process stopped, or Neo4j went away: resume it)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class ImportJobError(BaseModel):
    """Why a job failed or was interrupted, as a problem's members (RFC 9457)."""

    status: int
    code: str = Field(description="The kind of error: a problem's code, or import-interrupted")
    title: str
    detail: str


class ImportJobOut(BaseModel):
    """An import that runs after the request that sent it (a large upload, or ``Prefer:
    respond-async``) / 后台导入任务"""

    id: str
    status: ImportJobStatus
    account: str = Field(description="Who sent it; the job runs as this account / 提交账号")
    files: list[str]
    bytes: int = Field(description="The upload's size / 上传字节数")
    dry_run: bool
    partial: bool
    phase: str | None = Field(
        default=None,
        description="validate (every row read and checked), then write (or preview in a "
        "dry run) / 阶段：校验、写入（试运行为预览）",
    )
    done: int = Field(default=0, description="Rows done in this phase / 本阶段已处理行数")
    total: int | None = Field(
        default=None, description="About how many rows the phase has (unknown: null) / 约总行数"
    )
    runs: int = Field(default=0, description="Runs started: 2 or more after a resume / 运行次数")
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = Field(
        default=None, description="When its last run ended (or was found interrupted)"
    )
    updated_at: dt.datetime
    report: ImportReportOut | None = Field(
        default=None,
        description="Once succeeded or failed on the files' problems: the import report, as "
        "the synchronous answer gives it (left out of lists) / 导入报告",
    )
    error: ImportJobError | None = Field(
        default=None, description="Why it failed or was interrupted / 失败或中断原因"
    )


#: a page of import jobs (the one list envelope: items, total, next)
ImportJobPage = page_of(ImportJobOut)
