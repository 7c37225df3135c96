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
    """Answers while the process lives, whatever the database does."""
    return Health(status="ok")


@router.get(
    "/ready",
    summary="Neo4j answers and the schema is current / 数据库可用且结构为最新",
    responses={503: {"description": "Neo4j unreachable or schema not at the expected version"}},
)
def ready(db: DatabaseDep) -> Ready:
    """200 only when Neo4j answers and the schema is at the expected version.

    If Neo4j was away when the service started, the first successful readiness check
    applies the schema, so the service recovers by itself.
    """
    try:
        db.check_ready()
    except SchemaNotReady:
        db.apply_schema()
        db.check_ready()
    return Ready(status="ready", schema_version=db.expected_schema_version)
