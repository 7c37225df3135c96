"""The Erqi Xincun demo region holds the article's facts, checked through queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.services.demo import load_demo
from loaders.demo import DEMO_AS_OF

MEMBER_UNITS = {
    "济南市科学技术协会",
    "济南市工商行政管理局",
    "济南旧城开发投资集团有限公司",
    "济南热电有限公司南郊热电厂",
    "济南绿地泉景地产股份有限公司",
    "济南市市中区教育局",
    "济南市市中区城乡建设委员会",
    "二七新村派出所",
}


@pytest.fixture
def demo(db: Database) -> Database:
    report = load_demo(db, only_if_empty=True)
    assert report is not None and report.written
    assert load_demo(db, only_if_empty=True) is None  # not twice into a database with data
    return db


@pytest.fixture
def client(
    settings: Settings, admin_headers: dict[str, str], demo: Database
) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def query(db: Database, cypher: str) -> list[dict[str, object]]:
    return [r.data() for r in db.driver.execute_query(cypher, database_=db.database).records]


def test_the_region_chain_of_the_article(demo: Database) -> None:
    rows = query(demo, "MATCH (c:Area {name: '建新社区'})-[:PART_OF]->(s:Area)-[:PART_OF]->"
                       "(d:Area)-[:PART_OF]->(city:Area) "
                       "RETURN s.name AS s, d.name AS d, city.name AS city")  # fmt: skip
    assert rows == [{"s": "二七新村街道", "d": "市中区", "city": "济南市"}]


def test_the_eight_member_units_claimed_projects_at_the_founding(demo: Database) -> None:
    rows = query(
        demo,
        """
        MATCH (u:Unit)-[m:MEMBER_UNIT_OF]->(c:Committee {kind: 'big_working_committee'})
        MATCH (c)-[:LOCATED_IN]->(:Area {name: '二七新村街道'})
        OPTIONAL MATCH (u)-[cl:CLAIMED]->(:Project)
        RETURN u.name AS unit, u.illustrative AS illustrative, c.founded AS founded,
               collect(cl.signed) AS signed""",
    )
    assert {r["unit"] for r in rows} == MEMBER_UNITS
    assert all(r["illustrative"] is False for r in rows)
    for row in rows:
        founded = row["founded"].to_native()  # type: ignore[attr-defined]
        assert (founded.month, founded.day) == (5, 24)
        assert founded in [s.to_native() for s in row["signed"]]  # type: ignore[attr-defined]


def test_the_jianxin_comprehensive_committee_and_the_people(demo: Database) -> None:
    committee = query(
        demo,
        """
        MATCH (c:Committee {kind: 'community'})-[:LOCATED_IN]->(:Area {name: '建新社区'})
        MATCH (core:PartyOrg)-[:LEADS]->(c)
        MATCH (member:Unit)-[:MEMBER_UNIT_OF]->(c)
        RETURN c.name AS name, c.founded AS founded, collect(DISTINCT member.kind) AS kinds""",
    )
    assert committee[0]["name"] == "建新社区综合党委"
    assert committee[0]["founded"].to_native() == dt.date(2016, 5, 24)  # type: ignore[attr-defined]
    assert {"residents_committee", "owners_committee", "property_management"} <= set(
        committee[0]["kinds"]  # type: ignore[arg-type]
    )
    secretary = query(
        demo,
        """
        MATCH (p:Person {name: '贾汝兴'})-[m:MEMBER_OF]->(o:PartyOrg {kind: 'working_committee'})
        RETURN m.role AS role""",
    )
    assert secretary == [{"role": "书记"}]
    deputy = query(
        demo,
        """
        MATCH (p:Person {name: '张新建'})-[e:EMPLOYED_BY]->(u:Unit)
        RETURN e.position AS position, u.name AS unit""",
    )
    assert deputy == [{"position": "副部长", "unit": "中共济南市市中区委组织部"}]


def test_the_incubation_centre_and_the_social_organization_committee(demo: Database) -> None:
    incubated = query(
        demo,
        """
        MATCH (:Unit {name: '二七群益社会组织服务孵化中心'})-[:INCUBATES]->(u:Unit)
        RETURN collect(u.kind) AS kinds""",
    )
    kinds = incubated[0]["kinds"]
    assert kinds and set(kinds) == {"social_organization"}  # type: ignore[arg-type]
    assert query(demo, "MATCH (o:PartyOrg {kind: 'social_org_committee'}) RETURN count(o) AS n") \
        == [{"n": 1}]  # fmt: skip


def test_the_demo_answers_who_supports_jianxin(client: TestClient) -> None:
    body = client.get("/entities/A-JIANXIN/supporters",
                      params={"as_of": DEMO_AS_OF.isoformat()}).json()  # fmt: skip
    names = {s["supporter"]["name"] for s in body["supporters"]}
    assert "济南市市中区教育局" in names or names & MEMBER_UNITS
    assert {s["channel"] for s in body["supporters"]} >= {"member_unit", "claiming_unit"}
