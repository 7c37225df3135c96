"""The web console (组织员工作台): the built pages of ``console/`` served at ``/console/``.

``/`` sends a browser to ``/console/``; every path under it that is not a file of the
build is a page of the console, answered with ``index.html`` (the single-page app's router
draws it). The console's own paths never meet the API's: ``/console/gaps/X`` is a page,
``/gaps/X`` the API. Hashed files under ``assets/`` never change, so they are kept a year
(``immutable``: not even asked about again); the build writes each script and style beside
its gzip (``name.js.gz``), sent as it is to a browser that accepts gzip. ``index.html`` is
asked for again each time (304 while unchanged), so a new build is seen at once. Its
Content-Security-Policy lets a page load nothing from another host.

When the console has not been built (``make run`` and ``make test`` build it; by hand:
``cd console && npm ci && npm run build``), ``/console/`` answers 503 with a page saying so.
"""

from __future__ import annotations

import html
import mimetypes
import os
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from graph_service.api.gzip_once import accepts_gzip
from graph_service.db.etags import if_none_match_holds

DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
"""Where ``npm run build`` writes the console (``console/dist`` of the repository)."""

PREFIX = "/console"
ASSET_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "no-cache"
# Element Plus and ECharts set style attributes; scripts, styles, fonts, images and
# requests all come from this origin only
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

NOT_BUILT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>控制台尚未构建 · Console not built</title>
<style>body{{font-family:sans-serif;max-width:44em;margin:4em auto;line-height:1.6;color:#222}}
code{{background:#f2f2f2;padding:.1em .3em}}</style></head><body>
<h1>控制台尚未构建 · The console is not built</h1>
<p>服务运行正常，但网页控制台的文件不存在：<code>{dist}</code>。在仓库根目录运行
<code>make run</code>（会自动构建），或手动构建：</p>
<p>The service runs, but the web console's files are missing: <code>{dist}</code>. Run
<code>make run</code> (it builds them), or build them by hand:</p>
<pre><code>cd console &amp;&amp; npm ci &amp;&amp; npm run build</code></pre>
<p>API 文档 · API documentation: <a href="/docs">/docs</a></p>
</body></html>
"""


def asset(file: Path, request: Request) -> FileResponse:
    """A hashed file of the build, kept a year; its precompressed ``.gz`` twin when there is
    one and the browser takes gzip (the middleware leaves an encoded answer alone)."""
    packed = file.with_name(file.name + ".gz")
    if not packed.is_file():  # the middleware compresses it, if it is worth it
        return FileResponse(file, headers={"Cache-Control": ASSET_CACHE})
    headers = {"Cache-Control": ASSET_CACHE, "Vary": "Accept-Encoding"}
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        media = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return FileResponse(packed, media_type=media,
                            headers=headers | {"Content-Encoding": "gzip"})  # fmt: skip
    return FileResponse(file, headers=headers)


def console_router(dist: Path = DIST) -> APIRouter:
    """The routes of the console built into ``dist``."""
    router = APIRouter(include_in_schema=False)
    root = dist.resolve()

    def not_built() -> HTMLResponse:
        page = NOT_BUILT.format(dist=html.escape(str(dist)))
        return HTMLResponse(page, status_code=503, headers={"Cache-Control": "no-store"})

    def index(request: Request) -> Response:
        page = root / "index.html"
        if not page.is_file():
            return not_built()
        headers = {"Cache-Control": PAGE_CACHE, "Content-Security-Policy": POLICY}
        answer = FileResponse(page, media_type="text/html", headers=headers,
                              stat_result=os.stat(page))  # fmt: skip
        held = request.headers.get("if-none-match")
        if held and if_none_match_holds(held, answer.headers["etag"]):
            return Response(status_code=304, headers=headers | {"ETag": answer.headers["etag"]})
        return answer

    @router.get("/")
    async def home() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    @router.get(PREFIX)
    async def bare() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    @router.get(PREFIX + "/{path:path}")
    async def page(path: str, request: Request) -> Response:
        wanted = (root / path).resolve()
        if path and wanted.is_relative_to(root) and wanted.is_file():
            if wanted.parent == root / "assets":
                return asset(wanted, request)
            return FileResponse(wanted, headers={"Cache-Control": PAGE_CACHE})
        if path.startswith("assets/"):  # a file of another build: not a page
            return Response(status_code=404, headers={"Cache-Control": "no-store"})
        return index(request)

    return router
