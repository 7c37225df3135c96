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

#: the members every problem has (RFC 9457, and the service's code): no error's extra may
#: take one
_PROBLEM_MEMBERS = frozenset({"type", "code", "title", "status", "detail", "instance"})


class GraphServiceError(Exception):
    """Base of every error the service raises on purpose."""

    status = 500
    title = "Internal error / 内部错误"
    #: the stable name of the kind of error: the problem's ``code``, and its ``type`` is
    #: ``/problems/<code>`` (documented there)
    code = "internal-error"
    about = "服务内部出错，请联系管理员 / something failed inside the service; tell its operator"

    def __init__(self, detail: str, **extra: Any) -> None:
        clashing = _PROBLEM_MEMBERS & set(extra)
        if clashing:  # they would overwrite the problem's own members
            raise ValueError(f"extra members {sorted(clashing)} are the problem's own")
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class QueryFileError(GraphServiceError):
    """A ``.cypher`` file is malformed; the message names the file and line."""

    code = "query-file-error"
    about = ("查询文件有误（文件与行号见 detail）/ a query file is malformed (the file and "
             "line are in detail)")


class DatabaseUnavailable(GraphServiceError):
    status = 503
    title = "Database unavailable / 数据库暂不可用"
    code = "database-unavailable"
    about = ("Neo4j 暂时无法访问，请按 Retry-After 稍后重试 / Neo4j cannot be reached now; "
             "retry after Retry-After seconds")


class SchemaNotReady(DatabaseUnavailable):
    title = "Database schema not ready / 数据库结构未就绪"
    code = "schema-not-ready"
    about = ("数据库结构尚未更新到本版本，请稍后重试 / the database schema is not at this "
             "version yet; retry shortly")


class NotFound(GraphServiceError):
    status = 404
    title = "Not found / 未找到"
    code = "not-found"
    about = ("编号不存在，或不在您负责的区域内 / no such id, or it lies outside your areas "
             "(the two are not told apart)")


class Conflict(GraphServiceError):
    status = 409
    title = "Conflict / 冲突"
    code = "conflict"
    about = ("与已存储的数据冲突（如编号已被使用、关系已存在），existing 给出已有记录 / it "
             "clashes with what is stored (an id in use, a relationship that exists)")


class PreconditionFailed(GraphServiceError):
    """A conditional write's ``If-Match`` names a version of the record no longer stored:
    someone changed it since the client read it."""

    status = 412
    title = "Precondition failed / 记录已被修改"
    code = "precondition-failed"
    about = ("If-Match 所给版本已过期：请重新读取后再修改 / the If-Match version is no longer "
             "stored: read the record again, then change it")


class InvalidInput(GraphServiceError):
    status = 422
    title = "Invalid input / 输入无效"
    code = "invalid-input"
    about = ("输入无效：errors 逐项列出字段与原因 / the input is not valid: errors names each "
             "field and why")


class Unauthorized(GraphServiceError):
    """No credentials, or credentials that match no active account."""

    status = 401
    title = "Unauthorized / 未认证"
    code = "unauthorized"
    about = ("缺少有效的 API 密钥或会话 / no valid API key or session: send X-API-Key or sign "
             "in")


class Forbidden(GraphServiceError):
    """The caller's role or area scope does not allow this."""

    status = 403
    title = "Forbidden / 无权操作"
    code = "forbidden"
    about = "您的角色或负责区域不允许此操作 / your role or areas do not allow this"


class PayloadTooLarge(GraphServiceError):
    status = 413
    title = "Payload too large / 请求体过大"
    code = "payload-too-large"
    about = ("请求体超过上限（MAX_BODY_BYTES，上传为 MAX_UPLOAD_BYTES）/ the body is over the "
             "limit (MAX_BODY_BYTES; uploads MAX_UPLOAD_BYTES)")


class QueryTimedOut(GraphServiceError):
    """A query ran longer than the configured limit and was cut off."""

    status = 504
    title = "Query timed out / 查询超时"
    code = "query-timed-out"
    about = ("查询超过时限被终止，请缩小范围（区域、更小的分页）/ the query ran past "
             "QUERY_TIMEOUT_SECONDS; narrow it (an area, a smaller page)")
