"""The FastAPI application: ``create_app(settings)``.

The lifespan opens one driver, verifies it, applies the schema and closes the driver on
shutdown. If Neo4j is away at start-up the app still starts: every endpoint that needs
the database answers 503 with Retry-After until it is back.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from graph_service import __version__, logging_filters
from graph_service.api import (
    accounts,
    audit,
    entities,
    exports,
    follow_ups,
    gaps,
    health,
    imports,
    map_settings,
    places,
    problem_types,
    scenarios,
    session,
    support,
)
from graph_service.api.console import console_router
from graph_service.api.network import router as network_router
from graph_service.api.openapi_examples import keep_example_nulls
from graph_service.api.planning import router as planning_router
from graph_service.api.security import current_principal
from graph_service.auth.key_cache import KeyCache
from graph_service.config import Settings
from graph_service.db import audit as audit_trail
from graph_service.db.async_reads import AsyncReads
from graph_service.db.availability import Availability
from graph_service.db.database import Database, open_driver
from graph_service.db.registry import QueryRegistry
from graph_service.db.result_cache import (
    AnswerCache,
    RedisResultCache,
    ResultCache,
    SharedResultCache,
    Tiered,
)
from graph_service.db.warmup import warm_in_background
from graph_service.errors import DatabaseUnavailable
from graph_service.limits import BodySizeLimit
from graph_service.problems import install_problem_handlers
from graph_service.services.import_jobs import ImportJobs

log = logging.getLogger(__name__)

#: where /docs and /redoc load swagger-ui's and redoc's files from: this service, never a CDN
#: (on a government intranet a CDN is out of reach and the pages stayed white)
DOCS_ASSETS = "/docs-assets"

DESCRIPTION = """
区域化党建组织网络服务：街道党工委、辖区单位、社区、楼宇园区党组织与联系包挂人员构成的网络。

Organization-network service for regional party building: who supports which branch and
through what, which buildings, parks and units are not covered, and who should cover them.

