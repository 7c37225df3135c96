"""One declaration per entity kind: what the kind is, everywhere it shows.

Each node kind is one :class:`NodeSpec` in :data:`NODE_SPECS`, each relationship type one
:class:`RelKindSpec` in :data:`REL_KIND_SPECS`. What the rest of the service keeps per kind
is derived from them, not written again:

- the import/export tables (``domain/tables.py``: a node table's key, its Chinese name,
  its model and columns; also the routes' paths, ``/units``);
- the generated routes' docs (``api/crud_docs.py``: what the kind is, in English and
  Chinese; what a relationship type means);
- the import template's example rows (``loaders/template.py``: fictional rows that form a
  small consistent graph, so the untouched template imports cleanly);
- the OpenAPI examples of the record routes (``api/openapi_examples.py``: a create body, a
  record and a change of it, all from the demo region, so trying them in /docs against the
  demo works).

The two kinds of examples are different rows on purpose: the template's must be fictional
and join only each other, the OpenAPI's must be the demo region's own records.

What a spec does not hold, because it is declared where it belongs and looked up from here:
the label and the Chinese name (the :class:`~graph_service.domain.kinds.NodeKind` member),
the model class (``domain/models.py``: ``NODE_MODELS`` / ``REL_MODELS``, each model naming
its kind), a relationship type's ends and meaning
(:class:`~graph_service.domain.kinds.RelSpec`). What cannot be derived — the uniqueness
constraint of each label in ``cypher/schema/constraints.cypher`` — is checked against the
specs by ``tests/test_kind_specs.py``. :func:`spec_problems` refuses, at import, a kind
without a spec, a model or a table key of its own.

>>> NODE_SPECS[NodeKind.UNIT].table, NODE_SPECS[NodeKind.UNIT].zh
('units', '单位')
>>> sorted(rel.value for rel in NODE_SPECS[NodeKind.MEETING].relationships)
['OF']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graph_service.domain.kinds import REL_SPECS, NodeKind, RelKind, RelSpec
from graph_service.domain.models import NODE_MODELS, REL_MODELS, NodeIn, RelIn

#: The date of the template's example rows (a relationship's ``since`` too).
EXAMPLE_DATE = dt.date(2024, 1, 1)
_EXAMPLE_POINT = {"latitude": 36.6512, "longitude": 116.9822}  # WGS-84, central Jinan


@dataclass(frozen=True)
class NodeDoc:
    """What the route docs say a node kind is."""

    one: str  # "an area"
    many: str  # "areas"
    en: str
    zh: str
    subkind: str | None  # what the list's `kind` filter matches (None: no such field)


@dataclass(frozen=True)
class NodeExamples:
    """The OpenAPI examples of a node kind, from the demo region."""

    new: dict[str, Any]  # a create body with an id the demo lacks (201, then 409)
    new_about: str
    record: dict[str, Any]  # a demo node as the demo holds it
    patch: dict[str, Any]  # a change that fits ``record``
    patch_about: str


@dataclass(frozen=True)
class RelExamples:
    """The OpenAPI examples of a relationship type, from the demo region."""

    new: dict[str, Any]
    new_about: str
    record: dict[str, Any]
    patch: dict[str, Any]
    patch_about: str
    #: the kind whose create example makes an end of ``new`` (the demo lacks that node)
    needs: NodeKind | None = None


@dataclass(frozen=True)
class NodeSpec:
    """A node kind: its table, route docs and examples.

    ``template`` rows name fields by their English names; the template adds ``name_en`` and
    ``illustrative`` to each.
    """

    kind: NodeKind
    table: str  # the table key: CSV file and XLSX sheet name, the routes' path (/units)
    doc: NodeDoc
    template: tuple[dict[str, Any], ...]
    demo: NodeExamples

    @property
    def zh(self) -> str:
        return self.kind.zh

    @property
    def model(self) -> type[NodeIn]:
        return NODE_MODELS[self.kind]

    @property
    def relationships(self) -> frozenset[RelKind]:
        """The relationship types this kind may start or end (from ``REL_SPECS``)."""
        return frozenset(
            rel for rel, ends in REL_SPECS.items() if self.kind in ends.sources | ends.targets
        )


@dataclass(frozen=True)
class RelKindSpec:
    """A relationship type's examples; its ends and meaning are its ``RelSpec``.

    ``template`` is the template's example: (from_id, to_id, further fields), joining two of
    the node kinds' template rows; the template adds ``since`` and ``illustrative``.
    """

    kind: RelKind
    template: tuple[str, str, dict[str, Any]]
    demo: RelExamples

    @property
    def ends(self) -> RelSpec:
        return REL_SPECS[self.kind]

    @property
    def table(self) -> str:
        return self.kind.value.lower()

    @property
    def model(self) -> type[RelIn]:
        return REL_MODELS[self.kind]


N, R = NodeKind, RelKind
_NODE_SPECS = (
    NodeSpec(
        N.AREA, table="areas",
        doc=NodeDoc(
            "an area", "areas",
            "a city, district, subdistrict, community or grid; areas nest by PART_OF.",
            "市、区、街道、社区或网格，以“隶属区域”关系逐级嵌套。",
            "`level` (city, district, subdistrict, community, grid)",
        ),
        template=(
            {"id": "EX-AREA-1", "name": "示例街道（虚构）", "level": "街道",
             "boundary": "POLYGON((117 36.64, 117.02 36.64, 117.02 36.66, 117 36.66, 117 36.64))"},
            {"id": "EX-AREA-2", "name": "示例社区（虚构）", "level": "社区",
             "boundary": "POLYGON((117.001 36.651, 117.009 36.651, 117.009 36.659, "
                         "117.001 36.651))"},
        ),
        demo=NodeExamples(
            new={"id": "A-JIANXIN-G1", "name": "建新社区第一网格", "name_en": "Jianxin Grid 1",
                 "level": "grid", "illustrative": True},
            new_about="A grid of the Jianxin community / 建新社区的一个网格",
            record={"id": "A-HEPING", "name": "和平社区", "level": "community",
                    "illustrative": True},
            patch={"name_en": "Heping Community"},
            patch_about="Add the English name / 补充英文名称",
        ),
    ),
    NodeSpec(
        N.UNIT, table="units",
        doc=NodeDoc(
            "a unit", "units",
            "an organ, enterprise, state enterprise, public institution, non-public enterprise, "
            "social organization, residents' or owners' committee, property-management company "
            "or police station. A unit with 3 or more formal party members should have its own "
            "party organization.",
            "辖区内的机关、企业、国企、事业单位、非公企业、社会组织、居委会、业委会、物业管理公司或"
            "派出所。正式党员3人以上的单位应单独建立党组织。",
            "`kind` (government_organ, enterprise, non_public_enterprise, …)",
        ),
        template=(
            {"id": "EX-UNIT-1", "name": "示例社会组织孵化中心（虚构）", "kind": "社会组织",
             "formal_party_members": 3, "address": "示例路 1 号（虚构）", **_EXAMPLE_POINT},
            {"id": "EX-UNIT-2", "name": "示例志愿服务社（虚构）", "kind": "社会组织",
             "formal_party_members": 0},
        ),
        demo=NodeExamples(
            new={"id": "U-HEMEI", "name": "二七和美社会工作服务中心",
                 "name_en": "Erqi Hemei Social Work Service Centre", "kind": "social_organization",
                 "address": "文化路15号（示例）", "latitude": 36.6318, "longitude": 117.0079,
                 "illustrative": True},
            new_about="A social organization newly registered in 文化社区 / 新登记的社会组织",
            record={"id": "U-DEYUAN", "name": "济南德源信息技术有限公司",
                    "kind": "non_public_enterprise", "formal_party_members": 4,
                    "illustrative": True, "note": "示例：正式党员4人，尚未单独建立党组织"},
            patch={"formal_party_members": 5,
                   "note": "示例：正式党员5人，尚未单独建立党组织 / 5 formal members, no own "
                           "organization"},
            patch_about="One more formal party member transferred in / 新转入一名正式党员",
        ),
    ),
    NodeSpec(
        N.PARTY_ORG, table="party_orgs",
        doc=NodeDoc(
            "a party organization", "party organizations",
            "a subdistrict working committee, committee, general branch, branch, joint branch, "
            "commercial-building or park branch, or social-organization committee; it comes UNDER "
            "its parent.",
            "街道党工委、党委、党总支、党支部、联合党支部、商务楼宇党支部、特色园区党支部或社会组织"
            "党委，通过“上级党组织”关系隶属上级。",
            "`kind` (working_committee, committee, branch, joint_branch, …)",
        ),
        template=(
            {"id": "EX-ORG-1", "name": "示例社区党委（虚构）", "kind": "党委",
             "founded": EXAMPLE_DATE},
            {"id": "EX-ORG-2", "name": "示例商务楼宇党支部（虚构）", "kind": "商务楼宇党支部",
             "founded": EXAMPLE_DATE},
        ),
        demo=NodeExamples(
            new={"id": "PO-DEYUAN", "name": "中共济南德源信息技术有限公司支部委员会",
                 "kind": "branch", "founded": "2026-07-01", "illustrative": True},
            new_about="The branch of 德源信息技术 (4 formal members, ORG_UNIT_NEEDS_OWN_ORG) / "
                      "为德源信息技术单独组建党支部",
            record={"id": "PO-SOCIAL", "name": "中共二七新村街道社会组织委员会",
                    "kind": "social_org_committee", "illustrative": True,
                    "note": "文章：注重培育孵化社会组织党组织，建立社会组织党委"
                            "（筹建中，成立日期未载）"},
            patch={"founded": "2026-07-01",
                   "name_en": "Erqi Xincun Social Organizations Committee"},
            patch_about="The committee is founded / 社会组织党委正式成立",
        ),
    ),
    NodeSpec(
        N.COMMITTEE, table="committees",
        doc=NodeDoc(
            "a committee", "committees",
            "a subdistrict big (joint) working committee or a community comprehensive party "
            "committee: a party organization at the core, with member units and part-time "
            "members.",
            "街道大工委或社区综合党委（“一核多元”）：以党组织为核心，吸纳成员单位和兼职委员。",
            "`kind` (big_working_committee, community)",
        ),
        template=(
            {"id": "EX-COMMITTEE-1", "name": "示例社区综合党委（虚构）", "kind": "社区综合党委",
             "founded": EXAMPLE_DATE},
        ),
        demo=NodeExamples(
            new={"id": "CM-WENHUA", "name": "文化社区综合党委",
                 "name_en": "Wenhua comprehensive party committee", "kind": "community",
                 "founded": "2026-07-01", "illustrative": True},
            new_about="文化社区's comprehensive party committee (VERT_AREA_NO_COMMITTEE) / "
                      "成立文化社区综合党委",
            record={"id": "CM-HEPING", "name": "和平社区综合党委", "kind": "community",
                    "founded": "2017-03-15", "illustrative": True,
                    "note": "示例：例会已逾期（每季度一次）"},
            patch={"name_en": "Heping comprehensive party committee"},
            patch_about="Add the English name / 补充英文名称",
        ),
    ),
    NodeSpec(
        N.BUILDING, table="buildings",
        doc=NodeDoc(
            "a building", "buildings",
            "a commercial, residential or mixed building. Commercial and mixed buildings should "
            "be covered by a party organization and have an instructor or liaison officer.",
            "商务楼宇、住宅楼或综合楼。商务楼宇和综合楼应有党组织覆盖，并配备党建指导员或联络员。",
            "`kind` (commercial, residential, mixed)",
        ),
        template=(
            {"id": "EX-BUILDING-1", "name": "示例商务楼（虚构）", "kind": "商务楼宇", "floors": 20,
             "address": "示例路 2 号（虚构）", **_EXAMPLE_POINT},
        ),
        demo=NodeExamples(
            new={"id": "B-TAIHE", "name": "泰和金融中心", "name_en": "Taihe Financial Centre",
                 "kind": "commercial", "floors": 30, "address": "和平路120号（示例）",
                 "latitude": 36.6431, "longitude": 116.9969, "illustrative": True},
            new_about="A new commercial building in 和平社区 / 新建成的商务楼宇",
            record={"id": "B-HEPING", "name": "和平国际大厦", "kind": "commercial", "floors": 24,
                    "address": "和平路88号（示例）", "latitude": 36.6423, "longitude": 116.9978,
                    "illustrative": True},
            patch={"name_en": "Heping International Tower"},
            patch_about="Add the English name / 补充英文名称",
        ),
    ),
    NodeSpec(
        N.PARK, table="parks",
        doc=NodeDoc(
            "a park", "parks",
            "an industrial, cultural, commercial or featured park; every park should be covered "
            "by a party organization and have an instructor or liaison officer.",
            "产业、文化、商业或特色园区；园区应有党组织覆盖，并配备党建指导员或联络员。",
            "`kind` (industrial, cultural, commercial, featured)",
        ),
        template=(
            {"id": "EX-PARK-1", "name": "示例特色园区（虚构）", "kind": "特色园区",
             "address": "示例路 3 号（虚构）"},
        ),
        demo=NodeExamples(
            new={"id": "PK-SHUZI", "name": "二七数字经济产业园",
                 "name_en": "Erqi Digital Economy Park",
                 "kind": "industrial", "address": "文化路21号（示例）", "latitude": 36.6305,
                 "longitude": 117.0093, "illustrative": True},
            new_about="A new industrial park in 文化社区 / 新建的产业园区",
            record={"id": "PK-QUANXIN", "name": "泉欣科技园", "kind": "industrial",
                    "address": "文化路9号（示例）", "latitude": 36.6312, "longitude": 117.0087,
                    "illustrative": True},
            patch={"name_en": "Quanxin Science Park"},
            patch_about="Add the English name / 补充英文名称",
        ),
    ),
    NodeSpec(
        N.PERSON, table="persons",
        doc=NodeDoc(
            "a person", "persons",
            "a party member or not: secretary, party-building instructor or liaison officer, "
            "part-time committee member, in-service member, volunteer. Phone, ID number and home "
            "address are personal data, masked for roles that may not see them.",
            "党员或群众，包括书记、党建指导员或联络员、兼职委员、在职党员、志愿者。电话、身份证号、住址"
            "为个人信息，对无权查看的角色隐去。",
            None,
        ),
        template=(
            {"id": "EX-PERSON-1", "name": "示例人员（虚构）", "party_status": "正式党员",
             "position": "党建联络员"},
        ),
        demo=NodeExamples(
            new={"id": "PS-QIAN-ZHIGANG", "name": "钱志刚", "party_status": "formal",
                 "position": "济南泉安物业管理有限公司建新项目经理", "illustrative": True,
                 "note": "虚构人物"},
            new_about="The property company's project manager, to sit on 建新社区综合党委 / "
                      "泉安物业项目经理（拟任兼职委员）",
            record={"id": "PS-LIN-ZHI", "name": "林志", "party_status": "probationary",
                    "illustrative": True, "note": "虚构人物"},
            patch={"party_status": "正式党员"},
            patch_about="A probationary member becomes a formal one (the Chinese term works too) / "
                        "预备党员转正",
        ),
    ),
    NodeSpec(
        N.PROJECT, table="projects",
        doc=NodeDoc(
            "a project", "projects",
            "a project a member unit CLAIMED under a project-claim agreement, which SERVES an "
            "area.",
            "成员单位按项目认领协议书认领、服务社区的项目。",
            None,
        ),
        template=(
            {"id": "EX-PROJECT-1", "name": "示例认领项目（虚构）",
             "description": "示例：社区助老服务"},
        ),
        demo=NodeExamples(
            new={"id": "PJ-WH-LIBRARY", "name": "文化社区共享书屋",
                 "name_en": "Wenhua Community Shared Library",
                 "description": "在社区活动室设立共享书屋，每周开放三次 / a shared library open "
                                "three days a week", "illustrative": True},
            new_about="A project for 文化社区 / 文化社区的新项目",
            record={"id": "PJ-JX-STAIRWELLS", "name": "楼道环境整治", "illustrative": True},
            patch={"name_en": "Stairwell clean-up",
                   "description": "清理楼道堆物、修复楼道照明 / clear stairwells, repair the "
                                  "lights"},
            patch_about="Describe the project / 补充项目内容",
        ),
    ),
    NodeSpec(
        N.MEETING, table="meetings",
        doc=NodeDoc(
            "a meeting", "meetings",
            "a meeting OF a committee: the big working committee meets in full every half year, "
            "a community committee every quarter.",
            "工委的会议（例会议事制度）：街道大工委每半年召开全体会议，社区综合党委每季度召开一次。",
            "`kind` (plenary, regular)",
        ),
        template=(
            {"id": "EX-MEETING-1", "name": "示例例会（虚构）", "date": dt.date(2024, 3, 31),
             "kind": "例会"},
        ),
        demo=NodeExamples(
            new={"id": "MT-HP-2026Q3", "name": "和平社区综合党委2026年第3季度全体委员会议",
                 "date": "2026-07-09", "kind": "plenary", "illustrative": True},
            new_about="和平社区综合党委's overdue quarterly meeting (SCHED_MEETING_OVERDUE) / "
                      "补开和平社区综合党委季度会议",
            record={"id": "MT-BIG-2026H2",
                    "name": "二七新村街道大工委2026年下半年全体委员会议（已排期）",
                    "date": "2026-07-15", "kind": "plenary", "illustrative": True},
            patch={"date": "2026-07-16", "note": "示例：改期至7月16日 / moved to 16 July"},
            patch_about="The scheduled meeting moves by a day / 会议改期",
        ),
    ),
    NodeSpec(
        N.SERVICE_POST, table="service_posts",
        doc=NodeDoc(
            "a service post", "service posts",
            "a post set by members' strengths and held by persons, LOCATED_IN an area.",
            "按党员特长设岗定责的服务岗位，由党员认岗，位于社区。",
            None,
        ),
        template=(
            {"id": "EX-POST-1", "name": "示例服务岗位（虚构）", "description": "示例：政策宣讲"},
        ),
        demo=NodeExamples(
            new={"id": "SP-WH-READING", "name": "文化社区读书会引导岗",
                 "description": "组织居民读书会 / runs the residents' reading club",
                 "illustrative": True},
            new_about="A first service post for 文化社区 (TEAM_COMMUNITY_NO_POSTS) / "
                      "文化社区首个服务岗位",
            record={"id": "SP-HP-POLICY", "name": "和平社区政策宣传岗",
                    "description": "宣讲惠民政策",
                    "illustrative": True},
            patch={"description": "宣讲惠民政策，解答医保、养老政策咨询"},
            patch_about="Widen the post's duties / 调整岗位职责",
        ),
    ),
    NodeSpec(
        N.STATION, table="stations",
        doc=NodeDoc(
            "a party–masses service centre", "party–masses service centres",
            "a place with an address and WGS-84 coordinates where the party and the masses meet.",
            "党群服务中心（阵地），有地址和经纬度（WGS-84）。",
            None,
        ),
        template=(
            {"id": "EX-STATION-1", "name": "示例党群服务中心（虚构）",
             "address": "示例路 4 号（虚构）",
             **_EXAMPLE_POINT},
        ),
        demo=NodeExamples(
            new={"id": "ST-HEPING", "name": "和平社区党群服务中心",
                 "name_en": "Heping Community Party–Masses Service Centre",
                 "address": "和平路60号（示例）", "latitude": 36.6417, "longitude": 116.9985,
                 "illustrative": True},
            new_about="和平社区's party–masses service centre / 和平社区党群服务中心",
            record={"id": "ST-JIANXIN", "name": "建新社区党群服务中心",
                    "address": "建新社区居委会（示例地址）", "latitude": 36.6387,
                    "longitude": 117.0043, "illustrative": True},
            patch={"name_en": "Jianxin Community Party–Masses Service Centre"},
            patch_about="Add the English name / 补充英文名称",
        ),
    ),
)  # fmt: skip

_REL_KIND_SPECS = (
    RelKindSpec(
        R.PART_OF,
        template=("EX-AREA-2", "EX-AREA-1", {}),
        demo=RelExamples(
            new={"from_id": "A-JIANXIN-G1", "to_id": "A-JIANXIN", "illustrative": True},
            new_about="The new grid lies in 建新社区 / 网格隶属建新社区",
            needs=N.AREA,
            record={"from_id": "A-HEPING", "to_id": "A-ERQI", "illustrative": True},
            patch={"since": "2004-03-02"},
            patch_about="Record since when / 补录起始日期",
        ),
    ),
    RelKindSpec(
        R.LOCATED_IN,
        template=("EX-BUILDING-1", "EX-AREA-2", {}),
        demo=RelExamples(
            new={"from_id": "PO-HEPING-B1", "to_id": "A-HEPING", "illustrative": True},
            new_about="和平社区第一支部 is in 和平社区 / 和平社区第一支部位于和平社区",
            record={"from_id": "U-LUWEI", "to_id": "A-HEPING", "illustrative": True},
            patch={"since": "2019-04-08"},
            patch_about="Record since when / 补录起始日期",
        ),
    ),
    RelKindSpec(
        R.UNDER,
        template=("EX-ORG-2", "EX-ORG-1", {}),
        demo=RelExamples(
            new={"from_id": "PO-DEYUAN", "to_id": "PO-JIANXIN", "since": "2026-07-01",
                 "illustrative": True},
            new_about="The new branch comes under 建新社区党委 / 新支部隶属建新社区党委",
            needs=N.PARTY_ORG,
            record={"from_id": "PO-LUWEI", "to_id": "PO-HEPING", "since": "2019-04-08",
                    "until": "2025-12-31", "illustrative": True},
            patch={"until": None},
            patch_about="Renew the lapsed record: no end date (VERT_ORG_CHAIN_BROKEN) / "
                        "接续已到期的隶属关系",
        ),
    ),
    RelKindSpec(
        R.COVERS,
        template=("EX-ORG-2", "EX-BUILDING-1", {}),
        demo=RelExamples(
            new={"from_id": "PO-JIANXIN-JOINT", "to_id": "U-HESHUN", "since": "2026-07-01",
                 "illustrative": True},
            new_about="The joint branch covers 和顺商贸 (ORG_UNIT_UNCOVERED) / "
                      "联合支部覆盖和顺商贸",
            record={"from_id": "PO-MINSHENG", "to_id": "B-MINSHENG", "since": "2019-01-01",
                    "illustrative": True},
            patch={"until": "2026-12-31"},
            patch_about="Until a building branch takes over / 楼宇党支部成立前由社区党委覆盖",
        ),
    ),
    RelKindSpec(
        R.ESTABLISHED_IN,
        template=("EX-ORG-1", "EX-UNIT-1", {}),
        demo=RelExamples(
            new={"from_id": "PO-DEYUAN", "to_id": "U-DEYUAN", "since": "2026-07-01",
                 "illustrative": True},
            new_about="The new branch is 德源信息技术's own / 德源信息技术单独建立党支部",
            needs=N.PARTY_ORG,
            record={"from_id": "PO-PAICHUSUO", "to_id": "U-PAICHUSUO", "illustrative": True},
            patch={"since": "2010-01-01"},
            patch_about="Record since when / 补录起始日期",
        ),
    ),
    RelKindSpec(
        R.LEADS,
        template=("EX-ORG-1", "EX-COMMITTEE-1", {}),
        demo=RelExamples(
            new={"from_id": "PO-WENHUA", "to_id": "CM-WENHUA", "since": "2026-07-01",
                 "illustrative": True},
            new_about="文化社区党委 at the core of the new committee / 文化社区党委领导综合党委",
            needs=N.COMMITTEE,
            record={"from_id": "PO-HEPING", "to_id": "CM-HEPING", "since": "2017-03-15",
                    "illustrative": True},
            patch={"since": "2017-03-16"},
            patch_about="Correct the date / 更正起始日期",
        ),
    ),
    RelKindSpec(
        R.MEMBER_UNIT_OF,
        template=("EX-UNIT-1", "EX-COMMITTEE-1", {"agreement": "示例共建协议（虚构）"}),
        demo=RelExamples(
            new={"from_id": "U-HUAJIAN", "to_id": "CM-ERQI-BIG", "since": "2026-07-01",
                 "agreement": "项目认领协议书", "illustrative": True},
            new_about="华建建筑 joins the big working committee (REACH_UNIT_UNTIED) / "
                      "华建建筑加入街道大工委",
            record={"from_id": "U-YEWEIHUI", "to_id": "CM-JIANXIN", "since": "2023-04-01",
                    "agreement": "共驻共建协议书", "illustrative": True},
            patch={"agreement": "项目认领协议书"},
            patch_about="A project-claim agreement replaces the old one / 改签项目认领协议书",
        ),
    ),
    RelKindSpec(
        R.SERVES_ON,
        template=("EX-PERSON-1", "EX-COMMITTEE-1", {"role": "兼职委员",
                                                              "for_unit": "EX-UNIT-1"}),
        demo=RelExamples(
            new={"from_id": "PS-QIAN-ZHIGANG", "to_id": "CM-JIANXIN", "for_unit": "U-WUYE",
                 "role": "兼职委员", "since": "2026-07-01", "illustrative": True},
            new_about="泉安物业 delegates a part-time member (LEAD_UNIT_UNREPRESENTED) / "
                      "泉安物业推荐兼职委员",
            needs=N.PERSON,
            record={"from_id": "PS-CHEN-JING", "to_id": "CM-JIANXIN", "for_unit": "U-SCHOOL",
                    "role": "兼职委员", "since": "2016-05-24", "illustrative": True},
            patch={"role": "副书记"},
            patch_about="A new role on the committee / 委员职务调整",
        ),
    ),
    RelKindSpec(
        R.MEMBER_OF,
        template=("EX-PERSON-1", "EX-ORG-2", {"role": "书记"}),
        demo=RelExamples(
            new={"from_id": "PS-HU-TAO", "to_id": "PO-HEPING-B1", "since": "2026-07-01",
                 "illustrative": True},
            new_about="胡涛's membership is received by a branch (VERT_MEMBER_NO_BRANCH) / "
                      "胡涛的组织关系转入和平社区第一支部",
            record={"from_id": "PS-ZHAO-XIUYING", "to_id": "PO-JIANXIN-B1", "illustrative": True},
            patch={"role": "组织委员"},
            patch_about="Elected organization member of the branch / 当选支部组织委员",
        ),
    ),
    RelKindSpec(
        R.EMPLOYED_BY,
        template=("EX-PERSON-1", "EX-UNIT-1", {"position": "示例职务"}),
        demo=RelExamples(
            new={"from_id": "PS-SUN-JIANGUO", "to_id": "U-YEWEIHUI", "position": "主任",
                 "illustrative": True},
            new_about="孙建国 chairs the owners' committee / 孙建国任业委会主任",
            record={"from_id": "PS-MA-CHAO", "to_id": "U-JIAOYU", "position": "科员",
                    "illustrative": True},
            patch={"position": "副科长"},
            patch_about="Promoted / 职务变动",
        ),
    ),
    RelKindSpec(
        R.ASSIGNED_TO,
        template=("EX-PERSON-1", "EX-ORG-2", {"role": "党建联络员"}),
        demo=RelExamples(
            new={"from_id": "PS-WANG-LIXIN", "to_id": "B-HEPING", "role": "instructor",
                 "since": "2026-07-01", "illustrative": True},
            new_about="王立新, the first candidate, takes 和平国际大厦 "
                      "(TEAM_BUILDING_NO_OFFICER) / "
                      "王立新联系和平国际大厦",
            record={"from_id": "PS-LI-XIAOMEI", "to_id": "B-MINSHENG", "role": "liaison",
                    "since": "2023-01-01", "until": "2025-12-31", "illustrative": True},
            patch={"until": "2027-12-31"},
            patch_about="Renew the expired assignment (SCHED_EXPIRED) / 续签到期的联系包挂",
        ),
    ),
    RelKindSpec(
        R.PAIRED_WITH,
        template=("EX-UNIT-1", "EX-AREA-2", {"scheme": "双联系双服务"}),
        demo=RelExamples(
            new={"from_id": "U-JIAOYU", "to_id": "A-WENHUA", "scheme": "双联系双服务",
                 "since": "2026-07-01", "illustrative": True},
            new_about="A district organ pairs with 文化社区 (REACH_COMMUNITY_UNPAIRED) / "
                      "区教育局与文化社区结对",
            record={"from_id": "U-CHENGJIAN", "to_id": "A-HEPING", "scheme": "双联系双服务",
                    "since": "2017-01-01", "until": "2025-12-31", "illustrative": True},
            patch={"until": "2028-12-31"},
            patch_about="Renew the expired pairing (SCHED_EXPIRED) / 续签到期的结对",
        ),
    ),
    RelKindSpec(
        R.REPORTED_TO,
        template=("EX-PERSON-1", "EX-AREA-2", {"date": EXAMPLE_DATE}),
        demo=RelExamples(
            new={"from_id": "PS-D-JIAOYU", "to_id": "A-MINSHENG", "date": "2026-07-01",
                 "since": "2026-07-01", "illustrative": True},
            new_about="An in-service member registers with 民生社区 (TEAM_COMMUNITY_NO_REPORTED) / "
                      "在职党员到民生社区报到",
            record={"from_id": "PS-GAO-YANG", "to_id": "A-HEPING", "date": "2017-05-10",
                    "since": "2017-05-10", "illustrative": True},
            patch={"date": "2017-05-12", "since": "2017-05-12"},
            patch_about="Correct the date / 更正报到日期",
        ),
    ),
    RelKindSpec(
        R.HOLDS,
        template=("EX-PERSON-1", "EX-POST-1", {}),
        demo=RelExamples(
            new={"from_id": "PS-GUO-MIN", "to_id": "SP-MS-HYGIENE", "since": "2026-07-01",
                 "illustrative": True},
            new_about="郭敏 takes the hygiene post / 郭敏认领环境卫生监督岗",
            record={"from_id": "PS-GAO-YANG", "to_id": "SP-HP-POLICY", "since": "2017-06-01",
                    "illustrative": True},
            patch={"until": "2026-12-31"},
            patch_about="Leaves the post at year end / 年底卸岗",
        ),
    ),
    RelKindSpec(
        R.VOLUNTEERS_IN,
        template=("EX-PERSON-1", "EX-AREA-2", {}),
        demo=RelExamples(
            new={"from_id": "PS-GAO-YANG", "to_id": "A-HEPING", "since": "2026-07-01",
                 "illustrative": True},
            new_about="A first volunteer for 和平社区 (TEAM_COMMUNITY_NO_VOLUNTEERS) / "
                      "和平社区志愿者",
            record={"from_id": "PS-HU-TAO", "to_id": "A-JIANXIN", "since": "2019-03-05",
                    "illustrative": True},
            patch={"until": "2025-10-31"},
            patch_about="Stopped when he moved away / 迁出后停止志愿服务",
        ),
    ),
    RelKindSpec(
        R.CLAIMED,
        template=("EX-UNIT-1", "EX-PROJECT-1", {"signed": EXAMPLE_DATE}),
        demo=RelExamples(
            new={"from_id": "U-YEWEIHUI", "to_id": "PJ-JX-STAIRWELLS", "signed": "2026-07-01",
                 "since": "2026-07-01", "illustrative": True},
            new_about="The owners' committee claims a project (SCHED_NO_CLAIMED_PROJECT) / "
                      "业委会认领楼道环境整治",
            record={"from_id": "U-WUYE", "to_id": "PJ-JX-STAIRWELLS", "signed": "2016-05-24",
                    "since": "2016-05-24", "illustrative": True},
            patch={"until": "2026-12-31"},
            patch_about="The agreement ends at year end / 协议年底到期",
        ),
    ),
    RelKindSpec(
        R.SERVES,
        template=("EX-PROJECT-1", "EX-AREA-2", {}),
        demo=RelExamples(
            new={"from_id": "PJ-JIAOYU", "to_id": "A-WENHUA", "since": "2026-09-01",
                 "illustrative": True},
            new_about="四点半课堂 opens in 文化社区 too / 四点半课堂延伸到文化社区",
            record={"from_id": "PJ-KEXIE", "to_id": "A-ERQI", "illustrative": True},
            patch={"since": "2016-06-01"},
            patch_about="Record since when / 补录起始日期",
        ),
    ),
    RelKindSpec(
        R.OF,
        template=("EX-MEETING-1", "EX-COMMITTEE-1", {}),
        demo=RelExamples(
            new={"from_id": "MT-HP-2026Q3", "to_id": "CM-HEPING", "illustrative": True},
            new_about="The new meeting is 和平社区综合党委's / 会议属于和平社区综合党委",
            needs=N.MEETING,
            record={"from_id": "MT-HP-2025Q4", "to_id": "CM-HEPING", "illustrative": True},
            patch={"since": "2025-11-20"},
            patch_about="Record the date / 补录日期",
        ),
    ),
    RelKindSpec(
        R.INCUBATES,
        template=("EX-UNIT-1", "EX-UNIT-2", {}),
        demo=RelExamples(
            new={"from_id": "U-QUNYI", "to_id": "U-HEMEI", "since": "2026-07-01",
                 "illustrative": True},
            new_about="二七群益 incubates the new social organization / 孵化中心孵化新社会组织",
            needs=N.UNIT,
            record={"from_id": "U-QUNYI", "to_id": "U-LINLI", "since": "2019-10-15",
                    "illustrative": True},
            patch={"until": "2021-10-14"},
            patch_about="Graduated from the centre after two years / 两年后出壳",
        ),
    ),
)  # fmt: skip
del N, R


def spec_problems(
    node_specs: Iterable[NodeSpec],
    rel_specs: Iterable[RelKindSpec],
    node_models: dict[NodeKind, type[NodeIn]] = NODE_MODELS,
    rel_models: dict[RelKind, type[RelIn]] = REL_MODELS,
) -> list[str]:
    """What is missing or declared twice: every kind needs one spec and one model naming
    it, every table key is its own, every template row's id is unique.

    >>> spec_problems(_NODE_SPECS, _REL_KIND_SPECS)
    []
    >>> spec_problems(_NODE_SPECS[1:], _REL_KIND_SPECS)
    ['no spec for node kind Area']
    """
    problems: list[str] = []
    nodes, rels = list(node_specs), list(rel_specs)
    for kinds, specs, what in ((NodeKind, nodes, "node kind"), (RelKind, rels, "relationship")):
        declared = [spec.kind for spec in specs]
        problems += [f"no spec for {what} {kind}" for kind in kinds if kind not in declared]
        problems += [f"two specs for {what} {kind}" for kind in kinds if declared.count(kind) > 1]
    for kind in NodeKind:
        model = node_models.get(kind)
        if model is None or model.kind_of_node is not kind:
            problems.append(f"no model for node kind {kind} in NODE_MODELS")
    for rel in RelKind:
        rel_model = rel_models.get(rel)
        if rel_model is None or rel_model.kind_of_rel is not rel:
            problems.append(f"no model for relationship {rel} in REL_MODELS")
    keys = [spec.table for spec in nodes] + [spec.table for spec in rels]
    problems += [f"table key {key!r} used twice" for key in sorted(set(keys))
                 if keys.count(key) > 1]  # fmt: skip
    ids = [row.get("id") for spec in nodes for row in spec.template]
    problems += [f"template id {id_!r} used twice" for id_ in sorted(set(ids), key=str)
                 if ids.count(id_) > 1]  # fmt: skip
    problems += [f"no template row for {spec.kind}" for spec in nodes if not spec.template]
    return problems


_problems = spec_problems(_NODE_SPECS, _REL_KIND_SPECS)
if _problems:
    raise AssertionError("; ".join(_problems))

#: Each node kind's spec, in the order of :class:`NodeKind` (the tables' order).
NODE_SPECS: dict[NodeKind, NodeSpec] = {
    kind: next(spec for spec in _NODE_SPECS if spec.kind is kind) for kind in NodeKind
}
#: Each relationship type's spec, in the order of :class:`RelKind`.
REL_KIND_SPECS: dict[RelKind, RelKindSpec] = {
    rel: next(spec for spec in _REL_KIND_SPECS if spec.kind is rel) for rel in RelKind
}
