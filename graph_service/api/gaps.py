"""Coverage gaps and the coverage summary / 覆盖缺口与覆盖率汇总."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from graph_service.api.model_json import json_response
from graph_service.api.security import PrincipalDep
from graph_service.db import gaps as repo
from graph_service.deps import ReadsDep
from graph_service.domain.gaps import RULES
from graph_service.schemas.gaps import CoverageSummary, GapPage, GapRuleOut

router = APIRouter(tags=["gaps · 覆盖缺口"])

GapCode = StrEnum("GapCode", {rule.code: rule.code for rule in RULES})  # type: ignore[misc]

AsOf = Annotated[
    dt.date | None,
    Query(description="Only relationships valid on this date count (default today) / 截至日期"),
]
Area = Annotated[
    str | None, Query(max_length=64, description="Area id: the whole subtree / 区域编号")
]


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


@router.get("/gaps", summary="The gap catalogue / 问题规则目录")
def list_rules() -> list[GapRuleOut]:
    return [GapRuleOut.of(rule) for rule in RULES]


@router.get("/gaps/counts", summary="How many gaps of each kind / 各类问题数",
            response_model=dict[str, int],
            responses={404: {"description": "Unknown area"}})  # fmt: skip
async def gap_counts(
    reads: ReadsDep, who: PrincipalDep, as_of: AsOf = None, area: Area = None
) -> Response:
    read = repo.gap_counts_read(reads.registry, who, as_of=_day(as_of), area=area)
    return json_response(await reads.read_kept_json(read))


@router.get(
    "/gaps/{code}",
    summary="One kind of gap, a page at a time, largest impact first / 某类问题清单",
    response_model=GapPage,
    responses={404: {"description": "Unknown rule or area"}},
)
async def gap_list(
    reads: ReadsDep,
    who: PrincipalDep,
    code: Annotated[GapCode, Path(description="Rule code, e.g. ORG_BUILDING_UNCOVERED")],
    as_of: AsOf = None,
    area: Area = None,
    kinds: Annotated[
        list[str] | None,
        Query(max_length=20, description="Subject kinds counted (REACH_UNIT_UNTIED …)"),
    ] = None,
    skip: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Each row: the thing (id, name, kind), where it is (area path), the rule it fails
    (code, Chinese and English) and what would close it."""
    # through the result cache: a kept page is sent as the JSON it was kept as
    read = repo.gap_page_read(reads.registry, who, str(code.value), as_of=_day(as_of),
                              area=area, kinds=kinds, skip=skip, limit=limit)  # fmt: skip
    return json_response(await reads.read_kept_json(read))


@router.get(
    "/areas/{area_id}/coverage",
    summary="Coverage summary of an area and its child areas / 区域覆盖率汇总",
    response_model=CoverageSummary,
    responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-"
                                 "officedocument.spreadsheetml.sheet": {}}},
               404: {"description": "Unknown area"}},
)  # fmt: skip
async def coverage(
    reads: ReadsDep,
    who: PrincipalDep,
    area_id: Annotated[str, Path(max_length=64, description="Area id / 区域编号")],
    as_of: AsOf = None,
    format: Annotated[str, Query(pattern="^(json|csv|xlsx)$")] = "json",
) -> Response:
    """Organization, leadership and team coverage rates with the count of each gap kind,
    for the area and each child area: a table to paste into a report."""
    read = repo.coverage_summary_read(reads.registry, who, area_id, as_of=_day(as_of))
    if format == "json":
        return json_response(await reads.read_kept_json(read))
    from graph_service.reports import summary_table

    summary = await reads.read_kept(read)
    # a workbook takes milliseconds to build: not on the event loop
    body, media = await run_in_threadpool(summary_table, summary, format)
    filename = f"coverage-{area_id}-{summary.as_of}.{format}"
    disposition = f'attachment; filename="{filename}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
