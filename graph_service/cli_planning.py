"""Planning ahead on the command line: ``graph-service changes`` (what changed between two
dates) and ``graph-service plan assign`` (the best assignment of officers, applied on
request). The answers are the API's (:mod:`graph_service.services.changes`,
:mod:`graph_service.services.assignment`), asked as the CLI's admin."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from graph_service.auth.principal import Principal
from graph_service.cli_config import cli_settings
from graph_service.config import Settings
from graph_service.domain.calendar import today

plan_app = typer.Typer(help="Planning: the best assignment of officers / 规划：最优包挂方案",
                       no_args_is_help=True)  # fmt: skip


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _day(text: str | None, option: str) -> dt.date:
    from graph_service.domain.models import iso_date  # the API's date rule

    try:
        return iso_date(text) if text else today(Settings().time_zone)
    except ValueError:
        raise _fail(
            f"{option} '{text}' is not a date YYYY-MM-DD / 日期格式应为 YYYY-MM-DD"
        ) from None


AreaOpt = Annotated[str, typer.Option("--area", help="Area id (its whole subtree) / 区域编号")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write to this file.")]


def changes(
    area: AreaOpt,
    from_date: Annotated[str, typer.Option("--from", help="The earlier date YYYY-MM-DD")],
    to_date: Annotated[str, typer.Option("--to", help="The later date YYYY-MM-DD")],
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv | xlsx")] = "table",
    out: OutOpt = None,
) -> None:
    """What changed between two dates: gaps opened and closed, relationships started and
    ended, coverage on both dates / 两个日期之间的变化（季度报告）."""
    from graph_service.cli_db import open_database
    from graph_service.errors import GraphServiceError
    from graph_service.services import changes as service

    if fmt not in {"table", "json", "csv", "xlsx"}:
        raise _fail(f"--format {fmt}: use table, json, csv or xlsx")
    if fmt == "xlsx" and out is None:
        raise _fail("--format xlsx needs --out FILE")
    first, last = _day(from_date, "--from"), _day(to_date, "--to")
    try:
        with open_database(cli_settings()) as db:
            answer = service.changes(db, Principal.cli(), area, from_date=first, to_date=last)
        if fmt == "json":
            text = answer.model_dump_json(indent=2)
            if out:
                out.write_text(text + "\n", encoding="utf-8")
            else:
                print(text)
            return
        if fmt in {"csv", "xlsx"}:
            body, _ = service.report_bytes(answer, fmt)
            if out:
                out.write_bytes(body)
                typer.echo(f"wrote {out}")
            else:
                typer.echo(body.decode("utf-8-sig"), nl=False)
            return
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    _print_changes(answer)


def _print_changes(answer: object) -> None:
    from rich.console import Console
    from rich.text import Text

    from graph_service.cli_tables import print_table
    from graph_service.schemas.planning import Changes
    from graph_service.services.changes import report_sheets

    assert isinstance(answer, Changes)
    console = Console()
    console.print(Text(f"{answer.area.name} ({answer.area.id}) "
                       f"{answer.from_date} → {answer.to_date}: "
                       f"{len(answer.opened)} gaps opened 新增问题, {len(answer.closed)} closed "
                       f"已消除, {len(answer.started)} relationships started 新建关系, "
                       f"{len(answer.ended)} ended 结束关系"))  # fmt: skip
    for sheet in report_sheets(answer):
        if not sheet.rows:
            continue
        print_table(sheet.title, sheet.headers, sheet.text_rows(50), console)
        if len(sheet.rows) > 50:
            console.print(f"… {len(sheet.rows) - 50} more: --format xlsx --out FILE")


@plan_app.command("assign")
def assign(
    area: AreaOpt,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")] = (
        None
    ),
    apply: Annotated[bool, typer.Option("--apply", help="Write the plan (one audited "
                                                        "transaction) / 执行方案")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:  # fmt: skip
    """The best assignment of officers to the area's uncovered branches, buildings and parks:
    the most covered, then the nearest, within everyone's capacity / 最优包挂方案."""
    from graph_service.cli_db import open_database
    from graph_service.errors import GraphServiceError
    from graph_service.services import assignment

    if fmt not in {"table", "json"}:
        raise _fail(f"--format {fmt}: use table or json")
    day = _day(as_of, "--as-of")
    settings = cli_settings()
    try:
        with open_database(settings) as db:
            plan = assignment.propose(db, Principal.cli(), area, as_of=day,
                                      default_capacity=settings.officer_capacity)  # fmt: skip
            applied = None
            if apply:
                applied = assignment.apply_plan(
                    db, Principal.cli(), area, as_of=day, fingerprint=plan.fingerprint,
                    default_capacity=settings.officer_capacity,
                )  # fmt: skip
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    if fmt == "json":
        shown = applied.model_dump(mode="json") if applied else plan.model_dump(mode="json")
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape

    from graph_service.cli_tables import print_table

    console = Console()
    print_table(
        f"包挂方案 assignment plan: {plan.area} as of {plan.as_of}",
        ["人员 officer", "角色 role", "对象 target", "类型 kind", "距离 m", "依据 by"],
        [[f"{item.officer.name} ({item.officer.id})", item.role,
          f"{item.target.name} ({item.target.id})", item.target.kind, str(item.distance_m),
          item.by] for item in plan.assignments],
        console,
    )  # fmt: skip
    for left in plan.unassigned:
        console.print(f"未覆盖 uncovered: {escape(left.target.name or '')} ({left.target.id}): "
                      f"{left.reason_zh} / {left.reason} (eligible {left.eligible})")  # fmt: skip
    console.print(f"{plan.assigned}/{plan.targets} targets covered, total "
                  f"{plan.total_distance_m} m; fingerprint {plan.fingerprint[:16]}…")  # fmt: skip
    if applied is not None:
        events = applied.audit_events
        console.print(f"[green]applied: {applied.created} ASSIGNED_TO created, audit events "
                      f"{events[0]}–{events[-1]}[/green]" if events else "[green]nothing to "
                      "apply[/green]")  # fmt: skip
    elif plan.assignments:
        console.print("not written: add --apply / 未写入，执行请加 --apply")
