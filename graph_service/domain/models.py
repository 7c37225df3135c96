"""Pydantic models of every node and relationship kind: what an import row or an API body holds.

Every node has a stable ``id`` chosen by the data owner (organization code, building
code …), unique across all kinds, a Chinese ``name`` and an optional ``name_en``. A
relationship row names its two ends by id (``from_id``, ``to_id``) and may carry
``since``/``until``. Each field's ``title`` is its Chinese column header; the field name
is its English header.

>>> UnitIn.model_validate({"id": "U1", "name": "二七新村派出所", "kind": "派出所"}).kind
<UnitKind.POLICE_STATION: 'police_station'>
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from graph_service.domain.boundaries import (
    MAX_BOUNDARY_CHARS,
    MAX_BOUNDARY_VERTICES,
    BoundaryError,
    normalise,
)
from graph_service.domain.coordinates import CoordSystem, to_wgs84
from graph_service.domain.kinds import (
    AreaLevel,
    AssignmentRole,
    BilingualEnum,
    BuildingKind,
    CommitteeKind,
    MeetingKind,
    NodeKind,
    OrgKind,
    ParkKind,
    PartyStatus,
    RelKind,
    UnitKind,
)

ID_PATTERN = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.:/\-\u4e00-\u9fff]{0,63}$")
MAX_TEXT = 2000
#: Fields whose cells may be longer than MAX_TEXT (the readers' limit for every other
#: cell): an area's boundary, up to what an XLSX cell holds
LONG_FIELDS: dict[str, int] = {"boundary": MAX_BOUNDARY_CHARS}
# Control characters but tab, line feed and carriage return: no XLSX cell can hold them.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _no_control_chars(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise ValueError("control characters are not allowed / 不能含控制字符")
    return value


def _bilingual(enum: type[BilingualEnum]) -> BeforeValidator:
    def parse(value: Any) -> Any:
        if isinstance(value, str):
            return enum.parse(value)
        return value

    return BeforeValidator(parse)


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: str) -> dt.date:
    """A date written YYYY-MM-DD, and nothing else: no number of seconds since 1970 (``0``
    is not 1970-01-01), no ``20260630``, no time of day.

    >>> iso_date("2026-06-30")
    datetime.date(2026, 6, 30)
    """
    if ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # 2026-02-30
            pass
    raise ValueError(f"'{value}' is not a date YYYY-MM-DD / 日期格式应为 YYYY-MM-DD")


def _no_blank(value: Any) -> Any:
    """A date or a number is a value or null. An empty cell never gets here (the readers
    leave it out, so the field's default applies); an empty string sent in JSON is not a
    way of saying null, and is refused."""
    if isinstance(value, str) and value.strip() == "":
        raise ValueError("empty: give a value, or null for none / 不能为空字符串，无值请用 null")
    return value


def _parse_date(value: Any) -> Any:
    if type(value) is str and len(value) == 10 and ISO_DATE.fullmatch(value):
        try:  # the common case first: YYYY-MM-DD as written
            return dt.date.fromisoformat(value)
        except ValueError:  # 2026-02-30: said below, as any other
            pass
    value = _no_blank(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # pydantic would read a number as seconds since 1970: 0 as 1970-01-01
        raise ValueError(f"'{value}' is not a date; write YYYY-MM-DD / 日期格式应为 YYYY-MM-DD")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        text = value.strip().replace("/", "-").replace(".", "-")
        match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
        if match:
            text = f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            text = f"{parts[0]}-{int(parts[1]):02d}-{int(parts[2]):02d}"
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a date; write YYYY-MM-DD / 日期格式应为 YYYY-MM-DD"
            ) from None
    return value


_TRUE = frozenset({"true", "yes", "y", "1", "是", "示例", "√"})
_FALSE = frozenset({"false", "no", "n", "0", "否"})


def _parse_bool(value: Any) -> Any:
    if value is None or value is False or value is True:
        return bool(value)
    value = _blank_to_none(value)
    if value is None:
        return False
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"'{value}' is not yes/no (是/否)")
    return value


def _check_id(value: Any) -> Any:
    if type(value) is str and ID_PATTERN.match(value):
        return value  # the common case: an id as written (the readers strip cells)
    value = _strip(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: 1–64 letters, digits, Chinese characters or . _ : / -,"
            " starting with a letter, digit or character / 编号无效"
        )
    return value


EntityId = Annotated[str, BeforeValidator(_check_id)]


def _id_number(value: str | None) -> str | None:
    """A 身份证号 (18 characters, the last a check digit), by python-stdnum's ``cn.ric``;
    kept without spaces, the check character upper case."""
    if value is None:
        return None
    from stdnum import exceptions
    from stdnum.cn import ric

    try:
        return str(ric.validate(value))
    except exceptions.InvalidChecksum:
        digit = ric.calc_check_digit(ric.compact(value))
        zh = f"身份证号校验位错误（按前 17 位，末位应为 {digit}）"
        en = f"the ID number's check digit is wrong (by its first 17 it is {digit})"
    except exceptions.InvalidComponent:
        zh = "身份证号中的出生日期或地区码无效"
        en = "the ID number's birth date or region code is not valid"
    except exceptions.ValidationError:
        zh = "身份证号应为 18 位：17 位数字加 1 位校验位（数字或 X）"
        en = "an ID number has 18 characters: 17 digits and a check digit or X"
    raise ValueError(f"{zh} / {en}")


def _credit_code(value: str | None) -> str | None:
    """A 统一社会信用代码 (18 characters, the last a check character, GB 32100-2015), by
    python-stdnum's ``cn.uscc``; kept without spaces, upper case."""
    if value is None:
        return None
    from stdnum import exceptions
    from stdnum.cn import uscc

    try:
        return str(uscc.validate(value))
    except exceptions.InvalidChecksum:
        digit = uscc.calc_check_digit(uscc.compact(value))
        zh = f"统一社会信用代码校验位错误（末位应为 {digit}）"
        en = f"the unified social credit code's check character is wrong (it is {digit})"
    except exceptions.ValidationError:
        zh = "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）"
        en = "a unified social credit code has 18 digits or capitals"
    raise ValueError(f"{zh} / {en}")


# 11-digit mobiles (1[3-9]…), landlines with their area code (0…, 10–12 digits; after +86
# without the 0) and 400/800 numbers, each with an optional extension; +86 or 86 in front.
# Spaces, hyphens and brackets are only read past: the number is kept as typed.
PHONE = re.compile(
    r"^(?:(?:\+?86)?1[3-9]\d{9}|(?:\+?86)?0\d{9,11}|(?:\+?86)[1-9]\d{8,10}|[48]00\d{7})"
    r"(?:(?:转|ext|#)\d{1,6})?$"
)


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    digits = re.sub(r"[\s()（）-]", "", value)
    if not PHONE.match(digits):
        raise ValueError(
            "电话号码无效：应为 11 位手机号或带区号的固定电话（如 0531-86123456） / "
            f"'{value}' is not a phone number: an 11-digit mobile or a landline with its area code"
        )
    return value


Text = Annotated[str, AfterValidator(_no_control_chars)]
Name = Annotated[Text, BeforeValidator(_strip), Field(min_length=1, max_length=200)]
OptText = Annotated[
    Annotated[Text, Field(max_length=MAX_TEXT)] | None, BeforeValidator(_blank_to_none)
]
OptDate = Annotated[dt.date | None, BeforeValidator(_parse_date)]
Flag = Annotated[bool, BeforeValidator(_parse_bool)]
IdNumber = Annotated[OptText, AfterValidator(_id_number)]
CreditCode = Annotated[OptText, AfterValidator(_credit_code)]
Phone = Annotated[OptText, AfterValidator(_phone)]
OptCount = Annotated[Annotated[int, Field(ge=0, le=1_000_000)] | None, BeforeValidator(_no_blank)]
Latitude = Annotated[Annotated[float, Field(ge=-90, le=90)] | None, BeforeValidator(_no_blank)]
Longitude = Annotated[Annotated[float, Field(ge=-180, le=180)] | None, BeforeValidator(_no_blank)]


class Record(BaseModel):
    """Base of every row model: unknown fields are refused."""

    # Excel turns codes and phone numbers typed as digits into numbers: take them as text.
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_enum_values=False,
        coerce_numbers_to_str=True,
    )  # fmt: skip

    def graph_properties(self) -> dict[str, Any]:
        """Properties as stored in Neo4j (enums as their English value, None left out)."""
        # the fields as validated (flat: no model inside a model), without model_dump's
        # serializer, and an enum's value read directly (Enum.value is a slow descriptor)
        excluded = self._not_properties
        return {key: value._value_ if isinstance(value, BilingualEnum) else value
                for key, value in self.__dict__.items()
                if value is not None and key not in excluded}  # fmt: skip

    _not_properties: ClassVar[set[str]] = set()


