"""What-if scenarios and weak points / 假设分析与薄弱环节."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query

from graph_service.api import openapi_examples as ex
from graph_service.api.query_types import AsOf
from graph_service.api.security import PrincipalDep
from graph_service.deps import ReadsDep
from graph_service.limits import MAX_PAGE
from graph_service.schemas.scenarios import ScenarioIn, ScenarioResult, WeakPoints
from graph_service.services import scenarios, weak_points

router = APIRouter(tags=["planning · 规划"])
WHAT_IF: dict[str, Any] = {
    "leaves": {"summary": "If 王立新 left / 若王立新离开 (demo region / 演示区域)",
               "value": {"area": "A-ERQI", "as_of": "2026-06-30",
                         "changes": [{"op": "leave", "id": "PS-WANG-LIXIN"}]}},
}  # fmt: skip


@router.post(
    "/scenarios",
    summary="What if: the gaps changes would open and close / 假设分析",
    response_model=ScenarioResult,
    responses={404: {"description": "Unknown area, or a change names an entity outside "
                                    "your areas"},
               409: {"description": "A relationship to add exists already"}},
)  # fmt: skip
async def what_if(
    reads: ReadsDep, who: PrincipalDep,
    body: Annotated[ScenarioIn, Body(openapi_examples=WHAT_IF)], as_of: AsOf,
) -> ScenarioResult:  # fmt: skip
    """Apply changes — ``leave``/``remove`` a node (with its relationships), ``end`` a
    relationship (``until``, default the day before the date), ``add`` one (with its
    fields) — in order, to a copy of the area's graph that is never stored: the gaps that
    would open and close (by the same rules as ``/gaps``) and the coverage rates before
    and after. Nothing is written: no change, no new data version, no audit event. Any
    role that may read the area may ask. ``as_of`` in the body wins over the query's.
    Errors: 404 for an unknown area or an entity outside your areas; 422 naming the
    change (``changes[i].field``); 409 when a relationship to add exists.

    假设分析：依次应用变更（人员或单位离开/删除节点、关系于某日结束、新增关系），不写入任何数据，
    返回将新增与消除的问题（规则与 /gaps 相同）及变更前后的覆盖率。错误：区域或变更涉及的对象
    不存在或不在您的范围内 404；变更无效 422（指明第几项、哪个字段）；要新增的关系已存在 409。"""
    day = body.as_of or as_of
    return await reads.call(scenarios.what_if, who, body.area, day, body.changes)


@router.get(
    "/areas/{area_id}/weak-points",
    summary="Single points of failure of an area / 薄弱环节（单点依赖）",
    response_model=WeakPoints,
    responses={404: {"description": "Unknown area"}},
)
async def area_weak_points(
    reads: ReadsDep, who: PrincipalDep,
    area_id: Annotated[
        str,
        Path(max_length=64, description="Area id / 区域编号",
             openapi_examples=ex.id_example("二七新村街道 (demo region / 演示区域)", "A-ERQI")),
    ],
    as_of: AsOf,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Weak points listed")] = 20,
) -> WeakPoints:  # fmt: skip
    """The persons and units whose loss alone would open the most gaps (each removed in a
    what-if, the real rules counting), with those gaps; every branch's, building's and
    park's independent supporters by channel, fewest first; the articulation points and
    bridges of the area's support network that leave a branch, building or park apart.
    Errors: 404 when the area is unknown (or outside your areas).

    薄弱环节：逐一假设某人员或单位缺失（按真实规则计算）后新增问题最多者及其问题；各支部、
    楼宇、园区按渠道统计的独立支持者数（少者在前）；支持网络的割点与桥。错误：区域不存在或不在
    您负责的范围内 404。"""
    return await reads.call(weak_points.weak_points, who, area_id, as_of, limit=limit)
