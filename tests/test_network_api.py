"""GET /network/{id}: the network of a community, place or subdistrict, on the demo region
in the real Neo4j, against an oracle that reads the whole graph back and walks it in Python
(the second implementation of the rule, written from its description, not from the query)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.main import create_app
from loaders.demo import DEMO_AS_OF
from tests.conftest import Neo4jUnderTest

AS_OF = DEMO_AS_OF.isoformat()
COMMUNITIES = ("A-HEPING", "A-JIANXIN")


class Graph:
    """The whole demo graph as Python data: nodes {id: (labels, props)} and every
    relationship (start, type, end, props)."""

    def __init__(self, db: Database) -> None:
        with db.driver.session(database=db.database) as session:
            self.nodes: dict[str, tuple[set[str], dict[str, Any]]] = {
                r["id"]: (set(r["labels"]), r["props"])
                for r in session.run(
                    "MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, "
                    "properties(n) AS props"
                )
            }
            self.rels = [
                (r["a"], r["type"], r["b"], r["props"])
                for r in session.run(
                    "MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id AS a, "
                    "type(r) AS type, b.id AS b, properties(r) AS props"
                )
            ]

    def has(self, node: str, label: str) -> bool:
        return label in self.nodes[node][0]

    def out(self, node: str, rel_type: str) -> list[str]:
        return [b for a, t, b, _ in self.rels if a == node and t == rel_type]

    def areas_under(self, area: str) -> set[str]:
        found, todo = {area}, [area]
        while todo:
            here = todo.pop()
            for a, t, b, _ in self.rels:
                if t == "PART_OF" and b == here and a not in found:
                    found.add(a)
                    todo.append(a)
        return found

    def located_in(self, node: str, steps: int) -> set[str]:
        """What ``node`` is LOCATED_IN, 1 to ``steps`` steps up."""
        reached, frontier = set(), {node}
        for _ in range(steps):
            frontier = {b for n in frontier for b in self.out(n, "LOCATED_IN")}
            reached |= frontier
        return reached

    @staticmethod
    def current(props: dict[str, Any], day: dt.date) -> bool:
        since, until = props.get("since"), props.get("until")
        return (since is None or since.to_native() <= day) and (
            until is None or until.to_native() >= day
        )

    def network(self, center: str, day: dt.date) -> tuple[set[str], set[tuple[str, str, str]]]:
        """The nodes and edges the issue describes, for an admin (who sees everything)."""
        if self.has(center, "Area"):
            areas = self.areas_under(center)
            core = {
                n
                for n in self.nodes
                if not self.has(n, "PartyOrg") and (n in areas or self.located_in(n, 3) & areas)
            } | {
                n
                for n, (labels, props) in self.nodes.items()
                if "PartyOrg" in labels and props.get("resolved_area") in areas
            }
        else:
            core = {n for n in self.nodes if n == center or center in self.located_in(n, 2)}
        ring = set()
        for a, _, b, props in self.rels:
            if not self.current(props, day):
                continue
            for here, there in ((a, b), (b, a)):
                if here in core and not ({"Area", "Meeting"} & self.nodes[there][0]):
                    ring.add(there)
        nodes = core | ring
        edges = {
            (a, t, b)
            for a, t, b, props in self.rels
            if a in nodes and b in nodes and self.current(props, day)
        }
        return nodes, edges


@pytest.fixture(scope="module")
def world(
    neo4j_server: Neo4jUnderTest, demo_database: Database
) -> Iterator[tuple[TestClient, Graph, dict[str, str]]]:
    cli = Principal.cli()
    keys = {
        "admin": add_account(demo_database, cli, "net-admin", Role.ADMIN),
        "heping": add_account(demo_database, cli, "net-heping", Role.ORGANIZER, ["A-HEPING"]),
    }
    with TestClient(create_app(neo4j_server.settings())) as client:
        yield client, Graph(demo_database), keys


def _get(client: TestClient, key: str, entity: str, **params: Any) -> Any:
    answer = client.get(
        f"/network/{entity}", headers={"X-API-Key": key}, params={"as_of": AS_OF} | params
    )
    return answer


def _dates(graph: Graph) -> list[dt.date]:
    """Every date a relationship begins or ends on, and the days either side: where the
    answer changes."""
    days = {DEMO_AS_OF}
    for *_, props in graph.rels:
        for key in ("since", "until"):
            if props.get(key) is not None:
                day = props[key].to_native()
                days |= {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
    return sorted(days)


def test_a_community_network_is_what_the_graph_holds_on_a_date(world: Any) -> None:
    client, graph, keys = world

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        center=st.sampled_from((*COMMUNITIES, "B-HEPING", "B-QUANJING")),
        day=st.sampled_from(_dates(graph)),
    )
    def check(center: str, day: dt.date) -> None:
        answer = _get(client, keys["admin"], center, as_of=day.isoformat())
        assert answer.status_code == 200, answer.text
        body = answer.json()
        nodes, edges = graph.network(center, day)
        assert body["form"] == "detail" and body["truncated"] is False
        assert {n["id"] for n in body["nodes"]} == nodes
        drawn = [(e["source"], e["type"], e["target"]) for e in body["edges"]]
        assert len(drawn) == len(set(drawn)), "at most one edge of a type between two nodes"
        assert set(drawn) == edges
        labels = {n["id"]: n["label"] for n in body["nodes"]}
        assert all(labels[n] in graph.nodes[n][0] for n in labels)

    check()


def test_the_demo_community_holds_every_kind(world: Any) -> None:
    """The network is not trivially empty: 建新社区 draws units, organizations, places and
    officers, tied by coverage and assignment."""
    client, _, keys = world
    body = _get(client, keys["admin"], "A-JIANXIN").json()
    assert {"Area", "Unit", "PartyOrg", "Building", "Person"} <= {n["label"] for n in body["nodes"]}
    assert {"LOCATED_IN", "COVERS", "ASSIGNED_TO"} <= {e["type"] for e in body["edges"]}
    assert body["center"]["id"] == "A-JIANXIN" and body["area_id"] == "A-JIANXIN"


def test_an_organizer_sees_only_its_own_community(world: Any) -> None:
    client, graph, keys = world
    own = _get(client, keys["heping"], "A-HEPING")
    assert own.status_code == 200
    assert _get(client, keys["heping"], "A-JIANXIN").status_code == 404
    assert _get(client, keys["heping"], "A-ERQI").status_code == 404
    assert _get(client, keys["admin"], "NO-SUCH-ID").status_code == 404
    # what it sees of its own community is a part of what an admin sees, and lies in it
    everything = {n["id"] for n in _get(client, keys["admin"], "A-HEPING").json()["nodes"]}
    seen = {n["id"] for n in own.json()["nodes"]}
    assert seen <= everything and "A-HEPING" in seen
    hidden = everything - seen
    jianxin = graph.areas_under("A-JIANXIN")
    assert not any(
        graph.located_in(n, 3) & graph.areas_under("A-HEPING")
        for n in hidden
        if not graph.has(n, "Person")
    )
    assert all(n not in jianxin for n in seen)


def test_the_cap_cuts_persons_first_and_says_so(world: Any) -> None:
    client, _, keys = world
    full = _get(client, keys["admin"], "A-HEPING").json()
    size = len(full["nodes"])
    cut = _get(client, keys["admin"], "A-HEPING", max_nodes=size - 1).json()
    assert cut["truncated"] is True and len(cut["nodes"]) == size - 1
    exact = _get(client, keys["admin"], "A-HEPING", max_nodes=size).json()
    assert exact["truncated"] is False and len(exact["nodes"]) == size
    small = _get(client, keys["admin"], "A-HEPING", max_nodes=5).json()
    assert small["truncated"] is True and len(small["nodes"]) == 5
    assert all(n["label"] != "Person" for n in small["nodes"])
    kept = {n["id"] for n in small["nodes"]}
    assert all(e["source"] in kept and e["target"] in kept for e in small["edges"])
    assert _get(client, keys["admin"], "A-HEPING", max_nodes=3001).status_code == 422


def test_a_subdistrict_is_drawn_as_its_communities_summing_to_its_units(world: Any) -> None:
    client, graph, keys = world
    body = _get(client, keys["admin"], "A-ERQI").json()
    assert body["form"] == "areas"
    root, *children = body["nodes"]
    assert root["id"] == "A-ERQI"
    assert {c["id"] for c in children} == {
        a for a, t, b, _ in graph.rels if t == "PART_OF" and b == "A-ERQI"
    }
    units = {
        n
        for n in graph.nodes
        if graph.has(n, "Unit") and graph.located_in(n, 3) & graph.areas_under("A-ERQI")
    }
    assert root["units"] == len(units) > 0
    assert sum(c["units"] for c in children) + root["direct_units"] == root["units"]
    for child in children:
        under = graph.areas_under(child["id"])
        assert child["units"] == sum(1 for n in units if graph.located_in(n, 3) & under)
    assert {(e["source"], e["target"]) for e in body["edges"]} == {
        (c["id"], "A-ERQI") for c in children
    }
    # the detail of a subdistrict is there when asked for
    detail = _get(client, keys["admin"], "A-ERQI", form="detail").json()
    assert detail["form"] == "detail" and len(detail["nodes"]) > len(body["nodes"])
    assert _get(client, keys["admin"], "B-HEPING", form="areas").status_code == 404


def _gap_lists(client: TestClient, key: str, area: str, day: str) -> dict[str, list[str]]:
    """Each subject of the gap lists of ``area`` on ``day`` (every rule that is on, every
    page), with the codes of the rules it fails, in catalogue order."""
    headers = {"X-API-Key": key}
    rules = client.get("/gaps", headers=headers).json()["items"]
    subjects: dict[str, list[str]] = {}
    for rule in rules:
        skip, total = 0, 1
        while skip < total:
            page = client.get(
                f"/gaps/{rule['code']}", headers=headers,
                params={"area": area, "as_of": day, "skip": skip, "limit": 1000},
            ).json()  # fmt: skip
            total = page["total"]
            for item in page["items"]:
                codes = subjects.setdefault(item["id"], [])
                if rule["code"] not in codes:
                    codes.append(rule["code"])
            skip += 1000
    return subjects


@pytest.mark.parametrize(
    ("who", "center", "day"),
    [
        ("admin", "A-JIANXIN", AS_OF),
        ("admin", "A-HEPING", "2025-12-31"),
        ("admin", "B-HEPING", AS_OF),
        ("heping", "A-HEPING", AS_OF),
    ],
)
def test_each_node_carries_the_gaps_the_gap_lists_give_it(
    world: Any, who: str, center: str, day: str
) -> None:
    """A node's ``gaps`` are the rules whose gap lists of the network's area name it on the
    date, asked by the same account: the page rings them from this one answer."""
    client, _, keys = world
    body = _get(client, keys[who], center, as_of=day).json()
    area = body["area_id"]
    assert area is not None
    listed = _gap_lists(client, keys[who], area, day)
    drawn = {n["id"]: n["gaps"] for n in body["nodes"]}
    assert {n: codes for n, codes in drawn.items() if codes} == {
        n: codes for n, codes in listed.items() if n in drawn
    }
    assert any(drawn.values()), "the demo region has gaps among the network's nodes"


def test_the_aggregated_form_carries_no_gaps(world: Any) -> None:
    client, _, keys = world
    body = _get(client, keys["admin"], "A-ERQI").json()
    assert body["form"] == "areas" and not any(n["gaps"] for n in body["nodes"])
