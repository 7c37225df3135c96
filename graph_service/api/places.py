"""Where things are: the console map's points (the GeoJSON file is GET /exports) and where to
put the next station."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from graph_service.api.answer_tags import IfNoneMatch, documented, tagged_json
from graph_service.api.exports import Crs
from graph_service.api.query_types import AsOf
from graph_service.api.security import PrincipalDep
from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.scope import scoped_area
from graph_service.deps import ReadsDep
from graph_service.domain.coordinates import CoordSystem
from graph_service.schemas.places import (
    CandidateKind,
    MapPlacesOut,
    SiteOut,
    SitePickOut,
    StationPlanOut,
)
from graph_service.services.places import StationPlan, map_places_read, plan_stations

router = APIRouter(tags=["places · 位置"])


@router.get(
    "/map/places",
    summary="An area's places for the map / 地图点位",
    response_model=MapPlacesOut,
    responses=documented({404: {"description": "Unknown area (or outside your areas)"}}),
)
async def get_map_places(
    reads: ReadsDep, who: PrincipalDep,
    area: Annotated[str, Query(max_length=64, description="Area id: its subtree / 区域编号")],
    as_of: AsOf,
    request: Request,
    crs: Annotated[Crs | None, Query(
        description="The coordinates' system: wgs84, gcj02 (高德/腾讯) or bd09 (百度); by "
                    "default the basemap's (MAP_TILE_CRS, itself wgs84 by default) / 坐标系，"
                    "默认与底图一致")] = None,
    if_none_match: IfNoneMatch = None,
) -> Response:  # fmt: skip
    """What the console's map draws: every building, park, unit, station and service post
    with coordinates in the area's subtree, with the codes of the gap rules it fails on
    ``as_of`` and its coverage status — what ``GET /exports?format=geojson`` says of each,
    one flat object a place — the areas they lie in, and the areas' boundaries. Kept until
    the graph changes, with an ETag (``If-None-Match`` answers 304). Errors: 404 when the area
    is unknown or outside your areas.

    地图点位：区域内带坐标的楼宇、园区、单位、阵地和服务岗位，附其在 as_of 当日的问题代码和覆盖
    状态，以及区域边界。图数据未变时复用已算结果（ETag，304）。错误：区域不存在或不在您负责的
    范围内 404。"""
    system = CoordSystem(crs.value if crs else request.app.state.settings.map_tile_crs)
    read = map_places_read(reads.registry, who, area=area, as_of=as_of, crs=system)
    return tagged_json(await reads.read_kept_json(read), read.key, if_none_match)


@router.get(
    "/areas/{area_id}/station-plan",
    summary="Where to put the next stations / 新建党群服务阵地选址",
    response_model=StationPlanOut,
    responses={404: {"description": "Unknown area (or outside your areas)"}},
)
async def get_station_plan(
    request: Request, reads: ReadsDep, who: PrincipalDep,
    area_id: Annotated[str, Path(max_length=64, description="Area id / 区域编号")],
    as_of: AsOf,
    k: Annotated[int, Query(ge=1, le=100, description="New stations to place / 新建阵地数")] = 3,
    candidates: Annotated[CandidateKind, Query(
        description="buildings: the area's buildings; grid: a grid over its places / "
                    "候选点：现有楼宇或网格点")] = CandidateKind.BUILDINGS,
    radius_m: Annotated[float | None, Query(
        ge=10, le=50_000, description="A station's reach, straight-line metres (default: "
                                     "STATION_RADIUS_M) / 服务半径（米）")] = None,
    grid_spacing_m: Annotated[float | None, Query(
        ge=50, le=50_000, description="grid only: metres between grid points (default: half "
                                      "the radius) / 网格间距（米）")] = None,
) -> StationPlanOut:  # fmt: skip
    """The ``k`` candidate sites that bring the most of the area's places now outside every
    station's circle inside a new one (the maximal covering location problem, solved
    exactly by HiGHS): buildings, parks and units, a unit weighing its formal party members.
    Each pick says what it adds to the ones before it. Nothing is written. Errors: 404 when
    the area is unknown or outside your areas; 422 for a grid of more than 5,000 points.

    选出 k 个候选点新建党群服务阵地，使当前不在任何阵地服务半径内的楼宇、园区和单位（单位按正式
    党员数计权）被覆盖得最多（最大覆盖选址问题，HiGHS 精确求解）；逐点给出新增覆盖。
    只计算，不写入。错误：区域不存在或不在您负责的范围内 404；网格点超过 5000 个 422。"""
    radius = radius_m or request.app.state.settings.station_radius_m
    plan = await reads.call(_station_plan, who, area_id, k=k, as_of=as_of, radius_m=radius,
                            candidates=candidates.value, grid_spacing_m=grid_spacing_m)  # fmt: skip
    return StationPlanOut(
        area=plan.area, as_of=plan.as_of, k=plan.k, radius_m=plan.radius_m,
        candidates=candidates, candidate_count=plan.candidate_count,
        uncovered_count=plan.uncovered_count, uncovered_weight=plan.uncovered_weight,
        covered_weight=plan.covered_weight, optimal=plan.optimal,
        picks=[SitePickOut(site=SiteOut(id=p.site.id, name=p.site.name,
                                        latitude=p.site.latitude, longitude=p.site.longitude),
                           gained_weight=p.gained_weight, gained=list(p.gained))
               for p in plan.picks],
    )  # fmt: skip


def _station_plan(
    db: Database, /, who: Principal, area_id: str, **options: Any
) -> StationPlan:
    """The plan for an area the principal may read (404 otherwise)."""
    area = db.execute_read(lambda tx: scoped_area(db, tx, who, area_id), "station_plan_scope")
    assert area is not None  # an area was asked for: scoped_area answers it or raises
    return plan_stations(db, area, **options)
