"""GET /audit: the audit trail of writes, for admins / 审计日志."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from graph_service.api.security import PrincipalDep
from graph_service.db import audit as trail
from graph_service.deps import ReadsDep
from graph_service.limits import MAX_PAGE

# the largest integer Cypher holds: a larger one cannot even be sent to Neo4j
SEQ_MAX = 2**63 - 1

router = APIRouter(tags=["audit · 审计"])


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
    before_seq: Annotated[
        int | None, Query(ge=1, le=SEQ_MAX, description="Page: events below this seq")
    ] = None,
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
