"""Who supports what / 谁在支持谁."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from graph_service.api import openapi_examples as ex
from graph_service.api.model_json import model_json
from graph_service.api.query_types import AsOf
from graph_service.api.security import PrincipalDep
from graph_service.db import support as repo
from graph_service.deps import ReadsDep
from graph_service.limits import MAX_PAGE
from graph_service.schemas.support import Candidates, Portfolio, SharedSupporters, Supporters

router = APIRouter(tags=["support"])


def _entity_id(id_: str, name: str) -> Any:
    """An entity id path parameter, with a demo entity as its example."""
    example = ex.id_example(f"{name} (demo region / 演示区域)", id_)
    return Path(description="Entity id / 编号", max_length=64, openapi_examples=example)

CandidateLimit = Annotated[
    int, Query(ge=1, le=repo.MAX_CANDIDATES, description="Candidates of each kind / 每类人选条数")
]


@router.get(
    "/entities/{entity_id}/supporters",
    summary="Who supports it, and through what / 谁在支持它，通过什么渠道",
    response_model=Supporters,
    responses={**ex.answer_response(ex.SUPPORTERS), 404: {"description": "No such id"}},
)
async def get_supporters(
    reads: ReadsDep, who: PrincipalDep,
    entity_id: Annotated[str, _entity_id("A-JIANXIN", "建新社区")], as_of: AsOf,
    skip: Annotated[int, Query(ge=0, le=repo.MAX_SKIP, description="Pass over / 跳过条数")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size / 每页条数")] = 100,
) -> Response:  # fmt: skip
    """The supporters of a branch, building, park, community or unit: instructors, liaison
    officers, covering organizations, paired organs, committee member units, claiming units,
    registered in-service members, service posts and volunteers, with the path and dates.
    A community has hundreds (registered members, volunteers): one page at a time, by
    channel then id; ``total`` and ``by_channel`` count them all. Errors: 404 when no
    entity has the id (or it lies outside your areas).

    党支部、楼宇、园区、社区或单位的全部支持者：党建指导员、联络员、覆盖党组织、结对机关、
    工委成员单位、认领项目单位、报到在职党员、服务岗位和志愿者，附支持路径与起止日期。按渠道、
    编号分页；total 与 by_channel 为全部页的计数。错误：编号不存在或不在您负责的区域内 404。"""
    found = await reads.read_plan(
        lambda: repo.supporters_plan(who, entity_id, as_of, skip=skip, limit=limit),
        "supporters",
    )
    return model_json(found)


@router.get(
    "/entities/{entity_id}/portfolio",
    summary="Everything a person or unit supports / 个人或单位的联系包挂清单",
    responses={**ex.answer_response(ex.PORTFOLIO), 404: {"description": "No such id"}},
)
async def get_portfolio(
    reads: ReadsDep, who: PrincipalDep,
    entity_id: Annotated[str, _entity_id("PS-LI-XIAOMEI", "李晓梅")], as_of: AsOf,
) -> Portfolio:  # fmt: skip
    """What a person or unit supports, through every channel (the other side of
    supporters): the branches, buildings and parks an officer is assigned to, what an
    organization covers, the communities an organ is paired with, the projects a unit
    claimed …; ``load`` counts the distinct entities, the measure of how busy it is.
    Errors: 404 when no entity has the id (or it lies outside your areas).

    个人或单位通过各渠道支持的全部对象（supporters 的反向）：指导员、联络员联系包挂的支部、
    楼宇、园区，党组织覆盖的对象，结对的社区，认领的项目等；load 为支持对象数，即其负担。
    错误：编号不存在或不在您负责的区域内 404。"""
    return await reads.call(repo.portfolio, who, entity_id, as_of)


@router.get(
    "/entities/{entity_id}/shared-supporters/{other_id}",
    summary="Supporters two entities share / 两者共同的支持者",
    responses={**ex.answer_response(ex.SHARED_SUPPORTERS),
               404: {"description": "No such id (either)"}},
)
async def get_shared(
    reads: ReadsDep, who: PrincipalDep,
    entity_id: Annotated[str, _entity_id("PO-JIANXIN-B1", "中共建新社区第一支部委员会")],
    other_id: Annotated[str, _entity_id("PO-QUANJING-BB", "中共建新商务大厦党支部")],
    as_of: AsOf,
) -> SharedSupporters:
    """The supporters of ``entity_id`` that also support ``other_id``, through any channel:
    the officer, organization or unit two branches or buildings have in common. Shared
    supporters outside your areas are counted, not listed. Errors: 404 when either id names
    no entity (or it lies outside your areas).

    两个对象共同的支持者（任一渠道），例如两个支部共同的指导员或上级党组织；不在您负责区域内的
    共同支持者只计数、不列出。错误：任一编号不存在或不在您负责的区域内 404。"""
    return await reads.call(repo.shared_supporters, who, entity_id, other_id, as_of)


@router.get(
    "/entities/{entity_id}/candidates",
    summary="Who should be assigned to it or cover it, given everyone's load / 推荐联系包挂人选",
    responses={
        **ex.answer_response(ex.CANDIDATES),
        404: {"description": "No such id"},
        422: {"description": "Not a party organization, building, park or unit"},
    },
)
async def get_candidates(
    reads: ReadsDep, who: PrincipalDep,
    entity_id: Annotated[str, _entity_id("B-HEPING", "和平国际大厦")], as_of: AsOf,
    limit: CandidateLimit = repo.CANDIDATES,
) -> Candidates:  # fmt: skip
    """For a branch, building or park: the instructors and liaison officers already working
    in its subdistrict who are not assigned to it; for a building, park or unit: the party
    organizations covering buildings, parks or units there that do not cover it. Nearest
    first (the smallest area the entity shares with one of the candidate's current
    targets), then the lightest current load, then id. The answer to a TEAM_*_NO_OFFICER
    or ORG_*_UNCOVERED gap: who could close it. Errors: 404 when no entity has the id (or
    it lies outside your areas); 422 when it is not a party organization, building, park
    or unit.

    为党支部、楼宇或园区推荐本街道内尚未联系它的党建指导员、联络员；为楼宇、园区或单位推荐
    本街道内已覆盖其他楼宇、园区或单位的党组织。就近优先，其次当前负担最轻。
    错误：编号不存在 404；对象不是党组织、楼宇、园区或单位 422。"""
    return await reads.call(repo.candidates, who, entity_id, as_of, limit=limit)
