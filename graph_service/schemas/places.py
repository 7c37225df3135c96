"""What the station plan answers (GET /areas/{id}/station-plan)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field


class CandidateKind(StrEnum):
    BUILDINGS = "buildings"
    GRID = "grid"


class SiteOut(BaseModel):
    id: str
    name: str
    latitude: float = Field(description="WGS-84")
    longitude: float = Field(description="WGS-84")


class SitePickOut(BaseModel):
    """A chosen site, with what it adds to the sites before it."""

    site: SiteOut
    gained_weight: float = Field(description="Weight it brings inside a circle / 新增覆盖权重")
    gained: list[str] = Field(description="Ids of the places it brings / 新增覆盖的对象编号")


class StationPlanOut(BaseModel):
    """The best sites for new stations (maximal covering location, solved exactly)."""

    area: str
    as_of: dt.date
    k: int
    radius_m: float
    candidates: CandidateKind
    candidate_count: int
    uncovered_count: int = Field(description="Places outside every station's circle now")
    uncovered_weight: float
    covered_weight: float = Field(description="Of it, what the picks bring inside a circle")
    optimal: bool = Field(description="The solver proved the plan optimal / 已证明最优")
    picks: list[SitePickOut]


class MapPlaceOut(BaseModel):
    """A point of the console's map (what the GeoJSON export says of it, flat)."""

    id: str
    name: str
    label: str = Field(description="Building, Park, Unit, Station or ServicePost")
    kind: str | None
    lon: float = Field(description="Longitude in the answer's coord_system / 经度")
    lat: float = Field(description="Latitude in the answer's coord_system / 纬度")
    area: str | None = Field(description="Its nearest area's id / 所在区域编号")
    gaps: list[str] = Field(description="Codes of the rules it fails on the date / 问题代码")
    coverage: str | None = Field(description="uncovered | no_officer | covered | null")
    radius_m: float | None = Field(description="A station's own radius (m) / 阵地服务半径")


class MapAreaOut(BaseModel):
    id: str
    name: str
    level: str


class MapPlacesOut(BaseModel):
    """GET /map/places: an area's points on a date, the areas they lie in, the boundaries."""

    area: str
    as_of: dt.date
    coord_system: str = Field(description="wgs84 | gcj02 | bd09")
    places: list[MapPlaceOut]
    areas: list[MapAreaOut] = Field(description="The areas the points lie in, and above")
    boundaries: list[dict[str, object]] = Field(
        description="GeoJSON Features of the areas that carry a boundary / 区域边界")
