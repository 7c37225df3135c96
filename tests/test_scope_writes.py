"""Area scope for writes and the one rule of where a thing is, on the demo region.

An area-scoped writer may change nothing outside its areas: a node outside them, a
relationship with an end outside them (a relationship lies inside only when both its ends
do), nor the stored area of a party organization outside them, by a side effect either
(a cascade delete, an area refresh). And one rule says where a thing is: the organizations
a gap list places in an organizer's area are the ones it may open.

The oracle here is written apart from the service, in Python over the whole graph read
back: where each party organization lies (its own place, else its nearest ancestor's),
which nodes lie inside a scope, and what a write would change. The matrix sends, as the
organizer of 建新社区 (A-JIANXIN), every cascade delete, every node update and delete,
every relationship update and delete, and relationship and node creates of every type and
kind, inside and outside; it checks each answer against the oracle's and, with the whole
graph read before and after, that nothing outside the scope changed. Each write that went
through is undone by rewriting the graph as it was, so every write meets the demo region.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.domain.gaps import RULES
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.tables import TABLES
from graph_service.main import create_app
from loaders.demo import DEMO_AS_OF
from tests.conftest import Neo4jUnderTest
from tests.graph_snapshot import snapshot

SCOPE = "A-JIANXIN"
COMMUNITIES = ("A-JIANXIN", "A-HEPING", "A-MINSHENG", "A-WENHUA")
AS_OF = DEMO_AS_OF.isoformat()
NODE_KEY = {t.kind: t.key for t in TABLES if isinstance(t.kind, NodeKind)}
REL_KEY = {t.kind: t.key for t in TABLES if isinstance(t.kind, RelKind)}
NEW_NODE_FIELDS: dict[NodeKind, dict[str, Any]] = {
    NodeKind.AREA: {"level": "grid"},
    NodeKind.UNIT: {"kind": "enterprise"},
    NodeKind.PARTY_ORG: {"kind": "branch"},
    NodeKind.COMMITTEE: {"kind": "community"},
    NodeKind.MEETING: {"date": "2026-05-01"},
}
NEW_REL_FIELDS: dict[RelKind, dict[str, Any]] = {RelKind.ASSIGNED_TO: {"role": "liaison"}}

Key = tuple[str, str, str]  # a relationship: (from id, type, to id)


# ---- the graph, read back whole ------------------------------------------------------------


@dataclass
class Graph:
    """Every node (labels, properties) and relationship (properties), values as stored."""

    labels: dict[str, frozenset[str]] = field(default_factory=dict)
    props: dict[str, dict[str, Any]] = field(default_factory=dict)
    rels: dict[Key, dict[str, Any]] = field(default_factory=dict)
    # each node's relationships, built at the first look (the oracle's walks)
    _ends: dict[str, list[Key]] | None = field(default=None, compare=False, repr=False)
    _inside: dict[tuple[str, ...], set[str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def copy(self) -> Graph:
        return Graph(dict(self.labels), {k: dict(v) for k, v in self.props.items()},
                     {k: dict(v) for k, v in self.rels.items()})  # fmt: skip

    def kind(self, node: str) -> NodeKind:
        return next(k for k in NodeKind if k.value in self.labels[node])

    def _of(self, node: str) -> list[Key]:
        if self._ends is None:
            self._ends = {}
            for key in self.rels:
                self._ends.setdefault(key[0], []).append(key)
                self._ends.setdefault(key[2], []).append(key)
        return self._ends.get(node, [])

    def out(self, node: str, *types: str) -> Iterator[str]:
        return (b for (a, t, b) in self._of(node) if a == node and t in types)

    def neighbours(self, node: str) -> Iterator[str]:
        return (b if a == node else a for (a, _, b) in self._of(node))


def read_graph(db: Database) -> Graph:
    """The whole graph in one request and one record: the matrix reads it back after each of
    its thousand writes (a record a node and a relationship took a third longer)."""
    graph = Graph()
    with db.driver.session(database=db.database) as session:
        whole = session.run(
            "CALL { MATCH (n:Entity) RETURN collect([n.id, labels(n), properties(n)]) AS nodes } "
            "CALL { MATCH (a:Entity)-[r]->(b:Entity) "
            "       RETURN collect([a.id, type(r), b.id, properties(r)]) AS rels } "
            "RETURN nodes, rels"
        ).single(strict=True)
    for node, labels, props in whole["nodes"]:
        graph.labels[node] = frozenset(labels)
        graph.props[node] = dict(props)
    for a, t, b, props in whole["rels"]:
        key = (a, t, b)
        assert key not in graph.rels, f"duplicate relationship {key}"
        graph.rels[key] = dict(props)
    return graph


def restore(db: Database, was: Graph, now: Graph) -> None:
    """Rewrite the graph from ``now`` back to ``was``, exactly (provenance and stored
    areas included), with plain Cypher: no service code is trusted to undo a write."""
    with db.driver.session(database=db.database) as session:
        for key in now.rels.keys() - was.rels.keys():
            session.run(f"MATCH (:Entity {{id: $a}})-[r:{RelKind(key[1]).value}]->"
                        "(:Entity {id: $b}) DELETE r", a=key[0], b=key[2])  # fmt: skip
        for node in now.props.keys() - was.props.keys():
            session.run("MATCH (n:Entity {id: $id}) DETACH DELETE n", id=node)
        for node in was.props.keys() - now.props.keys():
            label = next(k.value for k in NodeKind if k.value in was.labels[node])
            session.run(f"CREATE (n:Entity:{label}) SET n = $props", props=was.props[node])
        for node, props in was.props.items():
            if node in now.props and now.props[node] != props:
                session.run("MATCH (n:Entity {id: $id}) SET n = $props", id=node, props=props)
        for key, props in was.rels.items():
            rel = RelKind(key[1]).value
            if key not in now.rels:
                session.run(f"MATCH (a:Entity {{id: $a}}), (b:Entity {{id: $b}}) "
                            f"CREATE (a)-[r:{rel}]->(b) SET r = $props",
                            a=key[0], b=key[2], props=props)  # fmt: skip
            elif now.rels[key] != props:
                session.run(f"MATCH (:Entity {{id: $a}})-[r:{rel}]->(:Entity {{id: $b}}) "
                            "SET r = $props", a=key[0], b=key[2], props=props)  # fmt: skip


# ---- the oracle ------------------------------------------------------------------------------


def _located(g: Graph, node: str, lo: int) -> Iterator[tuple[int, str]]:
    """(steps, area) for each area reached by lo..3 LOCATED_IN steps from ``node``."""
    frontier, seen = [(node, 0)], set()
    while frontier:
        here, steps = frontier.pop()
        if steps >= lo and "Area" in g.labels[here]:
            yield steps, here
        if steps < 3:
            for there in g.out(here, "LOCATED_IN"):
                if (there, steps + 1) not in seen:
                    seen.add((there, steps + 1))
                    frontier.append((there, steps + 1))


def org_area(g: Graph, org: str) -> str | None:
    """A party organization's area: its own place — LOCATED_IN, else the unit it is
    ESTABLISHED_IN or the committee it LEADS, else what it COVERS — else its nearest
    ancestor's (UNDER, up to 4 steps); ties: fewer steps up, the way, fewer hops, the id."""
    found: list[tuple[int, int, int, str]] = []
    frontier = [(org, 0)]
    while frontier:
        here, up = frontier.pop()
        found += [(up, 0, hops, area) for hops, area in _located(g, here, 1)]
        for way, types, kinds in ((1, ("ESTABLISHED_IN", "LEADS"), {"Unit", "Committee"}),
                                  (2, ("COVERS",), {"Building", "Park", "Unit"})):  # fmt: skip
            for place in g.out(here, *types):
                if g.labels[place] & kinds:
                    found += [(up, way, 1 + hops, area) for hops, area in _located(g, place, 1)]
        if up < 4:
            frontier += [(parent, up + 1) for parent in g.out(here, "UNDER")]
    return min(found)[3] if found else None


