"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from graph_service.deps import DatabaseDep
from graph_service.errors import SchemaNotReady

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    schema_version: str


@router.get("/health", summary="The process is alive / 进程存活")
def health() -> Health:
    """Answers 200 while the process lives, whatever the database does; needs no API key.

    进程存活即返回 200，与数据库状态无关；无需 API 密钥。"""
    return Health(status="ok")


@router.get(
    "/ready",
    summary="Neo4j answers and the schema is current / 数据库可用且结构为最新",
    responses={503: {"description": "Neo4j unreachable or schema not at the expected version"}},
)
def ready(db: DatabaseDep) -> Ready:
    """200 only when Neo4j answers and the schema is at the expected version.

    If Neo4j was away when the service started, the first successful readiness check
    applies the schema, so the service recovers by itself. Needs no API key. Errors: 503
    with Retry-After while Neo4j cannot be reached or the schema is not current.

    仅当 Neo4j 可用且数据库结构为预期版本时返回 200；服务启动时数据库不可用的，首次检查成功
    时自动建立结构。无需 API 密钥。错误：数据库不可达或结构未就绪时 503（附 Retry-After）。
    """
    try:
        db.check_ready()
    except SchemaNotReady:
        db.apply_schema()
        db.check_ready()
    return Ready(status="ready", schema_version=db.expected_schema_version)
