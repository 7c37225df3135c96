"""The audit trail of writes: the whole of it for admins (GET /audit), and one entity's
history for anyone who may read the entity (GET /entities/{id}/history) / 审计日志、变更记录."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from graph_service.api import openapi_examples as ex
from graph_service.api.paging import LINK_HEADER, Cursor, cursor_key, link_next
from graph_service.api.security import PrincipalDep
from graph_service.db import audit as trail
from graph_service.db.history import entity_history_plan
from graph_service.deps import ReadsDep
from graph_service.domain.paging import encode_cursor
from graph_service.errors import InvalidInput
from graph_service.limits import MAX_PAGE
from graph_service.schemas.paging import page_of

# the largest integer Cypher holds: a larger one cannot even be sent to Neo4j
SEQ_MAX = 2**63 - 1

router = APIRouter(tags=["audit · 审计"])

BeforeSeq = Annotated[int | None, Query(
    ge=1, le=SEQ_MAX,
    description="Events below this seq (kept for older clients: page with cursor) / 序号小于此值"
                "的事件（旧接口，请用 cursor）",
)]  # fmt: skip
PAGED: dict[int | str, dict[str, Any]] = {200: {"description": "OK", "headers": LINK_HEADER}}


def _below(cursor: str | None, before_seq: int | None) -> int | None:
    """The seq a page of the trail starts below: the cursor's (the last seq of the page
    before), else ``before_seq``."""
    seq = cursor_key("audit", cursor)
    if seq is None:
        return before_seq
    if isinstance(seq, int) and not isinstance(seq, bool) and 1 <= seq <= SEQ_MAX:
        return seq
    raise InvalidInput("翻页游标 cursor 无效 / cursor is not valid",
                       errors=[{"field": "cursor", "message": "not a cursor of this list"}])


def _next(events: list[dict[str, Any]], limit: int) -> str | None:
    """The cursor after a page read with one event more than ``limit``."""
    return encode_cursor("audit", int(events[limit - 1]["seq"])) if len(events) > limit else None


class AuditEvent(BaseModel):
    seq: int = Field(description="Position in the trail, from 1, no gaps / 序号")
    at: str = Field(description="When (UTC) / 时间")
    actor: str = Field(description="Account name, or cli:<user> / 操作人")
    role: str
    via: str = Field(description="api or cli / 途径")
    action: str = Field(description="node.create, rel.update, import.finish … / 操作")
    kind: str | None = None
    target: str | None = None
    targets: list[str] | None = None
    before: dict[str, Any] | None = Field(default=None, description="Personal data masked")
    after: dict[str, Any] | None = None
    details: dict[str, Any] | None = None
    prev_hash: str
    hash: str = Field(description="SHA-256 over the previous hash and this event / 哈希链")


@router.get("/audit", summary="The audit trail, newest first (admins) / 审计日志",
            response_model=page_of(AuditEvent),
            responses={**PAGED, 403: {"description": "Not an admin"}})  # fmt: skip
async def list_audit(
    reads: ReadsDep,
    who: PrincipalDep,
    request: Request,
    response: Response,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=50, description="Prefix: node., import …")] = (
        None
    ),
    target: Annotated[str | None, Query(max_length=64, description="An id it touched")] = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before_seq: BeforeSeq = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Any:
    """Who changed what and when, through the API, imports and the CLI, newest first:
    before and after of each write (personal values masked), hash-chained so that an
    edited or deleted event is found by ``graph-service audit --verify``. Admins only
    (403 otherwise). Page back with ``cursor`` = the answer's ``next`` (a keyset on seq:
    events written meanwhile do not shift the pages).

    通过 API、导入和命令行进行的每次写操作：操作人、时间、修改前后的值（个人信息隐去），按
    时间倒序；事件以哈希链相连，可用 graph-service audit --verify 发现篡改或删除。仅管理员
    可查看（否则 403）；以应答中的 next 作为 cursor 向前翻页。"""
    who.require_admin()
    events = await reads.call(trail.list_events, actor=actor, action=action, target=target,
                              since=since, until=until, after_seq=_below(cursor, before_seq),
                              limit=limit + 1)  # fmt: skip
    following = _next(events, limit)
    link_next(request, response, following)
    return {"items": [AuditEvent.model_validate(event) for event in events[:limit]],
            "next": following}


class EntityEvent(BaseModel):
    """One write to an entity or to one of its relationships, as the caller may read it:
    the trail's event without its hashes (the chain is checked whole, by admins)."""

    seq: int = Field(description="Position in the trail / 序号")
    at: str = Field(description="When (UTC) / 时间")
    actor: str = Field(description="Account name, or cli:<user> / 操作人")
    role: str = Field(description="The actor's role then / 操作人角色")
    via: str = Field(description="api or cli / 途径")
    action: str = Field(description="node.create|update|delete, rel.create|update|delete / 操作")
    kind: str | None = Field(default=None, description="Node label or relationship type / 类型")
    target: str | None = Field(default=None, description="The node, or from->to / 对象")
    targets: list[str] | None = Field(default=None, description="Ids it touched / 涉及编号")
    before: dict[str, Any] | None = Field(default=None, description="Personal data masked")
    after: dict[str, Any] | None = None
    details: dict[str, Any] | None = None
    redacted: list[str] = Field(
        description="Values withheld (set to null) because they name an entity outside your "
                    "areas, by place: details.area … / 因涉及您权限范围外的对象而隐去的值",
    )  # fmt: skip


