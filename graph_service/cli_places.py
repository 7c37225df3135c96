"""``graph-service plan stations``: where to put the next stations (docs/places.md).

A command of the ``plan`` sub-app (``cli_planning.plan_app``), registered there by
``cli.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from graph_service.cli_config import cli_settings
from graph_service.cli_output import emit_rows


def plan_stations_command(
    area: Annotated[str, typer.Option("--area", help="Area id / 区域编号")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="New stations / 新建阵地数")] = 3,
    candidates: Annotated[
        str, typer.Option(help="buildings (the area's) | grid (over its places)")
    ] = "buildings",
    radius: Annotated[
        float | None, typer.Option("--radius", help="Metres a station reaches (STATION_RADIUS_M)")
    ] = None,
    grid_spacing: Annotated[
        float | None, typer.Option("--grid-spacing", help="grid: metres between points")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (today)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv | xlsx")] = "table",
    out: Annotated[str | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """The k sites that bring the most places now outside every station's circle inside a
    new one (maximal covering location, solved exactly), with what each adds."""
    from graph_service.cli import _as_of, _check_format, _fail
    from graph_service.cli_db import open_database
    from graph_service.errors import GraphServiceError
    from graph_service.services.places import plan_stations

    _check_format(fmt, out)
    settings = cli_settings()
    day = _as_of(as_of)
    try:
        with open_database(settings) as db:
            plan = plan_stations(db, area, k=k, as_of=day,
                                 radius_m=radius or settings.station_radius_m,
                                 candidates=candidates, grid_spacing_m=grid_spacing)  # fmt: skip
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    rows: list[dict[str, object]] = [
        {"rank": n, "id": pick.site.id, "name": pick.site.name,
         "latitude": round(pick.site.latitude, 6), "longitude": round(pick.site.longitude, 6),
         "gained_weight": pick.gained_weight, "gained_count": len(pick.gained),
         "gained": list(pick.gained)}
        for n, pick in enumerate(plan.picks, start=1)
    ]  # fmt: skip
    if fmt == "json":  # the whole plan: what it covers, and whether it is proven optimal
        summary = {key: getattr(plan, key) for key in (
            "area", "k", "radius_m", "candidates", "candidate_count", "uncovered_count",
            "uncovered_weight", "covered_weight", "optimal")}  # fmt: skip
        text = json.dumps({**summary, "as_of": plan.as_of.isoformat(), "picks": rows},
                          ensure_ascii=False, indent=2)  # fmt: skip
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
        else:
            typer.echo(text)
        return
    columns = [("rank", "序 #"), ("id", "编号 id"), ("name", "名称 name"),
               ("latitude", "纬度 lat"), ("longitude", "经度 lon"),
               ("gained_weight", "新增权重 gained"),
               ("gained_count", "新增对象 places")]  # fmt: skip
    if fmt in ("csv", "xlsx"):
        columns.append(("gained", "对象 ids"))
    title = (f"阵地选址 station plan {plan.area} as of {plan.as_of}: k={plan.k}, "
             f"radius {plan.radius_m:g} m, {plan.candidate_count} {plan.candidates} candidates; "
             f"covers {plan.covered_weight:g} of {plan.uncovered_weight:g} uncovered weight "
             f"({plan.uncovered_count} places)" + ("" if plan.optimal else " — NOT proven optimal"))
    emit_rows(rows, columns, fmt, out, title=title)
