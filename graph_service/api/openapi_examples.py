"""The examples of the OpenAPI: bodies, ids and answers, all from the demo region.

Every example is data of the Erqi Xincun demo region (``loaders/demo/erqi_xincun.yaml``,
loaded by ``graph-service demo``), so that trying one in /docs against ``make run`` gets a
real answer:

- ``new``: a create body with an id the demo lacks (201 the first time, 409 after). Most
  new relationships join two demo nodes; the few that join a node the demo lacks say
  which create example makes it (``needs``).
- ``record``: a demo node or relationship as the demo holds it; reading it answers it, and
  ``patch`` is a change that fits it (an update example sends ``patch`` to its id).
- :class:`Answer`: the demo's answer to ``request``, as of :data:`DEMO_AS_OF`.

``tests/test_openapi_docs.py`` parses every example with its model and sends it to the
demo, so an example that drifts from its model or from the demo fails there.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.models import Example
from fastapi.routing import APIRoute

from graph_service.domain.gaps import RULES
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS
from graph_service.domain.tables import NODE_TABLE_KEYS
from graph_service.schemas.gaps import GapRuleOut

#: The date the answers hold on (``loaders.demo.DEMO_AS_OF``: every gap rule fails on it).
DEMO_AS_OF = "2026-06-30"


@dataclass(frozen=True)
class NodeExamples:
    new: dict[str, Any]
    new_about: str
    record: dict[str, Any]
    patch: dict[str, Any]
    patch_about: str


@dataclass(frozen=True)
class RelExamples:
    new: dict[str, Any]
    new_about: str
    record: dict[str, Any]
    patch: dict[str, Any]
    patch_about: str
    #: the kind whose create example makes an end of ``new`` (the demo lacks that node)
    needs: NodeKind | None = None


N = NodeKind
NODES: dict[NodeKind, NodeExamples] = {
    N.AREA: NodeExamples(
        new={"id": "A-JIANXIN-G1", "name": "建新社区第一网格", "name_en": "Jianxin Grid 1",
             "level": "grid", "illustrative": True},
        new_about="A grid of the Jianxin community / 建新社区的一个网格",
        record={"id": "A-HEPING", "name": "和平社区", "level": "community", "illustrative": True},
        patch={"name_en": "Heping Community"},
        patch_about="Add the English name / 补充英文名称",
    ),
    N.UNIT: NodeExamples(
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
    N.PARTY_ORG: NodeExamples(
        new={"id": "PO-DEYUAN", "name": "中共济南德源信息技术有限公司支部委员会",
             "kind": "branch", "founded": "2026-07-01", "illustrative": True},
        new_about="The branch of 德源信息技术 (4 formal members, ORG_UNIT_NEEDS_OWN_ORG) / "
                  "为德源信息技术单独组建党支部",
        record={"id": "PO-SOCIAL", "name": "中共二七新村街道社会组织委员会",
                "kind": "social_org_committee", "illustrative": True,
                "note": "文章：注重培育孵化社会组织党组织，建立社会组织党委"
                        "（筹建中，成立日期未载）"},
        patch={"founded": "2026-07-01", "name_en": "Erqi Xincun Social Organizations Committee"},
        patch_about="The committee is founded / 社会组织党委正式成立",
    ),
    N.COMMITTEE: NodeExamples(
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
    N.BUILDING: NodeExamples(
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
    N.PARK: NodeExamples(
        new={"id": "PK-SHUZI", "name": "二七数字经济产业园", "name_en": "Erqi Digital Economy Park",
             "kind": "industrial", "address": "文化路21号（示例）", "latitude": 36.6305,
             "longitude": 117.0093, "illustrative": True},
        new_about="A new industrial park in 文化社区 / 新建的产业园区",
        record={"id": "PK-QUANXIN", "name": "泉欣科技园", "kind": "industrial",
                "address": "文化路9号（示例）", "latitude": 36.6312, "longitude": 117.0087,
                "illustrative": True},
        patch={"name_en": "Quanxin Science Park"},
        patch_about="Add the English name / 补充英文名称",
    ),
    N.PERSON: NodeExamples(
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
    N.PROJECT: NodeExamples(
        new={"id": "PJ-WH-LIBRARY", "name": "文化社区共享书屋",
             "name_en": "Wenhua Community Shared Library",
             "description": "在社区活动室设立共享书屋，每周开放三次 / a shared library open three "
                            "days a week", "illustrative": True},
        new_about="A project for 文化社区 / 文化社区的新项目",
        record={"id": "PJ-JX-STAIRWELLS", "name": "楼道环境整治", "illustrative": True},
        patch={"name_en": "Stairwell clean-up",
               "description": "清理楼道堆物、修复楼道照明 / clear stairwells, repair the lights"},
        patch_about="Describe the project / 补充项目内容",
    ),
    N.MEETING: NodeExamples(
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
    N.SERVICE_POST: NodeExamples(
        new={"id": "SP-WH-READING", "name": "文化社区读书会引导岗",
             "description": "组织居民读书会 / runs the residents' reading club",
             "illustrative": True},
        new_about="A first service post for 文化社区 (TEAM_COMMUNITY_NO_POSTS) / "
                  "文化社区首个服务岗位",
        record={"id": "SP-HP-POLICY", "name": "和平社区政策宣传岗", "description": "宣讲惠民政策",
                "illustrative": True},
        patch={"description": "宣讲惠民政策，解答医保、养老政策咨询"},
        patch_about="Widen the post's duties / 调整岗位职责",
    ),
    N.STATION: NodeExamples(
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
}  # fmt: skip

R = RelKind
RELS: dict[RelKind, RelExamples] = {
    R.PART_OF: RelExamples(
        new={"from_id": "A-JIANXIN-G1", "to_id": "A-JIANXIN", "illustrative": True},
        new_about="The new grid lies in 建新社区 / 网格隶属建新社区",
        needs=N.AREA,
        record={"from_id": "A-HEPING", "to_id": "A-ERQI", "illustrative": True},
        patch={"since": "2004-03-02"},
        patch_about="Record since when / 补录起始日期",
    ),
    R.LOCATED_IN: RelExamples(
        new={"from_id": "PO-HEPING-B1", "to_id": "A-HEPING", "illustrative": True},
        new_about="和平社区第一支部 is in 和平社区 / 和平社区第一支部位于和平社区",
        record={"from_id": "U-LUWEI", "to_id": "A-HEPING", "illustrative": True},
        patch={"since": "2019-04-08"},
        patch_about="Record since when / 补录起始日期",
    ),
    R.UNDER: RelExamples(
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
    R.COVERS: RelExamples(
        new={"from_id": "PO-JIANXIN-JOINT", "to_id": "U-HESHUN", "since": "2026-07-01",
             "illustrative": True},
        new_about="The joint branch covers 和顺商贸 (ORG_UNIT_UNCOVERED) / 联合支部覆盖和顺商贸",
        record={"from_id": "PO-MINSHENG", "to_id": "B-MINSHENG", "since": "2019-01-01",
                "illustrative": True},
        patch={"until": "2026-12-31"},
        patch_about="Until a building branch takes over / 楼宇党支部成立前由社区党委覆盖",
    ),
    R.ESTABLISHED_IN: RelExamples(
        new={"from_id": "PO-DEYUAN", "to_id": "U-DEYUAN", "since": "2026-07-01",
             "illustrative": True},
        new_about="The new branch is 德源信息技术's own / 德源信息技术单独建立党支部",
        needs=N.PARTY_ORG,
        record={"from_id": "PO-PAICHUSUO", "to_id": "U-PAICHUSUO", "illustrative": True},
        patch={"since": "2010-01-01"},
        patch_about="Record since when / 补录起始日期",
    ),
    R.LEADS: RelExamples(
        new={"from_id": "PO-WENHUA", "to_id": "CM-WENHUA", "since": "2026-07-01",
             "illustrative": True},
        new_about="文化社区党委 at the core of the new committee / 文化社区党委领导综合党委",
        needs=N.COMMITTEE,
        record={"from_id": "PO-HEPING", "to_id": "CM-HEPING", "since": "2017-03-15",
                "illustrative": True},
        patch={"since": "2017-03-16"},
        patch_about="Correct the date / 更正起始日期",
    ),
    R.MEMBER_UNIT_OF: RelExamples(
        new={"from_id": "U-HUAJIAN", "to_id": "CM-ERQI-BIG", "since": "2026-07-01",
             "agreement": "项目认领协议书", "illustrative": True},
        new_about="华建建筑 joins the big working committee (REACH_UNIT_UNTIED) / "
                  "华建建筑加入街道大工委",
        record={"from_id": "U-YEWEIHUI", "to_id": "CM-JIANXIN", "since": "2023-04-01",
                "agreement": "共驻共建协议书", "illustrative": True},
        patch={"agreement": "项目认领协议书"},
        patch_about="A project-claim agreement replaces the old one / 改签项目认领协议书",
    ),
    R.SERVES_ON: RelExamples(
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
    R.MEMBER_OF: RelExamples(
        new={"from_id": "PS-HU-TAO", "to_id": "PO-HEPING-B1", "since": "2026-07-01",
             "illustrative": True},
        new_about="胡涛's membership is received by a branch (VERT_MEMBER_NO_BRANCH) / "
                  "胡涛的组织关系转入和平社区第一支部",
        record={"from_id": "PS-ZHAO-XIUYING", "to_id": "PO-JIANXIN-B1", "illustrative": True},
        patch={"role": "组织委员"},
        patch_about="Elected organization member of the branch / 当选支部组织委员",
    ),
    R.EMPLOYED_BY: RelExamples(
        new={"from_id": "PS-SUN-JIANGUO", "to_id": "U-YEWEIHUI", "position": "主任",
             "illustrative": True},
        new_about="孙建国 chairs the owners' committee / 孙建国任业委会主任",
        record={"from_id": "PS-MA-CHAO", "to_id": "U-JIAOYU", "position": "科员",
                "illustrative": True},
        patch={"position": "副科长"},
        patch_about="Promoted / 职务变动",
    ),
    R.ASSIGNED_TO: RelExamples(
        new={"from_id": "PS-WANG-LIXIN", "to_id": "B-HEPING", "role": "instructor",
             "since": "2026-07-01", "illustrative": True},
        new_about="王立新, the first candidate, takes 和平国际大厦 (TEAM_BUILDING_NO_OFFICER) / "
                  "王立新联系和平国际大厦",
        record={"from_id": "PS-LI-XIAOMEI", "to_id": "B-MINSHENG", "role": "liaison",
                "since": "2023-01-01", "until": "2025-12-31", "illustrative": True},
        patch={"until": "2027-12-31"},
        patch_about="Renew the expired assignment (SCHED_EXPIRED) / 续签到期的联系包挂",
    ),
    R.PAIRED_WITH: RelExamples(
        new={"from_id": "U-JIAOYU", "to_id": "A-WENHUA", "scheme": "双联系双服务",
             "since": "2026-07-01", "illustrative": True},
        new_about="A district organ pairs with 文化社区 (REACH_COMMUNITY_UNPAIRED) / "
                  "区教育局与文化社区结对",
        record={"from_id": "U-CHENGJIAN", "to_id": "A-HEPING", "scheme": "双联系双服务",
                "since": "2017-01-01", "until": "2025-12-31", "illustrative": True},
        patch={"until": "2028-12-31"},
        patch_about="Renew the expired pairing (SCHED_EXPIRED) / 续签到期的结对",
    ),
    R.REPORTED_TO: RelExamples(
        new={"from_id": "PS-D-JIAOYU", "to_id": "A-MINSHENG", "date": "2026-07-01",
             "since": "2026-07-01", "illustrative": True},
        new_about="An in-service member registers with 民生社区 (TEAM_COMMUNITY_NO_REPORTED) / "
                  "在职党员到民生社区报到",
        record={"from_id": "PS-GAO-YANG", "to_id": "A-HEPING", "date": "2017-05-10",
                "since": "2017-05-10", "illustrative": True},
        patch={"date": "2017-05-12", "since": "2017-05-12"},
        patch_about="Correct the date / 更正报到日期",
    ),
    R.HOLDS: RelExamples(
        new={"from_id": "PS-GUO-MIN", "to_id": "SP-MS-HYGIENE", "since": "2026-07-01",
             "illustrative": True},
        new_about="郭敏 takes the hygiene post / 郭敏认领环境卫生监督岗",
        record={"from_id": "PS-GAO-YANG", "to_id": "SP-HP-POLICY", "since": "2017-06-01",
                "illustrative": True},
        patch={"until": "2026-12-31"},
        patch_about="Leaves the post at year end / 年底卸岗",
    ),
    R.VOLUNTEERS_IN: RelExamples(
        new={"from_id": "PS-GAO-YANG", "to_id": "A-HEPING", "since": "2026-07-01",
             "illustrative": True},
        new_about="A first volunteer for 和平社区 (TEAM_COMMUNITY_NO_VOLUNTEERS) / 和平社区志愿者",
        record={"from_id": "PS-HU-TAO", "to_id": "A-JIANXIN", "since": "2019-03-05",
                "illustrative": True},
        patch={"until": "2025-10-31"},
        patch_about="Stopped when he moved away / 迁出后停止志愿服务",
    ),
    R.CLAIMED: RelExamples(
        new={"from_id": "U-YEWEIHUI", "to_id": "PJ-JX-STAIRWELLS", "signed": "2026-07-01",
             "since": "2026-07-01", "illustrative": True},
        new_about="The owners' committee claims a project (SCHED_NO_CLAIMED_PROJECT) / "
                  "业委会认领楼道环境整治",
        record={"from_id": "U-WUYE", "to_id": "PJ-JX-STAIRWELLS", "signed": "2016-05-24",
                "since": "2016-05-24", "illustrative": True},
        patch={"until": "2026-12-31"},
        patch_about="The agreement ends at year end / 协议年底到期",
    ),
    R.SERVES: RelExamples(
        new={"from_id": "PJ-JIAOYU", "to_id": "A-WENHUA", "since": "2026-09-01",
             "illustrative": True},
        new_about="四点半课堂 opens in 文化社区 too / 四点半课堂延伸到文化社区",
        record={"from_id": "PJ-KEXIE", "to_id": "A-ERQI", "illustrative": True},
        patch={"since": "2016-06-01"},
        patch_about="Record since when / 补录起始日期",
    ),
    R.OF: RelExamples(
        new={"from_id": "MT-HP-2026Q3", "to_id": "CM-HEPING", "illustrative": True},
        new_about="The new meeting is 和平社区综合党委's / 会议属于和平社区综合党委",
        needs=N.MEETING,
        record={"from_id": "MT-HP-2025Q4", "to_id": "CM-HEPING", "illustrative": True},
        patch={"since": "2025-11-20"},
        patch_about="Record the date / 补录日期",
    ),
    R.INCUBATES: RelExamples(
        new={"from_id": "U-QUNYI", "to_id": "U-HEMEI", "since": "2026-07-01",
             "illustrative": True},
        new_about="二七群益 incubates the new social organization / 孵化中心孵化新社会组织",
        needs=N.UNIT,
        record={"from_id": "U-QUNYI", "to_id": "U-LINLI", "since": "2019-10-15",
                "illustrative": True},
        patch={"until": "2021-10-14"},
        patch_about="Graduated from the centre after two years / 两年后出壳",
    ),
}  # fmt: skip
del N, R

_missing = (set(NodeKind) - set(NODES)) | (set(RelKind) - set(RELS))
if _missing:
    raise AssertionError(f"no OpenAPI examples for {_missing}")


# ---- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The demo's answer to one request: an example of a response body."""

    request: str  # method, path and query, as sent to the demo
    value: Any
    status: int = 200
    body: dict[str, Any] | None = None  # the request's JSON body, if any


