"""Entities: create, read, update, delete and list every node and relationship kind.

One set of routes per kind, generated from the closed tables of the format
(``/units``, ``/party_orgs``, ``/relationships/assigned_to`` …), so every kind is
validated by its own model and documented with its own schema.
"""

# No `from __future__ import annotations` here: the routes are built in loops and FastAPI
# must see each kind's model class itself, not a string naming it.

import datetime as dt
import re
from enum import Enum, StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from graph_service.api import openapi_examples as ex
from graph_service.api.crud_docs import node_docs, rel_docs
from graph_service.api.locations import CREATED, located
from graph_service.api.model_json import model_json
from graph_service.api.paging import LINK_HEADER, Cursor, cursor_key, cursor_offset, link_next
from graph_service.api.security import PrincipalDep
from graph_service.auth.principal import Principal
from graph_service.db import entities as repo
from graph_service.db import support
from graph_service.db.database import Database
from graph_service.db.etags import if_none_match_holds
from graph_service.deps import DatabaseDep, ReadsDep
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NodeIn
from graph_service.domain.paging import encode_cursor, offset_cursor
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, Table
from graph_service.errors import InvalidInput
from graph_service.limits import MAX_PAGE, MAX_SKIP
from graph_service.schemas.paging import page_of

router = APIRouter()

REL_BY_KEY = {table.key: rel.value for rel, table in REL_TABLES.items()}
LinkType = StrEnum("LinkType", {key: key for key in REL_BY_KEY})  # type: ignore[misc]

Skip = Annotated[int, Query(
    ge=0, le=MAX_SKIP,
    description="Rows to pass over after the cursor (kept for older clients: page with "
                "cursor, which costs the same at any depth) / 在游标之后再跳过的行数（旧接口，"
                "请用 cursor）",
)]  # fmt: skip
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size / 每页行数")]
CHANGES = "Fields to change (English field names) / 要修改的字段"
ID = "Id / 编号"

# Conditional requests (RFC 9110 §13): the tag names the stored version, whoever reads it
IfMatch = Annotated[str | None, Header(
    alias="If-Match",
    description="Write only if the record is still at this version (the ETag you read; * for "
                "any): otherwise 412 and nothing is written / 仅当记录仍为该版本（读取时的 ETag，"
                "* 表示任意版本）时才写入，否则 412 且不写入",
)]  # fmt: skip
IfNoneMatch = Annotated[str | None, Header(
    alias="If-None-Match",
    description="The ETag you hold: 304 without a body while the record is unchanged / "
                "已持有的 ETag：记录未变时返回 304（无应答体）",
)]  # fmt: skip
TermSince = Annotated[str | None, Query(
    pattern=r"^(\d{4}-\d{2}-\d{2})?$",
    description="The term that starts on this date (YYYY-MM-DD; empty: the term whose start "
                "is not recorded); without it, the newest term / 任期的开始日期（空值：未记录开始"
                "日期的任期）；不填则为最新的任期",
)]  # fmt: skip


def _term(since: str | None) -> repo.TermKey:
    """The term a route's ``since`` names (see domain/terms.py)."""
    if since is None:
        return repo.LATEST
    if since == "":
        return None
    try:
        return dt.date.fromisoformat(since)
    except ValueError as error:
        raise InvalidInput(
            f"任期开始日期 since '{since}' 不是有效日期 / since '{since}' is not a date",
            errors=[{"field": "since", "message": "not a date / 不是有效日期"}],
        ) from error


_ETAG = {"ETag": {
    "description": "The stored record's version, for If-Match and If-None-Match / 记录当前版本",
    "schema": {"type": "string"},
}}  # fmt: skip
TAGGED: dict[int | str, dict[str, Any]] = {200: {"headers": _ETAG}}
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Unchanged since the ETag in If-None-Match / 记录未变",
          "headers": _ETAG},
}  # fmt: skip
STALE: dict[int | str, dict[str, Any]] = {
    412: {"description": "If-Match names a version no longer stored: someone changed the record "
                         "since you read it; nothing was written (`current_etag` is the stored "
                         "version) / 记录已被他人修改"},
}  # fmt: skip


