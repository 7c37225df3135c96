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