def _ref(id_: str, name: str, kind: str) -> dict[str, Any]:
    return {"id": id_, "name": name, "kind": kind, "outside_scope": False}


def _area(id_: str, name: str, level: str) -> dict[str, Any]:
    return {"id": id_, "name": name, "level": level}


def _rate(covered: int, total: int) -> dict[str, Any]:
    return {"covered": covered, "total": total, "rate": covered / total if total else None}


_JIANXIN = _ref("A-JIANXIN", "建新社区", "Area")
_PATH_TO_HEPING = [
    _area("A-JINAN", "济南市", "city"), _area("A-SHIZHONG", "市中区", "district"),
    _area("A-ERQI", "二七新村街道", "subdistrict"), _area("A-HEPING", "和平社区", "community"),
]  # fmt: skip


def _claimer(unit: dict[str, Any], project: dict[str, Any]) -> dict[str, Any]:
    return {"supporter": unit, "channel": "claiming_unit", "channel_zh": "认领项目单位",
            "path": [unit, project, _JIANXIN], "relationships": ["CLAIMED", "SERVES"],
            "since": "2016-05-24", "until": None}  # fmt: skip


SUPPORTERS = Answer(
    f"GET /entities/A-JIANXIN/supporters?as_of={DEMO_AS_OF}&limit=3",
    {
        "entity": _JIANXIN, "as_of": DEMO_AS_OF, "total": 16, "skip": 0, "limit": 3,
        "supporters": [
            _claimer(_ref("U-JIANXIN-RC", "建新社区居民委员会", "Unit"),
                     _ref("PJ-JX-ELDERLY", "建新社区为老服务", "Project")),
            _claimer(_ref("U-JIAOYU", "济南市市中区教育局", "Unit"),
                     _ref("PJ-JIAOYU", "四点半课堂", "Project")),
            _claimer(_ref("U-SCHOOL", "济南市市中区建新小学", "Unit"),
                     _ref("PJ-JX-PUPILS", "小手拉大手文明实践", "Project")),
        ],
        "by_channel": {"claiming_unit": 5, "member_unit": 5, "paired_organ": 1,
                       "registered_member": 1, "service_post": 2, "volunteer": 2},
    },
)  # fmt: skip