#: a write by a role that may only read (``Principal.require_write``)
READ_ONLY: dict[int | str, dict[str, Any]] = {
    403: {"description": "Your role may only read / 当前角色只能查看"},
}


def _tagged(answer: Response, tag: str) -> Response:
    answer.headers["ETag"] = tag
    return answer


def _not_modified(if_none_match: str | None, tag: str) -> Response | None:
    """304 when the client already holds the stored version."""
    if if_none_match is not None and if_none_match_holds(if_none_match, tag):
        return _tagged(Response(status_code=status.HTTP_304_NOT_MODIFIED), tag)
    return None


#: a list's 200: the page, and the Link header to the next
PAGED: dict[int | str, dict[str, Any]] = {200: {"description": "OK", "headers": LINK_HEADER}}


def _node_after(list_name: str, cursor: str | None) -> str | None:
    """The id a node list's cursor starts after."""
    key = cursor_key(list_name, cursor)
    if key is not None and not isinstance(key, str):
        raise InvalidInput("翻页游标 cursor 无效 / cursor is not valid",
                           errors=[{"field": "cursor", "message": "not a cursor of this list"}])
    return key


def _rel_after(list_name: str, cursor: str | None) -> repo.RelKey | None:
    """The key (from id, to id, start) a relationship list's cursor starts after."""
    key = cursor_key(list_name, cursor)
    if key is None:
        return None
    try:
        from_id, to_id, since = key
        if isinstance(from_id, str) and isinstance(to_id, str):
            return from_id, to_id, None if since is None else dt.date.fromisoformat(since)
    except (TypeError, ValueError):
        pass
    raise InvalidInput("翻页游标 cursor 无效 / cursor is not valid",
                       errors=[{"field": "cursor", "message": "not a cursor of this list"}])