def with_areas(g: Graph) -> Graph:
    """The graph with every party organization's stored area as the rule gives it."""
    for node, labels in g.labels.items():
        if "PartyOrg" in labels:
            area = org_area(g, node)
            g.props[node] = {k: v for k, v in g.props[node].items() if k != "resolved_area"}
            if area is not None:
                g.props[node]["resolved_area"] = area
    return g


def inside(g: Graph, scope: list[str]) -> set[str]:
    """The nodes lying in the scope: areas below it (PART_OF, 8 steps); organizations
    whose area is one of those; other nodes LOCATED_IN one (0 to 3 steps); persons,
    projects and meetings with a relationship to any of those."""
    if tuple(scope) not in g._inside:
        g._inside[tuple(scope)] = _inside(g, scope)
    return g._inside[tuple(scope)]


def _inside(g: Graph, scope: list[str]) -> set[str]:
    areas = set(scope) & set(g.labels)
    for _ in range(8):
        areas |= {a for (a, t, b) in g.rels if t == "PART_OF" and b in areas}
    core = set()
    for node, labels in g.labels.items():
        if "PartyOrg" in labels:
            if org_area(g, node) in areas:
                core.add(node)
        elif any(area in areas for _, area in _located(g, node, 0)):
            core.add(node)
    loose = {n for n, labels in g.labels.items() if labels & {"Person", "Project", "Meeting"}}
    return core | {n for n in loose if any(m in core for m in g.neighbours(n))}