认证 Authentication: machine clients send the API key from `graph-service users add` as
`X-API-Key` (or `Authorization: Bearer`); people sign in at `POST /session` and send the
cookie `gs_session`, with the header `X-CSRF-Token` on every request other than GET and HEAD.
Roles: admin; organizer and viewer, limited to their areas; service accounts for other
systems. Only /health, /ready and /session answer without credentials.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # refuses malformed query files and a malformed rules file
    registry = QueryRegistry.load(settings.cypher_dir, settings.rules_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = open_driver(settings)
        audit_key = audit_trail.key_of(settings)
        # while Neo4j is known to be away, requests are answered 503 at once and one
        # thread probes it every Retry-After seconds (db/availability.py)
        availability = Availability(probe=lambda: database.probe(),
                                    interval=settings.retry_after_seconds)  # fmt: skip
        database = Database(
            driver, registry, settings.neo4j_database, settings.query_timeout_seconds,
            results=_result_cache(settings, audit_key), audit_key=audit_key,
            availability=availability,
        )  # fmt: skip
        app.state.database = database
        # the reads the API answers most often, awaited on this loop (db/async_reads.py)
        app.state.reads = AsyncReads(database, settings.shared_read_slots)
        app.state.keys = KeyCache(settings.auth_cache_seconds)
        app.state.planning = None
        # large uploads imported after their request (services/import_jobs.py)
        jobs = ImportJobs(database, settings.import_jobs_dir or settings.data_dir / "import-jobs",
                          settings.import_job_keep_hours)  # fmt: skip
        app.state.import_jobs = jobs

        def plan_ahead() -> None:
            if settings.plan_ahead:
                if (previous := app.state.planning) is not None:  # from before it went away
                    previous.stop.set()  # and let go of the lock: the next would step aside
                    previous.thread.join(30)
                server = f"{settings.neo4j_uri} {settings.neo4j_database}"
                app.state.planning = warm_in_background(database, server)

        def recover_jobs() -> None:
            """Mark the jobs a killed process of this machine left interrupted; a failure
            here is logged, and neither stops the service nor its planning."""
            try:
                jobs.recover()
            except Exception:
                log.exception("could not look for interrupted import jobs")

        def came_back() -> None:
            """Neo4j is back after an outage (or after being away at start-up): the
            schema as at start-up, the import jobs a killed process left, and the plans a
            restarted server has forgotten."""
            database.ensure_schema()
            plan_ahead()
            recover_jobs()

        availability.on_back.append(came_back)
        try:
            driver.verify_connectivity()
            database.ensure_schema()
            recover_jobs()
        except DatabaseUnavailable as exc:
            log.warning("Neo4j not ready at start-up; serving 503 until it is: %s", exc)
            availability.saw_away(exc)
        except Exception as exc:  # the driver raises several kinds while a server boots
            log.warning("Neo4j not reachable at start-up (%s); serving 503 until it is", exc)
            availability.saw_away(exc)
        else:
            plan_ahead()
        try:
            yield
        finally:
            await asyncio.to_thread(jobs.close)  # a running job stops and reads interrupted
            await asyncio.to_thread(availability.close)
            if app.state.planning is not None:
                app.state.planning.stop.set()
                await asyncio.to_thread(app.state.planning.thread.join, 5)  # one step at most
            app.state.reads.close()
            driver.close()

    public_docs = settings.docs_public
    app = FastAPI(
        title="区域化党建组织网络 · Regional party-building network",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below, with local assets
        redoc_url=None,
        openapi_url="/openapi.json" if public_docs else None,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    logging_filters.install()
    install_problem_handlers(app, settings.retry_after_seconds)
    keep_example_nulls(app)
    # answers of 1 KiB and more are compressed for clients that accept gzip (lists, exports,
    # the console's scripts); level 6: most of the saving for a fraction of level 9's CPU
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    if origins := Settings.origins_of(settings.cors_origins):
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["X-API-Key", "Authorization", "Content-Type", "If-Match",
                           "If-None-Match", "Accept-Language", "Prefer"],
            expose_headers=["ETag", "Location", "Retry-After", "Content-Disposition", "Link",
                            "Preference-Applied"],
        )  # fmt: skip
    app.add_middleware(
        BodySizeLimit, limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes,
        upload_paths=("/imports",),
    )  # fmt: skip
    app.include_router(health.router)
    app.include_router(problem_types.router)  # what a problem's type means: public
    app.include_router(session.router)  # signing in needs no credentials, only a password
    # every other route needs credentials, whatever its handler asks for
    authenticated: list[Any] = [Depends(current_principal)]
    for router in (imports.router, exports.router, support.router, gaps.router,
                   audit.router, accounts.router, follow_ups.router, entities.router,
                   scenarios.router):  # fmt: skip
        app.include_router(router, dependencies=authenticated)
    app.include_router(places.router, dependencies=authenticated)
    app.include_router(map_settings.router, dependencies=authenticated)
    app.include_router(planning_router, dependencies=authenticated)  # what changed, assignment
    app.include_router(network_router, dependencies=authenticated)  # the network view
    # the web console's pages (their data comes from the API above, with the session cookie)
    app.include_router(console_router(settings.console_dir))
    app.mount(DOCS_ASSETS, StaticFiles(directory=_docs_assets_dir()), name="docs-assets")
    if public_docs:
        _docs_pages(app, [])
    else:
        _authenticated_docs(app, authenticated)
    return app


def _operation_id(route: APIRoute) -> str:
    """An operation's id is its route function's name (``gap_list``, ``get_portfolio``), or
    the one the route names itself (the routes made per kind: ``get_unit``): what a client
    generated from the OpenAPI calls it. FastAPI's own adds the path and method
    (``get_relationships_part_of__from_id___to_id__get``)."""
    return route.name


def _result_cache(settings: Settings, audit_key: bytes | None) -> AnswerCache:
    entries, seconds = settings.result_cache_entries, settings.result_cache_seconds
    if settings.result_cache_url is not None:
        if audit_key is None:
            raise RuntimeError("RESULT_CACHE_URL needs the audit key (AUDIT_KEY or its file) "
                               "to seal shared answers / 共享缓存需要审计密钥")  # fmt: skip
        sealing = hmac.new(audit_key, b"graph-service result cache", "sha256").digest()
        url = settings.result_cache_url.get_secret_value()
        shared = RedisResultCache(url, sealing, entries, seconds)
        return Tiered(ResultCache(entries, seconds), shared)
    if settings.result_cache_file is not None:
        return SharedResultCache(settings.result_cache_file, entries, seconds)
    return ResultCache(entries, seconds)


def _docs_assets_dir() -> str:
    """swagger-ui's and redoc's files as the fastapi-offline package ships them."""
    import fastapi_offline

    return str(Path(fastapi_offline.__file__).parent / "static")


def _docs_pages(app: FastAPI, dependencies: list[Any]) -> None:
    """/docs (Swagger UI) and /redoc, loading every script, style and icon from
    DOCS_ASSETS; no Google fonts, no validator badge (it would call validator.swagger.io)."""

    @app.get("/docs", include_in_schema=False, dependencies=dependencies)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=f"{app.title} · API 文档",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            oauth2_redirect_url=None, swagger_ui_parameters={"validatorUrl": None},
        )  # fmt: skip

    @app.get("/redoc", include_in_schema=False, dependencies=dependencies)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json", title=f"{app.title} · API 文档",
            redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png", with_google_fonts=False,
        )  # fmt: skip


def _authenticated_docs(app: FastAPI, authenticated: list[Any]) -> None:
    """/openapi.json, /docs and /redoc behind credentials (DOCS_PUBLIC=false); their
    static files stay open: they hold nothing of the service's."""

    @app.get("/openapi.json", include_in_schema=False, dependencies=authenticated)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    _docs_pages(app, authenticated)
