"""The ``graph-service`` command line."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph_service.auth.principal import Principal
from graph_service.cli_config import cli_settings, local_server
from graph_service.cli_follow_ups import follow_ups_app
from graph_service.cli_imports import imports_app
from graph_service.cli_places import plan_stations_command
from graph_service.cli_planning import changes as changes_command
from graph_service.cli_planning import plan_app
from graph_service.cli_planning_whatif import weak_points_command, what_if_command
from graph_service.cli_users import audit as audit_command
from graph_service.cli_users import first_admin, users_app
from graph_service.config import Settings
from graph_service.domain.calendar import today
from graph_service.neo4j_server.manager import LocalNeo4j, Neo4jServerError

if TYPE_CHECKING:
    from loaders.problems import ImportReport

app = typer.Typer(
    help="区域化党建组织网络服务 · Regional party-building network service.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The managed local Neo4j server / 本地托管的 Neo4j 服务器.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(follow_ups_app, name="follow-ups")
app.add_typer(imports_app, name="imports")
app.command("audit")(audit_command)
app.command("what-if")(what_if_command)
app.command("weak-points")(weak_points_command)
app.command("changes")(changes_command)
app.add_typer(plan_app, name="plan")
plan_app.command("stations")(plan_stations_command)

HostOpt = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOpt = Annotated[int, typer.Option(help="TCP port of the API.")]
WorkersOpt = Annotated[int, typer.Option(
    min=1, help="API worker processes; each has its own driver and caches. On a machine "
                "whose cores Neo4j also uses, 2 answers 8 concurrent clients best.",
)]  # fmt: skip


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """uvicorn in this process, or ``workers`` processes that each build the app from
    the environment (so the settings travel as environment variables)."""
    import uvicorn

    from graph_service.main import create_app

    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port)
        return
    os.environ.update({"NEO4J_URI": settings.neo4j_uri, "NEO4J_USER": settings.neo4j_user,
                       "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value()})  # fmt: skip
    # one result cache for all the workers, so an answer computed by one serves them all
    kept = settings.result_cache_file or settings.data_dir / f"result-cache-{port}.sqlite"
    os.environ["RESULT_CACHE_FILE"] = str(kept)
    uvicorn.run("graph_service.main:create_app", factory=True, host=host, port=port,
                workers=workers)  # fmt: skip
BoltPortOpt = Annotated[int | None, typer.Option("--port", help="Bolt port of the server.")]


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@db_app.command("start")
def db_start(port: BoltPortOpt = None) -> None:
    """Provision (first time) and start the local Neo4j; return once Bolt answers."""
    try:
        info = local_server(Settings(), port).start()
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"Neo4j is running at {info.uri} (pid {info.pid})")


@db_app.command("provision")
def db_provision() -> None:
    """Fetch the Neo4j jars from Maven Central into the cache (once)."""
    try:
        lib = local_server(Settings()).provision()
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from exc
    size = sum(p.stat().st_size for p in lib.glob("*.jar"))
    typer.echo(f"Neo4j jars in {lib} ({size / 2**20:.0f} MiB)")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j and wait for its JVM to exit."""
    stopped = local_server(Settings()).stop()
    typer.echo("Neo4j stopped" if stopped else "Neo4j was not running")


@db_app.command("status")
def db_status() -> None:
    """Whether the local Neo4j runs, and where."""
    server = local_server(Settings())
    if server.is_running():
        info = server.info()
        typer.echo(f"running at {info.uri} (pid {info.pid}), data in {server.home}")
    else:
        typer.echo(f"stopped (data in {server.home})")
        raise typer.Exit(code=3)