def outside_changes(was: Graph, now: Graph, scope: list[str]) -> list[str]:
    """What changed between two graphs that lies outside the scope before or after."""
    in_was, in_now = inside(was, scope), inside(now, scope)
    changes = []
    for node, props in was.props.items():
        if (node not in in_was or (node in now.props and node not in in_now)) and (
            now.props.get(node) != props
        ):
            changes.append(f"node {node}")
    changes += [f"new node {n}" for n in now.props.keys() - was.props.keys() if n not in in_now]
    for key, props in was.rels.items():
        outside_was = not {key[0], key[2]} <= in_was
        outside_now = key in now.rels and not {key[0], key[2]} <= in_now
        if (outside_was or outside_now) and now.rels.get(key) != props:
            changes.append(f"relationship {key}")
    changes += [f"new relationship {key}" for key in now.rels.keys() - was.rels.keys()
                if not {key[0], key[2]} <= in_now]  # fmt: skip
    return changes


# ---- writes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """One request, what it does to the graph (for the oracle), and its success status."""

    method: str
    url: str
    body: dict[str, Any] | None
    ok: int
    label: str


def _delete_node(node: str) -> Any:
    def apply(g: Graph) -> None:
        del g.labels[node], g.props[node]
        g.rels = {k: v for k, v in g.rels.items() if node not in (k[0], k[2])}

    return apply


def expected(g: Graph, w: Write, scope: list[str]) -> int:
    """The status the oracle gives a write of the organizer of ``scope`` on graph ``g``."""
    seen = inside(g, scope)
    parts = urlsplit(w.url).path.strip("/").split("/")
    after = g.copy()
    if parts[0] == "relationships":
        rel, a, b = RelKind(next(k for k, v in REL_KEY.items() if v == parts[1])), "", ""
        if w.method == "POST":
            assert w.body is not None
            a, b = w.body["from_id"], w.body["to_id"]
        else:
            a, b = parts[2], parts[3]
        if not {a, b} <= seen:
            return 404
        key = (a, rel.value, b)
        if w.method == "POST":
            if key in g.rels:
                return 409
            after.rels[key] = {}
        elif w.method == "DELETE":
            del after.rels[key]
        else:
            after.rels[key] = {**g.rels[key], **(w.body or {})}
    elif w.method == "POST":
        assert w.body is not None
        node, query = w.body["id"], dict(parse_qsl(urlsplit(w.url).query))
        kind = next(k for k, v in NODE_KEY.items() if v == parts[0])
        if "link_to" in query and query["link_to"] not in seen:
            return 404
        after.labels[node] = frozenset({"Entity", kind.value})
        after.props[node] = dict(w.body)
        if "link" in query:
            rel = RelKind(query["link"].upper())
            outgoing = kind in rel.spec.sources and g.kind(query["link_to"]) in rel.spec.targets
            ends = (node, query["link_to"]) if outgoing else (query["link_to"], node)
            after.rels[(ends[0], rel.value, ends[1])] = {}
    else:
        node = parts[1]
        if node not in seen:
            return 404
        if w.method == "PATCH":
            after.props[node] = {**g.props[node], **(w.body or {})}
        else:
            if any(node in (k[0], k[2]) for k in g.rels) and "cascade=true" not in w.url:
                return 409
            _delete_node(node)(after)
    return 403 if outside_changes(g, with_areas(after), scope) else w.ok


