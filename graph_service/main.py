"""The FastAPI application: ``create_app(settings)``.

The lifespan opens one driver, verifies it, applies the schema and closes the driver on
shutdown. If Neo4j is away at start-up the app still starts: every endpoint that needs
the database answers 503 with Retry-After until it is back.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from graph_service import __version__
from graph_service.api import entities, exports, gaps, health, imports, support
from graph_service.config import Settings
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.errors import DatabaseUnavailable
from graph_service.problems import install_problem_handlers

log = logging.getLogger(__name__)

DESCRIPTION = """
区域化党建组织网络服务：街道党工委、辖区单位、社区、楼宇园区党组织与联系包挂人员构成的网络。

Organization-network service for regional party building: who supports which branch and
through what, which buildings, parks and units are not covered, and who should cover them.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    registry = QueryRegistry.load(settings.cypher_dir)  # refuses malformed query files

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = open_driver(settings)
        database = Database(
            driver, registry, settings.neo4j_database, settings.query_timeout_seconds
        )
        app.state.database = database
        try:
            driver.verify_connectivity()
            database.ensure_schema()
        except DatabaseUnavailable as exc:
            log.warning("Neo4j not ready at start-up; serving 503 until it is: %s", exc)
        except Exception as exc:  # the driver raises several kinds while a server boots
            log.warning("Neo4j not reachable at start-up (%s); serving 503 until it is", exc)
        try:
            yield
        finally:
            driver.close()

    app = FastAPI(
        title="区域化党建组织网络 · Regional party-building network",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_problem_handlers(app, settings.retry_after_seconds)
    app.include_router(health.router)
    app.include_router(imports.router)
    app.include_router(exports.router)
    app.include_router(support.router)
    app.include_router(gaps.router)
    app.include_router(entities.router)
    return app
