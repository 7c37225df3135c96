"""Every error as RFC 9457 problem details, the same shape everywhere.

Each kind of error has a stable ``code`` (``not-found``, ``invalid-input`` …) that clients
branch on, and its ``type`` is ``/problems/<code>``, a path of this service that says what
the kind means and what to do (:data:`PROBLEM_TYPES`, served by ``api/problem_types.py``).
The ``title`` and ``detail`` are for people and may change: in Chinese and English by
default (``Accept-Language: zh``, or none), in English only when the client prefers English
(``Accept-Language: en``, see :func:`preferred_language`); ``code`` and ``type`` are the same
in every language. The answer's ``Content-Language`` says which (``zh-CN, en`` or ``en``)."""

from __future__ import annotations

import re
from typing import Any, Literal

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

Language = Literal["zh", "en"]
#: the Content-Language of a problem in each language: the default is bilingual
CONTENT_LANGUAGE: dict[Language, str] = {"zh": "zh-CN, en", "en": "en"}

# RFC 9110 §12.5.4: a language range (RFC 4647 §2.1) and a weight (§12.4.2)
_RANGE = re.compile(r"\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_WEIGHT = re.compile(r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)", re.IGNORECASE)


def preferred_language(accept_language: str | None) -> Language:
    """The language a problem is told in, for an ``Accept-Language`` field (RFC 9110
    §12.5.4): ``en`` when the client weighs English (``en``, ``en-US`` …) above Chinese
    (``zh``, ``zh-CN``, ``zh-TW`` …), else ``zh`` (Chinese with English, the default).

    A language's weight is the highest of the ranges naming it (by their first subtag),
    else that of ``*``; equal weights go to the range written first, then to Chinese;
    ``q=0`` refuses a language, and when both are refused or neither is named the default
    is kept, unless only Chinese is refused. Malformed elements are passed over (RFC 9110
    §12.5.4 lets a server ignore the field).

    >>> [preferred_language(h) for h in (None, "en", "en-US,en;q=0.9,zh-CN;q=0.8", "fr")]
    ['zh', 'en', 'en', 'zh']
    >>> [preferred_language(h) for h in ("zh-CN,zh;q=0.9,en;q=0.8", "zh;q=0.5, en", "zh;q=0")]
    ['zh', 'en', 'en']
    """
    weights: dict[str, tuple[float, int]] = {}  # language or "*": (weight, first position)
    for position, element in enumerate((accept_language or "").split(",")):
        name, *parameters = (part.strip() for part in element.split(";"))
        if not _RANGE.fullmatch(name) or len(parameters) > 1:
            continue
        weight = 1.0
        if parameters:
            found = _WEIGHT.fullmatch(parameters[0].replace(" ", ""))
            if found is None:
                continue
            weight = float(found.group(1))
        language = name.split("-")[0].lower()
        if language not in weights or weight > weights[language][0]:
            weights[language] = (weight, weights.get(language, (0.0, position))[1])
    anything = weights.get("*")
    zh, en = weights.get("zh", anything), weights.get("en", anything)
    if en is None or en[0] == 0:  # English not named, or refused
        return "en" if en is None and zh is not None and zh[0] == 0 else "zh"
    if zh is None or zh[0] == 0:  # Chinese not named (nor "*"), or refused
        return "en"
    return "en" if (en[0], -en[1]) > (zh[0], -zh[1]) else "zh"


# the share of Chinese in a text: ideographs and full-width punctuation against Latin letters
_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_LATIN = re.compile(r"[A-Za-z]")


def _chinese_share(text: str) -> float:
    chinese = len(_CHINESE.findall(text))
    latin = len(_LATIN.findall(text))
    return chinese / (chinese + latin) if chinese + latin else 0.0


def english_of(text: str) -> str:
    """The English half of a text written in both languages, ``"English / 中文"`` or
    ``"中文 / English"`` (either half may hold ``" / "`` itself, and quote an id or a name
    in the other language); a text not written so is given back whole.

    Of the ways to cut the text at a ``" / "``, the one whose halves differ most in their
    share of Chinese (ideographs and full-width punctuation against Latin letters) is taken,
    if one half is at least 30 % Chinese and the other 25 points less.

    >>> english_of("Not found / 未找到"), english_of("密码至少 8 个字符 / at least 8 characters")
    ('Not found', 'at least 8 characters')
    >>> english_of("第 3 项变更：编号 和平 不存在 / change 3: no entity '和平' in your areas")
    "change 3: no entity '和平' in your areas"
    >>> english_of("format must be json / csv"), english_of("query.limit: Field required")
    ('format must be json / csv', 'query.limit: Field required')
    """
    parts = text.split(" / ")
    best: tuple[float, str] | None = None
    for cut in range(1, len(parts)):
        halves = " / ".join(parts[:cut]), " / ".join(parts[cut:])
        shares = _chinese_share(halves[0]), _chinese_share(halves[1])
        english = 0 if shares[0] < shares[1] else 1
        apart = abs(shares[0] - shares[1])
        if max(shares) >= 0.3 and apart >= 0.25 and (best is None or apart > best[0]):
            best = apart, halves[english].strip()
    return best[1] if best is not None and best[1] else text


