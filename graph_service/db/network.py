"""The network repository: an area's or place's nodes and edges as of a date, each node with
the gap rules it fails then."""

from __future__ import annotations

import datetime as dt

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.gaps import every_gap_read
from graph_service.db.plans import KeptRead, Plan, step
from graph_service.db.registry import QueryRegistry
from graph_service.errors import NotFound
from graph_service.schemas.network import Network, NetworkEdge, NetworkForm, NetworkNode

# an area above community level is drawn aggregated unless the detail is asked for
AGGREGATED_LEVELS = frozenset({"city", "district", "subdistrict"})


def network_plan(
    who: Principal, entity_id: str, as_of: dt.date, *, form: NetworkForm, max_nodes: int
) -> Plan[Network]:
    """The network of the area or place ``entity_id``, if the principal may see it
    (NotFound otherwise, as for an id that does not exist); its nodes' ``gaps`` empty."""
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


def gap_subjects_plan(
    registry: QueryRegistry, who: Principal, area: str, as_of: dt.date
) -> Plan[dict[str, list[str]]]:
    """The subjects of every gap in ``area`` on ``as_of``, each with the codes of the rules
    it fails (catalogue order): every rule that is on, run as its gap list runs it
    (:func:`~graph_service.db.gaps.every_gap_read`, the deployment's kinds and periods),
    in the caller's transaction. Empty when the area is not one the principal may ask of."""
    subjects: dict[str, list[str]] = {}
    for rule in registry.rules.enabled:
        read = every_gap_read(registry, who, rule.code, as_of=as_of, area=area)
        try:
            page = yield from read.make()
        except NotFound:  # outside the principal's areas: so is every rule's list
            return {}
        for item in page.items:
            codes = subjects.setdefault(item.id, [])
            if rule.code not in codes:  # a subject may fail a rule once per related thing
                codes.append(rule.code)
    return subjects


def network_read(
    registry: QueryRegistry, who: Principal, entity_id: str, as_of: dt.date, *,
    form: NetworkForm = NetworkForm.AUTO, max_nodes: int,
) -> KeptRead[Network]:  # fmt: skip
    """:func:`network_plan` and, in the detail form, the gaps of the center's area
    (:func:`gap_subjects_plan`) on each node, as a read the result cache keeps: the page
    draws one answer, computed once per version of the graph."""

    def plan() -> Plan[Network]:
        net = yield from network_plan(who, entity_id, as_of, form=form, max_nodes=max_nodes)
        if net.form is NetworkForm.DETAIL and net.area_id is not None:
            subjects = yield from gap_subjects_plan(registry, who, net.area_id, as_of)
            for node in net.nodes:
                node.gaps = subjects.get(node.id, [])
        return net

    key = ("network", who.role.value, tuple(who.areas), entity_id, as_of, form, max_nodes,
           registry.rules.key())  # fmt: skip
    return KeptRead(key, plan, "network")


def network(
    db: Database,
    who: Principal,
    entity_id: str,
    as_of: dt.date,
    *,
    form: NetworkForm = NetworkForm.AUTO,
    max_nodes: int,
) -> Network:
    """:func:`network_read`, run with the sync driver."""
    return db.read_kept(
        network_read(db.registry, who, entity_id, as_of, form=form, max_nodes=max_nodes)
    )
