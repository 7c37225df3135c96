"""The settings a CLI command runs with, and the managed local Neo4j it may talk to.

Apart from ``cli.py`` so that the command modules (``cli.py``, ``cli_users.py``) can share
them without importing each other."""

from __future__ import annotations

import os

from graph_service.config import Settings
from graph_service.neo4j_server.manager import LocalNeo4j


def cli_settings() -> Settings:
    """Settings from the environment; without a password, the running local server's."""
    settings = Settings()
    if not settings.neo4j_password.get_secret_value():
        server = local_server(settings)
        if server.is_running():
            info = server.info()
            settings = settings.model_copy(
                update={"neo4j_uri": info.uri, "neo4j_user": info.user,
                        "neo4j_password": info.password_secret()}
            )  # fmt: skip
    return settings


def local_server(settings: Settings, bolt_port: int | None = None) -> LocalNeo4j:
    return LocalNeo4j(
        home=settings.data_dir / "neo4j",
        cache_dir=settings.cache_dir,
        bolt_port=bolt_port,
        heap=os.environ.get("GRAPH_SERVICE_NEO4J_HEAP", "1g"),
        pagecache=os.environ.get("GRAPH_SERVICE_NEO4J_PAGECACHE", "512m"),
    )