def matrix_writes(g: Graph, scope: list[str]) -> list[Write]:
    """Every node update and delete (with and without cascade), every relationship update
    and delete, a create of every relationship type between inside and outside ends of
    every pair of kinds it joins, and a create of every node kind placed by every
    relationship it can have, inside and outside, and placed nowhere."""
    seen = inside(g, scope)
    writes: list[Write] = []
    for node in sorted(g.labels):
        base = f"/{NODE_KEY[g.kind(node)]}/{node}"
        writes += [
            Write("PATCH", base, {"name": "改过的名称"}, 200, f"update {node}"),
            Write("DELETE", base, None, 204, f"delete {node}"),
            Write("DELETE", base + "?cascade=true", None, 204, f"cascade delete {node}"),
        ]
    for a, t, b in sorted(g.rels):
        rel = RelKind(t)
        base = f"/relationships/{REL_KEY[rel]}/{a}/{b}"
        flip = {"illustrative": not g.rels[(a, t, b)].get("illustrative", False)}
        writes += [Write("PATCH", base, flip, 200, f"update {a}-{t}->{b}"),
                   Write("DELETE", base, None, 204, f"delete {a}-{t}->{b}")]  # fmt: skip

    def first(kind: NodeKind, inner: bool, other_than: str = "") -> str | None:
        return next((n for n in sorted(g.labels) if g.kind(n) is kind and (n in seen) == inner
                     and n != other_than), None)  # fmt: skip

    for rel in RelKind:
        for src, dst in itertools.product(sorted(rel.spec.sources), sorted(rel.spec.targets)):
            for inner_a, inner_b in itertools.product((True, False), repeat=2):
                a = first(src, inner_a)
                b = first(dst, inner_b, other_than=a or "")
                if a and b and (a, rel.value, b) not in g.rels:
                    body = {"from_id": a, "to_id": b, **NEW_REL_FIELDS.get(rel, {})}
                    writes.append(Write("POST", f"/relationships/{REL_KEY[rel]}", body, 201,
                                        f"create {a}-{rel.value}->{b}"))  # fmt: skip
    for kind in NodeKind:
        body = {"id": f"NEW-{kind.value}", "name": "新建节点", **NEW_NODE_FIELDS.get(kind, {})}
        writes.append(Write("POST", f"/{NODE_KEY[kind]}", body, 201, f"create {kind.value}"))
        for rel in RelKind:
            others = (rel.spec.targets if kind in rel.spec.sources else set()) | (
                rel.spec.sources if kind in rel.spec.targets else set()
            )
            for other, inner in itertools.product(sorted(others), (True, False)):
                anchor = first(other, inner)
                if anchor:
                    url = f"/{NODE_KEY[kind]}?link={REL_KEY[rel]}&link_to={anchor}"
                    writes.append(
                        Write("POST", url, body, 201, f"create {kind.value} {rel.value} {anchor}")
                    )
    return writes


# ---- the world ----------------------------------------------------------------------------


@dataclass
class World:
    client: TestClient
    db: Database
    keys: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who]}


