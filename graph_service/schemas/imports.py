"""The import report as the API returns it."""

from __future__ import annotations

from pydantic import BaseModel, Field


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