def _liaison_of(target: dict[str, Any]) -> dict[str, Any]:
    return {"target": target, "channel": "liaison", "channel_zh": "党建联络员",
            "since": "2022-01-01", "until": None}  # fmt: skip


PORTFOLIO = Answer(
    f"GET /entities/PS-LI-XIAOMEI/portfolio?as_of={DEMO_AS_OF}",
    {
        "supporter": _ref("PS-LI-XIAOMEI", "李晓梅", "Person"), "as_of": DEMO_AS_OF,
        "items": [
            _liaison_of(_ref("B-QUANJING", "建新商务大厦", "Building")),
            _liaison_of(_ref("PO-JIANXIN-JOINT", "中共建新社区非公企业联合支部委员会", "PartyOrg")),
            _liaison_of(_ref("PO-LVDI", "中共济南绿地泉景地产股份有限公司支部委员会", "PartyOrg")),
            _liaison_of(_ref("PO-PAICHUSUO", "中共二七新村派出所支部委员会", "PartyOrg")),
        ],
        "load": 4, "by_channel": {"liaison": 4},
    },
)  # fmt: skip

SHARED_SUPPORTERS = Answer(
    f"GET /entities/PO-JIANXIN-B1/shared-supporters/PO-QUANJING-BB?as_of={DEMO_AS_OF}",
    {
        "first": _ref("PO-JIANXIN-B1", "中共建新社区第一支部委员会", "PartyOrg"),
        "second": _ref("PO-QUANJING-BB", "中共建新商务大厦党支部", "PartyOrg"),
        "as_of": DEMO_AS_OF,
        "shared": [_ref("PO-JIANXIN", "中共济南市市中区二七新村街道建新社区委员会", "PartyOrg"),
                   _ref("PS-WANG-LIXIN", "王立新", "Person")],
        "shared_outside_scope": 0,
    },
)  # fmt: skip

