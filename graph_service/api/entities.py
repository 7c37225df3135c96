"""Entities: create, read, update, delete and list every node and relationship kind.

One set of routes per kind, generated from the closed tables of the format
(``/units``, ``/party_orgs``, ``/relationships/assigned_to`` …), so every kind is
validated by its own model and documented with its own schema.
"""

# No `from __future__ import annotations` here: the routes are built in loops and FastAPI
# must see each kind's model class itself, not a string naming it.

from enum import Enum, StrEnum
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Body, Path, Query, Response, status
from pydantic import BaseModel, Field

from graph_service.api.model_json import model_json
from graph_service.api.security import PrincipalDep
from graph_service.db import entities as repo
from graph_service.deps import DatabaseDep, ReadsDep
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NodeIn
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, Table
from graph_service.errors import InvalidInput

router = APIRouter()

Id = Annotated[str, Path(max_length=64, description="Id / 编号")]
REL_BY_KEY = {table.key: rel.value for rel, table in REL_TABLES.items()}
LinkType = StrEnum("LinkType", {key: key for key in REL_BY_KEY})  # type: ignore[misc]

T = TypeVar("T")
MAX_PAGE = 500

Skip = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip / 跳过行数")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size / 每页行数")]
Changes = Annotated[
    dict[str, Any],
    Body(description="Fields to change (English field names) / 要修改的字段",
         examples=[{"name": "建新社区", "name_en": "Jianxin Community"}]),
]  # fmt: skip


class Page(BaseModel, Generic[T]):
    total: int = Field(description="Rows matching the filters / 符合条件的总数")
    skip: int
    limit: int
    items: list[T]


class Deleted(BaseModel):
    deleted: str
    kind: str
    relationships_deleted: list[dict[str, Any]] = Field(
        description="What went with it: relationship type, direction, count / 一并删除的关系"
    )


class SearchHit(BaseModel):
    id: str
    name: str
    name_en: str | None = None
    kind: str
    score: float


def _node_routes(table: Table) -> None:
    kind = table.kind
    assert isinstance(kind, NodeKind)
    model: Any = table.model
    path = f"/{table.key}"
    tags: list[str | Enum] = [f"{table.key} · {table.zh}"]

    @router.post(path, status_code=status.HTTP_201_CREATED, tags=tags,
                 summary=f"Create a {kind.value} / 新建{table.zh}",
                 responses={404: {"description": "No node with the id link_to"},
                            409: {"description": "The id is already used"}})  # fmt: skip
    def create(
        db: DatabaseDep,
        who: PrincipalDep,
        body: model,
        link: Annotated[
            LinkType | None,
            Query(description="Also create this relationship to link_to (organizers: place the "
                              "new node inside your areas) / 同时建立的关系类型"),
        ] = None,
        link_to: Annotated[
            str | None, Query(max_length=64, description="The other end of link / 关联节点编号")
        ] = None,
    ) -> model:
        if (link is None) != (link_to is None):
            raise InvalidInput("give link and link_to together / link 与 link_to 须同时给出",
                               errors=[{"field": "link_to" if link else "link",
                                        "message": "link and link_to go together"}])  # fmt: skip
        joined = (RelKind(REL_BY_KEY[link.value]), link_to) if link and link_to else None
        return repo.create_node(db, who, body, joined)

    @router.get(path, tags=tags, summary=f"List {table.key} / {table.zh}列表")
    def list_(
        db: DatabaseDep,
        who: PrincipalDep,
        skip: Skip = 0,
        limit: Limit = 50,
        kind_filter: Annotated[
            str | None, Query(alias="kind", max_length=64, description="kind or level / 类型或层级")
        ] = None,
        name: Annotated[str | None, Query(max_length=200, description="Part of the name")] = None,
    ) -> Page[model]:
        total, items = repo.list_nodes(db, who, kind, subkind=kind_filter, name=name, skip=skip,
                                       limit=limit)  # fmt: skip
        return Page[model](total=total, skip=skip, limit=limit, items=items)

    @router.get(path + "/{node_id}", tags=tags, summary=f"One {kind.value} / 查看{table.zh}",
                response_model=model, responses={404: {"description": "No such id"}})  # fmt: skip
    async def get(reads: ReadsDep, who: PrincipalDep, node_id: Id) -> Response:
        node = await reads.read_plan(lambda: repo.get_node_plan(who, kind, node_id), "node_get")
        return model_json(node)

    @router.patch(path + "/{node_id}", tags=tags, summary=f"Update a {kind.value} / 修改{table.zh}",
                  responses={404: {"description": "No such id"}})  # fmt: skip
    def update(db: DatabaseDep, who: PrincipalDep, node_id: Id, changes: Changes) -> model:
        return repo.update_node(db, who, kind, node_id, changes)

    @router.delete(
        path + "/{node_id}", tags=tags, summary=f"Delete a {kind.value} / 删除{table.zh}",
        responses={404: {"description": "No such id"},
                   409: {"description": "It has relationships and cascade is not set"}},
    )  # fmt: skip
    def delete(
        db: DatabaseDep,
        who: PrincipalDep,
        node_id: Id,
        cascade: Annotated[bool, Query(description="Also delete its relationships")] = False,
    ) -> Deleted:
        return Deleted.model_validate(repo.delete_node(db, who, kind, node_id, cascade))