@router.get(
    "/entities/{entity_id}/history", operation_id="get_entity_history",
    summary="An entity's history from the audit trail / 实体的变更记录",
    response_model=page_of(EntityEvent),
    responses={**PAGED,
               404: {"description": "No such id, or outside your areas / 编号不存在或不在区域内"}},
)  # fmt: skip
async def get_entity_history(
    reads: ReadsDep,
    who: PrincipalDep,
    request: Request,
    response: Response,
    entity_id: Annotated[str, Path(max_length=64, description="Entity id / 编号",
                                   openapi_examples=ex.id_example("和平社区", "A-HEPING"))],
    before_seq: BeforeSeq = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size / 每页条数")] = 100,
) -> Any:  # fmt: skip
    """Who changed this entity and when, newest first: the audit trail's events about the
    node (created, changed field by field as before and after, deleted) and about its
    relationships (it is an end: created, changed, ended or deleted). Anyone who may read
    the entity may read its history, under the same rule: 404 when no entity has the id
    or it lies outside your areas. For an account limited to areas, a relationship's event
    is shown only when both its ends lie in them (as the relationship's own read), and
    any other value naming an entity outside them is withheld (null, its place listed in
    ``redacted``). Personal data is masked as in the trail. Page back with ``cursor`` = the
    answer's ``next`` (null on the last page).

    查看实体的变更记录（按时间倒序）：来自审计日志中关于该节点（新建、逐字段修改前后、删除）及其
    关系（以其为一端的关系的新建、修改、删除）的事件。能查看该实体的账号即可查看其变更记录，规则
    相同：编号不存在或不在您负责的区域内时 404。区域账号只能看到两端都在其区域内的关系事件；
    其他涉及区域外对象的值以 null 隐去，并在 redacted 中列出位置。个人信息按审计日志的规则隐去。
    以应答中的 next 作为 cursor 向前翻页（最后一页 next 为空）。"""
    below = _below(cursor, before_seq)
    events = await reads.read_plan(
        lambda: entity_history_plan(who, entity_id, before_seq=below, limit=limit + 1),
        "entity_history",
    )
    following = _next(events, limit)
    link_next(request, response, following)
    return {"items": [EntityEvent.model_validate(event) for event in events[:limit]],
            "next": following}


class ChainCheck(BaseModel):
    checked: int = Field(description="Events checked / 已校验事件数")
    ok: bool = Field(description="No event edited, deleted or cut / 未发现篡改")
    problems: list[str] = Field(description="What is wrong, event by event / 问题")


@router.get("/audit/verify", summary="Check the audit trail's hash chain (admins) / 校验审计日志")
async def verify_audit(reads: ReadsDep, who: PrincipalDep) -> ChainCheck:
    """Walk the whole trail and check its chain, as ``graph-service audit --verify`` does:
    numbers without gaps, each event's link and hash (HMAC under the audit key), the head.
    Admins only.

    校验整条审计日志的哈希链（与 graph-service audit --verify 相同）：序号连续、前后哈希相连、
    尾部未被截断。仅管理员可用。"""
    who.require_admin()
    checked, problems = await reads.call(trail.verify_chain)
    return ChainCheck(checked=checked, ok=not problems, problems=problems)