_ERQI = _area("A-ERQI", "二七新村街道", "subdistrict")


def _candidate(
    who: dict[str, Any], role: str, role_zh: str, load: int, near: dict[str, Any], nearby: int
) -> dict[str, Any]:
    return {"candidate": who, "roles": [role], "roles_zh": [role_zh], "load": load,
            "near": near, "nearby": nearby}  # fmt: skip


CANDIDATES = Answer(
    f"GET /entities/B-HEPING/candidates?as_of={DEMO_AS_OF}&limit=2",
    {
        "entity": _ref("B-HEPING", "和平国际大厦", "Building"), "as_of": DEMO_AS_OF,
        "area_path": _PATH_TO_HEPING, "pool": _ERQI,
        "officers": [
            _candidate(_ref("PS-WANG-LIXIN", "王立新", "Person"), "instructor", "党建指导员", 6,
                       _area("A-HEPING", "和平社区", "community"), 1),
            _candidate(_ref("PS-LI-XIAOMEI", "李晓梅", "Person"), "liaison", "党建联络员", 4,
                       _ERQI, 4),
        ],
        "officers_total": 2,
        "covering_orgs": [
            _candidate(_ref("PO-JIANXIN-JOINT", "中共建新社区非公企业联合支部委员会", "PartyOrg"),
                       "joint_branch", "联合党支部", 1, _ERQI, 1),
            _candidate(_ref("PO-MINSHENG", "中共济南市市中区二七新村街道民生社区委员会",
                            "PartyOrg"), "committee", "党委", 1, _ERQI, 1),
        ],
        "covering_orgs_total": 5,
        "order": "nearest first, then lightest load, then id / 就近优先，其次负担最轻，再按编号",
    },
)  # fmt: skip


