"""Limits on what comes in and what is echoed back.

Request bodies: a declared ``Content-Length`` over the limit is answered 413 at once; a
body without one (chunked) is counted as it streams and cut off with 413 when it passes
the limit. Uploads to ``/imports`` have a limit of their own (files of thousands of rows).

Echoes: an input value repeated in an answer (problem details, an import report, a log
line) is clipped to :data:`MAX_ECHO_CHARS` by :func:`clip`, so a 5 MB value cannot come
back as a 20 MB error.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_service.errors import PayloadTooLarge

MAX_ECHO_CHARS = 200


def clip(value: object, limit: int = MAX_ECHO_CHARS) -> str:
    """An input value as text fit to echo, at most ``limit`` characters long: the value
    itself, or its beginning, an ellipsis and its length.

    >>> clip("建新社区")
    '建新社区'
    >>> clip("x" * 5_000_000, 30)
    'xxxxxxxxxxx…(5000000 chars/字符)'
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    tail = f"…({len(text)} chars/字符)"
    return text[: max(limit - len(tail), 0)] + tail


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
            # imported here: problems clips what it echoes with this module's clip
            from graph_service.problems import problem

            await problem(413, PayloadTooLarge.title, detail, scope["path"])(scope, receive, send)

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
