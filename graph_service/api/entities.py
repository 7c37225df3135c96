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

from graph_service.api import openapi_examples as ex
from graph_service.api.crud_docs import node_docs, rel_docs
from graph_service.api.model_json import model_json
from graph_service.api.security import PrincipalDep
from graph_service.db import entities as repo
from graph_service.deps import DatabaseDep, ReadsDep
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NodeIn
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, Table
from graph_service.errors import InvalidInput
from graph_service.limits import MAX_PAGE, MAX_SKIP

router = APIRouter()

REL_BY_KEY = {table.key: rel.value for rel, table in REL_TABLES.items()}
LinkType = StrEnum("LinkType", {key: key for key in REL_BY_KEY})  # type: ignore[misc]

T = TypeVar("T")
Skip = Annotated[int, Query(ge=0, le=MAX_SKIP, description="Rows to skip / 跳过行数")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size / 每页行数")]
CHANGES = "Fields to change (English field names) / 要修改的字段"
ID = "Id / 编号"


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
    docs = node_docs(kind)

    @router.post(path, status_code=status.HTTP_201_CREATED, tags=tags,
                 summary=docs["create"].summary, description=docs["create"].description,
                 responses={404: {"description": "No node with the id link_to"},
                            409: {"description": "The id is already used"}})  # fmt: skip
    def create(
        db: DatabaseDep,
        who: PrincipalDep,
        body: Annotated[model, Body(openapi_examples=ex.node_create_body(kind))],
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

    @router.get(path, tags=tags, summary=docs["list"].summary,
                description=docs["list"].description)  # fmt: skip
    def list_(
        db: DatabaseDep,
        who: PrincipalDep,
        skip: Skip = 0,
        limit: Limit = 50,
        kind_filter: Annotated[
            str | None, Query(alias="kind", max_length=64, description="kind or level / 类型或层级")
        ] = None,
        name: Annotated[
            str | None, Query(max_length=200, description="Part of the name / 名称的一部分")
        ] = None,
    ) -> Page[model]:
        total, items = repo.list_nodes(db, who, kind, subkind=kind_filter, name=name, skip=skip,
                                       limit=limit)  # fmt: skip
        return Page[model](total=total, skip=skip, limit=limit, items=items)

    @router.get(path + "/{node_id}", tags=tags, summary=docs["get"].summary,
                description=docs["get"].description, response_model=model,
                responses={**ex.answer_response(ex.node_read(kind, path)),
                           404: {"description": "No such id"}})  # fmt: skip
    async def get(
        reads: ReadsDep,
        who: PrincipalDep,
        node_id: Annotated[
            str, Path(max_length=64, description=ID, openapi_examples=ex.node_id(kind))
        ],
    ) -> Response:
        node = await reads.read_plan(lambda: repo.get_node_plan(who, kind, node_id), "node_get")
        return model_json(node)

    @router.patch(path + "/{node_id}", tags=tags, summary=docs["update"].summary,
                  description=docs["update"].description,
                  responses={404: {"description": "No such id"}})  # fmt: skip
    def update(
        db: DatabaseDep,
        who: PrincipalDep,
        node_id: Annotated[
            str, Path(max_length=64, description=ID, openapi_examples=ex.node_id(kind))
        ],
        changes: Annotated[
            dict[str, Any],
            Body(description=CHANGES, openapi_examples=ex.node_patch_body(kind)),
        ],
    ) -> model:
        return repo.update_node(db, who, kind, node_id, changes)

    @router.delete(
        path + "/{node_id}", tags=tags, summary=docs["delete"].summary,
        description=docs["delete"].description,
        responses={404: {"description": "No such id"},
                   409: {"description": "It has relationships and cascade is not set"}},
    )  # fmt: skip
    def delete(
        db: DatabaseDep,
        who: PrincipalDep,
        node_id: Annotated[
            str, Path(max_length=64, description=ID, openapi_examples=ex.new_node_id(kind))
        ],
        cascade: Annotated[
            bool, Query(description="Also delete its relationships / 一并删除其关系")
        ] = False,
    ) -> Deleted:
        return Deleted.model_validate(repo.delete_node(db, who, kind, node_id, cascade))


def _rel_routes(table: Table) -> None:
    rel = table.kind
    assert isinstance(rel, RelKind)
    model: Any = table.model
    path = f"/relationships/{table.key}"
    one = path + "/{from_id}/{to_id}"
    tags: list[str | Enum] = [f"relationships · 关系 · {table.zh}"]
    docs = rel_docs(rel)
    demo_from, demo_to = ex.rel_ends(rel)
    new_from, new_to = ex.rel_ends(rel, new=True)

    @router.post(path, status_code=status.HTTP_201_CREATED, tags=tags,
                 summary=docs["create"].summary, description=docs["create"].description,
                 responses={404: {"description": "No node with id from_id or to_id"},
                            409: {"description": "Already joined by this type"}})  # fmt: skip
    def create(
        db: DatabaseDep,
        who: PrincipalDep,
        body: Annotated[model, Body(openapi_examples=ex.rel_create_body(rel))],
    ) -> model:
        return repo.create_relationship(db, who, body)

    @router.get(path, tags=tags, summary=docs["list"].summary,
                description=docs["list"].description)  # fmt: skip
    def list_(
        db: DatabaseDep,
        who: PrincipalDep,
        skip: Skip = 0,
        limit: Limit = 50,
        from_id: Annotated[
            str | None, Query(max_length=64, description="Start node / 起点")
        ] = None,
        to_id: Annotated[str | None, Query(max_length=64, description="End node / 终点")] = None,
    ) -> Page[model]:
        total, items = repo.list_relationships(db, who, rel, from_id=from_id, to_id=to_id,
                                               skip=skip, limit=limit)  # fmt: skip
        return Page[model](total=total, skip=skip, limit=limit, items=items)

    @router.get(one, tags=tags, summary=docs["get"].summary,
                description=docs["get"].description,
                responses={**ex.answer_response(ex.rel_read(rel, path)),
                           404: {"description": "No such relationship"}})  # fmt: skip
    def get(
        db: DatabaseDep,
        who: PrincipalDep,
        from_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_from)],
        to_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_to)],
    ) -> model:
        return repo.get_relationship(db, who, rel, from_id, to_id)

    @router.patch(one, tags=tags, summary=docs["update"].summary,
                  description=docs["update"].description,
                  responses={404: {"description": "No such relationship"}})  # fmt: skip
    def update(
        db: DatabaseDep,
        who: PrincipalDep,
        from_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_from)],
        to_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_to)],
        changes: Annotated[
            dict[str, Any], Body(description=CHANGES, openapi_examples=ex.rel_patch_body(rel))
        ],
    ) -> model:
        return repo.update_relationship(db, who, rel, from_id, to_id, changes)

    @router.delete(one, tags=tags, status_code=status.HTTP_204_NO_CONTENT,
                   summary=docs["delete"].summary, description=docs["delete"].description,
                   responses={404: {"description": "No such relationship"}})  # fmt: skip
    def delete(
        db: DatabaseDep,
        who: PrincipalDep,
        from_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=new_from)],
        to_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=new_to)],
    ) -> Response:
        repo.delete_relationship(db, who, rel, from_id, to_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


class EntityOut(BaseModel):
    kind: str = Field(description="Node label / 节点类型")
    entity: dict[str, Any]


@router.get("/entities/{entity_id}", tags=["entities · 实体"],
            summary="Any entity by id / 按编号查看任意实体",
            responses={**ex.answer_response(ex.ENTITY),
                       404: {"description": "No such id"}})  # fmt: skip
def get_entity(
    db: DatabaseDep,
    who: PrincipalDep,
    entity_id: Annotated[str, Path(max_length=64, description=ID,
                                   openapi_examples=ex.id_example("建新社区", "A-JIANXIN"))],
) -> EntityOut:  # fmt: skip
    """A node of any kind by its id, when the kind is not known: its label (``kind``) and
    every field. Ids are unique across all kinds. Errors: 404 when no node has the id (or it
    lies outside your areas).

    按编号查看任意类型的节点（编号在所有类型中唯一）：返回节点类型 kind 与全部字段。
    错误：编号不存在或不在您负责的区域内 404。"""
    from graph_service.db.support import entity

    ref = entity(db, who, entity_id)
    node: NodeIn = repo.get_node(db, who, NodeKind(ref.kind), entity_id)
    return EntityOut(kind=ref.kind, entity=node.model_dump(mode="json"))


@router.get("/search", tags=["entities · 实体"], summary="Search by name / 按名称搜索",
            responses=ex.answer_response(ex.SEARCH))  # fmt: skip
def search(
    db: DatabaseDep,
    who: PrincipalDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words of the name / 名称",
                            openapi_examples=ex.id_example("建新", "建新"))],
    limit: Limit = 20,
) -> list[SearchHit]:  # fmt: skip
    """Full-text search over the Chinese and English names of every kind (CJK analyzer),
    best match first. Query syntax is searched for, not interpreted. No match is ``[]``,
    and so is a query of only spaces (no word to search for).

    按中文或英文名称全文检索所有类型的节点（中日韩分词），按相关度排序；查询中的特殊符号
    按字面检索。无结果（或查询只有空白字符）时返回空列表。"""
    return [SearchHit.model_validate(row) for row in repo.search(db, who, q, limit)]


for _table in NODE_TABLES.values():
    _node_routes(_table)
for _table in REL_TABLES.values():
    _rel_routes(_table)
