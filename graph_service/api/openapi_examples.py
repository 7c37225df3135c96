"""The examples of the OpenAPI: bodies, ids and answers, all from the demo region.

Every example is data of the Erqi Xincun demo region (``loaders/demo/erqi_xincun.yaml``,
loaded by ``graph-service demo``), so that trying one in /docs against ``make run`` gets a
real answer. A record route's examples are declared with its kind, in
``domain/kind_specs.py``:

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
from graph_service.domain.kind_specs import (
    NODE_SPECS,
    REL_KIND_SPECS,
    NodeExamples,
    RelExamples,
)
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import NODE_MODELS, REL_MODELS
from graph_service.domain.paging import encode_cursor
from graph_service.domain.tables import NODE_TABLE_KEYS
from graph_service.schemas.gaps import GapRuleOut

#: The date the answers hold on (``loaders.demo.DEMO_AS_OF``: every gap rule fails on it).
DEMO_AS_OF = "2026-06-30"


#: Each kind's examples, declared in its spec (``domain/kind_specs.py``).
NODES: dict[NodeKind, NodeExamples] = {kind: spec.demo for kind, spec in NODE_SPECS.items()}
RELS: dict[RelKind, RelExamples] = {rel: spec.demo for rel, spec in REL_KIND_SPECS.items()}


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
        "rule": _UNCOVERED, "as_of": DEMO_AS_OF, "area": "A-ERQI", "total": 1, "next": None,
        "skip": 0, "limit": 50,
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
            "circle": None,  # REACH_PLACE_OUTSIDE_CIRCLE ships off
            "gaps": _JIANXIN_GAPS,
        },
        "children": [],
        "rules": [GapRuleOut.of(rule).model_dump() for rule in RULES],
    },
)  # fmt: skip

SEARCH = Answer(
    "GET /search?q=建新&limit=3",
    {"items": [
        {"id": "A-JIANXIN", "name": "建新社区", "name_en": "Jianxin Community", "kind": "Area",
         "score": 0.9899415373802185},
        {"id": "B-JIANXIN-HOME", "name": "建新小区3号楼", "name_en": None, "kind": "Building",
         "score": 0.8791322708129883},
        {"id": "B-QUANJING", "name": "建新商务大厦", "name_en": None, "kind": "Building",
         "score": 0.8791322708129883},
    ], "total": None, "next": encode_cursor("offset", 3)},
)  # fmt: skip

ENTITY = Answer(
    "GET /entities/A-JIANXIN",
    {"kind": "Area", "entity": {"id": "A-JIANXIN", "name": "建新社区",
                                "name_en": "Jianxin Community", "illustrative": False,
                                "note": "文章：建新社区 / from the article", "level": "community",
                                "code": None, "coord_system": None, "boundary": None}},
)  # fmt: skip

#: Problem details (RFC 9457) the demo answers with: unknown id, duplicate id, a wrong field,
#: a node with relationships deleted without ``cascade``.
PROBLEMS: tuple[Answer, ...] = (
    Answer("GET /units/U-HEMEI", status=404, value={
        "type": "/problems/not-found", "code": "not-found", "status": 404,
        "title": "Not found / 未找到",
        "detail": "no Unit with id 'U-HEMEI' / 不存在编号为 U-HEMEI 的单位",
        "instance": "/units/U-HEMEI",
    }),
    Answer("POST /areas", status=409,
           body={"id": "A-JIANXIN", "name": "建新社区", "level": "community"}, value={
        "type": "/problems/conflict", "code": "conflict", "status": 409,
        "title": "Conflict / 冲突",
        "detail": "id 'A-JIANXIN' is already used / 编号已被使用", "instance": "/areas",
        "existing": {"id": "A-JIANXIN", "name": "建新社区", "kind": "Area"},
    }),
    Answer("POST /areas", status=422,
           body={"id": "A-JIANXIN-G1", "name": "建新社区第一网格", "level": "村"}, value={
        "type": "/problems/invalid-input", "code": "invalid-input", "status": 422,
        "title": "Invalid input / 输入无效",
        "detail": "body.level: Value error, “村”不是可选的值，可选：市、区、街道、社区、网格 / "
                  "'村' is not one of: city, district, subdistrict, community, grid",
        "instance": "/areas",
        "errors": [{"field": "body.level",
                    "message": "Value error, “村”不是可选的值，可选：市、区、街道、社区、网格 / "
                               "'村' is not one of: city, district, subdistrict, community, "
                               "grid",
                    "type": "value_error"}],
    }),
    Answer("DELETE /areas/A-WENHUA", status=409, value={
        "type": "/problems/conflict", "code": "conflict", "status": 409,
        "title": "Conflict / 冲突",
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
