"""整改台账 Follow-ups: gaps taken up by someone, by a date, until they close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from graph_service.api.locations import CREATED, located
from graph_service.api.paging import LINK_HEADER, Cursor, cursor_offset, link_next
from graph_service.api.query_types import Today
from graph_service.api.security import PrincipalDep
from graph_service.db import follow_ups as repo
from graph_service.deps import DatabaseDep
from graph_service.domain.follow_ups import FollowUpStatus
from graph_service.limits import MAX_PAGE, MAX_SKIP
from graph_service.schemas.follow_ups import FollowUp, FollowUpIn, FollowUpPage, FollowUpPatch

router = APIRouter(tags=["follow-ups · 整改台账"])

FollowUpId = Annotated[str, Path(max_length=64, description="Follow-up id / 台账编号")]
TAKE_UP = {"take-up": {
    "summary": "Take up an uncovered building / 登记楼宇未覆盖问题",
    "value": {"rule": "ORG_BUILDING_UNCOVERED", "subject_id": "B-HEPING", "area": "A-ERQI",
              "handler": "李明", "due": "2026-12-31",
              "notes": "与物业沟通筹建楼宇党支部"}}}  # fmt: skip

PATCH = {
    "in-progress": {"summary": "Under way / 整改中",
                    "value": {"status": "in_progress", "notes": "已与物业约谈"}},
    "close": {"summary": "Close by hand / 手动销号", "value": {"status": "closed"}},
}  # fmt: skip


@router.post(
    "/follow-ups", status_code=status.HTTP_201_CREATED, response_model=FollowUp,
    summary="Take up a gap / 登记整改",
    responses={**CREATED, 403: {"description": "A read-only role"},
               404: {"description": "Unknown rule, or area outside your areas"},
               409: {"description": "The gap is taken up already"},
               422: {"description": "The rule does not report the thing today, or the "
                                     "date is past"}},
)  # fmt: skip
async def take_up_gap(
    body: Annotated[FollowUpIn, Body(openapi_examples=TAKE_UP)],
    db: DatabaseDep, who: PrincipalDep, today: Today, request: Request, response: Response,
) -> FollowUp:  # fmt: skip
    """Take up a gap the rule reports today: who handles it (责任人), by when (整改期限) and
    notes. One follow-up of a gap is active at a time. Audited. It closes by itself when the
    rule no longer reports the thing (see ``GET /follow-ups``).

    登记一条今天仍存在的问题：责任人、整改期限与备注。同一问题同时只能有一条未销号的台账；
    问题消除后自动销号。操作记入审计日志。"""
    made = await run_in_threadpool(repo.take_up, db, who, body, today)
    located(request, response, "follow-ups", made.id)
    return made


@router.get("/follow-ups", response_model=FollowUpPage, summary="The follow-ups / 整改台账",
            responses={404: {"description": "Unknown rule, or area outside your areas"},
                       200: {"description": "OK", "headers": LINK_HEADER, "content": {
                           "text/csv": {}, "application/vnd.openxmlformats-officedocument"
                           ".spreadsheetml.sheet": {}}}})  # fmt: skip
async def list_follow_ups(
    db: DatabaseDep, who: PrincipalDep, today: Today, request: Request, response: Response,
    area: Annotated[str | None, Query(max_length=64, description="Area id / 区域编号")] = None,
    status_: Annotated[list[FollowUpStatus] | None,
                       Query(alias="status", max_length=3, description="状态")] = None,
    rule: Annotated[str | None, Query(max_length=64, description="Rule code / 规则编号")] = None,
    overdue: Annotated[bool, Query(description="Only those past due / 仅逾期")] = False,
    skip: Annotated[int, Query(ge=0, le=MAX_SKIP)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Cursor = None,
    format: Annotated[str, Query(pattern="^(json|csv|xlsx)$")] = "json",
) -> Response | FollowUpPage:  # fmt: skip
    """The follow-ups in your areas (under ``area``): active ones first, then by due date.
    Those whose rule no longer reports their thing are closed first, with today's date
    (``closed_now`` counts them). ``overdue=true``: only those past due and not closed.
    ``format=csv`` or ``xlsx``: every follow-up asked for, as a file.

    您负责区域内的整改台账，未销号的在前、按期限排序。查询时先将问题已消除的台账自动销号
    （closed_now 为本次销号条数）。overdue=true 仅列逾期未销号的。format=csv/xlsx 导出文件。"""
    every = format != "json"
    skip = cursor_offset(cursor, skip)
    page = await run_in_threadpool(
        lambda: repo.list_follow_ups(
            db, who, today, area=area, statuses=status_, rule=rule, overdue=overdue,
            skip=0 if every else skip, limit=MAX_SKIP if every else limit,
        )
    )  # fmt: skip
    if not every:
        link_next(request, response, page.next)
        return page
    from graph_service.reports import follow_up_table

    body, media = await run_in_threadpool(follow_up_table, page, format, db, area, today)
    name = f"follow-ups-{area or 'all'}-{today.isoformat()}.{format}"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/follow-ups/{follow_up_id}", response_model=FollowUp,
            summary="One follow-up / 整改台账条目",
            responses={404: {"description": "No such follow-up in your areas"}})  # fmt: skip
async def get_follow_up(
    follow_up_id: FollowUpId, db: DatabaseDep, who: PrincipalDep, today: Today
) -> FollowUp:
    """One follow-up: the gap, who handles it, by when, its status and how it closed.
    Errors: 404 when there is none with the id in your areas.

    单条整改台账：问题、责任人、期限、状态及销号情况。错误：您的区域内没有该台账 404。"""
    return await run_in_threadpool(repo.get, db, who, follow_up_id, today)


@router.patch(
    "/follow-ups/{follow_up_id}", response_model=FollowUp,
    summary="Change a follow-up: handler, date, status, notes / 更新整改台账",
    responses={403: {"description": "A read-only role"},
               404: {"description": "No such follow-up in your areas"},
               409: {"description": "The follow-up is closed"}},
)  # fmt: skip
async def patch_follow_up(
    follow_up_id: FollowUpId, body: Annotated[FollowUpPatch, Body(openapi_examples=PATCH)],
    db: DatabaseDep, who: PrincipalDep, today: Today,
) -> FollowUp:  # fmt: skip
    """Change who handles it, by when, its status or its notes; ``status: closed`` closes it
    by hand (销号) with today's date. A closed follow-up is not changed again. Audited.

    修改责任人、期限、状态或备注；状态改为 closed 即手动销号。已销号的台账不能再修改。"""
    return await run_in_threadpool(repo.update, db, who, follow_up_id, body, today)
