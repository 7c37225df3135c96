"""The service's exceptions, raised where they happen and mapped to HTTP in one place.

::

    GraphServiceError
    ├── QueryFileError          a cypher/ file is malformed (start-up)
    ├── DatabaseUnavailable     Neo4j cannot be reached            → 503 + Retry-After
    │   └── SchemaNotReady      reachable, schema not at version   → 503 + Retry-After
    ├── NotFound                no such id                          → 404
    ├── Conflict                duplicate id, relationships in use  → 409
    ├── PreconditionFailed      If-Match names an old version       → 412
    ├── InvalidInput            a field is wrong                    → 422
    ├── Unauthorized            no or unknown credentials           → 401
    ├── Forbidden               role or area scope does not allow   → 403
    ├── PayloadTooLarge         request body over the limit         → 413
    └── QueryTimedOut           a query ran past its time limit     → 504

Responses are RFC 9457 problem details (``application/problem+json``).
"""

from __future__ import annotations

from typing import Any


class GraphServiceError(Exception):
    """Base of every error the service raises on purpose."""

    status = 500
    title = "Internal error / 内部错误"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class QueryFileError(GraphServiceError):
    """A ``.cypher`` file is malformed; the message names the file and line."""


class DatabaseUnavailable(GraphServiceError):
    status = 503
    title = "Database unavailable / 数据库暂不可用"


class SchemaNotReady(DatabaseUnavailable):
    title = "Database schema not ready / 数据库结构未就绪"


class NotFound(GraphServiceError):
    status = 404
    title = "Not found / 未找到"


class Conflict(GraphServiceError):
    status = 409
    title = "Conflict / 冲突"


class PreconditionFailed(GraphServiceError):
    """A conditional write's ``If-Match`` names a version of the record no longer stored:
    someone changed it since the client read it."""

    status = 412
    title = "Precondition failed / 记录已被修改"


class InvalidInput(GraphServiceError):
    status = 422
    title = "Invalid input / 输入无效"


class Unauthorized(GraphServiceError):
    """No credentials, or credentials that match no active account."""

    status = 401
    title = "Unauthorized / 未认证"


class Forbidden(GraphServiceError):
    """The caller's role or area scope does not allow this."""

    status = 403
    title = "Forbidden / 无权操作"


class PayloadTooLarge(GraphServiceError):
    status = 413
    title = "Payload too large / 请求体过大"


class QueryTimedOut(GraphServiceError):
    """A query ran longer than the configured limit and was cut off."""

    status = 504
    title = "Query timed out / 查询超时"
