"""What-if scenarios and weak points: what goes in and what comes out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from graph_service.schemas.gaps import AreaCoverage, AreaRef, GapItem
from graph_service.schemas.support import EntityRef

MAX_CHANGES = 100


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RemoveChange(_Change):
    """A node goes, with every relationship it has: ``leave`` (a person or unit leaves)
    or ``remove`` (any node)."""

    op: Literal["remove", "leave"]
    id: str = Field(max_length=64, description="Entity id / 编号")


class EndChange(_Change):
    """A relationship ends: its ``until`` becomes the date given (default: the day before
    the scenario's date, so it is no longer current then)."""

    op: Literal["end"]
    type: str = Field(max_length=32, description="Relationship type, e.g. ASSIGNED_TO / 关系类型")
    from_id: str = Field(max_length=64)
    to_id: str = Field(max_length=64)
    until: dt.date | None = Field(default=None, description="End date / 截止日期")


class AddChange(_Change):
    """A relationship is added, with its fields (``role``, ``since`` …) as its table has them."""

    op: Literal["add"]
    type: str = Field(max_length=32, description="Relationship type, e.g. ASSIGNED_TO / 关系类型")
    from_id: str = Field(max_length=64)
    to_id: str = Field(max_length=64)
    props: dict[str, Any] = Field(default_factory=dict, description="Its fields / 关系属性")


Change = Annotated[RemoveChange | EndChange | AddChange, Field(discriminator="op")]


class ScenarioIn(BaseModel):
    """A what-if: an area, a date and the changes, applied in order."""

    model_config = ConfigDict(extra="forbid")

    area: str = Field(max_length=64, description="Area id: the whole subtree / 区域编号")
    as_of: dt.date | None = Field(default=None, description="Default: today / 默认今天")
    changes: list[Change] = Field(min_length=1, max_length=MAX_CHANGES)


class AppliedChange(BaseModel):
    index: int
    op: str
    summary: str = Field(description="What was changed, in words / 变更说明")


class ScenarioResult(BaseModel):
    """The gaps a set of changes would open and close in an area, and its coverage rates
    before and after. Nothing was written."""

    area: AreaRef
    as_of: dt.date
    changes: list[AppliedChange]
    opened: list[GapItem] = Field(description="Gaps that would open / 将新增的问题")
    closed: list[GapItem] = Field(description="Gaps that would close / 将消除的问题")
    before: AreaCoverage
    after: AreaCoverage


class WeakPoint(BaseModel):
    """A person or unit, and the gaps its loss alone would open."""

    entity: EntityRef
    opens: int = Field(description="How many gaps its loss would open / 缺失后新增问题数")
    closes: int = Field(
        description="How many gaps would close with it: its own (it is their subject or "
        "related node) and those closed through a tie a rule declares / "
        "随之消除的问题数（其自身的及经关联消除的）"
    )
    gaps: list[GapItem]


class Redundancy(BaseModel):
    """How many independent supporters a branch, building or park has, by channel."""

    target: EntityRef
    supporters: int = Field(description="Distinct supporters, all channels / 独立支持者数")
    by_channel: dict[str, int]
    officers: int = Field(description="Instructors and liaison officers / 指导员与联络员数")


class CutPoint(BaseModel):
    """A node of the support network whose loss splits it."""

    entity: EntityRef
    cut_off: int = Field(description="Targets left apart from the network's largest part")


class Bridge(BaseModel):
    """A supporter–target link whose loss splits the support network."""

    supporter: EntityRef
    target: EntityRef
    channel: str
    cut_off: int = Field(description="Targets left apart from the network's largest part")


class WeakPoints(BaseModel):
    area: AreaRef
    as_of: dt.date
    candidates: int = Field(
        description="Persons and units that support something in the area; of them, only "
        "those whose loss can open a gap (the rules' declarations) are weighed by what-ifs / "
        "参与分析的人员和单位数（仅缺失后可能新增问题者经推演）"
    )
    ranked: list[WeakPoint] = Field(description="Most gaps opened first / 按新增问题数排序")
    redundancy: list[Redundancy] = Field(description="Fewest supporters first")
    articulation_points: list[CutPoint]
    bridges: list[Bridge]
    network: dict[str, int] = Field(description="Size of the projected network: nodes, edges")
