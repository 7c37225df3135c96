"""Coverage gaps and the coverage summary, as the API returns them.

Every gap names the thing (``id``, ``name``, ``kind``), where it is (``area_path``), why
it counts as a gap and what would close it (the rule's text, in English and Chinese),
and how much it matters (``impact``). The rules themselves are stated once, in
:mod:`graph_service.domain.gaps`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from graph_service.domain.gaps import GapRule
from graph_service.schemas.paging import Page


class GapRuleOut(BaseModel):
    """One rule of the gap catalogue."""

    code: str = Field(description="Rule code, e.g. ORG_BUILDING_UNCOVERED / 规则编号")
    category: str = Field(
        description="organization, leadership, team, horizontal, vertical or schedule / 类别"
    )
    subject: str = Field(description="Node label the gap is about ('*' for several) / 对象类型")
    en: str = Field(description="Why it counts as a gap, in English")
    zh: str = Field(description="问题说明（中文）")
    fix_en: str = Field(description="What would close it, in English")
    fix_zh: str = Field(description="整改建议（中文）")

    @classmethod
    def of(cls, rule: GapRule) -> GapRuleOut:
        return cls(
            code=rule.code, category=rule.category.value, subject=rule.subject, en=rule.en,
            zh=rule.zh, fix_en=rule.fix_en, fix_zh=rule.fix_zh,
        )  # fmt: skip


class AreaRef(BaseModel):
    """An area, as a step of an area path."""

    id: str = Field(description="Area id / 区域编号")
    name: str = Field(description="Chinese name / 名称")
    level: str | None = Field(
        default=None, description="city, district, subdistrict, community or grid / 层级"
    )


class GapItem(BaseModel):
    """One gap: the thing, where it is, why it is a gap, and what would close it."""

    code: str = Field(description="Rule code / 规则编号")
    id: str = Field(description="Id of the thing the gap is about / 对象编号")
    name: str = Field(description="Its name / 对象名称")
    kind: str = Field(description="Its node label, e.g. Building / 对象类型")
    subkind: str | None = Field(
        default=None,
        description="Its kind (unit kind, building kind …), an area's level or a person's "
        "party status / 细分类型",
    )
    area_path: list[AreaRef] = Field(
        description="From the top area down to the thing's area; empty when it is located "
        "nowhere / 所在区域（自上而下）"
    )
    related_id: str | None = Field(
        default=None,
        description="The committee (LEAD_UNIT_UNREPRESENTED), or the person or unit of an "
        "expired relationship (SCHED_EXPIRED) / 相关对象编号",
    )
    related_name: str | None = Field(default=None, description="Its name / 相关对象名称")
    impact: int = Field(
        description="How much the gap matters: party members or units affected, as the "
        "rule defines it / 影响（涉及党员数或单位数）"
    )
    detail: dict[str, Any] = Field(
        default_factory=dict, description="Rule-specific facts / 规则相关的细节"
    )
    en: str = Field(description="Why it counts as a gap, in English")
    zh: str = Field(description="问题说明（中文）")
    fix_en: str = Field(description="What would close it, in English")
    fix_zh: str = Field(description="整改建议（中文）")


class GapPage(Page[GapItem]):
    """One page of one rule's gaps, sorted by impact (largest first), then id: the list
    envelope (items, total, next) and the rule, date and area it answers for."""

    total: int = Field(description="Gaps in all pages / 总数")
    rule: GapRuleOut
    as_of: dt.date = Field(description="The date the rule was evaluated on / 统计日期")
    area: str | None = Field(
        default=None, description="Area id the list is limited to; null = everywhere / 区域"
    )
    skip: int = Field(description="Gaps passed over before this page / 跳过条数")
    limit: int = Field(description="Largest page size / 每页条数")


class CoverageRate(BaseModel):
    """A coverage rate with its numerator and denominator."""

    covered: int = Field(description="Numerator: things covered / 已覆盖数")
    total: int = Field(description="Denominator: things that should be covered / 应覆盖数")
    rate: float | None = Field(
        description="covered / total in [0, 1]; null when total is 0 / 覆盖率（无对象时为空）"
    )

    @classmethod
    def of(cls, covered: int, total: int) -> CoverageRate:
        return cls(covered=covered, total=total, rate=covered / total if total else None)


class AreaCoverage(BaseModel):
    """The three coverage rates of one area, and its count of each gap."""

    area: AreaRef
    organization: CoverageRate = Field(
        description="组织大覆盖: commercial buildings, parks, non-public enterprises and social "
        "organizations covered by a party organization"
    )
    organization_parts: dict[str, CoverageRate] = Field(
        description="The organization rate by part: buildings, parks, units / 分项"
    )
    leadership: CoverageRate = Field(
        description="班子大覆盖: current memberships (member unit, committee) whose unit has a "
        "part-time member on the committee"
    )
    team: CoverageRate = Field(
        description="队伍大覆盖: branches, commercial buildings and parks with a current "
        "instructor or liaison officer"
    )
    team_parts: dict[str, CoverageRate] = Field(
        description="The team rate by part: branches, buildings, parks / 分项"
    )
    circle: CoverageRate | None = Field(
        default=None,
        description="党群服务圈: buildings and parks with coordinates inside a station's service "
        "circle (null while the rule REACH_PLACE_OUTSIDE_CIRCLE is off) / 服务圈覆盖率",
    )
    gaps: dict[str, int] = Field(description="Count of each gap code in the area / 各类问题数")


class CoverageSummary(BaseModel):
    """Coverage of an area and of each of its child areas, as of a date."""

    as_of: dt.date = Field(description="统计日期")
    area: AreaCoverage
    children: list[AreaCoverage] = Field(description="Each child area (PART_OF it) / 下级区域")
    rules: list[GapRuleOut] = Field(description="The gap catalogue / 问题规则")