def _rel_routes(table: Table) -> None:
    rel = table.kind
    assert isinstance(rel, RelKind)
    model: Any = table.model
    path = f"/relationships/{table.key}"
    one = path + "/{from_id}/{to_id}"
    tags: list[str | Enum] = [f"relationships · 关系 · {table.zh}"]

    @router.post(path, status_code=status.HTTP_201_CREATED, tags=tags,
                 summary=f"Create {rel.value} / 新建{table.zh}关系",
                 responses={404: {"description": "No node with id from_id or to_id"}})  # fmt: skip
    def create(db: DatabaseDep, who: PrincipalDep, body: model) -> model:
        return repo.create_relationship(db, who, body)

    @router.get(path, tags=tags, summary=f"List {rel.value} / {table.zh}关系列表")
    def list_(
        db: DatabaseDep,
        who: PrincipalDep,
        skip: Skip = 0,
        limit: Limit = 50,
        from_id: Annotated[str | None, Query(max_length=64)] = None,
        to_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Page[model]:
        total, items = repo.list_relationships(db, who, rel, from_id=from_id, to_id=to_id,
                                               skip=skip, limit=limit)  # fmt: skip
        return Page[model](total=total, skip=skip, limit=limit, items=items)

    @router.get(one, tags=tags, summary=f"One {rel.value} / 查看{table.zh}关系",
                responses={404: {"description": "No such relationship"}})  # fmt: skip
    def get(db: DatabaseDep, who: PrincipalDep, from_id: Id, to_id: Id) -> model:
        return repo.get_relationship(db, who, rel, from_id, to_id)

    @router.patch(one, tags=tags, summary=f"Update {rel.value} / 修改{table.zh}关系",
                  responses={404: {"description": "No such relationship"}})  # fmt: skip
    def update(
        db: DatabaseDep, who: PrincipalDep, from_id: Id, to_id: Id, changes: Changes
    ) -> model:
        return repo.update_relationship(db, who, rel, from_id, to_id, changes)

    @router.delete(one, tags=tags, status_code=status.HTTP_204_NO_CONTENT,
                   summary=f"Delete {rel.value} / 删除{table.zh}关系",
                   responses={404: {"description": "No such relationship"}})  # fmt: skip
    def delete(db: DatabaseDep, who: PrincipalDep, from_id: Id, to_id: Id) -> Response:
        repo.delete_relationship(db, who, rel, from_id, to_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


class EntityOut(BaseModel):
    kind: str = Field(description="Node label / 节点类型")
    entity: dict[str, Any]


@router.get("/entities/{entity_id}", tags=["entities · 实体"],
            summary="Any entity by id / 按编号查看任意实体",
            responses={404: {"description": "No such id"}})  # fmt: skip
def get_entity(db: DatabaseDep, who: PrincipalDep, entity_id: Id) -> EntityOut:
    from graph_service.db.support import entity

    ref = entity(db, who, entity_id)
    node: NodeIn = repo.get_node(db, who, NodeKind(ref.kind), entity_id)
    return EntityOut(kind=ref.kind, entity=node.model_dump(mode="json"))


@router.get("/search", tags=["entities · 实体"], summary="Search by name / 按名称搜索")
def search(
    db: DatabaseDep,
    who: PrincipalDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words of the name")],
    limit: Limit = 20,
) -> list[SearchHit]:
    """Full-text search over Chinese and English names (CJK analyzer)."""
    return [SearchHit.model_validate(row) for row in repo.search(db, who, q, limit)]


for _table in NODE_TABLES.values():
    _node_routes(_table)
for _table in REL_TABLES.values():
    _rel_routes(_table)