def _rule(code: str) -> dict[str, Any]:
    return GapRuleOut.of(next(rule for rule in RULES if rule.code == code)).model_dump()


_UNCOVERED = _rule("ORG_BUILDING_UNCOVERED")
GAP_PAGE = Answer(
    f"GET /gaps/ORG_BUILDING_UNCOVERED?area=A-ERQI&as_of={DEMO_AS_OF}",
    {
        "rule": _UNCOVERED, "as_of": DEMO_AS_OF, "area": "A-ERQI", "total": 1, "skip": 0,
        "limit": 50,
        "items": [{
            "code": "ORG_BUILDING_UNCOVERED", "id": "B-HEPING", "name": "和平国际大厦",
            "kind": "Building", "subkind": "commercial", "area_path": _PATH_TO_HEPING,
            "related_id": None, "related_name": None, "impact": 1, "detail": {},
            **{key: _UNCOVERED[key] for key in ("en", "zh", "fix_en", "fix_zh")},
        }],
    },
)  # fmt: skip

GAP_COUNTS = Answer(
    f"GET /gaps/counts?area=A-ERQI&as_of={DEMO_AS_OF}",
    {
        "ORG_BUILDING_UNCOVERED": 1, "ORG_PARK_UNCOVERED": 1, "ORG_UNIT_UNCOVERED": 2,
        "ORG_UNIT_NEEDS_OWN_ORG": 1, "LEAD_UNIT_UNREPRESENTED": 1, "TEAM_BRANCH_NO_OFFICER": 1,
        "TEAM_BUILDING_NO_OFFICER": 2, "TEAM_PARK_NO_OFFICER": 1,
        "TEAM_COMMUNITY_NO_REPORTED": 1, "TEAM_COMMUNITY_NO_POSTS": 1,
        "TEAM_COMMUNITY_NO_VOLUNTEERS": 1, "REACH_UNIT_UNTIED": 1, "REACH_COMMUNITY_UNPAIRED": 2,
        "VERT_ORG_CHAIN_BROKEN": 1, "VERT_AREA_NO_COMMITTEE": 1, "VERT_MEMBER_NO_BRANCH": 1,
        "SCHED_MEETING_OVERDUE": 1, "SCHED_EXPIRED": 2, "SCHED_NO_CLAIMED_PROJECT": 1,
    },
)  # fmt: skip

