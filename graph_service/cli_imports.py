"""`graph-service imports …`: the import jobs the API runs (large uploads), at the command line.

The command line sees every account's jobs, as an admin does. A job is resumed through the
API of the machine holding its files (``POST /imports/jobs/{id}/resume``): that process runs
it.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from graph_service.cli_config import cli_settings

imports_app = typer.Typer(help="Import jobs: large uploads to the API / 后台导入任务.",
                          no_args_is_help=True)  # fmt: skip

COLUMNS = [
    ("id", "任务 job"), ("status", "状态 status"), ("account", "账号 account"),
    ("files", "文件 files"), ("progress", "进度 progress"), ("created_at", "提交 created"),
    ("ended_at", "结束 ended"),
]  # fmt: skip


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@imports_app.command("jobs")
def jobs_command(
    account: Annotated[str | None, typer.Option(help="Only this account's jobs")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or xlsx")] = "table",
    out: Annotated[str | None, typer.Option("--out", help="Write to this file")] = None,
) -> None:
    """The newest import jobs (100), newest first / 导入任务列表."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db import import_jobs as repo
    from graph_service.errors import GraphServiceError

    try:
        with open_database(cli_settings()) as db:
            jobs, total = repo.listed(db, account, 0, 100)
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    rows: list[dict[str, object]] = [
        job | {"files": ", ".join(job["files"]),
               "progress": f"{job.get('phase') or ''} {job.get('done') or 0:,}"
                           f"/{job['total']:,}" if job.get("total") else job.get("phase") or ""}
        for job in jobs
    ]  # fmt: skip
    emit_rows(rows, COLUMNS, fmt, out, title=f"导入任务 import jobs: {len(rows)} / {total}")


@imports_app.command("show")
def show_command(job_id: Annotated[str, typer.Argument(help="The job's id")]) -> None:
    """One import job with its report, as JSON / 查看导入任务."""
    from graph_service.cli_db import open_database
    from graph_service.db import import_jobs as repo
    from graph_service.errors import GraphServiceError

    try:
        with open_database(cli_settings()) as db:
            job = repo.get(db, job_id)
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    if job is None:
        raise _fail(f"导入任务不存在 / no import job '{job_id}'")
    typer.echo(json.dumps(job, ensure_ascii=False, indent=2, default=str))