@db_app.command("env")
def db_env() -> None:
    """Print NEO4J_URI=…, NEO4J_USER=…, NEO4J_PASSWORD=… lines for scripts."""
    for line in local_server(Settings()).info().env_lines():
        typer.echo(line)


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="The dump file to write, e.g. backup.dump")],
) -> None:
    """Back the local Neo4j up into FILE (neo4j-admin database dump). Community dumps a
    stopped database: a running server is stopped for the dump and started again."""
    server = local_server(Settings())
    was_running = server.is_running()
    try:
        if was_running:
            server.stop()
        written = server.dump(file)
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from exc
    finally:
        if was_running:
            server.start()
    size = written.stat().st_size / 2**20
    typer.echo(f"备份已写入 Backed up to {written} ({size:.1f} MiB)"
               + ("; Neo4j is running again" if was_running else ""))  # fmt: skip


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A dump written by `db backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the data without asking")] = False,
) -> None:
    """Replace the local Neo4j's data with the backup in FILE (neo4j-admin database load).
    Everything stored now is replaced; a running server is stopped and started again."""
    if not yes:
        raise _fail("恢复会替换当前全部数据，确认请加 --yes / restoring replaces every stored "
                    "record: add --yes to go ahead")  # fmt: skip
    server = local_server(Settings())
    try:
        server.check_dump(file)  # before anything is stopped
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from exc
    was_running = server.is_running()
    try:
        if was_running:
            server.stop()
        server.load(file)
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from exc
    finally:
        if was_running:
            server.start()
    typer.echo(f"已从 {file} 恢复 Restored from {file}"
               + ("; Neo4j is running again" if was_running else ""))  # fmt: skip


@db_app.command("refresh-areas")
def db_refresh_areas(
    check: Annotated[bool, typer.Option("--check", help="Only list the wrong ones")] = False,
) -> None:
    """Store every party organization's area again: needed only after writes made around
    the service (cypher-shell, another tool), which do not refresh it. Exit 1 with --check
    when some are wrong."""
    from graph_service.cli_db import open_database
    from graph_service.db import org_areas

    with open_database(Settings()) as db:
        if check:
            wrong = org_areas.stale(db)
            for row in wrong:
                typer.echo(f"{row['id']}: stored {row['stored']}, computed {row['computed']}")
            typer.echo(f"{len(wrong)} party organization(s) with a wrong stored area"
                       + (" (the first 100)" if len(wrong) == 100 else ""))  # fmt: skip
            if wrong:
                raise typer.Exit(code=1)
            return
        changed = org_areas.store_all(db)
    typer.echo(f"stored the area of every party organization; {changed} changed")


@app.command()
def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 8000, workers: WorkersOpt = 1) -> None:
    """Run the API (uvicorn) against the configured Neo4j (NEO4J_URI …)."""
    _serve(Settings(), host, port, workers)


@app.command()
def run(host: HostOpt = "127.0.0.1", port: PortOpt = 8000, workers: WorkersOpt = 1) -> None:
    """Start the local Neo4j, load the demo region if empty, serve the API; stop all on exit."""
    base = Settings()
    server = local_server(base)
    try:
        info = server.start()
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from exc
    try:
        settings = base.model_copy(
            update={"neo4j_uri": info.uri, "neo4j_user": info.user,
                    "neo4j_password": info.password_secret()}
        )  # fmt: skip
        from graph_service.cli_db import open_database
        from graph_service.services.demo import load_demo

        with open_database(settings) as db:
            if load_demo(db, only_if_empty=True) is not None:
                typer.echo("Loaded the Erqi Xincun demo region / 已载入二七新村街道示例数据")
            sign_in = first_admin(db, base.data_dir)
        typer.echo(f"控制台 Console: http://{host}:{port}/   "
                   f"API 文档 docs: http://{host}:{port}/docs")
        for line in sign_in:
            typer.echo(line)
        _serve(settings, host, port, workers)
    finally:
        server.stop()
        typer.echo("Neo4j stopped")


class _Stopped(BaseException):
    """A signal asked the command to stop. A BaseException, like KeyboardInterrupt, so that
    no ``except Exception`` on the way (the driver's, the importer's) takes it for an error
    of its own; ``with`` blocks still unwind, removing the import's spool."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM (and Ctrl-C) raise :class:`_Stopped` inside the block. Only the main thread
    can take signals; elsewhere (a test runner's thread) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    requested: list[int] = []

    def stop(signum: int, frame: object) -> None:
        requested.append(signum)
        raise _Stopped(signum)

    def unraisable(info: sys.UnraisableHookArgs) -> None:
        # raised inside a finalizer (the driver's ``__del__``), Python would print the stop
        # as an ignored traceback; ``requested`` still carries it out of the block below
        if not isinstance(info.exc_value, _Stopped):
            previous_hook(info)

    previous = {each: signal.signal(each, stop) for each in (signal.SIGTERM, signal.SIGINT)}
    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    except _Stopped:
        raise
    except BaseException as exc:
        # raised inside the driver, the stop can leave its connection half-read, and closing
        # the session then fails otherwise (a BufferError): the cause is still the signal
        if requested:
            raise _Stopped(requested[0]) from exc
        raise
    else:
        if requested:  # raised where Python ignores exceptions (a finalizer): still a stop
            raise _Stopped(requested[0])
    finally:
        sys.unraisablehook = previous_hook
        for each, handler in previous.items():
            signal.signal(each, handler)


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(
        help="CSV, XLSX, XLS, ODS, JSON or YAML files or folders; .geojson files of area "
             "boundaries beside them")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only.")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="Write the good rows.")] = False,
    report_json: Annotated[Path | None, typer.Option(help="Write the report as JSON here.")] = None,
    error_report: Annotated[Path | None, typer.Option(
        "--error-report", dir_okay=False,
        help="When a problem is found, write the error workbook (.xlsx) here: each table's rows "
             "with 错误原因 and the bad cells marked, to send to whoever filled the sheet. "
             "A clean import writes none and removes an earlier one. / 错误工作簿",
    )] = None,
    first_load: Annotated[bool, typer.Option(
        "--first-load",
        help="Into an empty database of the managed local server: validate as always, then "
             "write with Neo4j's offline importer (neo4j-admin database import), many times "
             "faster for a whole region. The server is stopped while it writes. / 首次导入",
    )] = False,
    neo4j_home: Annotated[Path | None, typer.Option(
        help="The managed server's folder for --first-load (default: DATA_DIR/neo4j)",
    )] = None,
) -> None:
    """Import organizers' files: validate every row, then upsert (idempotent)."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import print_report, progress_bar
    from graph_service.errors import DatabaseUnavailable, GraphServiceError
    from graph_service.services.imports import import_files

    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise _fail(f"no such file: {', '.join(missing)} / 文件不存在")
    if error_report is not None and not error_report.parent.is_dir():
        raise _fail(f"错误工作簿的目录不存在 / no such folder for --error-report: "
                    f"{error_report.parent}")  # fmt: skip
    settings = cli_settings()
    server = _first_load_server(settings, neo4j_home) if first_load and not dry_run else None
    if server is not None:  # its steps' times, on stderr: the server stops for a while
        import logging

        for name in ("graph_service.services.imports", "graph_service.services.first_load"):
            steps = logging.getLogger(name)
            steps.setLevel(logging.INFO)
            steps.addHandler(logging.StreamHandler())
    try:
        with _stopped_by_signals(), open_database(settings) as db, \
                progress_bar() as advance:  # fmt: skip
            report = import_files(db, files, dry_run=dry_run, partial=partial, progress=advance,
                                  first_load=server)  # fmt: skip
    except _Stopped as stop:
        typer.secho(
            f"The import was stopped ({stop.name}). Every batch written before it is kept and "
            "its temporary files are removed; run the same command again to complete the "
            f"import. / 导入已被中止（{stop.name}）。已写入的批次均已保存，临时文件已删除；"
            "重新运行同一命令即可完成导入。", fg=typer.colors.RED, err=True,
        )  # fmt: skip
        raise typer.Exit(code=128 + stop.signum) from None
    except DatabaseUnavailable as exc:
        raise _fail(
            f"Neo4j could not be reached during the import ({' '.join(exc.detail.split())}). "
            "Every batch written before it is kept; once Neo4j answers again, run the same "
            "command again to complete the import. / 导入过程中无法连接数据库。已写入的批次均已"
            "保存；数据库恢复后重新运行同一命令即可完成导入。"
        ) from None
    except GraphServiceError as exc:  # e.g. the graph changed under the import (Conflict)
        raise _fail(exc.detail) from None
    if report_json is not None:
        report_json.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    print_report(report)  # the counts, the warnings, then the problems
    if error_report is not None:
        _write_error_workbook(report, files, error_report)
    if report.problems and not report.partial:
        raise typer.Exit(code=2)


def _first_load_server(settings: Settings, home: Path | None) -> LocalNeo4j:
    """The managed server a first load writes into: the one NEO4J_URI points at."""
    from urllib.parse import urlsplit

    try:
        server = LocalNeo4j.attached(home or settings.data_dir / "neo4j", settings.cache_dir)
    except Neo4jServerError as exc:
        raise _fail(str(exc)) from None
    uri = urlsplit(settings.neo4j_uri)
    if not server.is_running() or uri.hostname not in ("127.0.0.1", "localhost") or \
            uri.port != server.bolt_port:  # fmt: skip
        raise _fail(
            f"--first-load writes into the managed local server, which must be running and be "
            f"the one NEO4J_URI points at ({settings.neo4j_uri}; {server.home}: "
            f"{'port ' + str(server.bolt_port) if server.is_running() else 'not running'}) / "
            "首次导入只能写入正在运行、且为 NEO4J_URI 所指的本地托管数据库"
        )
    return server


def _write_error_workbook(report: ImportReport, files: list[Path], out: Path) -> None:
    from graph_service.services.imports import Source, write_error_report

    try:
        written = write_error_report(report, [Source.of(f) for f in files], out)
    except OSError as exc:
        raise _fail(f"无法写入错误工作簿 / cannot write the error workbook {out}: "
                    f"{exc.strerror or exc}") from None  # fmt: skip
    if written:
        typer.echo(f"错误工作簿 / error workbook: {out}")
    else:
        typer.echo(f"没有问题，未写错误工作簿 / no problems: no error workbook ({out})")


@app.command()
def demo(
    force: Annotated[bool, typer.Option(help="Load even if the database holds data.")] = False,
) -> None:
    """Load the Erqi Xincun (二七新村街道) demo region."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import print_report
    from graph_service.services.demo import load_demo

    with open_database(cli_settings()) as db:
        report = load_demo(db, only_if_empty=not force)
    if report is None:
        typer.echo("The database already holds data; use --force to load the demo anyway.")
        return
    print_report(report)


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Where to write the XLSX template")] = Path(
        "导入模板-import-template.xlsx"
    ),
) -> None:
    """Write an XLSX template: a sheet per kind, both header languages, drop-down lists."""
    from loaders.template import write_template

    write_template(out)
    typer.echo(f"wrote {out}")


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder of the bundle")],
    seed: Annotated[int, typer.Option(help="Same seed, same region")] = 1,
    scale: Annotated[str, typer.Option(help="community | subdistrict | district | city")] = (
        "subdistrict"
    ),
) -> None:
    """Write a realistic generated region (CSV bundle + manifest.json of planted gaps)."""
    from loaders.generator import main as generator_main

    code = generator_main(["--seed", str(seed), "--scale", scale, "--out", str(out)])
    raise typer.Exit(code=code)


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="A folder for csv, a file otherwise")],
    fmt: Annotated[
        str, typer.Option("--format", help="csv | xlsx | json | graphml | geojson")
    ] = "xlsx",
    area: Annotated[str | None, typer.Option(help="Only this area's subtree (area id)")] = None,
    personal: Annotated[
        bool, typer.Option("--personal", help="Include phone, ID number, address (audited)")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="geojson: gaps as of YYYY-MM-DD (default: today)")
    ] = None,
    crs: Annotated[
        str | None, typer.Option("--crs", help="geojson: wgs84 | gcj02 (高德) | bd09 (百度)")
    ] = None,
) -> None:
    """Export the graph (or one area's subtree) in the import format, or GraphML, or its
    places with their gaps as GeoJSON (docs/places.md)."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import progress_bar
    from graph_service.db import audit
    from graph_service.errors import GraphServiceError
    from graph_service.services.export_progress import reporting
    from graph_service.services.exports import export_graph

    try:
        with open_database(cli_settings()) as db, progress_bar() as advance, \
                reporting(advance):  # fmt: skip
            if personal:
                audit.record_alone(db, Principal.cli(), audit.Change(
                    "export.personal", target=area, targets=[area] if area else [],
                    details={"format": fmt, "area": area, "out": str(out)},
                ))  # fmt: skip
            written = export_graph(db, fmt, out, area=area, personal=personal,
                                   as_of=_as_of(as_of), crs=crs)  # fmt: skip
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    typer.echo(f"wrote {written}")


FormatOpt = Annotated[str, typer.Option("--format", help="table | json | csv | xlsx")]
OutOpt = Annotated[str | None, typer.Option("--out", help="Write to this file.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")]


def _as_of(text: str | None) -> dt.date:
    from graph_service.domain.models import iso_date  # the API's as_of rule

    try:
        return iso_date(text) if text else today(Settings().time_zone)
    except ValueError:
        raise _fail(
            f"--as-of '{text}' is not a date YYYY-MM-DD / 日期格式应为 YYYY-MM-DD"
        ) from None


def _check_format(fmt: str, out: str | None) -> None:
    if fmt not in {"table", "json", "csv", "xlsx"}:
        raise _fail(f"--format {fmt}: use table, json, csv or xlsx")
    if fmt == "xlsx" and not out:
        raise _fail("--format xlsx needs --out FILE")


@app.command()
def supporters(
    entity_id: Annotated[str, typer.Argument(help="Id of a branch, building, park, area, unit")],
    as_of: AsOfOpt = None, fmt: FormatOpt = "table", out: OutOpt = None,
) -> None:  # fmt: skip
    """Who supports it, and through what / 谁在支持它."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db import support as repo
    from graph_service.errors import GraphServiceError

    _check_format(fmt, out)
    try:
        with open_database(cli_settings()) as db:
            result = repo.supporters(db, Principal.cli(), entity_id, _as_of(as_of))
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    rows: list[dict[str, object]] = [
        {"id": s.supporter.id, "name": s.supporter.name, "kind": s.supporter.kind,
         "channel": f"{s.channel_zh} {s.channel.value}",
         "path": [p.name for p in s.path], "since": s.since, "until": s.until}
        for s in result.supporters
    ]  # fmt: skip
    columns = [("name", "支持者 supporter"), ("kind", "类型 kind"), ("channel", "渠道 channel"),
               ("path", "路径 path"), ("since", "起 since"), ("until", "止 until")]  # fmt: skip
    title = f"{result.entity.name} 的支持者 supporters"
    if fmt in ("csv", "xlsx"):  # a report: ids beside names, kinds in Chinese, as of when
        from graph_service.domain.kinds import kind_in_chinese

        columns.insert(1, ("id", "编号 id"))
        rows = [row | {"kind": kind_in_chinese(str(row["kind"]), None)} for row in rows]
        title = (f"{result.entity.name}（{result.entity.id}）的支持者 supporters · "
                 f"截至 {result.as_of.isoformat()}")  # fmt: skip
    emit_rows(rows, columns, fmt, out, title=title)


@app.command()
def portfolio(
    entity_id: Annotated[str, typer.Argument(help="Id of a person or unit")],
    as_of: AsOfOpt = None, fmt: FormatOpt = "table", out: OutOpt = None,
) -> None:  # fmt: skip
    """Everything a person or unit supports / 联系包挂清单."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db import support as repo
    from graph_service.errors import GraphServiceError

    _check_format(fmt, out)
    try:
        with open_database(cli_settings()) as db:
            result = repo.portfolio(db, Principal.cli(), entity_id, _as_of(as_of))
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    rows: list[dict[str, object]] = [
        {"id": i.target.id, "name": i.target.name, "kind": i.target.kind,
         "channel": f"{i.channel_zh} {i.channel.value}", "since": i.since, "until": i.until}
        for i in result.items
    ]  # fmt: skip
    columns = [("name", "对象 target"), ("kind", "类型 kind"), ("channel", "渠道 channel"),
               ("since", "起 since"), ("until", "止 until")]  # fmt: skip
    emit_rows(rows, columns, fmt, out,
              title=f"{result.supporter.name}: load {result.load} 支持对象数")  # fmt: skip


@app.command()
def candidates(
    entity_id: Annotated[str, typer.Argument(help="Id of a branch, building, park or unit")],
    as_of: AsOfOpt = None, fmt: FormatOpt = "table", out: OutOpt = None,
    limit: Annotated[int, typer.Option(help="Candidates of each kind")] = 10,
) -> None:  # fmt: skip
    """Who should be assigned to it or cover it, given everyone's load / 推荐联系包挂人选."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db import support as repo
    from graph_service.errors import GraphServiceError

    _check_format(fmt, out)
    try:
        with open_database(cli_settings()) as db:
            result = repo.candidates(db, Principal.cli(), entity_id, _as_of(as_of), limit=limit)
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    rows: list[dict[str, object]] = [
        {"as": what, "id": c.candidate.id, "name": c.candidate.name,
         "roles": [f"{zh} {en}" for zh, en in zip(c.roles_zh, c.roles, strict=True)],
         "load": c.load, "near": f"{c.near.name} ({c.near.level})", "nearby": c.nearby}
        for what, group in (("选派 assign", result.officers),
                            ("覆盖 cover", result.covering_orgs))
        for c in group
    ]  # fmt: skip
    columns = [("as", "方式 as"), ("name", "人选 candidate"), ("roles", "身份 roles"),
               ("load", "负担 load"), ("near", "就近 near"),
               ("nearby", "附近对象 nearby")]  # fmt: skip
    pool = result.pool.name if result.pool else "-"
    counts = f"{result.officers_total} officers, {result.covering_orgs_total} orgs"
    emit_rows(rows, columns, fmt, out,
              title=f"{result.entity.name} 的推荐人选 candidates ({pool}; {counts})")  # fmt: skip


@app.command()
def gaps(
    code: Annotated[str | None, typer.Argument(help="Rule code; none: all counts")] = None,
    area: Annotated[str | None, typer.Option(help="Area id (its whole subtree)")] = None,
    as_of: AsOfOpt = None, fmt: FormatOpt = "table", out: OutOpt = None,
    limit: Annotated[int, typer.Option(help="Rows to show")] = 50,
    skip: Annotated[int, typer.Option(help="Rows to skip")] = 0,
    every: Annotated[bool, typer.Option("--all", help="Every gap of the kind, not a page "
                                                      "(a work list: --format xlsx)")] = False,
) -> None:  # fmt: skip
    """Coverage gaps: counts of every kind, or one kind's list / 覆盖缺口."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db import gaps as repo
    from graph_service.domain.gaps import RULES_BY_CODE
    from graph_service.errors import GraphServiceError
    from graph_service.reports import GAP_COLUMNS, gap_records, gap_table

    _check_format(fmt, out)
    day = _as_of(as_of)
    if every and code is None:
        raise _fail("--all lists every gap of one kind: give its code / --all 需指定规则编号")
    try:
        with open_database(cli_settings()) as db:
            if code is None:
                counts = repo.count_gaps(db, Principal.cli(), as_of=day, area=area)
                rows: list[dict[str, object]] = [
                    {"code": c, "zh": RULES_BY_CODE[c].zh, "en": RULES_BY_CODE[c].en, "count": n}
                    for c, n in counts.items()
                ]
                columns = [("code", "规则 code"), ("zh", "问题"), ("en", "gap"),
                           ("count", "数量 count")]  # fmt: skip
                emit_rows(rows, columns, fmt, out, title=f"覆盖缺口 gaps as of {day}",
                          optional=("en",))  # fmt: skip
                return
            if every:
                read = repo.every_gap_read(db.registry, Principal.cli(), code, as_of=day,
                                           area=area)  # fmt: skip
                page = db.read_kept(read)
            else:
                page = repo.list_gaps(db, Principal.cli(), code.upper(), as_of=day, area=area,
                                      skip=skip, limit=limit)  # fmt: skip
            if fmt in ("csv", "xlsx"):  # the API's file: addresses, the area's name, a title
                report, _ = gap_table(page, fmt, db)
    except GraphServiceError as exc:  # (or more rows than an XLSX sheet holds)
        raise _fail(exc.detail) from exc
    if fmt in ("csv", "xlsx"):
        _write_report(report, out)
        return
    # the table shows the rule in its title; the files carry it on every row
    columns = [c for c in GAP_COLUMNS if fmt != "table" or c[0] not in ("gap", "address")]
    title = f"{page.rule.zh} {page.rule.code}: {page.total} (as of {day})"
    rows = [dict(record) for record in gap_records(page)]
    try:
        emit_rows(rows, columns, fmt, out, title=title)
    except GraphServiceError as exc:  # more rows than an XLSX sheet holds
        raise _fail(exc.detail) from exc


def _write_report(body: bytes, out: str | None) -> None:
    """A report file (graph_service.reports) to ``out``, or a CSV to stdout without."""
    import sys

    if out:
        Path(out).write_bytes(body)
    else:
        sys.stdout.write(body.decode("utf-8-sig"))


@app.command()
def summary(
    area: Annotated[str, typer.Option(help="Area id")],
    as_of: AsOfOpt = None, fmt: FormatOpt = "table", out: OutOpt = None,
) -> None:  # fmt: skip
    """Coverage rates and gap counts of an area and its child areas / 覆盖率汇总."""
    from graph_service.cli_db import open_database
    from graph_service.cli_output import emit_rows
    from graph_service.db import gaps as repo
    from graph_service.errors import GraphServiceError
    from graph_service.reports import summary_columns, summary_rows

    _check_format(fmt, out)
    try:
        with open_database(cli_settings()) as db:
            result = repo.coverage_summary(db, Principal.cli(), area, as_of=_as_of(as_of))
    except GraphServiceError as exc:
        raise _fail(exc.detail) from exc
    if fmt == "json":
        emit_rows([result.model_dump(mode="json")], [], fmt, out)
        return
    if fmt in ("csv", "xlsx"):  # the API's file: rates as numbers (percent in XLSX), a title
        from graph_service.reports import summary_table

        _write_report(summary_table(result, fmt)[0], out)
        return
    headers = summary_columns()
    keys = [f"c{i}" for i in range(len(headers))]
    rows: list[dict[str, object]] = [
        dict(zip(keys, values, strict=True)) for values in summary_rows(result)
    ]
    if fmt == "table":  # the terminal shows the rates; the files carry every gap count
        _print_summary(result)
        return
    emit_rows(rows, list(zip(keys, headers, strict=True)), fmt, out,
              title=f"覆盖率 coverage as of {result.as_of}")  # fmt: skip


def _print_summary(result: object) -> None:
    """The summary on a terminal: a rate and its covered/total in one cell, levels in
    Chinese, so that it is a table at 80 columns (graph_service.cli_tables)."""
    from graph_service.cli_tables import print_table
    from graph_service.domain.kinds import AreaLevel
    from graph_service.schemas.gaps import CoverageRate, CoverageSummary

    assert isinstance(result, CoverageSummary)

    def rate(part: CoverageRate) -> str:
        return f"{'-' if part.rate is None else f'{part.rate:.1%}'} {part.covered}/{part.total}"

    def level(text: str | None) -> str:
        try:
            return AreaLevel.parse(text).zh if text else ""
        except ValueError:
            return text or ""

    rows = [[item.area.name, item.area.id, level(item.area.level),
             rate(item.organization), rate(item.leadership), rate(item.team)]
            for item in (result.area, *result.children)]  # fmt: skip
    headers = ["区域 area", "编号 id", "层级 level", "组织覆盖 organization",
               "班子覆盖 leadership", "队伍覆盖 team"]  # fmt: skip
    print_table(f"覆盖率 coverage as of {result.as_of}（已覆盖/应覆盖 covered/total）", headers,
                rows)  # fmt: skip


def main() -> None:
    import logging

    from graph_service.errors import DatabaseUnavailable

    # the driver warns of each retry it makes; a command says what finally happened
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    try:
        app()
    except DatabaseUnavailable as exc:  # any command, once Neo4j cannot be reached
        typer.secho(f"Neo4j cannot be reached: {exc.detail} / 无法连接数据库，请确认其已启动"
                    "（graph-service db status）", fg=typer.colors.RED, err=True)  # fmt: skip
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