@pytest.fixture(scope="module")
def world(neo4j_server: Neo4jUnderTest, demo_database: Database) -> Iterator[World]:
    db, admin = demo_database, Principal.cli()
    keys = {
        "admin": add_account(db, admin, "scope-admin", Role.ADMIN),
        "A-ERQI": add_account(db, admin, "org-erqi", Role.ORGANIZER, ["A-ERQI"]),
    }
    for area in COMMUNITIES:
        keys[area] = add_account(db, admin, f"org-{area.lower()}", Role.ORGANIZER, [area])
    with TestClient(create_app(neo4j_server.settings())) as client:
        yield World(client, db, keys)


@pytest.fixture
def clean(world: World) -> Iterator[World]:
    """The demo region as loaded, put back after the test whatever it wrote."""
    was = read_graph(world.db)
    yield world
    restore(world.db, was, read_graph(world.db))
    assert read_graph(world.db) == was


# ---- one rule: what a gap list places in an area can be opened --------------------------


def test_an_organizer_opens_its_own_communitys_branches(clean: World) -> None:
    w = clean
    key = w.as_("A-JIANXIN")
    # 建新社区第一支部 has no place of its own: it lies where its parent 建新社区党委 lies
    assert w.client.get("/party_orgs/PO-JIANXIN-B1", headers=key).status_code == 200
    listed = w.client.get("/party_orgs?limit=500", headers=key).json()["items"]
    branches = {o["id"] for o in listed}
    assert {"PO-JIANXIN", "PO-JIANXIN-B1", "PO-JIANXIN-SCHOOL", "PO-QUANJING-BB",
            "PO-JIANXIN-JOINT"} == branches  # fmt: skip
    # the subdistrict's social-organization committee lies in the subdistrict (it covers a
    # unit there and one in 建新社区; ties go to the smaller area id), not in the community
    assert w.client.get("/party_orgs/PO-SOCIAL", headers=key).status_code == 404
    erqi = w.as_("A-ERQI")
    assert w.client.get("/party_orgs/PO-SOCIAL", headers=erqi).status_code == 200
    # the search, the export and the relationship lists follow the same rule
    hits = w.client.get("/search", params={"q": "建新社区第一支部"}, headers=key).json()["items"]
    assert "PO-JIANXIN-B1" in {h["id"] for h in hits}
    members = w.client.get("/relationships/member_of?to_id=PO-JIANXIN-B1",
                           headers=key).json()["items"]  # fmt: skip
    assert {m["from_id"] for m in members} == {"PS-ZHAO-XIUYING", "PS-HU-TAO"}
    exported = w.client.get("/exports?format=json", headers=key).json()["tables"]
    assert {o["id"] for o in exported["party_orgs"]} == branches


@pytest.mark.parametrize("area", (*COMMUNITIES, "A-ERQI"))
def test_every_subject_of_every_gap_list_can_be_opened(clean: World, area: str) -> None:
    w = clean
    key = w.as_(area)
    listed = 0
    for rule in RULES:
        page = w.client.get(f"/gaps/{rule.code}", params={"as_of": AS_OF, "limit": 500},
                            headers=key)  # fmt: skip
        assert page.status_code == 200, (rule.code, page.text)
        assert page.json()["total"] == len(page.json()["items"])
        for item in page.json()["items"]:
            listed += 1
            opened = w.client.get(f"/entities/{item['id']}", headers=key)
            assert opened.status_code == 200, f"{area} {rule.code}: {item['id']} is listed " \
                "but cannot be opened"  # fmt: skip
    assert listed > 0
    if area == "A-HEPING":  # the case: a branch with no officer, inheriting its area
        items = w.client.get("/gaps/TEAM_BRANCH_NO_OFFICER", params={"as_of": AS_OF},
                             headers=key).json()["items"]  # fmt: skip
        assert [i["id"] for i in items] == ["PO-HEPING-B1"]


# ---- writes: what the issue found, and the area refresh ----------------------------------


