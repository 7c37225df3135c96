"""Limits on what comes in and what is echoed back, each defined once.

Pages: the bounds of every list (``MAX_PAGE``, ``MAX_SKIP``) are a domain fact, in
:mod:`graph_service.domain.paging`, so the repositories check the same ones; the routes
import them from here or there alike.

Request bodies: a declared ``Content-Length`` over the limit is answered 413 at once; a
body without one (chunked) is counted as it streams and cut off with 413 when it passes
the limit. Uploads to ``/imports`` have a limit of their own (files of thousands of rows).

Echoes: an input value repeated in an answer (problem details, an import report, a log
line) is clipped by :func:`graph_service.domain.echo.clip`, so a 5 MB value cannot come
back as a 20 MB error (there, below everything, as the file formats of :mod:`loaders` clip
what they report too).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_service.domain.paging import MAX_PAGE, MAX_SKIP
from graph_service.errors import PayloadTooLarge
from graph_service.problems import preferred_language, problem

__all__ = ["MAX_PAGE", "MAX_SKIP", "BodySizeLimit"]


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes (``upload_limit`` for
    the upload paths)."""

    def __init__(
        self, app: ASGIApp, limit: int, upload_limit: int, upload_paths: tuple[str, ...]
    ) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] in self.upload_paths else self.limit
        declared = dict(scope["headers"]).get(b"content-length")
        detail = f"the request body is larger than {limit:,} bytes / 请求体超过 {limit:,} 字节"

        async def too_large(scope: Scope, receive: Receive, send: Send) -> None:
            asked = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
            await problem(413, PayloadTooLarge.title, detail, scope["path"],
                          code=PayloadTooLarge.code,
                          language=preferred_language(asked))(scope, receive, send)

        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await too_large(scope, receive, send)
            return
        received = 0
        exceeded = False

        async def counted() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise PayloadTooLarge(detail)
            return message

        async def guarded_send(message: Message) -> None:
            # A body parser (multipart) may turn the error into a 400 of its own: whatever
            # answer follows an overrun becomes the 413.
            if not exceeded:
                await send(message)
            elif message["type"] == "http.response.start":
                await too_large(scope, receive, send)

        await self.app(scope, counted, guarded_send)