def _snake(name: str) -> str:
    """PartyOrg → party_org."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class SearchHit(BaseModel):
    id: str
    name: str
    name_en: str | None = None
    kind: str
    score: float


def _merged(*parts: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """``responses`` of a route from parts, one status's entries merged (its example, its
    headers)."""
    out: dict[int | str, dict[str, Any]] = {}
    for part in parts:
        for code, entry in part.items():
            out[code] = out.get(code, {}) | entry
    return out


def _node_routes(table: Table) -> None:
    kind = table.kind
    assert isinstance(kind, NodeKind)
    model: Any = table.model
    path = f"/{table.key}"
    tags: list[str | Enum] = [f"{table.key} · {table.zh}"]
    docs = node_docs(kind)
    noun = _snake(kind.value)  # the operations' names: create_unit, list_units …
    page: Any = page_of(model)

    @router.post(path, operation_id=f"create_{noun}",
                 status_code=status.HTTP_201_CREATED, tags=tags,
                 summary=docs["create"].summary, description=docs["create"].description,
                 responses={**CREATED, **READ_ONLY,
                            404: {"description": "No node with the id link_to"},
                            409: {"description": "The id is already used"}})  # fmt: skip
    def create(
        db: DatabaseDep,
        who: PrincipalDep,
        request: Request,
        response: Response,
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
        created = repo.create_node(db, who, body, joined)
        located(request, response, table.key, created.id)
        return created

    @router.get(path, operation_id=f"list_{table.key}",
                tags=tags, summary=docs["list"].summary,
                description=docs["list"].description, response_model=page,
                responses=PAGED)  # fmt: skip
    async def list_(
        reads: ReadsDep,
        who: PrincipalDep,
        request: Request,
        response: Response,
        cursor: Cursor = None,
        skip: Skip = 0,
        limit: Limit = 50,
        kind_filter: Annotated[
            str | None, Query(alias="kind", max_length=64, description="kind or level / 类型或层级")
        ] = None,
        name: Annotated[
            str | None, Query(max_length=200, description="Part of the name / 名称的一部分")
        ] = None,
    ) -> Any:
        total, items, last = await reads.call(
            repo.list_nodes, who, kind, subkind=kind_filter, name=name,
            after=_node_after(table.key, cursor), skip=skip, limit=limit,
        )  # fmt: skip
        following = None if last is None else encode_cursor(table.key, last)
        link_next(request, response, following)
        return page(items=items, total=total, next=following)

    @router.get(path + "/{node_id}", operation_id=f"get_{noun}",
                tags=tags, summary=docs["get"].summary,
                description=docs["get"].description, response_model=model,
                responses=_merged(ex.answer_response(ex.node_read(kind, path)), TAGGED,
                                  NOT_MODIFIED, {404: {"description": "No such id"}}))  # fmt: skip
    async def get(
        reads: ReadsDep,
        who: PrincipalDep,
        node_id: Annotated[
            str, Path(max_length=64, description=ID, openapi_examples=ex.node_id(kind))
        ],
        if_none_match: IfNoneMatch = None,
    ) -> Response:
        node, tag = await reads.read_plan(
            lambda: repo.get_tagged_node_plan(who, kind, node_id), "node_get"
        )
        return _not_modified(if_none_match, tag) or _tagged(model_json(node), tag)

    @router.patch(path + "/{node_id}", operation_id=f"update_{noun}",
                  tags=tags, summary=docs["update"].summary,
                  description=docs["update"].description,
                  responses={**TAGGED, **READ_ONLY, 404: {"description": "No such id"},
                             **STALE})  # fmt: skip
    def update(
        db: DatabaseDep,
        who: PrincipalDep,
        response: Response,
        node_id: Annotated[
            str, Path(max_length=64, description=ID, openapi_examples=ex.node_id(kind))
        ],
        changes: Annotated[
            dict[str, Any],
            Body(description=CHANGES, openapi_examples=ex.node_patch_body(kind)),
        ],
        if_match: IfMatch = None,
    ) -> model:
        node, tag = repo.update_tagged_node(db, who, kind, node_id, changes, if_match)
        _tagged(response, tag)
        return node

    @router.delete(
        path + "/{node_id}", operation_id=f"delete_{noun}", tags=tags,
        status_code=status.HTTP_204_NO_CONTENT, summary=docs["delete"].summary,
        description=docs["delete"].description,
        responses={**READ_ONLY, 404: {"description": "No such id"},
                   409: {"description": "It has relationships and cascade is not set"}, **STALE},
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
        if_match: IfMatch = None,
    ) -> Response:
        repo.delete_node(db, who, kind, node_id, cascade, if_match)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


def _rel_routes(table: Table) -> None:
    rel = table.kind
    assert isinstance(rel, RelKind)
    model: Any = table.model
    path = f"/relationships/{table.key}"
    one = path + "/{from_id}/{to_id}"
    tags: list[str | Enum] = [f"relationships · 关系 · {table.zh}"]
    docs = rel_docs(rel)
    noun = f"{rel.value.lower()}_relationship"  # create_assigned_to_relationship …
    page: Any = page_of(model)
    terms_page: Any = page_of(model, model.__name__.removesuffix("In") + "TermPage")
    demo_from, demo_to = ex.rel_ends(rel)
    new_from, new_to = ex.rel_ends(rel, new=True)

    @router.post(path, operation_id=f"create_{noun}",
                 status_code=status.HTTP_201_CREATED, tags=tags,
                 summary=docs["create"].summary, description=docs["create"].description,
                 responses={**CREATED, **READ_ONLY,
                            404: {"description": "No node with id from_id or to_id"},
                            409: {"description": "Overlaps a stored term of the two"}})  # fmt: skip
    def create(
        db: DatabaseDep,
        who: PrincipalDep,
        request: Request,
        response: Response,
        body: Annotated[model, Body(openapi_examples=ex.rel_create_body(rel))],
    ) -> model:
        created = repo.create_relationship(db, who, body)
        # the term's own URL: since= names it among the pair's terms ('' when it has no start)
        since = "" if created.since is None else created.since.isoformat()
        located(request, response, "relationships", table.key, created.from_id, created.to_id,
                since=since)  # fmt: skip
        return created

    @router.get(path, operation_id=f"list_{noun}",
                tags=tags, summary=docs["list"].summary,
                description=docs["list"].description, response_model=page,
                responses=PAGED)  # fmt: skip
    async def list_(
        reads: ReadsDep,
        who: PrincipalDep,
        request: Request,
        response: Response,
        cursor: Cursor = None,
        skip: Skip = 0,
        limit: Limit = 50,
        from_id: Annotated[
            str | None, Query(max_length=64, description="Start node / 起点")
        ] = None,
        to_id: Annotated[str | None, Query(max_length=64, description="End node / 终点")] = None,
    ) -> Any:
        list_name = f"rel:{table.key}"
        total, items, last = await reads.call(
            repo.list_relationships, who, rel, from_id=from_id, to_id=to_id,
            after=_rel_after(list_name, cursor), skip=skip, limit=limit,
        )  # fmt: skip
        following = None
        if last is not None:
            since = None if last[2] is None else last[2].isoformat()
            following = encode_cursor(list_name, [last[0], last[1], since])
        link_next(request, response, following)
        return page(items=items, total=total, next=following)

    @router.get(one, operation_id=f"get_{noun}",
                tags=tags, summary=docs["get"].summary,
                description=docs["get"].description,
                response_model=model,
                responses=_merged(ex.answer_response(ex.rel_read(rel, path)), TAGGED, NOT_MODIFIED,
                                  {404: {"description": "No such relationship"}}))  # fmt: skip
    async def get(
        reads: ReadsDep,
        who: PrincipalDep,
        from_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_from)],
        to_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_to)],
        since: TermSince = None,
        if_none_match: IfNoneMatch = None,
    ) -> Response:
        found, tag = await reads.call(repo.get_tagged_relationship, who, rel, from_id, to_id,
                                      _term(since))  # fmt: skip
        return _not_modified(if_none_match, tag) or _tagged(model_json(found), tag)

    @router.get(one + "/terms", operation_id=f"list_{noun}_terms",
                tags=tags, summary=docs["terms"].summary,
                description=docs["terms"].description, response_model=terms_page,
                responses={404: {"description": "No such relationship"}})  # fmt: skip
    async def terms(
        reads: ReadsDep,
        who: PrincipalDep,
        from_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_from)],
        to_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_to)],
    ) -> Any:
        found = await reads.call(repo.list_terms, who, rel, from_id, to_id)
        return terms_page(items=found, total=len(found))

    @router.patch(one, operation_id=f"update_{noun}",
                  tags=tags, summary=docs["update"].summary,
                  description=docs["update"].description,
                  responses={**TAGGED, **READ_ONLY, 404: {"description": "No such relationship"},
                             409: {"description": "Overlaps another term of the two"},
                             **STALE})  # fmt: skip
    def update(
        db: DatabaseDep,
        who: PrincipalDep,
        response: Response,
        from_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_from)],
        to_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=demo_to)],
        changes: Annotated[
            dict[str, Any], Body(description=CHANGES, openapi_examples=ex.rel_patch_body(rel))
        ],
        since: TermSince = None,
        if_match: IfMatch = None,
    ) -> model:
        found, tag = repo.update_tagged_relationship(db, who, rel, from_id, to_id, changes,
                                                     if_match, _term(since))  # fmt: skip
        _tagged(response, tag)
        return found

    @router.delete(one, operation_id=f"delete_{noun}",
                   tags=tags, status_code=status.HTTP_204_NO_CONTENT,
                   summary=docs["delete"].summary, description=docs["delete"].description,
                   responses={**READ_ONLY, 404: {"description": "No such relationship"},
                              **STALE})  # fmt: skip
    def delete(
        db: DatabaseDep,
        who: PrincipalDep,
        from_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=new_from)],
        to_id: Annotated[str, Path(max_length=64, description=ID, openapi_examples=new_to)],
        since: TermSince = None,
        if_match: IfMatch = None,
    ) -> Response:
        repo.delete_relationship(db, who, rel, from_id, to_id, if_match, _term(since))
        return Response(status_code=status.HTTP_204_NO_CONTENT)


class EntityOut(BaseModel):
    kind: str = Field(description="Node label / 节点类型")
    entity: dict[str, Any]


@router.get("/entities/{entity_id}", tags=["entities · 实体"],
            summary="Any entity by id / 按编号查看任意实体",
            response_model=EntityOut,
            responses=_merged(ex.answer_response(ex.ENTITY), TAGGED, NOT_MODIFIED,
                              {404: {"description": "No such id"}}))  # fmt: skip
async def get_entity(
    reads: ReadsDep,
    who: PrincipalDep,
    entity_id: Annotated[str, Path(max_length=64, description=ID,
                                   openapi_examples=ex.id_example("建新社区", "A-JIANXIN"))],
    if_none_match: IfNoneMatch = None,
) -> Response:  # fmt: skip
    """A node of any kind by its id, when the kind is not known: its label (``kind``) and
    every field. Ids are unique across all kinds. The ETag is the node's, as its own route
    answers it. Errors: 404 when no node has the id (or it lies outside your areas).

    按编号查看任意类型的节点（编号在所有类型中唯一）：返回节点类型 kind 与全部字段；ETag
    与该节点自身路由的相同。错误：编号不存在或不在您负责的区域内 404。"""
    kind, node, tag = await reads.call(_any_entity, who, entity_id)
    answer = EntityOut(kind=kind, entity=node.model_dump(mode="json"))
    return _not_modified(if_none_match, tag) or _tagged(model_json(answer), tag)


def _any_entity(db: Database, who: Principal, entity_id: str) -> tuple[str, NodeIn, str]:
    """The node with the id, whatever its kind: its kind, the node and its ETag."""
    ref = support.entity(db, who, entity_id)
    node: NodeIn
    node, tag = repo.get_tagged_node(db, who, NodeKind(ref.kind), entity_id)
    return ref.kind, node, tag


SearchPage: Any = page_of(SearchHit, "SearchHitPage")


@router.get("/search", tags=["entities · 实体"], summary="Search by name / 按名称搜索",
            response_model=SearchPage,
            responses=_merged(ex.answer_response(ex.SEARCH), PAGED))  # fmt: skip
async def search(
    reads: ReadsDep,
    who: PrincipalDep,
    request: Request,
    response: Response,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words of the name / 名称",
                            openapi_examples=ex.id_example("建新", "建新"))],
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Any:  # fmt: skip
    """Full-text search over the Chinese and English names of every kind (CJK analyzer),
    best match first. Query syntax is searched for, not interpreted. No match is ``[]``,
    and so is a query of only spaces (no word to search for).

    按中文或英文名称全文检索所有类型的节点（中日韩分词），按相关度排序；查询中的特殊符号
    按字面检索。无结果（或查询只有空白字符）时 items 为空列表。"""
    skip = cursor_offset(cursor, 0)
    rows = await reads.call(repo.search, who, q, limit + 1, skip)
    following = offset_cursor(skip, limit, skip + len(rows))
    link_next(request, response, following)
    return SearchPage(items=[SearchHit.model_validate(row) for row in rows[:limit]], total=None,
                      next=following)  # fmt: skip


for _table in NODE_TABLES.values():
    _node_routes(_table)
for _table in REL_TABLES.values():
    _rel_routes(_table)