_JIANXIN_GAPS = dict.fromkeys((rule.code for rule in RULES), 0) | {
    "ORG_UNIT_NEEDS_OWN_ORG": 1, "LEAD_UNIT_UNREPRESENTED": 1, "VERT_MEMBER_NO_BRANCH": 1,
    "SCHED_NO_CLAIMED_PROJECT": 1,
}  # fmt: skip
COVERAGE = Answer(
    f"GET /areas/A-JIANXIN/coverage?as_of={DEMO_AS_OF}",
    {
        "as_of": DEMO_AS_OF,
        "area": {
            "area": _area("A-JIANXIN", "建新社区", "community"),
            "organization": _rate(5, 5),
            "organization_parts": {"buildings": _rate(1, 1), "parks": _rate(0, 0),
                                   "units": _rate(4, 4)},
            "leadership": _rate(4, 5),
            "team": _rate(5, 5),
            "team_parts": {"branches": _rate(4, 4), "buildings": _rate(1, 1),
                           "parks": _rate(0, 0)},
            "gaps": _JIANXIN_GAPS,
        },
        "children": [],
        "rules": [GapRuleOut.of(rule).model_dump() for rule in RULES],
    },
)  # fmt: skip

SEARCH = Answer(
    "GET /search?q=建新&limit=3",
    [
        {"id": "A-JIANXIN", "name": "建新社区", "name_en": "Jianxin Community", "kind": "Area",
         "score": 0.9899415373802185},
        {"id": "B-JIANXIN-HOME", "name": "建新小区3号楼", "name_en": None, "kind": "Building",
         "score": 0.8791322708129883},
        {"id": "B-QUANJING", "name": "建新商务大厦", "name_en": None, "kind": "Building",
         "score": 0.8791322708129883},
    ],
)  # fmt: skip

