"""Who supports what: supporters of an entity, a portfolio, shared supporters."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

from graph_service.schemas.gaps import AreaRef


class Channel(StrEnum):
    """How a supporter supports: the channel of the liaison-and-pairing system."""

    INSTRUCTOR = "instructor"
    LIAISON = "liaison"
    COVERING_ORG = "covering_org"
    OWN_ORG = "own_org"
    PAIRED_ORGAN = "paired_organ"
    MEMBER_UNIT = "member_unit"
    CLAIMING_UNIT = "claiming_unit"
    REGISTERED_MEMBER = "registered_member"
    SERVICE_POST = "service_post"
    VOLUNTEER = "volunteer"
    PART_TIME_MEMBER = "part_time_member"
    PARENT_ORG = "parent_org"


CHANNEL_ZH: dict[Channel, str] = {
    Channel.INSTRUCTOR: "党建指导员",
    Channel.LIAISON: "党建联络员",
    Channel.COVERING_ORG: "覆盖党组织",
    Channel.OWN_ORG: "本单位党组织",
    Channel.PAIRED_ORGAN: "结对机关",
    Channel.MEMBER_UNIT: "成员单位",
    Channel.CLAIMING_UNIT: "认领项目单位",
    Channel.REGISTERED_MEMBER: "报到在职党员",
    Channel.SERVICE_POST: "服务岗位",
    Channel.VOLUNTEER: "志愿者",
    Channel.PART_TIME_MEMBER: "兼职委员",
    Channel.PARENT_ORG: "上级党组织",
}


class EntityRef(BaseModel):
    id: str | None = Field(description="Null when it lies outside your areas / 超出权限范围时为空")
    name: str | None
    kind: str = Field(description="Node label, e.g. Unit / 节点类型")
    outside_scope: bool = Field(
        default=False,
        description="It exists but lies outside your areas: shown without its details / "
        "存在但不在您的权限范围内，不显示详情",
    )

    def hidden(self) -> EntityRef:
        return EntityRef(id=None, name=None, kind=self.kind, outside_scope=True)


class Support(BaseModel):
    """One supporter of an entity through one channel."""

    supporter: EntityRef
    channel: Channel
    channel_zh: str
    path: list[EntityRef] = Field(description="From the supporter to the entity / 支持路径")
    relationships: list[str] = Field(description="Relationship types along the path")
    since: dt.date | None = None
    until: dt.date | None = None


class Supporters(BaseModel):
    entity: EntityRef
    as_of: dt.date
    total: int = Field(description="How many (supporter, channel) pairs there are / 支持关系总数")
    skip: int = 0
    limit: int | None = Field(default=None, description="The page size asked (null: all)")
    supporters: list[Support] = Field(description="This page, by channel then id")
    by_channel: dict[str, int] = Field(description="How many supporters per channel (all pages)")


class PortfolioItem(BaseModel):
    target: EntityRef
    channel: Channel
    channel_zh: str
    since: dt.date | None = None
    until: dt.date | None = None


class Portfolio(BaseModel):
    """Everything a person or unit supports, with its load."""

    supporter: EntityRef
    as_of: dt.date
    items: list[PortfolioItem]
    load: int = Field(description="Distinct entities supported / 支持对象数")
    by_channel: dict[str, int]


class SharedSupporters(BaseModel):
    first: EntityRef
    second: EntityRef
    as_of: dt.date
    shared: list[EntityRef]
    shared_outside_scope: int = Field(
        default=0,
        description="Shared supporters outside your areas (not listed) / 范围外的共同支持者数",
    )


class Candidate(BaseModel):
    """Someone who could take the entity on: an officer to assign, an organization to cover it."""

    candidate: EntityRef
    roles: list[str] = Field(
        description="Officers: the roles they hold now (instructor, liaison); organizations: "
        "their kind / 指导员或联络员身份；党组织类型"
    )
    roles_zh: list[str]
    load: int = Field(
        description="Distinct current targets anywhere (officers: as instructor or liaison; "
        "organizations: covered) / 当前联系包挂或覆盖对象数"
    )
    near: AreaRef = Field(
        description="The smallest area holding both the entity and one of the candidate's "
        "current targets / 与该对象共同所在的最小区域"
    )
    nearby: int = Field(
        description="How many of its current targets that area holds / 该区域内的对象数"
    )


class Candidates(BaseModel):
    """Who should be assigned to, or cover, a branch, building, park or unit, given
    everyone's current load."""

    entity: EntityRef
    as_of: dt.date
    area_path: list[AreaRef] = Field(description="Where the entity is, the top first / 所在区域")
    pool: AreaRef | None = Field(
        description="Where candidates come from: the entity's subdistrict (above or outside "
        "any: its own area, not below it) / 候选范围（所在街道）"
    )
    officers: list[Candidate] = Field(
        description="Instructors and liaison officers working there now, not yet assigned to it "
        "(for a party organization, building or park) / 可选派的党建指导员、联络员"
    )
    officers_total: int
    covering_orgs: list[Candidate] = Field(
        description="Party organizations covering buildings, parks or units there now, not yet "
        "covering it (for a building, park or unit) / 可覆盖该对象的党组织"
    )
    covering_orgs_total: int
    order: str = Field(
        default="nearest first, then lightest load, then id / 就近优先，其次负担最轻，再按编号",
    )
