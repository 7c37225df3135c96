"""Planning ahead / 规划: what changed between two dates, and the best assignment of officers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from graph_service.api import openapi_examples as ex
from graph_service.api.model_json import model_json
from graph_service.api.query_types import AsOf
from graph_service.api.security import PrincipalDep
from graph_service.deps import DatabaseDep, ReadsDep, SettingsDep
from graph_service.domain.calendar import today
from graph_service.domain.models import iso_date
from graph_service.schemas.planning import AppliedPlan, ApplyRequest, AssignmentPlan, Changes
from graph_service.services import assignment, changes

router = APIRouter(tags=["planning · 规划"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _iso_only(value: Any) -> Any:
    return iso_date(value) if isinstance(value, str) else value


AreaId = Annotated[
    str,
    Path(max_length=64, description="Area id: its whole subtree / 区域编号",
         openapi_examples=ex.id_example("二七新村街道 (demo region / 演示区域)", "A-ERQI")),
]  # fmt: skip
Day = Annotated[dt.date, BeforeValidator(_iso_only)]


def _format(format: str | None, accept: str) -> str:
    """The asked format: ``format=`` if given, else by the Accept header (JSON by default)."""
    if format:
        return format
    if XLSX in accept:
        return "xlsx"
    if "text/csv" in accept:
        return "csv"
    return "json"


@router.get(
    "/areas/{area_id}/changes",
    summary="What changed between two dates / 两个日期之间的变化（季度报告）",
    response_model=Changes,
    responses={200: {"description": "OK", "content": {"application/json": {}, "text/csv": {},
                                                      XLSX: {}}},
               404: {"description": "Unknown area"}},
)  # fmt: skip
async def get_changes(
    reads: ReadsDep,
    who: PrincipalDep,
    request: Request,
    area_id: AreaId,
    from_date: Annotated[Day, Query(alias="from", description="The earlier date YYYY-MM-DD / "
                                                              "起始日期")],
    to_date: Annotated[Day, Query(alias="to", description="The later date YYYY-MM-DD / 截止日期")],
    format: Annotated[
        str | None,
        Query(pattern="^(json|csv|xlsx)$",
              description="json, csv (UTF-8 with BOM) or xlsx; unset: by the Accept header / "
                          "格式"),
    ] = None,
) -> Response:  # fmt: skip
    """The gaps opened and closed between two dates (every gap rule run as of each date),
    the relationships that started or ended in between, and the coverage rates of the area
    and each child area on both dates: a quarterly report. ``format=xlsx`` (or ``Accept``)
    sends a workbook with a sheet a table, ``csv`` one table with a section column. Errors:
    404 when the area is unknown (or outside your areas); 422 when ``from`` is not before
    ``to``.

    两个日期之间新出现和已消除的问题（各规则分别按两个日期计算）、期间建立和结束的关系、本区域及
    各下级区域两个日期的覆盖率，可作季度报告。format=xlsx（或 Accept）返回工作簿（每表一页），
    csv 返回一张表（首列为类别）。错误：区域不存在或不在您负责的范围内 404；起始日期不早于截止
    日期 422。"""
    answer = await reads.call(changes.changes, who, area_id, from_date=from_date, to_date=to_date)
    fmt = _format(format, request.headers.get("accept", ""))
    if fmt == "json":
        return model_json(answer)
    body, media = changes.report_bytes(answer, fmt)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", answer.area.id)
    disposition = f'attachment; filename="changes-{name}-{from_date}-{to_date}.{fmt}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@router.post(
    "/areas/{area_id}/assignment-plan",
    summary="The best assignment of officers to uncovered targets / 最优包挂方案",
    response_model=AssignmentPlan,
    responses={404: {"description": "Unknown area"}},
)
async def propose_assignment(
    reads: ReadsDep, settings: SettingsDep, who: PrincipalDep, area_id: AreaId, as_of: AsOf
) -> Response:
    """For the area's branches, buildings and parks with no instructor or liaison officer:
    the assignment covering the most of them, then the nearest (least total distance), never
    beyond an officer's capacity (their own, else OFFICER_CAPACITY), solved exactly as a
    min-cost flow. Officers eligible for a target are those the candidates answer proposes.
    Shows each (officer, target, distance), the total, and what stays uncovered and why.
    Writes nothing; apply it with ``/assignment-plan/apply`` and its ``fingerprint``.
    Errors: 404 when the area is unknown (or outside your areas).

    为区域内没有党建指导员或联络员的支部、楼宇、园区给出最优包挂方案：覆盖最多，其次总距离最短，
    不超过任何人的包挂上限（个人设定，否则为 OFFICER_CAPACITY），按最小费用流精确求解；可选
    人员与"推荐人选"一致。列出每项（人员、对象、距离）、总距离以及未能覆盖的对象及原因。不写入
    数据；用 fingerprint 调用 /assignment-plan/apply 执行。错误：区域不存在或不在权限范围内 404。"""
    plan = await reads.call(assignment.propose, who, area_id, as_of=as_of,
                            default_capacity=settings.officer_capacity)  # fmt: skip
    return model_json(plan)


APPLY: dict[str, Any] = {
    "apply": {"summary": "The plan shown, by its fingerprint / 按方案摘要执行",
              "value": {"as_of": "2026-06-30", "fingerprint": "3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6"}},
}  # fmt: skip


@router.post(
    "/areas/{area_id}/assignment-plan/apply",
    summary="Apply the assignment plan, in one audited transaction / 执行包挂方案",
    response_model=AppliedPlan,
    responses={403: {"description": "Your role may not write"},
               404: {"description": "Unknown area"},
               409: {"description": "The graph changed since the plan was made"}},
)  # fmt: skip
def apply_assignment(
    db: DatabaseDep, settings: SettingsDep, who: PrincipalDep, area_id: AreaId,
    body: Annotated[ApplyRequest, Body(openapi_examples=APPLY)],
) -> Response:  # fmt: skip
    """Propose again and, if the plan is still the one with ``fingerprint``, create its
    ``ASSIGNED_TO`` relationships (the officer's role, since the plan's date) in one
    transaction, each audited as ``rel.create``. Errors: 403 for a viewer; 404 when the area
    is unknown (or outside your areas); 409 when the graph changed since the plan was made
    (the answer names the new fingerprint): propose again and review.

    重新计算方案，若与 fingerprint 一致，则在一个事务中建立全部包挂关系（角色为该人员现有角色，
    起始日期为方案日期），每条关系留痕。错误：只读账户 403；区域不存在或不在权限范围内 404；
    方案生成后数据已变化 409（返回新的 fingerprint），请重新生成并确认。"""
    as_of = body.as_of or today(settings.time_zone)
    applied = assignment.apply_plan(db, who, area_id, as_of=as_of, fingerprint=body.fingerprint,
                                    default_capacity=settings.officer_capacity)  # fmt: skip
    return model_json(applied)