ENTITY = Answer(
    "GET /entities/A-JIANXIN",
    {"kind": "Area", "entity": {"id": "A-JIANXIN", "name": "建新社区",
                                "name_en": "Jianxin Community", "illustrative": False,
                                "note": "文章：建新社区 / from the article", "level": "community",
                                "code": None}},
)  # fmt: skip

#: Problem details (RFC 9457) the demo answers with: unknown id, duplicate id, a wrong field,
#: a node with relationships deleted without ``cascade``.
PROBLEMS: tuple[Answer, ...] = (
    Answer("GET /units/U-HEMEI", status=404, value={
        "type": "about:blank", "title": "Not found / 未找到", "status": 404,
        "detail": "no Unit with id 'U-HEMEI' / 不存在编号为 U-HEMEI 的单位",
        "instance": "/units/U-HEMEI",
    }),
    Answer("POST /areas", status=409,
           body={"id": "A-JIANXIN", "name": "建新社区", "level": "community"}, value={
        "type": "about:blank", "title": "Conflict / 冲突", "status": 409,
        "detail": "id 'A-JIANXIN' is already used / 编号已被使用", "instance": "/areas",
        "existing": {"id": "A-JIANXIN", "name": "建新社区", "kind": "Area"},
    }),
    Answer("POST /areas", status=422,
           body={"id": "A-JIANXIN-G1", "name": "建新社区第一网格", "level": "村"}, value={
        "type": "about:blank", "title": "Invalid input / 输入无效", "status": 422,
        "detail": "body.level: Value error, '村' is not one of: city (市), district (区), "
                  "subdistrict (街道), community (社区), grid (网格)",
        "instance": "/areas",
        "errors": [{"field": "body.level",
                    "message": "Value error, '村' is not one of: city (市), district (区), "
                               "subdistrict (街道), community (社区), grid (网格)",
                    "type": "value_error"}],
    }),
    Answer("DELETE /areas/A-WENHUA", status=409, value={
        "type": "about:blank", "title": "Conflict / 冲突", "status": 409,
        "detail": "Area 'A-WENHUA' has 5 relationship(s); delete with cascade=true to remove "
                  "them too / 该节点仍有 5 条关系，需指定 cascade=true",
        "instance": "/areas/A-WENHUA",
        "relationships": [{"type": "LOCATED_IN", "direction": "in", "count": 2},
                          {"type": "PART_OF", "direction": "out", "count": 1},
                          {"type": "REPORTED_TO", "direction": "in", "count": 1},
                          {"type": "VOLUNTEERS_IN", "direction": "in", "count": 1}],
    }),
)  # fmt: skip


# ---- as OpenAPI -------------------------------------------------------------------------------


def _demo(summary: str, value: Any, description: str | None = None) -> dict[str, Example]:
    example = Example(summary=summary, value=value)
    if description:
        example["description"] = description
    return {"demo": example}


