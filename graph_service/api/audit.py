"""The audit trail of writes: the whole of it for admins (GET /audit), and one entity's
history for anyone who may read the entity (GET /entities/{id}/history) / 审计日志、变更记录."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from graph_service.api import openapi_examples as ex
from graph_service.api.security import PrincipalDep
from graph_service.db import audit as trail
from graph_service.db.history import entity_history_plan
from graph_service.deps import ReadsDep
from graph_service.limits import MAX_PAGE

# the largest integer Cypher holds: a larger one cannot even be sent to Neo4j
SEQ_MAX = 2**63 - 1

router = APIRouter(tags=["audit · 审计"])

BeforeSeq = Annotated[int | None, Query(
    ge=1, le=SEQ_MAX, description="Page: events below this seq / 翻页：序号小于此值的事件"
)]  # fmt: skip


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


@router.get("/audit", summary="The audit trail, newest first (admins) / 审计日志")
async def list_audit(
    reads: ReadsDep,
    who: PrincipalDep,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=50, description="Prefix: node., import …")] = (
        None
    ),
    target: Annotated[str | None, Query(max_length=64, description="An id it touched")] = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before_seq: BeforeSeq = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> list[AuditEvent]:
    """Who changed what and when, through the API, imports and the CLI, newest first:
    before and after of each write (personal values masked), hash-chained so that an
    edited or deleted event is found by ``graph-service audit --verify``. Admins only
    (403 otherwise). Page back with ``before_seq``.

    通过 API、导入和命令行进行的每次写操作：操作人、时间、修改前后的值（个人信息隐去），按
    时间倒序；事件以哈希链相连，可用 graph-service audit --verify 发现篡改或删除。仅管理员
    可查看（否则 403）；用 before_seq 向前翻页。"""
    who.require_admin()
    events = await reads.call(trail.list_events, actor=actor, action=action, target=target,
                              since=since, until=until, after_seq=before_seq,
                              limit=limit)  # fmt: skip
    return [AuditEvent.model_validate(event) for event in events]


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
    response_model=list[EntityEvent],
    responses={404: {"description": "No such id, or outside your areas / 编号不存在或不在区域内"}},
)  # fmt: skip
async def get_entity_history(
    reads: ReadsDep,
    who: PrincipalDep,
    entity_id: Annotated[str, Path(max_length=64, description="Entity id / 编号",
                                   openapi_examples=ex.id_example("和平社区", "A-HEPING"))],
    before_seq: BeforeSeq = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size / 每页条数")] = 100,
) -> list[EntityEvent]:  # fmt: skip
    """Who changed this entity and when, newest first: the audit trail's events about the
    node (created, changed field by field as before and after, deleted) and about its
    relationships (it is an end: created, changed, ended or deleted). Anyone who may read
    the entity may read its history, under the same rule: 404 when no entity has the id
    or it lies outside your areas. For an account limited to areas, a relationship's event
    is shown only when both its ends lie in them (as the relationship's own read), and
    any other value naming an entity outside them is withheld (null, its place listed in
    ``redacted``). Personal data is masked as in the trail. Page back with ``before_seq``
    = the last ``seq`` of a page; a page shorter than ``limit`` is the last.

    查看实体的变更记录（按时间倒序）：来自审计日志中关于该节点（新建、逐字段修改前后、删除）及其
    关系（以其为一端的关系的新建、修改、删除）的事件。能查看该实体的账号即可查看其变更记录，规则
    相同：编号不存在或不在您负责的区域内时 404。区域账号只能看到两端都在其区域内的关系事件；
    其他涉及区域外对象的值以 null 隐去，并在 redacted 中列出位置。个人信息按审计日志的规则隐去。
    用 before_seq（上一页最后一条的 seq）向前翻页；不足 limit 条即为最后一页。"""
    events = await reads.read_plan(
        lambda: entity_history_plan(who, entity_id, before_seq=before_seq, limit=limit),
        "entity_history",
    )
    return [EntityEvent.model_validate(event) for event in events]


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
