"""Who supports what / 谁在支持谁."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from graph_service.api.model_json import model_json
from graph_service.api.security import PrincipalDep
from graph_service.db import support as repo
from graph_service.deps import DatabaseDep, ReadsDep
from graph_service.schemas.support import Candidates, Portfolio, SharedSupporters, Supporters

router = APIRouter(tags=["support"])

AsOf = Annotated[
    dt.date | None,
    Query(description="Only relationships valid on this date count (default: today) / 截至日期"),
]
EntityId = Annotated[str, Path(description="Entity id / 编号", max_length=64)]
CandidateLimit = Annotated[
    int, Query(ge=1, le=repo.MAX_CANDIDATES, description="Candidates of each kind / 每类人选条数")
]


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


@router.get(
    "/entities/{entity_id}/supporters",
    summary="Who supports it, and through what / 谁在支持它，通过什么渠道",
    response_model=Supporters,
    responses={404: {"description": "No such id"}},
)
async def get_supporters(
    reads: ReadsDep, who: PrincipalDep, entity_id: EntityId, as_of: AsOf = None,
    skip: Annotated[int, Query(ge=0, le=repo.MAX_SKIP, description="Pass over / 跳过条数")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size / 每页条数")] = 100,
) -> Response:  # fmt: skip
    """The supporters of a branch, building, park, community or unit: instructors, liaison
    officers, covering organizations, paired organs, committee member units, claiming units,
    registered in-service members, service posts and volunteers, with the path and dates.
    A community has hundreds (registered members, volunteers): one page at a time, by
    channel then id; ``total`` and ``by_channel`` count them all."""
    found = await reads.read_plan(
        lambda: repo.supporters_plan(who, entity_id, _day(as_of), skip=skip, limit=limit),
        "supporters",
    )
    return model_json(found)


@router.get(
    "/entities/{entity_id}/portfolio",
    summary="Everything a person or unit supports / 个人或单位的联系包挂清单",
    responses={404: {"description": "No such id"}},
)
def get_portfolio(
    db: DatabaseDep, who: PrincipalDep, entity_id: EntityId, as_of: AsOf = None
) -> Portfolio:
    return repo.portfolio(db, who, entity_id, _day(as_of))


@router.get(
    "/entities/{entity_id}/shared-supporters/{other_id}",
    summary="Supporters two entities share / 两者共同的支持者",
    responses={404: {"description": "No such id (either)"}},
)
def get_shared(
    db: DatabaseDep, who: PrincipalDep, entity_id: EntityId, other_id: EntityId,
    as_of: AsOf = None,
) -> SharedSupporters:
    return repo.shared_supporters(db, who, entity_id, other_id, _day(as_of))


@router.get(
    "/entities/{entity_id}/candidates",
    summary="Who should be assigned to it or cover it, given everyone's load / 推荐联系包挂人选",
    responses={
        404: {"description": "No such id"},
        422: {"description": "Not a party organization, building, park or unit"},
    },
)
def get_candidates(
    db: DatabaseDep, who: PrincipalDep, entity_id: EntityId, as_of: AsOf = None,
    limit: CandidateLimit = repo.CANDIDATES,
) -> Candidates:  # fmt: skip
    """For a branch, building or park: the instructors and liaison officers already working
    in its subdistrict who are not assigned to it; for a building, park or unit: the party
    organizations covering buildings, parks or units there that do not cover it. Nearest
    first (the smallest area the entity shares with one of the candidate's current
    targets), then the lightest current load, then id. The answer to a TEAM_*_NO_OFFICER
    or ORG_*_UNCOVERED gap: who could close it.

    为党支部、楼宇或园区推荐本街道内尚未联系它的党建指导员、联络员；为楼宇、园区或单位推荐
    本街道内已覆盖其他楼宇、园区或单位的党组织。就近优先，其次当前负担最轻。"""
    return repo.candidates(db, who, entity_id, _day(as_of), limit=limit)