# ---- nodes ---------------------------------------------------------------------------------


class NodeIn(Record):
    """Fields every node has."""

    kind_of_node: ClassVar[NodeKind]

    id: EntityId = Field(title="编号", description="Stable id chosen by the data owner / 稳定编号")
    name: Name = Field(title="名称", description="Chinese name / 中文名称")
    name_en: OptText = Field(default=None, title="英文名称", description="English name")
    illustrative: Flag = Field(
        default=False, title="示例数据", description="Not from a real source / 示例（非真实）数据"
    )
    note: OptText = Field(default=None, title="备注", description="Free text / 备注")

    def location(self) -> dict[str, float] | None:
        """WGS-84 coordinates, stored as a Neo4j point (SRID 4326); None if not located."""
        return None


def _coord_system(value: Any) -> CoordSystem | None:
    """A coordinate system's name (wgs84/gcj02/bd09, 高德, 百度, 天地图, GPS …); blank = WGS-84."""
    if isinstance(value, CoordSystem):
        return value
    return CoordSystem.parse(value)


CoordSystemIn = Annotated[CoordSystem | None, BeforeValidator(_coord_system)]


class Located(NodeIn):
    """A node with an address and optional coordinates, stored in WGS-84: given in another
    system (``coord_system``: GCJ-02 from 高德/腾讯, BD-09 from 百度), they are converted on
    the way in (graph_service/domain/coordinates.py) and the model holds WGS-84 after."""

    _not_properties: ClassVar[set[str]] = {"latitude", "longitude", "coord_system"}

    address: OptText = Field(default=None, title="地址", description="Address / 地址")
    latitude: Latitude = Field(default=None, title="纬度", description="WGS-84 latitude / 纬度")
    longitude: Longitude = Field(default=None, title="经度", description="WGS-84 longitude / 经度")
    coord_system: CoordSystemIn = Field(
        default=None, title="坐标系",
        description="System the coordinates are given in: wgs84 (GPS, 天地图, default), gcj02 "
                    "(高德, 腾讯) or bd09 (百度); stored as WGS-84 / 坐标所用坐标系，存为 WGS-84",
    )  # fmt: skip

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude (WGS-84) or neither / 经纬度需成对")
        system = self.coord_system or CoordSystem.WGS84
        if system is not CoordSystem.WGS84 and self.latitude is not None:
            assert self.longitude is not None
            self.latitude, self.longitude = to_wgs84(self.latitude, self.longitude, system)
        # now WGS-84: validating the model's own fields again must not convert twice
        self.coord_system = None
        return self

    def location(self) -> dict[str, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return {"latitude": self.latitude, "longitude": self.longitude}


def _boundary(value: Any, info: ValidationInfo) -> Any:
    """A boundary as its stored text (graph_service/domain/boundaries.py), converted to
    WGS-84 from the ``coord_system`` given before it."""
    value = _blank_to_none(value)
    if value is None:
        return None
    system = info.data.get("coord_system") or CoordSystem.WGS84
    try:
        return normalise(value, system)
    except BoundaryError as error:
        raise ValueError(str(error)) from None


#: What a boundary may be given as; the answer is always the stored GeoJSON text
Boundary = Annotated[
    str | None,
    BeforeValidator(_boundary),
    WithJsonSchema({
        "anyOf": [
            {"type": "string", "maxLength": MAX_BOUNDARY_CHARS,
             "description": "GeoJSON text, or WKT: POLYGON((lon lat, …)) / MULTIPOLYGON"},
            {"type": "object", "title": "GeoJSON geometry",
             "description": "A GeoJSON Polygon or MultiPolygon (RFC 7946), or a Feature of one",
             "properties": {"type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
                            "coordinates": {"type": "array", "items": {}}},
             "required": ["type", "coordinates"]},
            {"type": "null"},
        ],
    }),
]


def _system(description: str) -> Any:
    return Field(default=None, title="坐标系", description=description)


class AreaIn(NodeIn):
    kind_of_node = NodeKind.AREA
    _not_properties: ClassVar[set[str]] = {"coord_system"}

    level: Annotated[AreaLevel, _bilingual(AreaLevel)] = Field(
        title="层级", description="city/district/subdistrict/community/grid · 市/区/街道/社区/网格"
    )
    code: OptText = Field(default=None, title="区划代码", description="Administrative code")
    # before boundary: its validator reads it
    coord_system: CoordSystemIn = _system(
        "System the boundary is given in: wgs84 (default), gcj02 (高德, 腾讯) or bd09 (百度); "
        "stored as WGS-84 / 边界所用坐标系，存为 WGS-84"
    )
    boundary: Boundary = Field(
        default=None, title="边界",
        description=f"The area's boundary: a GeoJSON Polygon or MultiPolygon (object or text) "
                    f"or WKT POLYGON((lon lat, …)), closed rings, not self-intersecting, at most "
                    f"{MAX_BOUNDARY_VERTICES:,} positions, inside its parent's; stored as GeoJSON "
                    f"in WGS-84 / 区域边界：GeoJSON 多边形或 WKT（先经度后纬度），须闭合、"
                    f"不自相交、位于上级区域边界内",
    )  # fmt: skip

    @model_validator(mode="after")
    def _converted_once(self) -> Self:
        # the boundary is WGS-84 now: validating the model's own fields again must not
        # convert it twice
        self.coord_system = None
        return self


class AreaBoundaryIn(Record):
    """One Feature of a ``.geojson`` file beside an import: the boundary of the area whose
    id its ``properties.id`` gives (loaders/readers.py reads the file)."""

    id: EntityId = Field(title="编号", description="The area's id / 区域编号")
    coord_system: CoordSystemIn = _system("The FeatureCollection's coord_system / 坐标系")
    boundary: Annotated[Boundary, Field(title="边界", description="The Feature's geometry")]


class UnitIn(Located):
    kind_of_node = NodeKind.UNIT
    kind: Annotated[UnitKind, _bilingual(UnitKind)] = Field(
        title="单位类型", description="Kind of unit / 单位类型"
    )
    formal_party_members: OptCount = Field(
        default=None,
        title="正式党员数",
        description="Formal party members working there / 正式党员人数",
    )
    credit_code: CreditCode = Field(
        default=None,
        title="统一社会信用代码",
        description="Unified social credit code, 18 characters with its check character",
    )


class PartyOrgIn(NodeIn):
    kind_of_node = NodeKind.PARTY_ORG
    kind: Annotated[OrgKind, _bilingual(OrgKind)] = Field(
        title="组织类型", description="Kind of party organization / 党组织类型"
    )
    founded: OptDate = Field(default=None, title="成立日期", description="Founding date")


class CommitteeIn(NodeIn):
    kind_of_node = NodeKind.COMMITTEE
    kind: Annotated[CommitteeKind, _bilingual(CommitteeKind)] = Field(
        title="工委类型",
        description="big_working_committee (街道大工委) or community (社区综合党委)",
    )
    founded: OptDate = Field(default=None, title="成立日期", description="Founding date")


class BuildingIn(Located):
    kind_of_node = NodeKind.BUILDING
    kind: Annotated[BuildingKind, _bilingual(BuildingKind)] = Field(
        default=BuildingKind.COMMERCIAL, title="楼宇类型", description="Kind of building"
    )
    floors: OptCount = Field(default=None, title="楼层数", description="Floors")


class ParkIn(Located):
    kind_of_node = NodeKind.PARK
    kind: Annotated[ParkKind, _bilingual(ParkKind)] = Field(
        default=ParkKind.FEATURED, title="园区类型", description="Kind of park"
    )


class PersonIn(NodeIn):
    kind_of_node = NodeKind.PERSON
    party_status: Annotated[PartyStatus, _bilingual(PartyStatus)] = Field(
        default=PartyStatus.NONE, title="政治面貌", description="formal / probationary / none"
    )
    position: OptText = Field(default=None, title="职务", description="Position / 职务")
    titles: OptText = Field(
        default=None,
        title="两代表一委员",
        description="人大代表, 党代表, 政协委员 (separated by ;) / deputies and CPPCC member",
    )
    capacity: OptCount = Field(
        default=None, title="包挂上限",
        description="Most targets this officer may hold at once (none: the deployment's "
                    "OFFICER_CAPACITY) / 可联系包挂的对象数上限",
    )  # fmt: skip
    phone: Phone = Field(
        default=None,
        title="电话",
        description="Phone: a mobile or a landline with area code (personal data)",
    )
    id_number: IdNumber = Field(
        default=None, title="身份证号", description="ID number, 18 characters (personal data)"
    )
    home_address: OptText = Field(default=None, title="住址", description="Home address (personal)")


class ProjectIn(NodeIn):
    kind_of_node = NodeKind.PROJECT
    description: OptText = Field(
        default=None, title="项目内容", description="What the project does"
    )


class MeetingIn(NodeIn):
    kind_of_node = NodeKind.MEETING
    date: Annotated[dt.date, BeforeValidator(_parse_date)] = Field(
        title="会议日期", description="Date held / 召开日期"
    )
    kind: Annotated[MeetingKind, _bilingual(MeetingKind)] = Field(
        default=MeetingKind.REGULAR, title="会议类型", description="plenary / regular"
    )


class ServicePostIn(NodeIn):
    kind_of_node = NodeKind.SERVICE_POST
    description: OptText = Field(default=None, title="岗位职责", description="Duties / 岗位职责")


class StationIn(Located):
    kind_of_node = NodeKind.STATION
    radius_m: OptCount = Field(
        default=None, title="服务半径",
        description="Metres it serves, straight-line (none: the deployment's radius) / "
                    "服务半径（米），不填则用统一半径",
    )  # fmt: skip


NODE_MODELS: dict[NodeKind, type[NodeIn]] = {
    model.kind_of_node: model
    for model in (
        AreaIn, UnitIn, PartyOrgIn, CommitteeIn, BuildingIn, ParkIn, PersonIn, ProjectIn,
        MeetingIn, ServicePostIn, StationIn,
    )
}  # fmt: skip


# ---- relationships --------------------------------------------------------------------------


class RelIn(Record):
    """Fields every relationship row has."""

    kind_of_rel: ClassVar[RelKind]
    _not_properties: ClassVar[set[str]] = {"from_id", "to_id"}

    from_id: EntityId = Field(title="起点编号", description="Id of the start node / 起点编号")
    to_id: EntityId = Field(title="终点编号", description="Id of the end node / 终点编号")
    since: OptDate = Field(default=None, title="开始日期", description="Valid from / 起始日期")
    until: OptDate = Field(default=None, title="结束日期", description="Valid until / 截止日期")
    illustrative: Flag = Field(default=False, title="示例数据", description="Not from a source")

    @model_validator(mode="after")
    def _since_before_until(self) -> Self:
        if self.since and self.until and self.since > self.until:
            raise ValueError(
                f"since {self.since} is after until {self.until} / 开始日期晚于结束日期"
            )
        return self

    @field_validator("to_id")
    @classmethod
    def _not_a_loop(cls, value: str, info: Any) -> str:
        if info.data.get("from_id") == value:
            raise ValueError("a relationship cannot join a node to itself / 起点与终点相同")
        return value


def _rel(kind: RelKind, **fields: Any) -> type[RelIn]:
    """Declare a relationship model with extra fields."""
    from pydantic import create_model

    model = create_model(f"{kind.value.title().replace('_', '')}In", __base__=RelIn, **fields)
    model.kind_of_rel = kind
    return model


OptStr = (OptText, Field(default=None))
REL_MODELS: dict[RelKind, type[RelIn]] = {
    RelKind.PART_OF: _rel(RelKind.PART_OF),
    RelKind.LOCATED_IN: _rel(RelKind.LOCATED_IN),
    RelKind.UNDER: _rel(RelKind.UNDER),
    RelKind.COVERS: _rel(RelKind.COVERS),
    RelKind.ESTABLISHED_IN: _rel(RelKind.ESTABLISHED_IN),
    RelKind.LEADS: _rel(RelKind.LEADS),
    RelKind.MEMBER_UNIT_OF: _rel(
        RelKind.MEMBER_UNIT_OF,
        agreement=(OptText, Field(default=None, title="共建协议", description="Agreement signed")),
    ),
    RelKind.SERVES_ON: _rel(
        RelKind.SERVES_ON,
        role=(OptText, Field(default=None, title="委员职务", description="Role on the committee")),
        for_unit=(
            Annotated[Text | None, BeforeValidator(_blank_to_none)],
            Field(default=None, title="代表单位", description="Id of the delegating member unit"),
        ),
    ),
    RelKind.MEMBER_OF: _rel(
        RelKind.MEMBER_OF,
        role=(OptText, Field(default=None, title="党内职务", description="e.g. 书记 secretary")),
    ),
    RelKind.EMPLOYED_BY: _rel(
        RelKind.EMPLOYED_BY,
        position=(OptText, Field(default=None, title="职务", description="Position held")),
    ),
    RelKind.ASSIGNED_TO: _rel(
        RelKind.ASSIGNED_TO,
        role=(
            Annotated[AssignmentRole, _bilingual(AssignmentRole)],
            Field(title="包挂角色", description="instructor 党建指导员 / liaison 党建联络员"),
        ),
    ),
    RelKind.PAIRED_WITH: _rel(
        RelKind.PAIRED_WITH,
        scheme=(OptText, Field(default=None, title="结对方式", description="e.g. 双联系双服务")),
    ),
    RelKind.REPORTED_TO: _rel(
        RelKind.REPORTED_TO,
        date=(OptDate, Field(default=None, title="报到日期", description="Date registered")),
    ),
    RelKind.HOLDS: _rel(RelKind.HOLDS),
    RelKind.VOLUNTEERS_IN: _rel(RelKind.VOLUNTEERS_IN),
    RelKind.CLAIMED: _rel(
        RelKind.CLAIMED,
        signed=(OptDate, Field(default=None, title="签订日期", description="Agreement signed on")),
    ),
    RelKind.SERVES: _rel(RelKind.SERVES),
    RelKind.OF: _rel(RelKind.OF),
    RelKind.INCUBATES: _rel(RelKind.INCUBATES),
}
del OptStr
