"""Who supports what / 谁在支持谁."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from graph_service.api.model_json import model_json
from graph_service.api.security import PrincipalDep
from graph_service.db import support as repo
from graph_service.deps import DatabaseDep, ReadsDep
from graph_service.schemas.support import Portfolio, SharedSupporters, Supporters

router = APIRouter(tags=["support"])

AsOf = Annotated[
    dt.date | None,
    Query(description="Only relationships valid on this date count (default: today) / 截至日期"),
]
EntityId = Annotated[str, Path(description="Entity id / 编号", max_length=64)]


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
