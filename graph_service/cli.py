"""The ``graph-service`` command line."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from graph_service.config import Settings
from graph_service.neo4j_server.manager import LocalNeo4j, Neo4jServerError

app = typer.Typer(
    help="区域化党建组织网络服务 · Regional party-building network service.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The managed local Neo4j server / 本地托管的 Neo4j 服务器.")
app.add_typer(db_app, name="db")

HostOpt = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOpt = Annotated[int, typer.Option(help="TCP port of the API.")]
BoltPortOpt = Annotated[int | None, typer.Option("--port", help="Bolt port of the server.")]


def local_server(settings: Settings, bolt_port: int | None = None) -> LocalNeo4j:
    return LocalNeo4j(
        home=settings.data_dir / "neo4j",
        cache_dir=settings.cache_dir,
        bolt_port=bolt_port,
        heap=os.environ.get("GRAPH_SERVICE_NEO4J_HEAP", "1g"),
        pagecache=os.environ.get("GRAPH_SERVICE_NEO4J_PAGECACHE", "512m"),
    )


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


@app.command()
def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 8000) -> None:
    """Run the API (uvicorn) against the configured Neo4j (NEO4J_URI …)."""
    import uvicorn

    from graph_service.main import create_app

    uvicorn.run(create_app(Settings()), host=host, port=port)


@app.command()
def run(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
) -> None:
    """Start the local Neo4j, load the demo region if empty, serve the API; stop all on exit."""
    import uvicorn

    from graph_service.main import create_app

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
        typer.echo(f"API on http://{host}:{port}  (docs: /docs)")
        uvicorn.run(create_app(settings), host=host, port=port)
    finally:
        server.stop()
        typer.echo("Neo4j stopped")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
