"""``graph-service what-if`` and ``graph-service weak-points`` (issue 26, items 1 and 2)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError

from graph_service.auth.principal import Principal
from graph_service.cli_config import cli_settings
from graph_service.config import Settings
from graph_service.domain.calendar import today
from graph_service.schemas.scenarios import Change, RemoveChange
from graph_service.schemas.scenarios import EndChange as EndChangeModel

FormatOpt = Annotated[str, typer.Option("--format", help="table | json | csv | xlsx")]
OutOpt = Annotated[str | None, typer.Option("--out", help="Write to this file.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")]
AreaOpt = Annotated[str, typer.Option("--area", help="Area id (its whole subtree)")]


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _as_of(text: str | None) -> dt.date:
    from graph_service.domain.models import iso_date  # the API's as_of rule

    try:
        return iso_date(text) if text else today(Settings().time_zone)
    except ValueError:
        raise _fail(f"--as-of '{text}' 不是日期 YYYY-MM-DD / is not a date YYYY-MM-DD") from None


def _check_format(fmt: str, out: str | None) -> None:
    if fmt not in {"table", "json", "csv", "xlsx"}:
        raise _fail(f"--format {fmt}: 可用 table、json、csv、xlsx / use table, json, csv or xlsx")
    if fmt == "xlsx" and not out:
        raise _fail("--format xlsx 需要 --out FILE / needs --out FILE")


def parse_changes(
    removes: list[str], ends: list[str], adds: list[str], changes_file: Path | None
) -> list[Any]:
    """The changes the options name, in the order: the file's, --remove, --end, --add.

    ``--end TYPE:FROM:TO[:DATE]``, ``--add TYPE:FROM:TO[:k=v,k=v]``: ids holding a ``:``
    go in a ``--changes`` file (a JSON list of changes, as ``POST /scenarios`` takes).
    """
    adapter: TypeAdapter[list[Change]] = TypeAdapter(list[Change])
    changes: list[Any] = []
    if changes_file is not None:
        try:
            document = json.loads(changes_file.read_text(encoding="utf-8"))
            if isinstance(document, dict):
                document = document.get("changes")
            changes += adapter.validate_python(document)
        except (OSError, ValueError) as exc:
            where, exc_text = "", str(exc)
            if isinstance(exc, ValidationError):
                first = exc.errors()[0]
                loc = [str(p) for p in first["loc"]]
                where = f"changes[{loc[0]}].{loc[-1]}" if len(loc) > 1 else f"changes[{loc[0]}]"
                exc_text = first["msg"]
            raise _fail(f"{changes_file}：变更文件无效 {where} / invalid changes file {where}: "
                        f"{exc_text}") from None
    changes += [RemoveChange(op="remove", id=i) for i in removes]
    for text in ends:
        parts = text.split(":")
        if len(parts) not in (3, 4):
            raise _fail(f"--end {text}：应为 TYPE:FROM:TO[:DATE] / expected TYPE:FROM:TO[:DATE]")
        try:
            until = dt.date.fromisoformat(parts[3]) if len(parts) == 4 else None
        except ValueError:
            raise _fail(f"--end {text}：日期应为 YYYY-MM-DD / the date must be "
                        "YYYY-MM-DD") from None
        changes.append(EndChangeModel(op="end", type=parts[0], from_id=parts[1], to_id=parts[2],
                                      until=until))  # fmt: skip
    for text in adds:
        parts = text.split(":", 3)
        if len(parts) < 3:
            raise _fail(f"--add {text}：应为 TYPE:FROM:TO[:k=v,...] / expected "
                        "TYPE:FROM:TO[:k=v,...]")
        props: dict[str, str] = {}
        for pair in (parts[3].split(",") if len(parts) == 4 and parts[3] else []):
            key, eq, value = pair.partition("=")
            if not eq or not key.strip():
                raise _fail(f"--add {text}：属性应为 k=v / fields are k=v, got {pair!r}")
            props[key.strip()] = value.strip()
        changes.append(adapter.validate_python([{"op": "add", "type": parts[0],
                                                 "from_id": parts[1], "to_id": parts[2],
                                                 "props": props}])[0])  # fmt: skip
    if not changes:
        raise _fail("至少需要一项变更（--remove、--end、--add 或 --changes）/ give at least one "
                    "change (--remove, --end, --add or --changes)")
    return changes


def what_if_command(
    area: AreaOpt,
    as_of: AsOfOpt = None,
    remove: Annotated[list[str] | None, typer.Option(
        "--remove", help="A person or unit leaves (any node goes), with its relationships")] = None,
    end: Annotated[list[str] | None, typer.Option(
        "--end", help="TYPE:FROM:TO[:DATE] a relationship ends (default: the day before)")] = None,
    add: Annotated[list[str] | None, typer.Option(
        "--add", help="TYPE:FROM:TO[:k=v,...] a relationship is added")] = None,
    changes_file: Annotated[Path | None, typer.Option(
        "--changes", help="A JSON file: a list of changes as POST /scenarios takes")] = None,
    fmt: FormatOpt = "table", out: OutOpt = None,
) -> None:  # fmt: skip
    """What if: the gaps changes would open and close; nothing is written / 假设分析."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.errors import GraphServiceError
    from graph_service.services.scenarios import what_if

    _check_format(fmt, out)
    changes = parse_changes(remove or [], end or [], add or [], changes_file)
    day = _as_of(as_of)
    try:
        with open_database(cli_settings()) as db:
            result = what_if(db, Principal.cli(), area, day, changes)
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    if fmt == "json":
        emit_rows([result.model_dump(mode="json")], [], fmt, out)
        return
    rows: list[dict[str, object]] = [
        {"change": label, "code": g.code, "zh": g.zh, "id": g.id, "name": g.name,
         "related": g.related_name or g.related_id or "", "where": [a.name for a in g.area_path]}
        for label, gaps in (("新增 opens", result.opened), ("消除 closes", result.closed))
        for g in gaps
    ]  # fmt: skip
    for rate in ("organization", "leadership", "team"):
        b, a = getattr(result.before, rate), getattr(result.after, rate)
        rows.append({"change": "覆盖率 rate", "code": rate,
                     "zh": f"{b.covered}/{b.total} → {a.covered}/{a.total}",
                     "id": _pct(b.rate), "name": _pct(a.rate)})  # fmt: skip
    columns = [("change", "变化 change"), ("code", "规则 code"), ("zh", "问题 gap"),
               ("id", "编号 id"), ("name", "名称 name"), ("related", "相关 related"),
               ("where", "位置 where")]  # fmt: skip
    title = (f"{result.area.name} 假设分析 what-if as of {result.as_of}: "
             f"{len(result.opened)} opened, {len(result.closed)} closed "
             f"({'; '.join(c.summary for c in result.changes)})")  # fmt: skip
    emit_rows(rows, columns, fmt, out, title=title)


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def weak_points_command(
    area: AreaOpt, as_of: AsOfOpt = None, fmt: FormatOpt = "table", out: OutOpt = None,
    limit: Annotated[int, typer.Option(help="Weak points listed")] = 20,
) -> None:  # fmt: skip
    """Single points of failure: whose loss opens the most gaps / 薄弱环节（单点依赖）."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.errors import GraphServiceError
    from graph_service.services.weak_points import weak_points

    _check_format(fmt, out)
    day = _as_of(as_of)
    try:
        with open_database(cli_settings()) as db:
            result = weak_points(db, Principal.cli(), area, day, limit=limit)
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    if fmt == "json":
        emit_rows([result.model_dump(mode="json")], [], fmt, out)
        return
    rows: list[dict[str, object]] = [
        {"what": "单点 loss", "id": w.entity.id, "name": w.entity.name, "kind": w.entity.kind,
         "n": w.opens, "detail": [f"{g.code} {g.name}" for g in w.gaps]}
        for w in result.ranked
    ]  # fmt: skip
    rows += [
        {"what": "冗余 redundancy", "id": r.target.id, "name": r.target.name,
         "kind": r.target.kind, "n": r.supporters,
         "detail": [f"{c} {n}" for c, n in r.by_channel.items()]}
        for r in result.redundancy if r.supporters <= 1
    ]  # fmt: skip
    rows += [
        {"what": "割点 cut point", "id": c.entity.id, "name": c.entity.name,
         "kind": c.entity.kind, "n": c.cut_off, "detail": ""}
        for c in result.articulation_points
    ]  # fmt: skip
    columns = [("what", "类别 what"), ("id", "编号 id"), ("name", "名称 name"),
               ("kind", "类型 kind"), ("n", "数量 n"), ("detail", "详情 detail")]  # fmt: skip
    title = (f"{result.area.name} 薄弱环节 weak points as of {result.as_of}: "
             f"{result.candidates} candidates, network {result.network}; redundancy rows: "
             "targets with at most one supporter")  # fmt: skip
    emit_rows(rows, columns, fmt, out, title=title)
