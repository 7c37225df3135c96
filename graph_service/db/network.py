"""The network repository: an area's or place's nodes and edges as of a date."""

from __future__ import annotations

import datetime as dt

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.plans import Plan, step
from graph_service.errors import NotFound
from graph_service.schemas.network import Network, NetworkEdge, NetworkForm, NetworkNode

# an area above community level is drawn aggregated unless the detail is asked for
AGGREGATED_LEVELS = frozenset({"city", "district", "subdistrict"})


def network_plan(
    who: Principal, entity_id: str, as_of: dt.date, *, form: NetworkForm, max_nodes: int
) -> Plan[Network]:
    """The network of the area or place ``entity_id``, if the principal may see it
    (NotFound otherwise, as for an id that does not exist)."""
    rows = yield step("network_center", id=entity_id, scope=who.scope)
    if not rows:
        raise NotFound(f"no entity with id '{entity_id}' / 编号 {entity_id} 不存在")
    center = NetworkNode.model_validate(rows[0])
    area_id = rows[0]["area_id"]
    if form is NetworkForm.AUTO:
        aggregated = center.label == "Area" and center.level in AGGREGATED_LEVELS
        form = NetworkForm.AREAS if aggregated else NetworkForm.DETAIL
    if form is NetworkForm.AREAS:
        if center.label != "Area":
            raise NotFound(f"'{entity_id}' is not an area / {entity_id} 不是区域")
        areas = yield step("network_areas", id=entity_id, scope=who.scope)
        nodes = [NetworkNode.model_validate(row) for row in areas]
        root = nodes[0].id
        edges = [NetworkEdge(source=n.id, target=root, type="PART_OF") for n in nodes[1:]]
        return Network(center=center, area_id=area_id, as_of=as_of, form=form, nodes=nodes,
                       edges=edges, truncated=False, max_nodes=max_nodes)  # fmt: skip
    found = yield step("network_nodes", id=entity_id, as_of=as_of, scope=who.scope,
                       limit=max_nodes)  # fmt: skip
    truncated = len(found) > max_nodes
    nodes = [NetworkNode.model_validate(row) for row in found[:max_nodes]]
    ids = [n.id for n in nodes]
    links = yield step("network_edges", ids=ids, as_of=as_of)
    edges = [NetworkEdge.model_validate(row) for row in links]
    return Network(center=center, area_id=area_id, as_of=as_of, form=form, nodes=nodes,
                   edges=edges, truncated=truncated, max_nodes=max_nodes)  # fmt: skip


def network(
    db: Database,
    who: Principal,
    entity_id: str,
    as_of: dt.date,
    *,
    form: NetworkForm = NetworkForm.AUTO,
    max_nodes: int,
) -> Network:
    """:func:`network_plan` in a read transaction of its own."""
    return db.read_plan(
        lambda: network_plan(who, entity_id, as_of, form=form, max_nodes=max_nodes), "network"
    )
