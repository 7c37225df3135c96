"""`graph-service follow-ups …`: the follow-up ledger (整改台账) at the command line.

The command line acts with full rights, as the operator (``cli:<user>``) in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from graph_service.auth.principal import Principal
from graph_service.cli_config import cli_settings

follow_ups_app = typer.Typer(help="The follow-up ledger: gaps taken up / 整改台账.",
                             no_args_is_help=True)  # fmt: skip

FormatOpt = Annotated[str, typer.Option("--format", help="table, json, csv or xlsx")]
OutOpt = Annotated[str | None, typer.Option("--out", help="Write to this file")]


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _date(text: str, option: str) -> dt.date:
    from graph_service.domain.models import iso_date

    try:
        return iso_date(text)
    except ValueError:
        raise _fail(f"{option} '{text}': 日期格式应为 YYYY-MM-DD / not a date YYYY-MM-DD") from None


def _today() -> dt.date:
    from graph_service.domain.calendar import today

    return today(cli_settings().time_zone)


COLUMNS = [
    ("id", "台账编号 id"), ("rule_zh", "问题 gap"), ("subject_name", "对象 subject"),
    ("area_name", "区域 area"), ("handler", "责任人 handler"), ("due", "期限 due"),
    ("status_zh", "状态 status"), ("overdue", "逾期 overdue"), ("closed_on", "销号 closed"),
]  # fmt: skip


@follow_ups_app.command("list")
def list_command(
    area: Annotated[str | None, typer.Option(help="Area id (its whole subtree)")] = None,
    status: Annotated[list[str] | None, typer.Option(help="open, in_progress, closed")] = None,
    rule: Annotated[str | None, typer.Option(help="Rule code")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due")] = False,
    fmt: FormatOpt = "table", out: OutOpt = None,
) -> None:  # fmt: skip
    """The ledger, active first; closes first those whose gap is gone / 整改台账."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db import follow_ups as repo
    from graph_service.domain.follow_ups import FollowUpStatus
    from graph_service.errors import GraphServiceError
    from graph_service.reports import FOLLOW_UP_COLUMNS

    try:
        statuses = [FollowUpStatus.parse(s) for s in status or ()]
    except ValueError as exc:
        raise _fail(f"--status: {exc}") from None
    try:
        with open_database(cli_settings()) as db:
            page = repo.list_follow_ups(
                db, Principal.cli(), _today(), area=area, statuses=statuses or None,
                rule=rule, overdue=overdue, limit=100_000,
            )  # fmt: skip
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    rows: list[dict[str, object]] = [
        item.model_dump(mode="json") | {"overdue": "是" if item.overdue else ""}
        for item in page.items
    ]
    columns = COLUMNS if fmt == "table" else FOLLOW_UP_COLUMNS
    title = f"整改台账 follow-ups: {page.total}"
    if page.closed_now:
        title += f"（本次自动销号 {page.closed_now} 条 closed now）"
    emit_rows(rows, columns, fmt, out, title=title)


@follow_ups_app.command("add")
def add_command(
    rule: Annotated[str, typer.Argument(help="Rule code, e.g. ORG_BUILDING_UNCOVERED")],
    subject: Annotated[str, typer.Argument(help="Id of the thing the gap is about")],
    handler: Annotated[str, typer.Option(help="Who handles it / 责任人")],
    due: Annotated[str, typer.Option(help="By when, YYYY-MM-DD / 整改期限")],
    area: Annotated[str | None, typer.Option(help="Area the gap lies in")] = None,
    notes: Annotated[str, typer.Option(help="Notes / 备注")] = "",
) -> None:
    """Take up a gap the rule reports today / 登记整改."""
    from pydantic import ValidationError

    from graph_service.cli_db import open_database
    from graph_service.db import follow_ups as repo
    from graph_service.errors import GraphServiceError
    from graph_service.schemas.follow_ups import FollowUpIn

    try:
        body = FollowUpIn(rule=rule.upper(), subject_id=subject, area=area, handler=handler,
                          due=_date(due, "--due"), notes=notes)  # fmt: skip
    except ValidationError as exc:
        raise _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                              for e in exc.errors())) from None  # fmt: skip
    try:
        with open_database(cli_settings()) as db:
            made = repo.take_up(db, Principal.cli(), body, _today())
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    typer.echo(f"已登记 taken up: {made.id}  {made.rule_zh}：{made.subject_name}，"
               f"责任人 {made.handler}，期限 {made.due}")  # fmt: skip


@follow_ups_app.command("update")
def update_command(
    follow_up_id: Annotated[str, typer.Argument(help="Follow-up id (FU-…)")],
    handler: Annotated[str | None, typer.Option(help="Who handles it")] = None,
    due: Annotated[str | None, typer.Option(help="By when, YYYY-MM-DD")] = None,
    status: Annotated[str | None, typer.Option(help="open, in_progress or closed")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes")] = None,
) -> None:
    """Change a follow-up; --status closed closes it by hand (销号) / 更新整改台账."""
    from graph_service.cli_db import open_database
    from graph_service.db import follow_ups as repo
    from graph_service.domain.follow_ups import FollowUpStatus
    from graph_service.errors import GraphServiceError
    from graph_service.schemas.follow_ups import FollowUpPatch

    try:
        state = FollowUpStatus.parse(status) if status else None
    except ValueError as exc:
        raise _fail(f"--status: {exc}") from None
    patch = FollowUpPatch(handler=handler, due=_date(due, "--due") if due else None,
                          status=state, notes=notes)  # fmt: skip
    try:
        with open_database(cli_settings()) as db:
            now = repo.update(db, Principal.cli(), follow_up_id, patch, _today())
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    typer.echo(f"{now.id}: {now.status_zh} {now.status.value}，责任人 {now.handler}，"
               f"期限 {now.due}")  # fmt: skip
