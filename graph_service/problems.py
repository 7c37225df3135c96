"""Every error as RFC 9457 problem details, the same shape everywhere."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph_service.errors import DatabaseUnavailable, GraphServiceError, Unauthorized

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int, title: str, detail: str, instance: str, headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:  # fmt: skip
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": instance, **extra}  # fmt: skip
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI, retry_after_seconds: int) -> None:
    """Map the service's exceptions, validation errors and HTTP errors to problem details."""

    @app.exception_handler(GraphServiceError)
    async def _domain(request: Request, exc: GraphServiceError) -> JSONResponse:
        headers = None
        if isinstance(exc, DatabaseUnavailable):
            headers = {"Retry-After": str(retry_after_seconds)}
        elif isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": 'Bearer, ApiKey header="X-API-Key"'}
        return problem(exc.status, exc.title, exc.detail, request.url.path, headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"],
             "type": err["type"]}
            for err in exc.errors()
        ]  # fmt: skip
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid input / 输入无效", detail, request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail), request.url.path,
                       dict(exc.headers) if exc.headers else None)  # fmt: skip
