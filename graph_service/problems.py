"""Every error as RFC 9457 problem details, the same shape everywhere."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph_service.api.openapi_examples import PROBLEMS
from graph_service.domain.echo import clip
from graph_service.errors import DatabaseUnavailable, GraphServiceError, Unauthorized

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """An error response (RFC 9457). Some problems add members, such as ``errors`` (each
    wrong field, 422) or ``existing`` (what already holds the id, 409)."""

    # real answers of the demo region (api/openapi_examples.py)
    model_config = ConfigDict(
        extra="allow", json_schema_extra={"examples": [answer.value for answer in PROBLEMS]}
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str = Field(description="The request path")


def problem(
    status: int, title: str, detail: str, instance: str, headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:  # fmt: skip
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": instance, **extra}  # fmt: skip
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
        return problem(exc.status, exc.title, exc.detail, request.url.path, headers, **exc.extra)

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
        return problem(422, "Invalid input / 输入无效", detail, request.url.path, errors=errors)

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