def answer_response(answer: Answer, description: str = "OK") -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entry of a route whose answer ``answer`` is an example of."""
    summary = f"{answer.request} on the demo region / 演示区域的真实应答"
    return {answer.status: {
        "description": description,
        "content": {"application/json": {"examples": _demo(summary, answer.value)}},
    }}  # fmt: skip


def node_create_body(kind: NodeKind) -> dict[str, Example]:
    new = "A new id: 201 on the demo region, then 409 / 新编号：首次 201，再次 409"
    return _demo(NODES[kind].new_about, NODES[kind].new, new)


def node_read(kind: NodeKind, path: str) -> Answer:
    """Reading the demo node at ``path``/id: every field, null when unset."""
    record = NODES[kind].record
    value = NODE_MODELS[kind].model_validate(record).model_dump(mode="json")
    return Answer(f"GET {path}/{record['id']}", value)


def node_id(kind: NodeKind) -> dict[str, Example]:
    record = NODES[kind].record
    return _demo(f"{record['name']} (demo region / 演示区域)", record["id"])


def new_node_id(kind: NodeKind) -> dict[str, Example]:
    new = NODES[kind].new
    return _demo(f"{new['name']}, made by the create example / 新建示例的节点", new["id"])


def node_patch_body(kind: NodeKind) -> dict[str, Example]:
    example = NODES[kind]
    return _demo(example.patch_about, example.patch, f"For / 适用于 {example.record['id']}")


def rel_create_body(rel: RelKind) -> dict[str, Example]:
    example = RELS[rel]
    note = "Both ends are in the demo region / 两端均在演示区域中"
    if example.needs is not None:
        made = NODES[example.needs].new["id"]
        post = f"POST /{NODE_TABLE_KEYS[example.needs]}"
        note = (f"Send the example of {post} first: the demo region lacks {made} / "
                f"请先发送 {post} 的示例（演示区域中没有 {made}）")
    return _demo(example.new_about, example.new, note)


def rel_read(rel: RelKind, path: str) -> Answer:
    """Reading the demo relationship at ``path``/from_id/to_id."""
    record = RELS[rel].record
    value = REL_MODELS[rel].model_validate(record).model_dump(mode="json")
    return Answer(f"GET {path}/{record['from_id']}/{record['to_id']}", value)


def rel_ends(rel: RelKind, *, new: bool = False) -> tuple[dict[str, Example], dict[str, Example]]:
    """Examples of ``from_id`` and ``to_id``: the demo relationship's, or the created one's."""
    example = RELS[rel].new if new else RELS[rel].record
    what = "the create example's / 新建示例" if new else "demo region / 演示区域"
    return (_demo(f"{example['from_id']} ({what})", example["from_id"]),
            _demo(f"{example['to_id']} ({what})", example["to_id"]))  # fmt: skip


def rel_patch_body(rel: RelKind) -> dict[str, Example]:
    example = RELS[rel]
    ends = f"{example.record['from_id']} → {example.record['to_id']}"
    return _demo(example.patch_about, example.patch, f"For / 适用于 {ends}")


def id_example(summary: str, value: str) -> dict[str, Example]:
    return _demo(summary, value)


def keep_example_nulls(app: FastAPI) -> None:
    """Put back the nulls FastAPI drops from examples.

    FastAPI serializes the OpenAPI document leaving out every null, the examples' too: a
    read's unset fields would vanish from its example answer, and a patch clearing a field
    (``{"until": null}``) would become ``{}``. The request-body and response examples are
    put back as the routes declare them.
    """
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for route in app.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                for method in route.methods:
                    operation = schema["paths"][route.path_format][method.lower()]
                    _put_back(route, operation)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _put_back(route: APIRoute, operation: dict[str, Any]) -> None:
    # a fastapi.params.Body; FastAPI types the field's info as pydantic's FieldInfo
    info = route.body_field.field_info if route.body_field else None
    body = getattr(info, "openapi_examples", None)
    if body:
        for content in operation["requestBody"]["content"].values():
            content["examples"] = copy.deepcopy(body)
    for status, response in route.responses.items():
        for media, content in response.get("content", {}).items():
            if "examples" in content:
                declared = operation["responses"][str(status)]["content"][media]
                declared["examples"] = copy.deepcopy(content["examples"])