def test_a_cascade_that_would_reach_outside_is_refused_whole(clean: World) -> None:
    w = clean
    key = w.as_("A-JIANXIN")
    before = read_graph(w.db)
    wang = w.client.delete("/persons/PS-WANG-LIXIN?cascade=true", headers=key)
    assert wang.status_code == 403
    problem = wang.json()
    assert "ASSIGNED_TO" in problem["detail"] and "MEMBER_OF" in problem["detail"]
    assert "范围外" in problem["detail"]
    assert {"type": "ASSIGNED_TO", "direction": "out", "count": 3} in problem[
        "relationships_outside"]  # fmt: skip
    # the outside ends are not named
    for hidden in ("PO-LUWEI", "PO-WENCHUANG-PB", "PK-WENCHUANG", "PO-ERQI-WC"):
        assert hidden not in wang.text
    area = w.client.delete("/areas/A-JIANXIN?cascade=true", headers=key)
    assert area.status_code == 403 and "PART_OF" in area.json()["detail"]
    assert w.client.delete("/relationships/part_of/A-JIANXIN/A-ERQI",
                           headers=key).status_code == 404  # fmt: skip
    assert w.client.delete("/party_orgs/PO-SOCIAL?cascade=true", headers=key).status_code == 404
    assert read_graph(w.db) == before
    # wholly inside: allowed, with what went
    post = w.client.delete("/service_posts/SP-JX-MEDIATION?cascade=true", headers=key)
    assert post.status_code == 204, post.text
    event = w.client.get("/audit", params={"target": "SP-JX-MEDIATION", "action": "node.delete"},
                         headers=w.as_("admin")).json()["items"][0]  # fmt: skip
    assert event["details"]["relationships_deleted"] == [
        {"type": "HOLDS", "direction": "in", "count": 1},
        {"type": "LOCATED_IN", "direction": "out", "count": 1}]  # fmt: skip
    # the subdistrict's organizer holds both ends of every relationship of PO-SOCIAL
    social = w.client.delete("/party_orgs/PO-SOCIAL?cascade=true", headers=w.as_("A-ERQI"))
    assert social.status_code == 204, social.text
    # unscoped: as before
    admin = w.client.delete("/persons/PS-WANG-LIXIN?cascade=true", headers=w.as_("admin"))
    assert admin.status_code == 204


def test_a_write_may_not_move_an_organization_across_the_border(clean: World) -> None:
    """An organization outside the scope covers a unit inside it and one outside; placing
    the inside unit nearer would move the organization's area into the scope (a change to
    an outside node), through the API and through an import alike. Removing the parent of
    a branch inside would move it out of every area."""
    w = clean
    admin, key = w.as_("admin"), w.as_("A-JIANXIN")
    body = {"id": "PO-MULTI", "name": "跨社区联合党支部", "kind": "joint_branch"}
    assert w.client.post("/party_orgs", json=body, headers=admin).status_code == 201
    for unit in ("U-YEWEIHUI", "U-LINLI"):  # 建新 (3 LOCATED_IN steps), 文化 (1 step)
        cover = {"from_id": "PO-MULTI", "to_id": unit}
        assert w.client.post("/relationships/covers", json=cover, headers=admin).is_success
    assert read_graph(w.db).props["PO-MULTI"]["resolved_area"] == "A-WENHUA"
    before = read_graph(w.db)
    nearer = {"from_id": "U-YEWEIHUI", "to_id": "A-JIANXIN"}
    moved = w.client.post("/relationships/located_in", json=nearer, headers=key)
    assert moved.status_code == 403, moved.text
    assert "outside" in moved.json()["detail"] and "PO-MULTI" not in moved.text
    csv = b"from_id,to_id\nU-YEWEIHUI,A-JIANXIN\n"
    imported = w.client.post(
        "/imports", headers=key, files=[("files", ("located_in.csv", io.BytesIO(csv), "text/csv"))]
    )
    assert imported.status_code == 403, imported.text
    assert read_graph(w.db) == before
    # the administrator may: the organization then lies in 建新社区 (ties: the smaller id)
    assert w.client.post("/relationships/located_in", json=nearer, headers=admin).is_success
    assert read_graph(w.db).props["PO-MULTI"]["resolved_area"] == "A-JIANXIN"

    # a branch whose only place is its parent's would lie in no area without it
    before = read_graph(w.db)
    orphan = w.client.delete("/relationships/under/PO-JIANXIN-B1/PO-JIANXIN", headers=key)
    assert orphan.status_code == 403 and "PO-JIANXIN-B1" in orphan.json()["detail"]
    assert read_graph(w.db) == before
    # moved to another parent inside first, it may leave the first one
    under = {"from_id": "PO-JIANXIN-B1", "to_id": "PO-JIANXIN-SCHOOL"}
    assert w.client.post("/relationships/under", json=under, headers=key).status_code == 201
    assert w.client.delete("/relationships/under/PO-JIANXIN-B1/PO-JIANXIN",
                           headers=key).status_code == 204  # fmt: skip
    assert w.client.get("/party_orgs/PO-JIANXIN-B1", headers=key).status_code == 200