def told_in(language: Language, text: str) -> str:
    """``text`` as a problem tells it in ``language``: as written (both languages), or its
    English half."""
    return english_of(text) if language == "en" else text


def language_of(request: Request) -> Language:
    """The language a problem answering ``request`` is told in."""
    return preferred_language(request.headers.get("accept-language"))


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
    *, code: str | None = None, language: Language = "zh", **extra: Any,
) -> JSONResponse:  # fmt: skip
    """A problem answer; ``title`` and ``detail`` are given in both languages and told in
    ``language`` (:func:`told_in`)."""
    code = code or code_for_status(status)
    body = {"type": TYPE_PREFIX + code, "code": code, "title": told_in(language, title),
            "status": status, "detail": told_in(language, detail), "instance": instance,
            **extra}  # fmt: skip
    spoken = {"Content-Language": CONTENT_LANGUAGE[language], "Vary": "Accept-Language"}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON,
                        headers=spoken | (headers or {}))  # fmt: skip


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
                       code=exc.code, language=language_of(request), **exc.extra)  # fmt: skip

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
                       code=InvalidInput.code, language=language_of(request),
                       errors=errors)  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail), request.url.path,
                       dict(exc.headers) if exc.headers else None,
                       language=language_of(request))  # fmt: skip


#: members some problems add, named in the Problem schema (every one optional)
PROBLEM_EXTRAS: dict[str, dict[str, Any]] = {
    "errors": {
        "type": "array", "description": "422: each wrong field, and why / 逐项列出的字段错误",
        "items": {"type": "object", "properties": {
            "field": {"type": "string", "description": "Where: query.limit, body.name … / 字段"},
            "message": {"type": "string"}, "type": {"type": "string"}},
            "required": ["field", "message"]},
    },
    "field": {"type": "string",
              "description": "404, 422: the parameter the problem is about / 相关参数"},
    "current_etag": {"type": "string",
                     "description": "412: the stored version, to read again / 当前版本"},
    "existing": {"type": "object", "description": "409: what already holds the id / 占用者"},
    "relationships": {"type": "array", "items": {"type": "object"},
                      "description": "409 on DELETE: the relationships in the way / 尚存的关系"},
    "relationships_outside": {
        "type": "array", "items": {"type": "object"},
        "description": "403 on DELETE: relationships reaching outside your areas / 区域外的关系",
    },
    "term_since": {"type": ["string", "null"],
                   "description": "409: the start of the term overlapped / 重叠任期的开始日期"},
}  # fmt: skip

#: operations that never read the database: no 503 or 504
_WITHOUT_DATABASE = {"/health", "/problems", "/problems/{code}"}

_UNAVAILABLE = {
    "description": "The database cannot be reached now: retry after Retry-After seconds / "
                   "数据库暂不可用",
    "headers": {"Retry-After": {"schema": {"type": "integer"},
                                "description": "Seconds to wait / 等待秒数"}},
}  # fmt: skip


def _declare_statuses(path: str, method: str, operation: dict[str, Any]) -> None:
    """Add the statuses every operation of its sort may answer, beside those its route
    names: a body may be unreadable (400), too large (413, the body limit's middleware)
    or invalid (422); a parameter invalid (422); an API key missing (401); a signed-in
    write without its CSRF header is refused (403); the database away (503) or a query
    past its time (504)."""
    responses = operation.setdefault("responses", {})
    if "requestBody" in operation:
        responses.setdefault("400", {"description": "The body cannot be read"})
        responses.setdefault("413", {"description": "The body is larger than allowed / 请求体过大"})
        responses.setdefault("422", {"description": "A field is not valid / 字段无效"})
    if operation.get("parameters"):
        responses.setdefault("422", {"description": "A parameter is not valid / 参数无效"})
    if operation.get("security"):
        responses.setdefault("401", {"description": "No API key, or not a valid one"})
        if method != "get":
            responses.setdefault("403", {"description": "Signed in, but without the CSRF "
                                                        "header / 缺少 CSRF 请求头"})
    if path not in _WITHOUT_DATABASE:
        responses.setdefault("503", dict(_UNAVAILABLE))
        responses.setdefault("504", {"description": "A query ran past its time limit / 查询超时"})


def _document_problems(app: FastAPI) -> None:
    """Describe every 4xx and 5xx response in the OpenAPI as problem details.

    Routes name only the statuses they answer with; left alone, FastAPI documents each as
    ``application/json`` (422 as its ``HTTPValidationError``), which the service never sends.
    :func:`_declare_statuses` adds those every operation of its sort may answer. The
    Problem schema names the members some problems add (:data:`PROBLEM_EXTRAS`).
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        problem_schema = Problem.model_json_schema()
        problem_schema["properties"] |= PROBLEM_EXTRAS
        schemas["Problem"] = problem_schema
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                _declare_statuses(path, method, operation)
                responses = operation["responses"]
                for status, response in responses.items():
                    if status.startswith(("4", "5")):
                        response["content"] = {
                            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                        }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
