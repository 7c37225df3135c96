"""Single points of failure of an area: whose loss alone opens the most gaps, how many
independent supporters each branch, building and park has, and the cut points and bridges
of the support network.

**The network** is projected from the graph in two reads of one transaction: the area's
targets (``cypher/scenarios/support_targets.cypher``: its branches, buildings, parks, areas
and committees) and every supporter of each (the ``supporters`` query, the one definition
of a support channel, all targets sent at once). Nodes are the targets and their
supporters, an edge joins a supporter to what it supports (its channel kept). A
subdistrict of the generated city is a few thousand nodes and edges; networkx's
articulation points and bridges are linear in them.

**The ranking is exact**: each person or unit that supports something in the area (and
that the principal may see) is removed in a what-if of its own
(:mod:`graph_service.services.scenarios`: the real gap rules, rolled back), and the gaps
opened are those found after and not before. Nothing is estimated, so it equals removing
each for real and recounting; it costs one what-if per candidate (two run at a time).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from neo4j import ManagedTransaction

from graph_service.auth.principal import Principal
from graph_service.db import scenarios as repo
from graph_service.db.database import Database, Record
from graph_service.db.scope import scoped_area, visible_ids
from graph_service.domain.kinds import NodeKind
from graph_service.errors import NotFound
from graph_service.schemas.gaps import AreaRef, GapItem
from graph_service.schemas.scenarios import (
    Bridge,
    CutPoint,
    Redundancy,
    WeakPoint,
    WeakPoints,
)
from graph_service.schemas.support import EntityRef
from graph_service.services.scenarios import GapKey, gaps_plan, ordered

OFFICER_CHANNELS = ("instructor", "liaison")
CANDIDATE_KINDS = (NodeKind.PERSON.value, NodeKind.UNIT.value)
WORKERS = 2


class Network:
    """The projected support network of an area (see the module's docstring)."""

    def __init__(self, targets: Sequence[Record], supporters: Sequence[Sequence[Record]]) -> None:
        import networkx as nx

        self.graph = nx.Graph()
        self.names: dict[str, EntityRef] = {}
        self.counted: set[str] = set()
        #: per counted target: supporter ids by channel
        self.by_channel: dict[str, dict[str, set[str]]] = {}
        for target, rows in zip(targets, supporters, strict=True):
            tid = target["id"]
            self.names[tid] = EntityRef(id=tid, name=target["name"], kind=target["kind"])
            self.graph.add_node(tid)
            if target["counted"]:
                self.counted.add(tid)
                self.by_channel[tid] = defaultdict(set)
            for row in rows[0]["page"] if rows else []:
                sid = row["id"]
                self.names.setdefault(sid, EntityRef(id=sid, name=row["name"], kind=row["kind"]))
                if sid != tid:
                    self.graph.add_edge(sid, tid, channel=row["channel"])
                if tid in self.by_channel:
                    self.by_channel[tid][row["channel"]].add(sid)

    def candidates(self) -> list[str]:
        """Persons and units that support something here."""
        return sorted(
            n for n in self.graph
            if self.names[n].kind in CANDIDATE_KINDS and self.graph.degree(n) > 0
        )  # fmt: skip

    def redundancy(self, ref: Any) -> list[Redundancy]:
        out = []
        for tid, channels in self.by_channel.items():
            everyone = set().union(*channels.values()) if channels else set()
            officers = set().union(*(channels.get(c, set()) for c in OFFICER_CHANNELS))
            out.append(Redundancy(
                target=ref(tid), supporters=len(everyone), officers=len(officers),
                by_channel={c: len(ids) for c, ids in sorted(channels.items())},
            ))  # fmt: skip
        return sorted(out, key=lambda r: (r.supporters, r.officers, r.target.id or ""))

    def _cut_off(self, parts: list[set[str]]) -> int:
        """Counted targets outside the largest of ``parts``."""
        parts = sorted(parts, key=len, reverse=True)
        return sum(len(part & self.counted) for part in parts[1:])

    def cut_points(self, ref: Any) -> list[CutPoint]:
        import networkx as nx

        out = []
        for node in nx.articulation_points(self.graph):
            whole = nx.node_connected_component(self.graph, node) - {node}
            parts = [set(p) for p in nx.connected_components(self.graph.subgraph(whole))]
            if cut := self._cut_off(parts):
                out.append(CutPoint(entity=ref(node), cut_off=cut))
        return sorted(out, key=lambda c: (-c.cut_off, c.entity.id or ""))

    def bridges(self, ref: Any) -> list[Bridge]:
        import networkx as nx

        out = []
        for a, b in nx.bridges(self.graph):
            if self.graph.degree(a) == 1 or self.graph.degree(b) == 1:
                lone = a if self.graph.degree(a) == 1 else b
                cut = 1 if lone in self.counted else 0
            else:
                kept = self.graph.copy()
                kept.remove_edge(a, b)
                side = nx.node_connected_component(kept, a)
                rest = nx.node_connected_component(self.graph, a) - side
                cut = self._cut_off([side, rest])
            if cut:
                supporter, target = (a, b) if b in self.names and self._is_target(b) else (b, a)
                out.append(Bridge(supporter=ref(supporter), target=ref(target),
                                  channel=self.graph.edges[a, b]["channel"], cut_off=cut))
        return sorted(out, key=lambda x: (-x.cut_off, x.target.id or "", x.supporter.id or ""))

    def _is_target(self, node: str) -> bool:
        return node in self.counted or self.names[node].kind in ("Area", "Committee")


def _opened(
    db: Database, who: Principal, area: str, as_of: dt.date, candidate: str, kind: NodeKind,
    before: Mapping[GapKey, GapItem],
) -> tuple[list[GapItem], int]:  # fmt: skip
    """The gaps the loss of ``candidate`` alone opens, and how many it closes (a what-if)."""

    def work(tx: ManagedTransaction) -> tuple[list[GapItem], int]:
        repo.remove_node(db, tx, kind, candidate)
        after = db.run_plan_in(tx, gaps_plan(db.registry, who, area, as_of))
        opened = {k: v for k, v in after.items() if k not in before}
        return ordered(db.registry, opened), sum(1 for k in before if k not in after)

    return repo.rolled_back(db, work, "weak_points")


def weak_points(
    db: Database, who: Principal, area: str, as_of: dt.date, *, limit: int = 20
) -> WeakPoints:
    """The single points of failure of ``area`` as of a date (see the module's docstring):
    the ``limit`` persons and units whose loss opens the most gaps (only those that open
    any), every branch's, building's and park's supporters by channel (fewest first), and
    the network's articulation points and bridges that leave a branch, building or park
    apart. Any role that may read the area may ask; supporters outside the principal's
    areas are neither named nor weighed."""
    registry = db.registry
    branch_kinds = registry.rules.kinds.get("TEAM_BRANCH_NO_OFFICER", ())

    def read(tx: ManagedTransaction) -> tuple[AreaRef, Network, set[str] | None, Any]:
        asked = scoped_area(db, tx, who, area)
        assert asked is not None
        rows = db.run_in(tx, "area_with_children", id=asked)
        if not rows:
            raise NotFound(f"区域 {asked} 不存在 / no area with id {asked!r}", id=asked)
        targets = repo.support_targets(db, tx, asked, list(branch_kinds))
        network = Network(targets, repo.every_supporter(db, tx, [t["id"] for t in targets], as_of))
        seen = None if who.scope is None else visible_ids(db, tx, who, sorted(network.names))
        before = db.run_plan_in(tx, gaps_plan(registry, who, asked, as_of))
        ref = AreaRef(id=rows[0]["id"], name=rows[0]["name"], level=rows[0]["level"])
        return ref, network, seen, before

    area_ref, network, seen, before = db.execute_read(read, "weak_points")

    def ref(node: str) -> EntityRef:
        known = network.names[node]
        return known if seen is None or node in seen else known.hidden()

    candidates = [c for c in network.candidates() if seen is None or c in seen]
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="weak-points") as pool:
        found = list(pool.map(
            lambda c: _opened(db, who, area_ref.id, as_of, c, NodeKind(network.names[c].kind),
                              before),
            candidates,
        ))  # fmt: skip
    ranked = [WeakPoint(entity=ref(c), opens=len(gaps), closes=closes, gaps=gaps)
              for c, (gaps, closes) in zip(candidates, found, strict=True) if gaps]  # fmt: skip
    ranked.sort(key=lambda w: (-w.opens, w.entity.id or ""))
    return WeakPoints(
        area=area_ref, as_of=as_of, candidates=len(candidates), ranked=ranked[:limit],
        redundancy=network.redundancy(ref), articulation_points=network.cut_points(ref),
        bridges=network.bridges(ref),
        network={"nodes": network.graph.number_of_nodes(),
                 "edges": network.graph.number_of_edges()},
    )  # fmt: skip
