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

**The ranking is exact**: it equals removing each person or unit that supports something
in the area (and that the principal may see) for real and recounting every gap rule, but
it runs a rule only where a loss can change its answer. Each rule's declaration says what
the loss of one person or unit can do to its gaps (:class:`graph_service.domain.gaps.Loss`):
open one only by taking away the last relationship that keeps it closed (``kept_by``:
the last officer ASSIGNED_TO a branch, the last part-time member SERVES_ON a committee for
a unit, …), close one other than its own only through a tie (``ties``: a formal member
EMPLOYED_BY a unit), or move a party organization's stored area into or out of the area
(``org_area``). So:

1. reads list, per candidate, what it keeps (and how many keep it), the organizations
   whose area may depend on it, and — for the rules with ties — the gaps it is tied to;
2. a candidate that alone keeps nothing closed and may move no organization into the area
   opens nothing: it is not weighed (most registered members and volunteers);
3. the others are weighed by what-ifs (:mod:`graph_service.db.scenarios`: the node deleted
   by the service's own write statements, the real gap rules read, all rolled back), each
   running only the rules the candidate may change. Candidates that touch no common node
   (kept alone, tied, an organization's area) share one what-if: each gap that opens or
   closes there names the one candidate it is tied to, and is exactly what that
   candidate's loss alone does; of what several keep, one what-if takes all but one away
   at most. One whose loss moves an organization into or out of the area is weighed
   again alone, with the rules that find organizations by their area;
4. a gap whose subject or related node is the candidate closes with it, whatever the rule.

A rule declared without a :class:`~graph_service.domain.gaps.Loss` is run for every
candidate, in a what-if of its own. ``tests/test_weak_points.py`` compares the answer with
removing every person and unit of generated regions for real.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from graph_service.auth.principal import Principal
from graph_service.db import scenarios as repo
from graph_service.db.database import Database, Record
from graph_service.db.scope import scoped_area, visible_ids
from graph_service.domain.gaps import Keeper, Tie
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


@dataclass
class Weighing:
    """What one candidate's loss may change (see the module's docstring)."""

    #: the nodes whose gaps its loss may open or close: itself, what it keeps, the
    #: subjects it is tied to, the organizations whose area may depend on it
    tokens: set[str]
    #: what it keeps with others (by relationship, node): how many of its keepers one
    #: what-if may take away, all but one (the gap stays closed)
    shared: dict[str, int] = field(default_factory=dict)
    #: rules whose gaps its loss may open, or close besides its own
    codes: set[str] = field(default_factory=set)
    #: its loss may open a gap (else it is not weighed)
    may_open: bool = False
    #: weigh it in a what-if of its own
    alone: bool = False
    #: the stored area of some party organization may depend on it
    moves: bool = False


@dataclass
class Tally:
    """How the answer was found (for the bench and the tests): the candidates, those
    weighed by what-ifs, how many what-ifs ran, and how many candidates were weighed
    again alone (their loss moved an organization across the area's edge)."""

    candidates: list[str] = field(default_factory=list)
    weighed: list[str] = field(default_factory=list)
    what_ifs: int = 0
    again_alone: int = 0


@dataclass
class Found:
    """What a candidate's loss opens, and what it closes of the rules its what-if ran (its
    own gaps of the others are added from the gaps before)."""

    opened: dict[GapKey, GapItem] = field(default_factory=dict)
    closed: set[GapKey] = field(default_factory=set)


class _Again(Exception):
    """A shared what-if in which some candidates moved an organization across the area's
    edge (weigh those alone, and the others again without them), or in which a gap named
    none of them (weigh each alone)."""

    def __init__(self, movers: list[str]) -> None:
        super().__init__("again")
        self.movers = movers


def _weighings(
    db: Database, tx: ManagedTransaction, area: str, as_of: dt.date,
    candidates: Mapping[str, NodeKind], before: Mapping[GapKey, GapItem],
) -> dict[str, Weighing]:  # fmt: skip
    """What the loss of each candidate (id → kind) may change, by the rules' declarations:
    those whose loss may open a gap."""
    rules = db.registry.rules.enabled
    weighing = {c: Weighing(tokens={c}) for c in candidates}
    by_keeper: dict[Keeper, set[str]] = defaultdict(set)
    by_tie: dict[Tie, set[str]] = defaultdict(set)
    for rule in rules:
        for keeper in rule.loss.kept_by if rule.loss else ():
            by_keeper[keeper].add(rule.code)
        for tie in rule.loss.ties if rule.loss else ():
            by_tie[tie].add(rule.code)

    def of_kinds(ids: Iterable[str], kinds: Collection[NodeKind]) -> list[str]:
        return sorted(c for c in ids if candidates[c] in kinds)

    for keeper, codes in by_keeper.items():
        for row in repo.kept(db, tx, keeper, of_kinds(candidates, {keeper.by}), as_of):
            one = weighing[row["id"]]
            if row["keepers"] == 1:
                one.tokens.add(row["kept"])
                one.codes |= codes
                one.may_open = True
            else:  # one of several: a what-if may take all but one of them away
                shared = f"{keeper.rel.value} {row['kept']} {row.get('related') or ''}"
                one.shared[shared] = int(row["keepers"]) - 1
    org_codes = {rule.code for rule in rules if rule.loss and rule.loss.org_area}
    for row in repo.org_dependents(db, tx, sorted(candidates), area):
        one = weighing[row["id"]]
        one.tokens.add(row["org"])
        one.moves = True
        if not row["inside"] and org_codes:  # its loss may bring the organization in
            one.codes |= org_codes
            one.may_open = True
    undeclared = {rule.code for rule in rules if rule.loss is None}
    for one in weighing.values():
        if undeclared:
            one.codes |= undeclared
            one.may_open = one.alone = True

    def lost_end(tie: Tie) -> frozenset[NodeKind]:
        return tie.rel.spec.sources if tie.into_subject else tie.rel.spec.targets

    for tie, codes in by_tie.items():  # ties that may open a gap: every candidate
        if tie.opens:
            for row in repo.tied(db, tx, tie, of_kinds(candidates, lost_end(tie))):
                one = weighing[row["id"]]
                one.tokens.add(row["subject"])
                one.codes |= codes
                one.may_open = True
    weighed = {c: one for c, one in weighing.items() if one.may_open}
    for tie, codes in by_tie.items():  # the others close gaps: those of the weighed
        gapped = {key[1] for key in before if key[0] in codes}
        if not tie.opens and gapped:
            for row in repo.tied(db, tx, tie, of_kinds(weighed, lost_end(tie))):
                if row["subject"] in gapped:
                    weighed[row["id"]].tokens.add(row["subject"])
                    weighed[row["id"]].codes |= {
                        key[0] for key in before if key[0] in codes and key[1] == row["subject"]}
    # a gap names two nodes (subject, related): one weighed candidate touching each would
    # both touch the gap, so each holds the other's node too
    partners: dict[str, set[str]] = defaultdict(set)
    for _, subject, related in before:
        if related is not None:
            partners[subject].add(related)
            partners[related].add(subject)
    held = set().union(*(one.tokens for one in weighed.values()))
    for one in weighed.values():
        one.tokens |= held & set().union(*(partners.get(t, set()) for t in one.tokens))
    return weighed


def _batches(weighing: Mapping[str, Weighing]) -> list[list[str]]:
    """The candidates in groups whose tokens do not meet (greedily, most tokens first) and
    that take away at most all but one keeper of anything kept by several, and those that
    must be weighed alone."""
    groups: list[tuple[list[str], set[str], Counter[str], bool]] = []
    alone: list[list[str]] = []
    for c in sorted(weighing, key=lambda c: (-len(weighing[c].tokens), c)):
        one = weighing[c]
        if one.alone:
            alone.append([c])
            continue
        # those that may move an organization apart: a what-if in which one does is run
        # again without it, and the others need not wait for that
        for members, used, taken, movers in groups:
            if (movers == one.moves and used.isdisjoint(one.tokens)
                    and all(taken[k] < cap for k, cap in one.shared.items())):  # fmt: skip
                members.append(c)
                used |= one.tokens
                taken.update(one.shared.keys())
                break
        else:
            groups.append(([c], set(one.tokens), Counter(one.shared.keys()), one.moves))
    return [members for members, *_ in groups] + alone


def _weigh(
    db: Database, who: Principal, area: str, as_of: dt.date, members: list[str],
    weighing: Mapping[str, Weighing],
    before: Mapping[GapKey, GapItem], inside: set[str], org_codes: set[str],
) -> dict[str, Found]:  # fmt: skip
    """The losses of ``members`` in one what-if (rolled back), each one's part told apart
    by its tokens; :class:`_Again` when a shared one moved an organization across the
    area's edge, or a gap names none of them (then each is weighed alone)."""
    codes = set().union(*(weighing[m].codes for m in members))

    def work(tx: ManagedTransaction) -> dict[str, Found]:
        owner = {t: m for m in members for t in weighing[m].tokens}
        # each organization that moves depends on one of them (their tokens do not meet)
        crossed = [c["id"] for c in repo.remove_nodes(db, tx, members).moved
                   if (c["before"] in inside) != (c["after"] in inside)]  # fmt: skip
        if crossed and len(members) > 1:
            raise _Again(sorted({owner[o] for o in crossed if o in owner}) or list(members))
        ran = codes | (org_codes if crossed else set())
        after = db.run_plan_in(tx, gaps_plan(db.registry, who, area, as_of, ran))
        found = {m: Found() for m in members}
        for key in {*after, *(k for k in before if k[0] in ran)}:
            if (key in after) == (key in before):
                continue
            lost = members[0] if len(members) == 1 else (
                owner.get(key[1]) or (owner.get(key[2]) if key[2] else None))
            if lost is None:  # not as the declarations say: weigh each alone
                raise _Again(list(members))
            if key in after:
                found[lost].opened[key] = after[key]
            else:
                found[lost].closed.add(key)
        return found

    return repo.rolled_back(db, work, "weak_points")


def weak_points(
    db: Database, who: Principal, area: str, as_of: dt.date, *, limit: int = 20,
    tally: Tally | None = None,
) -> WeakPoints:  # fmt: skip
    """The single points of failure of ``area`` as of a date (see the module's docstring):
    the ``limit`` persons and units whose loss opens the most gaps (only those that open
    any), every branch's, building's and park's supporters by channel (fewest first), and
    the network's articulation points and bridges that leave a branch, building or park
    apart. Any role that may read the area may ask; supporters outside the principal's
    areas are neither named nor weighed. ``tally``, when given, is told how the answer was
    found."""
    registry = db.registry
    branch_kinds = registry.rules.kinds.get("TEAM_BRANCH_NO_OFFICER", ())
    tally = tally if tally is not None else Tally()

    def read(
        tx: ManagedTransaction,
    ) -> tuple[AreaRef, Network, set[str] | None, Any, Mapping[str, NodeKind], Any]:
        asked = scoped_area(db, tx, who, area)
        assert asked is not None
        rows = db.run_in(tx, "area_with_children", id=asked)
        if not rows:
            raise NotFound(f"区域 {asked} 不存在 / no area with id {asked!r}", id=asked)
        targets = repo.support_targets(db, tx, asked, list(branch_kinds))
        network = Network(targets, repo.every_supporter(db, tx, [t["id"] for t in targets], as_of))
        seen = None if who.scope is None else visible_ids(db, tx, who, sorted(network.names))
        before = db.run_plan_in(tx, gaps_plan(registry, who, asked, as_of))
        candidates = {c: NodeKind(network.names[c].kind) for c in network.candidates()
                      if seen is None or c in seen}  # fmt: skip
        weighing = _weighings(db, tx, asked, as_of, candidates, before)
        ref = AreaRef(id=rows[0]["id"], name=rows[0]["name"], level=rows[0]["level"])
        return ref, network, seen, before, candidates, (weighing, targets)

    area_ref, network, seen, before, candidates, (weighing, targets) = db.execute_read(
        read, "weak_points")

    def ref(node: str) -> EntityRef:
        known = network.names[node]
        return known if seen is None or node in seen else known.hidden()

    inside = {t["id"] for t in targets if t["kind"] == NodeKind.AREA.value}
    org_codes = {r.code for r in registry.rules.enabled if r.loss and r.loss.org_area}
    tally.candidates, tally.weighed = sorted(candidates), sorted(weighing)
    found: dict[str, Found] = {}

    def weigh(members: list[str]) -> None:
        tally.what_ifs += 1
        try:
            found.update(_weigh(db, who, area_ref.id, as_of, members, weighing, before,
                                inside, org_codes))  # fmt: skip
        except _Again as again:
            alone = set(again.movers)
            tally.again_alone += len(alone)
            rest = [m for m in members if m not in alone]
            for group in [[m] for m in sorted(alone)] + ([rest] if rest else []):
                weigh(group)

    # one after the other: what-ifs run side by side wait on each other's locks (deleting
    # a person locks the community it is registered with) and deadlock
    for members in _batches(weighing):
        weigh(members)
    ranked = []
    for c, one in found.items():
        if not one.opened:
            continue
        own = {key for key in before if c in (key[1], key[2])}
        ranked.append(WeakPoint(entity=ref(c), opens=len(one.opened),
                                closes=len(one.closed | own),
                                gaps=ordered(registry, one.opened)))  # fmt: skip
    ranked.sort(key=lambda w: (-w.opens, w.entity.id or ""))
    return WeakPoints(
        area=area_ref, as_of=as_of, candidates=len(candidates), ranked=ranked[:limit],
        redundancy=network.redundancy(ref), articulation_points=network.cut_points(ref),
        bridges=network.bridges(ref),
        network={"nodes": network.graph.number_of_nodes(),
                 "edges": network.graph.number_of_edges()},
    )  # fmt: skip
