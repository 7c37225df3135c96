"""Every error as RFC 9457 problem details, the same shape everywhere.

Each kind of error has a stable ``code`` (``not-found``, ``invalid-input`` …) that clients
branch on, and its ``type`` is ``/problems/<code>``, a path of this service that says what
the kind means and what to do (:data:`PROBLEM_TYPES`, served by ``api/problem_types.py``).
The ``title`` and ``detail`` are for people, Chinese first, and may change."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph_service.api.openapi_examples import PROBLEMS
from graph_service.domain.echo import clip
from graph_service.errors import (
    DatabaseUnavailable,
    GraphServiceError,
    InvalidInput,
    Unauthorized,
)

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "/problems/"


class ProblemType(BaseModel):
    """What a kind of error means, at its ``type`` path."""

    code: str = Field(description="Stable; clients branch on it / 稳定的错误代码")
    status: int
    title: str
    about: str = Field(description="What it means and what to do / 含义与处理办法")


def _error_kinds() -> list[type[GraphServiceError]]:
    kinds, waiting = [], [GraphServiceError]
    while waiting:
        kind = waiting.pop(0)
        kinds.append(kind)
        waiting.extend(kind.__subclasses__())
    return kinds


#: every kind of problem the service answers: its errors, and the HTTP errors FastAPI and
#: Starlette answer on their own (a path or method that does not exist, a body not read)
PROBLEM_TYPES: dict[str, ProblemType] = {
    kind.code: ProblemType(code=kind.code, status=kind.status, title=kind.title, about=kind.about)
    for kind in _error_kinds()
} | {
    each.code: each
    for each in (
        ProblemType(code="bad-request", status=400, title="Bad request / 请求无法解析",
                    about="请求体无法读取（非 UTF-8、损坏的表单）/ the body cannot be read "
                          "(not UTF-8, a broken multipart form)"),
        ProblemType(code="method-not-allowed", status=405,
                    title="Method not allowed / 不支持的请求方法",
                    about="此路径不支持该方法（Allow 列出可用方法）/ the path does not take "
                          "this method (Allow lists those it takes)"),
        ProblemType(code="not-acceptable", status=406, title="Not acceptable / 无法提供该格式",
                    about="无法以 Accept 所要求的格式回答 / no answer in the format Accept asks"),
        ProblemType(code="too-many-requests", status=429,
                    title="Too many attempts / 尝试次数过多",
                    about="请等待 Retry-After 秒后再试 / wait Retry-After seconds, then try "
                          "again"),
    )
}  # fmt: skip
_BY_STATUS: dict[int, str] = {}
for _each in PROBLEM_TYPES.values():  # the most general kind of a status first
    _BY_STATUS.setdefault(_each.status, _each.code)


def code_for_status(status: int) -> str:
    """The code of an HTTP error that no service error names (Starlette's own 404, 405 …)."""
    return _BY_STATUS.get(status, "internal-error" if status >= 500 else "bad-request")


class Problem(BaseModel):
    """An error response (RFC 9457). Some problems add members, such as ``errors`` (each
    wrong field, 422) or ``existing`` (what already holds the id, 409)."""

    # real answers of the demo region (api/openapi_examples.py)
    model_config = ConfigDict(
        extra="allow", json_schema_extra={"examples": [answer.value for answer in PROBLEMS]}
    )

    type: str = Field(description="/problems/<code>: what the kind means / 错误类型说明")
    code: str = Field(description="The kind of error, stable / 错误代码")
    title: str
    status: int
    detail: str
    instance: str = Field(description="The request path")


def problem(
    status: int, title: str, detail: str, instance: str, headers: dict[str, str] | None = None,
    *, code: str | None = None, **extra: Any,
) -> JSONResponse:  # fmt: skip
    code = code or code_for_status(status)
    body = {"type": TYPE_PREFIX + code, "code": code, "title": title, "status": status,
            "detail": detail, "instance": instance, **extra}  # fmt: skip
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI, retry_after_seconds: int) -> None:
    """Map the service's exceptions, validation errors and HTTP errors to problem details,
    and say so in the OpenAPI."""
    _document_problems(app)

    @app.exception_handler(GraphServiceError)
    async def _domain(request: Request, exc: GraphServiceError) -> JSONResponse:
        headers = None
        if isinstance(exc, DatabaseUnavailable):
            headers = {"Retry-After": str(retry_after_seconds)}
        elif isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": 'Bearer, ApiKey header="X-API-Key"'}
        return problem(exc.status, exc.title, exc.detail, request.url.path, headers,
                       code=exc.code, **exc.extra)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # a location names the input's own keys, and a message may quote the input: both are
        # echoes, clipped (a 5 MB key must not come back three times)
        errors = [
            {"field": clip(".".join(str(p) for p in err["loc"])), "message": clip(err["msg"]),
             "type": err["type"]}
            for err in exc.errors()
        ]  # fmt: skip
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, InvalidInput.title, detail, request.url.path,
                       code=InvalidInput.code, errors=errors)  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail), request.url.path,
                       dict(exc.headers) if exc.headers else None)  # fmt: skip


def _document_problems(app: FastAPI) -> None:
    """Describe every 4xx and 5xx response in the OpenAPI as problem details.

    Routes name only the statuses they answer with; left alone, FastAPI documents each as
    ``application/json`` (422 as its ``HTTPValidationError``), which the service never sends.
    Every operation with a body may also answer 400 (FastAPI's own answer to a body it
    cannot read: not UTF-8, a broken multipart form), and every one that takes an API key 401.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Problem"] = Problem.model_json_schema()
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if "requestBody" in operation:
                    responses.setdefault("400", {"description": "The body cannot be read"})
                if operation.get("security"):
                    responses.setdefault("401", {"description": "No API key, or not a valid one"})
                for status, response in responses.items():
                    if status.startswith(("4", "5")):
                        response["content"] = {
                            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                        }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
