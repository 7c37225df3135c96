"""The network of an area or a place, as nodes and edges / 关系网络."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

# the most nodes one answer draws: a community of the generated city has about 2,000
MAX_NODES = 3000


class NetworkForm(StrEnum):
    """Which network: ``detail`` draws the things themselves; ``areas`` draws an area and its
    child areas, each counted; ``auto`` is ``areas`` for an area above community level
    (a subdistrict, district or city) and ``detail`` otherwise."""

    AUTO = "auto"
    DETAIL = "detail"
    AREAS = "areas"


class NetworkNode(BaseModel):
    id: str = Field(description="Entity id / 编号")
    name: str | None = Field(description="Chinese name / 名称")
    label: str = Field(description="Node label, e.g. Unit / 节点类型")
    kind: str | None = Field(default=None, description="Its kind, e.g. non_public / 子类型")
    level: str | None = Field(default=None, description="An area's level / 区域层级")
    units: int | None = Field(
        default=None,
        description="areas form: units located in its subtree / 辖区内单位数（汇总视图）",
    )
    direct_units: int | None = Field(
        default=None,
        description="areas form, the root: its units that lie in none of its child areas / "
        "不属于任何下级区域的单位数",
    )
    gaps: list[str] = Field(
        default_factory=list,
        description="detail form: the codes of the gap rules it fails on the date, as the gap "
        "lists of the network's area (area_id) give them / 当日在所在区域问题清单中的规则编号",
    )


class NetworkEdge(BaseModel):
    source: str = Field(description="Id of the start node / 起点编号")
    target: str = Field(description="Id of the end node / 终点编号")
    type: str = Field(description="Relationship type, e.g. COVERS / 关系类型")
    role: str | None = Field(
        default=None, description="The role or scheme it carries (instructor …) / 角色"
    )


class Network(BaseModel):
    """The network of an area or place as of a date: at most one edge of each type between
    two nodes (the term current on the date)."""

    center: NetworkNode = Field(description="The area or place asked for / 中心对象")
    area_id: str | None = Field(
        description="The area whose gaps apply: the center, or the nearest area it lies in / "
        "所在区域"
    )
    as_of: dt.date = Field(description="Relationships current on this date / 统计日期")
    form: NetworkForm = Field(description="detail or areas / 明细或汇总")
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool = Field(
        description="More nodes than max_nodes: the first ones kept (structure before "
        "persons) / 节点超过上限，已截断"
    )
    max_nodes: int = Field(description="The cap applied / 节点上限")
