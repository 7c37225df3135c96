"""Planning answers: what changed between two dates, and the best assignment of officers.

The rules behind them are stated where they are computed: :mod:`graph_service.services.changes`
and :mod:`graph_service.services.assignment`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from graph_service.schemas.gaps import AreaCoverage, AreaRef, GapItem
from graph_service.schemas.support import EntityRef

# ---- what changed ---------------------------------------------------------------------------


class RelationshipChange(BaseModel):
    """A dated relationship that started or ended between the two dates."""

    change: Literal["started", "ended"] = Field(
        description="started: its since lies in (from, to]; ended: its until lies in "
        "[from, to) — current on the first date, no longer on the second / 开始或结束"
    )
    type: str = Field(description="Relationship type, e.g. ASSIGNED_TO / 关系类型")
    type_zh: str = Field(description="关系类型（中文）")
    start: EntityRef = Field(description="Where it starts / 起点")
    end: EntityRef = Field(description="Where it ends / 终点")
    since: dt.date | None = Field(default=None, description="Valid from / 起始日期")
    until: dt.date | None = Field(default=None, description="Valid until / 截止日期")
    role: str | None = Field(default=None, description="Its role, where it has one / 角色")


class Changes(BaseModel):
    """What changed in an area between two dates: a quarterly report."""

    area: AreaRef
    from_date: dt.date = Field(description="The earlier date / 起始日期")
    to_date: dt.date = Field(description="The later date / 截止日期")
    opened: list[GapItem] = Field(
        description="Gaps on the later date that were not gaps on the earlier one (every rule "
        "that is on, run as of each date) / 新出现的问题"
    )
    closed: list[GapItem] = Field(
        description="Gaps on the earlier date that are gone on the later one (as they were on "
        "the earlier date) / 已整改（消除）的问题"
    )
    opened_by_rule: dict[str, int] = Field(description="Opened gaps by rule code / 各类新增数")
    closed_by_rule: dict[str, int] = Field(description="Closed gaps by rule code / 各类消除数")
    started: list[RelationshipChange] = Field(description="Relationships begun / 新建立的关系")
    ended: list[RelationshipChange] = Field(description="Relationships ended / 已结束的关系")
    coverage_from: list[AreaCoverage] = Field(
        description="Coverage rates on the earlier date: the area, then each child area / "
        "起始日期的覆盖率（本区域及各下级区域）"
    )
    coverage_to: list[AreaCoverage] = Field(
        description="The same on the later date / 截止日期的覆盖率"
    )


# ---- the best assignment ---------------------------------------------------------------------


class OfficerLoad(BaseModel):
    """An officer the plan may use: what they hold, and what they may still take."""

    officer: EntityRef
    roles: list[str] = Field(description="instructor and/or liaison / 角色")
    capacity: int = Field(description="Most targets at once (own, else OFFICER_CAPACITY) / 上限")
    own_capacity: bool = Field(description="Capacity set on the person / 是否单独设定上限")
    load: int = Field(description="Targets held now / 当前包挂数")
    remaining: int = Field(description="max(0, capacity - load) / 剩余可包挂数")
    planned: int = Field(description="Targets this plan gives them / 本方案新增")


class PlannedAssignment(BaseModel):
    """One officer assigned to one target."""

    officer: EntityRef
    target: EntityRef
    role: str = Field(description="The role the officer already holds / 包挂角色")
    distance_m: int = Field(
        description="Metres between the target and the officer's nearest current target in "
        "the target's pool where both have coordinates; else area-tree steps × "
        "ASSIGNMENT_STEP_METRES / 距离（米）"
    )
    by: Literal["coordinates", "area_tree"] = Field(description="How distance was measured")
    area_steps: int = Field(description="Area-tree steps between the two / 区域树距离")
    renews: bool = Field(
        default=False,
        description="The officer's old (ended or not yet begun) assignment to the target is "
        "renewed from the plan's date instead of a new one created / 续用原包挂关系",
    )


class Unassigned(BaseModel):
    """A target the plan leaves uncovered, and why."""

    target: EntityRef
    gap: str = Field(description="The gap rule it fails / 问题规则")
    reason: Literal["no_eligible_officer", "no_capacity_left"] = Field(
        description="no_eligible_officer: the candidates answer has no officer for it; "
        "no_capacity_left: every eligible officer is full (now, or with this plan's other "
        "targets, which cover more in all)"
    )
    reason_zh: str
    eligible: int = Field(description="Eligible officers / 可选人员数")


class AssignmentPlan(BaseModel):
    """The assignment covering the most uncovered targets, then nearest (least total distance),
    never beyond an officer's capacity."""

    area: str = Field(description="Area id / 区域编号")
    as_of: dt.date
    fingerprint: str = Field(
        description="Digest of what the plan was computed from; apply refuses (409) when the "
        "graph now gives another / 方案依据的数据摘要"
    )
    targets: int = Field(description="Uncovered targets considered / 待包挂对象数")
    assigned: int = Field(description="Targets the plan covers / 方案覆盖数")
    total_distance_m: int = Field(description="Sum of the assignments' distances / 总距离（米）")
    assignments: list[PlannedAssignment]
    unassigned: list[Unassigned]
    officers: list[OfficerLoad]
    solver: str = Field(description="The solver used / 求解器")
    solve_ms: float = Field(description="Time the solver took / 求解耗时（毫秒）")


class ApplyRequest(BaseModel):
    """Apply the plan computed as of ``as_of`` if it still has ``fingerprint``."""

    model_config = {"extra": "forbid"}

    as_of: dt.date | None = Field(default=None, description="The plan's date (default today)")
    fingerprint: str = Field(
        min_length=16, max_length=128, description="The fingerprint of the plan shown / 方案摘要"
    )


class AppliedPlan(BaseModel):
    """A plan written: its relationships were created in one audited transaction."""

    plan: AssignmentPlan
    created: int = Field(description="ASSIGNED_TO relationships created / 新建包挂关系数")
    audit_events: list[int] = Field(description="Numbers of the audit events written / 审计编号")
