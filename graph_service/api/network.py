"""The network of an area or a place / 关系网络."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from graph_service.api import openapi_examples as ex
from graph_service.api.model_json import json_response
from graph_service.api.query_types import AsOf
from graph_service.api.security import PrincipalDep
from graph_service.db import network as repo
from graph_service.deps import ReadsDep
from graph_service.schemas.network import MAX_NODES, Network, NetworkForm

router = APIRouter(tags=["network · 关系网络"])


@router.get(
    "/network/{entity_id}",
    summary="The network of an area or a place / 社区、楼宇的关系网络",
    response_model=Network,
    responses={404: {"description": "No such id (or outside your areas)"}},
)
async def get_network(
    reads: ReadsDep, who: PrincipalDep,
    entity_id: Annotated[str, Path(
        max_length=64, description="Area, building or park id / 区域、楼宇或园区编号",
        openapi_examples=ex.id_example("建新社区 (demo region / 演示区域)", "A-JIANXIN"))],
    as_of: AsOf,
    form: Annotated[NetworkForm, Query(
        description="auto: aggregated above community level; detail; areas / "
                    "auto：社区以上区域汇总显示")] = NetworkForm.AUTO,
    max_nodes: Annotated[int, Query(ge=1, le=MAX_NODES,
                                    description="Most nodes drawn / 节点上限")] = MAX_NODES,
) -> Response:  # fmt: skip
    """The network of a community, grid, building or park as of a date: its areas, party
    organizations, committees, buildings and parks, units, and the persons, projects and
    units with a relationship current then to any of them, with the relationships among
    them (at most one of each type between two nodes: the term current on the date), each
    node with the codes of the gap rules it fails on the date (``gaps``: the gap lists of
    the network's area, ``area_id``). Only what lies in your areas. At most ``max_nodes``
    nodes (persons are cut first); ``truncated`` says when some were left out. A
    subdistrict, district or city is drawn aggregated (``form=areas``): the area and its
    child areas, each with its count of units. Errors: 404 when no entity has the id (or
    it lies outside your areas), or ``form=areas`` names a place.

    社区、网格、楼宇或园区在某日的关系网络：区域、党组织、委员会、楼宇园区、单位，以及与之有
    当日有效关系的人员、项目与单位，和它们之间的关系（同一对节点同类关系只画当日有效的一条）；
    每个节点附当日所在区域问题清单中涉及它的规则编号（gaps）。
    只含您负责区域内的对象。节点数不超过 max_nodes（先舍去人员），truncated 表示已截断。
    街道、区、市默认汇总显示（form=areas）：该区域及其下级区域，各附单位数。错误：编号不存在或
    不在您负责的范围内 404。"""
    # through the result cache: a kept network is sent as the JSON it was kept as
    read = repo.network_read(reads.registry, who, entity_id, as_of, form=form,
                             max_nodes=max_nodes)  # fmt: skip
    return json_response(await reads.read_kept_json(read))