def test_the_scope_matrix_changes_nothing_outside(clean: World) -> None:
    w = clean
    key, scope = w.as_(SCOPE), [SCOPE]
    start = read_graph(w.db)
    start_snapshot = snapshot(w.db)
    # the oracle's rule is the service's: the stored areas are the rule's, and the nodes the
    # organizer's lists show are the oracle's inside
    assert with_areas(start.copy()).props == start.props
    shown = set()
    for table in NODE_KEY.values():
        items = w.client.get(f"/{table}?limit=500", headers=key).json()["items"]
        shown |= {item["id"] for item in items}

    writes = matrix_writes(start, scope)
    tally: dict[int, int] = {}
    wrong, outside, leaks = [], [], 0
    for write in writes:
        want = expected(start, write, scope)
        got = w.client.request(write.method, write.url, json=write.body, headers=key)
        tally[got.status_code] = tally.get(got.status_code, 0) + 1
        if got.status_code != want:
            wrong.append(f"{write.label}: {got.status_code}, expected {want}: {got.text[:200]}")
        now = read_graph(w.db)
        if now != start:
            changed = [f"{write.label}: {c}" for c in outside_changes(start, now, scope)]
            if got.status_code >= 400:
                changed.append(f"{write.label}: refused ({got.status_code}) but wrote")
            outside += changed
            leaks += bool(changed)
            restore(w.db, start, now)
    assert read_graph(w.db) == start and snapshot(w.db) == start_snapshot
    kinds = {w.method + " " + ("relationship" if "/relationships/" in w.url else "node")
             for w in writes}  # fmt: skip
    print(
        f"\nscope matrix ({SCOPE}): {len(writes)} writes tried "
        f"({', '.join(f'{n} x {s}' for s, n in sorted(tally.items()))}); "
        f"answers unlike the oracle's: {len(wrong)}; writes that changed something outside: "
        f"{leaks} ({len(outside)} changes)"
    )
    assert shown == inside(start, scope)
    assert wrong == [], "\n".join(wrong[:30])
    assert outside == [], "\n".join(outside[:30])
    assert len(kinds) == 6 and tally.get(403, 0) > 0 and tally.get(404, 0) > 0
    assert sum(n for s, n in tally.items() if s < 300) > 100


def test_the_oracle_sees_a_change_outside(clean: World) -> None:
    """The matrix could pass by never looking: a write made outside around the service is
    one the comparison finds."""
    w = clean
    start = read_graph(w.db)
    with w.db.driver.session(database=w.db.database) as session:
        session.run("MATCH (n:PartyOrg {id: 'PO-HEPING'}) SET n.name = '改名'")
        session.run(
            "MATCH (:Person {id: 'PS-WANG-LIXIN'})-[r:ASSIGNED_TO]->"
            "(:PartyOrg {id: 'PO-LUWEI'}) SET r.until = $d",
            d=dt.date(2026, 1, 1),
        )
    found = outside_changes(start, read_graph(w.db), [SCOPE])
    assert found == ["node PO-HEPING", "relationship ('PS-WANG-LIXIN', 'ASSIGNED_TO', 'PO-LUWEI')"]
