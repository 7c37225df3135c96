"""Closed enumerations of the domain: node labels, relationship types and value kinds.

Labels and relationship types reach Cypher only as members of :class:`NodeKind` and
:class:`RelKind`. Value enumerations accept the English value or the Chinese term
(``branch`` or ``党支部``) through :meth:`BilingualEnum.parse`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self


class BilingualEnum(StrEnum):
    """A string enumeration whose members also answer to a Chinese name.

    >>> OrgKind.parse("党支部") is OrgKind.BRANCH
    True
    >>> OrgKind.parse("branch") is OrgKind.BRANCH
    True
    >>> PartyStatus.parse("中共预备党员") is PartyStatus.PROBATIONARY  # a term organizers use
    True
    """

    @property
    def zh(self) -> str:
        return _ZH_NAMES[type(self)][self.value]

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        """The JSON schema names each value in Chinese too (``x-enum-descriptions``, in the
        enum's order, as OpenAPI generators read it): the console's forms label their
        choices from the API's own document."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["x-enum-descriptions"] = [_ZH_NAMES[cls][m.value] for m in cls]
        return schema

    @classmethod
    def parse(cls, value: str) -> Self:
        found = _PARSED.get((cls, value))
        if found is None:
            found = cls._parse(value)
            if len(_PARSED) < MAX_PARSED:  # spellings that parsed, kept: a file repeats them
                _PARSED[(cls, value)] = found
        return found  # type: ignore[return-value]

    @classmethod
    def _parse(cls, value: str) -> Self:
        text = value.strip()
        for member in cls:
            if text.lower() == member.value or text == member.zh:
                return member
        if text in _ALIASES.get(cls, {}):
            return cls(_ALIASES[cls][text])
        for member in cls:  # aliases: "党支部 branch", "Branch"
            if member.value in text.lower().split() or member.zh in text.split():
                return member
        raise ValueError(
            f"“{value}”不是可选的值，可选：" + "、".join(m.zh for m in cls)
            + f" / '{value}' is not one of: " + ", ".join(m.value for m in cls)
        )

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            for member in cls:
                if (
                    value.strip() in (member.zh, member.value)
                    or value.strip().lower() == member.value
                ):
                    return member
            if value.strip() in _ALIASES.get(cls, {}):
                return cls(_ALIASES[cls][value.strip()])
        return None


_ZH_NAMES: dict[type[BilingualEnum], dict[str, str]] = {}
# other Chinese terms organizers write for a member (中共党员 for 正式党员 …), by enum
_ALIASES: dict[type[BilingualEnum], dict[str, str]] = {}
#: what parse made of each spelling it was given (a bound: the spellings are few)
_PARSED: dict[tuple[type[BilingualEnum], str], BilingualEnum] = {}
MAX_PARSED = 4_096


def _zh(enum: type[BilingualEnum], names: dict[str, str]) -> None:
    missing = {m.value for m in enum} - set(names)
    if missing:
        raise AssertionError(f"{enum.__name__} lacks Chinese names for {missing}")
    _ZH_NAMES[enum] = names


class NodeKind(StrEnum):
    """Node labels. The value is the label."""

    # Each member is its label and its Chinese name; everything else about the kind (its
    # table, model, route docs, examples) is its spec in ``kind_specs.py``.
    _zh: str

    AREA = "Area", "区域"
    UNIT = "Unit", "单位"
    PARTY_ORG = "PartyOrg", "党组织"
    COMMITTEE = "Committee", "工委"
    BUILDING = "Building", "楼宇"
    PARK = "Park", "园区"
    PERSON = "Person", "人员"
    PROJECT = "Project", "项目"
    MEETING = "Meeting", "会议"
    SERVICE_POST = "ServicePost", "服务岗位"
    STATION = "Station", "党群服务中心"

    # ``zh`` has a default only so that ``NodeKind("Area")`` (a lookup by label) type-checks;
    # every member above names its Chinese name.
    def __new__(cls, label: str, zh: str = "") -> Self:
        member = str.__new__(cls, label)
        member._value_ = label
        member._zh = zh
        return member

    @property
    def zh(self) -> str:
        """The Chinese name: ``NodeKind.UNIT.zh == "单位"``."""
        return self._zh


NODE_ZH: dict[NodeKind, str] = {kind: kind.zh for kind in NodeKind}


class RelKind(StrEnum):
    """Relationship types. The value is the type."""

    PART_OF = "PART_OF"
    LOCATED_IN = "LOCATED_IN"
    UNDER = "UNDER"
    COVERS = "COVERS"
    ESTABLISHED_IN = "ESTABLISHED_IN"
    LEADS = "LEADS"
    MEMBER_UNIT_OF = "MEMBER_UNIT_OF"
    SERVES_ON = "SERVES_ON"
    MEMBER_OF = "MEMBER_OF"
    EMPLOYED_BY = "EMPLOYED_BY"
    ASSIGNED_TO = "ASSIGNED_TO"
    PAIRED_WITH = "PAIRED_WITH"
    REPORTED_TO = "REPORTED_TO"
    HOLDS = "HOLDS"
    VOLUNTEERS_IN = "VOLUNTEERS_IN"
    CLAIMED = "CLAIMED"
    SERVES = "SERVES"
    OF = "OF"
    INCUBATES = "INCUBATES"

    @property
    def spec(self) -> RelSpec:
        return REL_SPECS[self]


@dataclass(frozen=True)
class RelSpec:
    """What a relationship type joins, and what it means (in English and Chinese)."""

    sources: frozenset[NodeKind]
    targets: frozenset[NodeKind]
    zh: str
    meaning: str
    meaning_zh: str


def _spec(
    sources: set[NodeKind], targets: set[NodeKind], zh: str, meaning: str, meaning_zh: str
) -> RelSpec:
    return RelSpec(frozenset(sources), frozenset(targets), zh, meaning, meaning_zh)


N = NodeKind
_PLACES = {N.AREA, N.BUILDING, N.PARK}
REL_SPECS: dict[RelKind, RelSpec] = {
    RelKind.PART_OF: _spec(
        {N.AREA}, {N.AREA}, "隶属区域", "an area lies in a larger area",
        "区域隶属于上一级区域",
    ),
    RelKind.LOCATED_IN: _spec(
        {N.UNIT, N.BUILDING, N.PARK, N.PARTY_ORG, N.COMMITTEE, N.STATION, N.SERVICE_POST},
        _PLACES,
        "位于",
        "where a thing is",
        "单位、楼宇、园区、党组织、工委、服务岗位或阵地所在的位置",
    ),
    RelKind.UNDER: _spec(
        {N.PARTY_ORG}, {N.PARTY_ORG}, "上级党组织", "a party organization's parent",
        "党组织的上级党组织",
    ),
    RelKind.COVERS: _spec(
        {N.PARTY_ORG},
        {N.BUILDING, N.PARK, N.UNIT},
        "覆盖",
        "an organization covers a place or unit",
        "党组织覆盖楼宇、园区或单位",
    ),
    RelKind.ESTABLISHED_IN: _spec(
        {N.PARTY_ORG}, {N.UNIT}, "建在单位", "a unit's own party organization",
        "单位单独建立的党组织",
    ),
    RelKind.LEADS: _spec(
        {N.PARTY_ORG}, {N.COMMITTEE}, "领导", "the party organization at a committee's core",
        "居于工委核心、领导工委的党组织",
    ),
    RelKind.MEMBER_UNIT_OF: _spec(
        {N.UNIT}, {N.COMMITTEE}, "成员单位", "a committee's member unit",
        "工委的成员单位",
    ),
    RelKind.SERVES_ON: _spec(
        {N.PERSON}, {N.COMMITTEE}, "兼职委员", "a part-time committee member",
        "成员单位推荐的兼职委员",
    ),
    RelKind.MEMBER_OF: _spec(
        {N.PERSON}, {N.PARTY_ORG}, "党员隶属", "a party member's organization (or a post in it)",
        "党员所在的党组织（及党内职务）",
    ),
    RelKind.EMPLOYED_BY: _spec(
        {N.PERSON}, {N.UNIT}, "工作单位", "where a person works",
        "人员的工作单位",
    ),
    RelKind.ASSIGNED_TO: _spec(
        {N.PERSON},
        {N.PARTY_ORG, N.BUILDING, N.PARK, N.AREA, N.UNIT},
        "联系包挂",
        "an instructor or liaison officer helps a target",
        "党建指导员或联络员联系包挂的对象",
    ),
    RelKind.PAIRED_WITH: _spec(
        {N.UNIT}, {N.AREA, N.PARTY_ORG}, "结对共建", "an organ paired with a community",
        "机关与社区结对共建（双联系双服务）",
    ),
    RelKind.REPORTED_TO: _spec(
        {N.PERSON}, {N.AREA}, "在职党员报到", "an in-service member registered with a community",
        "在职党员到居住地社区报到",
    ),
    RelKind.HOLDS: _spec(
        {N.PERSON}, {N.SERVICE_POST}, "认岗", "a person holds a service post",
        "党员认领服务岗位",
    ),
    RelKind.VOLUNTEERS_IN: _spec(
        {N.PERSON}, {N.AREA}, "志愿服务", "a volunteer in an area",
        "志愿者在社区开展志愿服务",
    ),
    RelKind.CLAIMED: _spec(
        {N.UNIT}, {N.PROJECT}, "项目认领", "a unit claimed a project",
        "成员单位签订项目认领协议书认领项目",
    ),
    RelKind.SERVES: _spec(
        {N.PROJECT}, {N.AREA}, "服务区域", "a project serves an area",
        "项目服务的区域",
    ),
    RelKind.OF: _spec(
        {N.MEETING}, {N.COMMITTEE}, "会议所属", "a meeting of a committee",
        "会议所属的工委",
    ),
    RelKind.INCUBATES: _spec(
        {N.UNIT}, {N.UNIT}, "孵化", "an incubation centre incubates a unit",
        "孵化中心孵化社会组织",
    ),
}


class AreaLevel(BilingualEnum):
    CITY = "city"
    DISTRICT = "district"
    SUBDISTRICT = "subdistrict"
    COMMUNITY = "community"
    GRID = "grid"


_zh(AreaLevel, {"city": "市", "district": "区", "subdistrict": "街道", "community": "社区",
                "grid": "网格"})  # fmt: skip

AREA_LEVEL_RANK = {
    AreaLevel.CITY: 0,
    AreaLevel.DISTRICT: 1,
    AreaLevel.SUBDISTRICT: 2,
    AreaLevel.COMMUNITY: 3,
    AreaLevel.GRID: 4,
}


class UnitKind(BilingualEnum):
    GOVERNMENT_ORGAN = "government_organ"
    ENTERPRISE = "enterprise"
    STATE_ENTERPRISE = "state_enterprise"
    PUBLIC_INSTITUTION = "public_institution"
    NON_PUBLIC_ENTERPRISE = "non_public_enterprise"
    SOCIAL_ORGANIZATION = "social_organization"
    RESIDENTS_COMMITTEE = "residents_committee"
    OWNERS_COMMITTEE = "owners_committee"
    PROPERTY_MANAGEMENT = "property_management"
    POLICE_STATION = "police_station"


_zh(UnitKind, {
    "government_organ": "机关", "enterprise": "企业", "state_enterprise": "国企",
    "public_institution": "事业单位", "non_public_enterprise": "非公企业",
    "social_organization": "社会组织", "residents_committee": "居委会",
    "owners_committee": "业委会", "property_management": "物业管理公司",
    "police_station": "派出所",
})  # fmt: skip


class OrgKind(BilingualEnum):
    WORKING_COMMITTEE = "working_committee"
    COMMITTEE = "committee"
    GENERAL_BRANCH = "general_branch"
    BRANCH = "branch"
    JOINT_BRANCH = "joint_branch"
    BUILDING_BRANCH = "building_branch"
    PARK_BRANCH = "park_branch"
    SOCIAL_ORG_COMMITTEE = "social_org_committee"


_zh(OrgKind, {
    "working_committee": "街道党工委", "committee": "党委", "general_branch": "党总支",
    "branch": "党支部", "joint_branch": "联合党支部", "building_branch": "商务楼宇党支部",
    "park_branch": "特色园区党支部", "social_org_committee": "社会组织党委",
})  # fmt: skip

BRANCH_KINDS = frozenset(
    {OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.BUILDING_BRANCH, OrgKind.PARK_BRANCH,
     OrgKind.GENERAL_BRANCH}
)  # fmt: skip


class CommitteeKind(BilingualEnum):
    BIG_WORKING_COMMITTEE = "big_working_committee"
    COMMUNITY = "community"


_zh(CommitteeKind, {"big_working_committee": "街道大工委", "community": "社区综合党委"})


class AssignmentRole(BilingualEnum):
    INSTRUCTOR = "instructor"
    LIAISON = "liaison"


_zh(AssignmentRole, {"instructor": "党建指导员", "liaison": "党建联络员"})


class PartyStatus(BilingualEnum):
    FORMAL = "formal"
    PROBATIONARY = "probationary"
    NONE = "none"


_zh(PartyStatus, {"formal": "正式党员", "probationary": "预备党员", "none": "非党员"})
# 政治面貌 as forms and personnel files write it (GB/T 4762): a CPC member is 中共党员, a
# probationary one 中共预备党员; every other status is not a party member here
_ALIASES[PartyStatus] = {
    "中共党员": "formal", "中共正式党员": "formal", "党员": "formal", "正式": "formal",
    "中共预备党员": "probationary", "预备": "probationary",
    "群众": "none", "共青团员": "none", "团员": "none", "中国共产主义青年团团员": "none",
    "民主党派": "none", "民主党派成员": "none", "无党派人士": "none", "无党派": "none",
}  # fmt: skip


class MeetingKind(BilingualEnum):
    PLENARY = "plenary"
    REGULAR = "regular"


_zh(MeetingKind, {"plenary": "全体会议", "regular": "例会"})


class ParkKind(BilingualEnum):
    INDUSTRIAL = "industrial"
    CULTURAL = "cultural"
    COMMERCIAL = "commercial"
    FEATURED = "featured"


_zh(ParkKind, {"industrial": "产业园区", "cultural": "文化园区", "commercial": "商业园区",
               "featured": "特色园区"})  # fmt: skip


class BuildingKind(BilingualEnum):
    COMMERCIAL = "commercial"
    RESIDENTIAL = "residential"
    MIXED = "mixed"


_zh(BuildingKind, {"commercial": "商务楼宇", "residential": "住宅楼", "mixed": "综合楼"})


# ---- kinds in Chinese, as reports show them ----------------------------------------------------

_SUBKINDS: dict[str, type[BilingualEnum]] = {
    NodeKind.UNIT.value: UnitKind, NodeKind.BUILDING.value: BuildingKind,
    NodeKind.PARK.value: ParkKind, NodeKind.PARTY_ORG.value: OrgKind,
    NodeKind.COMMITTEE.value: CommitteeKind, NodeKind.AREA.value: AreaLevel,
    NodeKind.PERSON.value: PartyStatus,
}  # fmt: skip


def in_chinese(enum: type[BilingualEnum], value: str | None) -> str | None:
    """A stored enumeration value in Chinese; a value the enumeration does not know as is."""
    if value is not None and value in enum._value2member_map_:
        return enum(value).zh
    return value


def kind_in_chinese(kind: str, subkind: str | None) -> str:
    """What a gap's thing is, in Chinese: its subkind (商务楼宇, 非公企业, 社区), else its label
    (楼宇); a value no enumeration knows is shown as stored."""
    if subkind:
        enum = _SUBKINDS.get(kind)
        return (in_chinese(enum, subkind) if enum else subkind) or subkind
    label = NodeKind._value2member_map_.get(kind)
    return label.zh if isinstance(label, NodeKind) else kind
