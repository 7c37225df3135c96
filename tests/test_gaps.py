"""The gap queries, counts and coverage summary against the real Neo4j.

Each rule gets a small bundle with gaps and near misses, imported through the importer;
the rule's query must return exactly the expected subjects. Dates are around
``AS_OF``: a relationship that ended the day before does not count, nor one that starts
the day after; one that starts or ends on the day does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.gaps import count_gaps, coverage_summary, list_gaps
from graph_service.domain.gaps import RULES
from graph_service.domain.kinds import OrgKind
from graph_service.domain.paging import MAX_PAGE
from graph_service.errors import InvalidInput, NotFound
from graph_service.services.imports import import_files
from loaders.generator import generate

ADMIN = Principal.cli()

AS_OF = dt.date(2024, 6, 1)
ENDED = {"until": "2024-05-31"}  # ended the day before AS_OF
FUTURE = {"since": "2024-06-02"}  # starts the day after
ENDS_TODAY = {"until": "2024-06-01"}
STARTS_TODAY = {"since": "2024-06-01"}


class Bundle:
    """A JSON bundle built row by row, on top of a small geography::

    C 济南市 (city) ← D 市中区 (district) ← S1 二七新村街道, S2 七里山街道 (subdistricts)
    S1 ← K1 建新社区, K2 英雄山社区; S2 ← K3 七里山社区 (communities)
    """

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for area_id, name, level, parent in (
            ("C", "济南市", "city", None), ("D", "市中区", "district", "C"),
            ("S1", "二七新村街道", "subdistrict", "D"), ("S2", "七里山街道", "subdistrict", "D"),
            ("K1", "建新社区", "community", "S1"), ("K2", "英雄山社区", "community", "S1"),
            ("K3", "七里山社区", "community", "S2"),
        ):  # fmt: skip
            self.node("areas", area_id, level=level)
            self.tables["areas"][-1]["name"] = name
            if parent:
                self.rel("part_of", area_id, parent)

    def node(self, table: str, node_id: str, **props: Any) -> Bundle:
        self.tables[table].append({"id": node_id, "name": f"示例{node_id}", **props})
        return self

    def rel(self, table: str, from_id: str, to_id: str, **props: Any) -> Bundle:
        self.tables[table].append({"from_id": from_id, "to_id": to_id, **props})
        return self

    def load(self, db: Database, folder: Path) -> None:
        path = folder / "bundle.json"
        document = {"format": "regional-party-network", "version": 1, "tables": self.tables}
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        report = import_files(db, [path])
        assert report.ok and report.written, [p.as_dict() for p in report.problems]


def gap_ids(db: Database, code: str, **options: Any) -> set[str]:
    page = list_gaps(db, ADMIN, code, as_of=AS_OF, limit=1000, **options)
    assert page.total == len(page.items)
    return {item.id for item in page.items}


def gap_pairs(db: Database, code: str, **options: Any) -> set[tuple[str, str | None]]:
    page = list_gaps(db, ADMIN, code, as_of=AS_OF, limit=1000, **options)
    assert page.total == len(page.items)
    return {(item.id, item.related_id) for item in page.items}


def assert_counts_match_lists(
    db: Database, *codes: str, area: str | None = None, as_of: dt.date = AS_OF
) -> None:
    """The count queries agree with the list queries (of the given rules, or all)."""
    counts = count_gaps(db, ADMIN, as_of=as_of, area=area)
    assert list(counts) == [rule.code for rule in RULES]
    for code in codes or [rule.code for rule in RULES]:
        page = list_gaps(db, ADMIN, code, as_of=as_of, area=area, limit=1000)
        assert counts[code] == page.total == len(page.items), code


# ---- organization -----------------------------------------------------------------------------


def test_org_building_uncovered(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("party_orgs", "O", kind="building_branch")
    for building_id, kind, cover in (
        ("B-NONE", "commercial", None), ("B-MIXED", "mixed", None),
        ("B-RES", "residential", None), ("B-CUR", "commercial", {}),
        ("B-ENDED", "commercial", ENDED), ("B-FUTURE", "commercial", FUTURE),
        ("B-ENDS-TODAY", "commercial", ENDS_TODAY), ("B-STARTS-TODAY", "mixed", STARTS_TODAY),
    ):  # fmt: skip
        b.node("buildings", building_id, kind=kind).rel("located_in", building_id, "K1")
        if cover is not None:
            b.rel("covers", "O", building_id, **cover)
    b.load(db, tmp_path)
    assert gap_ids(db, "ORG_BUILDING_UNCOVERED") == {"B-NONE", "B-MIXED", "B-ENDED", "B-FUTURE"}
    assert gap_ids(db, "ORG_BUILDING_UNCOVERED", kinds=["住宅楼"]) == {"B-RES"}
    # the day before the cover ended, it still counted; the day after B-FUTURE's began, too
    page = list_gaps(db, ADMIN, "ORG_BUILDING_UNCOVERED", as_of=dt.date(2024, 6, 2))
    assert {i.id for i in page.items} == {"B-NONE", "B-MIXED", "B-ENDED", "B-ENDS-TODAY"}
    assert_counts_match_lists(db, "ORG_BUILDING_UNCOVERED")


def test_org_park_uncovered(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("party_orgs", "O", kind="park_branch")
    for park_id, cover in (("P-NONE", None), ("P-CUR", {}), ("P-ENDED", ENDED),
                           ("P-FUTURE", FUTURE)):  # fmt: skip
        b.node("parks", park_id).rel("located_in", park_id, "K3")
        if cover is not None:
            b.rel("covers", "O", park_id, **cover)
    b.load(db, tmp_path)
    assert gap_ids(db, "ORG_PARK_UNCOVERED") == {"P-NONE", "P-ENDED", "P-FUTURE"}
    assert_counts_match_lists(db, "ORG_PARK_UNCOVERED")


def test_org_unit_uncovered(db: Database, tmp_path: Path) -> None:
    b = Bundle()
    b.node("party_orgs", "O-OWN", kind="branch").node("party_orgs", "O-JOINT", kind="joint_branch")
    b.node("buildings", "B-COV").node("buildings", "B-OLD").node("parks", "P-COV")
    b.rel("covers", "O-JOINT", "B-COV").rel("covers", "O-JOINT", "P-COV")
    b.rel("covers", "O-JOINT", "B-OLD", **ENDED)
    npe, so = "non_public_enterprise", "social_organization"
    for unit_id, kind in (("U-NONE", npe), ("U-OWN", so), ("U-OWN-ENDED", npe),
                          ("U-COVERED", npe), ("U-IN-BUILDING", so), ("U-IN-PARK", npe),
                          ("U-IN-OLD", npe), ("U-ENTERPRISE", "enterprise"),
                          ("U-COVER-FUTURE", so)):  # fmt: skip
        b.node("units", unit_id, kind=kind)
    b.rel("established_in", "O-OWN", "U-OWN")
    b.rel("established_in", "O-OWN", "U-OWN-ENDED", **ENDED)
    b.rel("covers", "O-JOINT", "U-COVERED")
    b.rel("covers", "O-JOINT", "U-COVER-FUTURE", **FUTURE)
    b.rel("located_in", "U-IN-BUILDING", "B-COV").rel("located_in", "U-IN-PARK", "P-COV")
    b.rel("located_in", "U-IN-OLD", "B-OLD")
    b.load(db, tmp_path)
    assert gap_ids(db, "ORG_UNIT_UNCOVERED") == {
        "U-NONE", "U-OWN-ENDED", "U-IN-OLD", "U-COVER-FUTURE"
    }  # fmt: skip
    assert gap_ids(db, "ORG_UNIT_UNCOVERED", kinds=["企业"]) == {"U-ENTERPRISE"}
    assert_counts_match_lists(db, "ORG_UNIT_UNCOVERED")


def test_org_unit_needs_own_org(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("party_orgs", "O", kind="branch")
    for unit_id, declared in (("N-DECLARED", 3), ("N-HAS-ORG", 5), ("N-EMPLOYED", None),
                              ("N-TWO", 1), ("N-ONE-LEFT", None), ("N-MORE-EMPLOYED", 2),
                              ("N-ORG-ENDED", 3), ("N-ORG-FUTURE", 3)):  # fmt: skip
        props = {} if declared is None else {"formal_party_members": declared}
        b.node("units", unit_id, kind="enterprise", **props)
    b.rel("established_in", "O", "N-HAS-ORG").rel("established_in", "O", "N-ORG-ENDED", **ENDED)
    b.rel("established_in", "O", "N-ORG-FUTURE", **FUTURE)

    def employ(unit_id: str, statuses: list[str], **dates: str) -> None:
        for i, status in enumerate(statuses):
            person = f"{unit_id}-P{i}"
            b.node("persons", person, party_status=status).rel(
                "employed_by", person, unit_id, **(dates if i == 0 else {})
            )

    employ("N-EMPLOYED", ["formal", "formal", "formal"])
    employ("N-TWO", ["formal", "formal", "probationary", "none"])
    employ("N-ONE-LEFT", ["formal", "formal", "formal"], **ENDED)
    employ("N-MORE-EMPLOYED", ["formal"] * 4)
    b.load(db, tmp_path)
    page = list_gaps(db, ADMIN, "ORG_UNIT_NEEDS_OWN_ORG", as_of=AS_OF)
    assert [(i.id, i.impact) for i in page.items] == [
        ("N-MORE-EMPLOYED", 4), ("N-DECLARED", 3), ("N-EMPLOYED", 3), ("N-ORG-ENDED", 3),
        ("N-ORG-FUTURE", 3),
    ]  # fmt: skip
    assert page.items[0].detail == {"declared_formal_members": 2, "employed_formal_members": 4}
    assert_counts_match_lists(db, "ORG_UNIT_NEEDS_OWN_ORG")


# ---- leadership -------------------------------------------------------------------------------


def test_lead_unit_unrepresented(db: Database, tmp_path: Path) -> None:
    b = Bundle()
    b.node("committees", "BIG", kind="big_working_committee").rel("located_in", "BIG", "S1")
    b.node("committees", "COM", kind="community").rel("located_in", "COM", "K1")
    for unit_id in ("L-OK", "L-NONE", "L-ONE-OF-TWO", "L-ENDED", "L-OTHER-COMMITTEE",
                    "L-SEAT-ENDED", "L-FUTURE", "L-WRONG-UNIT"):  # fmt: skip
        b.node("units", unit_id, kind="government_organ")
        b.rel(
            "member_unit_of",
            unit_id,
            "BIG",
            **(ENDED if unit_id == "L-ENDED" else FUTURE if unit_id == "L-FUTURE" else {}),
        )
    b.rel("member_unit_of", "L-ONE-OF-TWO", "COM")
    for person, committee, unit_id, dates in (
        ("P1", "BIG", "L-OK", {}), ("P2", "BIG", "L-ONE-OF-TWO", {}),
        ("P3", "COM", "L-OTHER-COMMITTEE", {}), ("P4", "BIG", "L-SEAT-ENDED", ENDED),
        ("P5", "BIG", "L-OK", {}),
    ):  # fmt: skip
        b.node("persons", person).rel("serves_on", person, committee, for_unit=unit_id, **dates)
    b.node("persons", "P6").rel("serves_on", "P6", "BIG")  # for no unit
    b.load(db, tmp_path)
    assert gap_pairs(db, "LEAD_UNIT_UNREPRESENTED") == {
        ("L-NONE", "BIG"), ("L-ONE-OF-TWO", "COM"), ("L-OTHER-COMMITTEE", "BIG"),
        ("L-SEAT-ENDED", "BIG"), ("L-WRONG-UNIT", "BIG"),
    }  # fmt: skip
    page = list_gaps(db, ADMIN, "LEAD_UNIT_UNREPRESENTED", as_of=AS_OF)
    assert page.items[0].related_name == "示例BIG"
    assert page.items[0].detail == {"committee_kind": "big_working_committee"}
    assert_counts_match_lists(db, "LEAD_UNIT_UNREPRESENTED")


# ---- team -------------------------------------------------------------------------------------


def test_team_branch_no_officer(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("persons", "P")
    for org_id, kind, assignment in (
        ("O-OK", "branch", {}), ("O-NONE", "branch", None), ("O-ENDED", "joint_branch", ENDED),
        ("O-COMMITTEE", "committee", None), ("O-FUTURE", "park_branch", FUTURE),
        ("O-GENERAL", "general_branch", {}), ("O-BUILDING", "building_branch", None),
    ):  # fmt: skip
        b.node("party_orgs", org_id, kind=kind).rel("located_in", org_id, "K2")
        if assignment is not None:
            b.rel("assigned_to", "P", org_id, role="liaison", **assignment)
    b.load(db, tmp_path)
    assert gap_ids(db, "TEAM_BRANCH_NO_OFFICER") == {"O-NONE", "O-ENDED", "O-FUTURE", "O-BUILDING"}
    assert gap_ids(db, "TEAM_BRANCH_NO_OFFICER", kinds=["committee"]) == {"O-COMMITTEE"}
    assert_counts_match_lists(db, "TEAM_BRANCH_NO_OFFICER")


def test_team_building_and_park_no_officer(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("persons", "P")
    for node_id, table, kind, assignment in (
        ("B-OK", "buildings", "commercial", {}), ("B-NONE", "buildings", "mixed", None),
        ("B-RES", "buildings", "residential", None), ("B-ENDED", "buildings", "commercial", ENDED),
        ("P-OK", "parks", "featured", STARTS_TODAY), ("P-NONE", "parks", "industrial", None),
        ("P-FUTURE", "parks", "cultural", FUTURE),
    ):  # fmt: skip
        b.node(table, node_id, kind=kind)
        if assignment is not None:
            b.rel("assigned_to", "P", node_id, role="instructor", **assignment)
    b.load(db, tmp_path)
    assert gap_ids(db, "TEAM_BUILDING_NO_OFFICER") == {"B-NONE", "B-ENDED"}
    assert gap_ids(db, "TEAM_PARK_NO_OFFICER") == {"P-NONE", "P-FUTURE"}
    assert_counts_match_lists(db, "TEAM_BUILDING_NO_OFFICER", "TEAM_PARK_NO_OFFICER")


def test_team_community_rules(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("persons", "P")
    # K1 has everything; K2 nothing; K3 only relationships that are not current
    b.rel("reported_to", "P", "K1", date="2024-01-05").rel("reported_to", "P", "K3", **ENDED)
    b.rel("volunteers_in", "P", "K1").rel("volunteers_in", "P", "K3", **FUTURE)
    b.node("service_posts", "SP1").rel("located_in", "SP1", "K1")
    b.node("service_posts", "SP2").rel("located_in", "SP2", "S2")  # a subdistrict's post
    b.load(db, tmp_path)
    assert gap_ids(db, "TEAM_COMMUNITY_NO_REPORTED") == {"K2", "K3"}
    assert gap_ids(db, "TEAM_COMMUNITY_NO_POSTS") == {"K2", "K3"}
    assert gap_ids(db, "TEAM_COMMUNITY_NO_VOLUNTEERS") == {"K2", "K3"}
    item = list_gaps(db, ADMIN, "TEAM_COMMUNITY_NO_POSTS", as_of=AS_OF, area="S2").items[0]
    assert (item.kind, item.subkind) == ("Area", "community")
    assert [step.id for step in item.area_path] == ["C", "D", "S2", "K3"]
    assert_counts_match_lists(
        db, "TEAM_COMMUNITY_NO_REPORTED", "TEAM_COMMUNITY_NO_POSTS", "TEAM_COMMUNITY_NO_VOLUNTEERS"
    )


# ---- horizontal -------------------------------------------------------------------------------


def test_reach_unit_untied(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("committees", "BIG", kind="big_working_committee")
    for unit_id, kind, membership in (
        ("R-MEMBER", "government_organ", {}), ("R-NONE", "state_enterprise", None),
        ("R-ENDED", "police_station", ENDED), ("R-NPE", "non_public_enterprise", None),
        ("R-FUTURE", "enterprise", FUTURE), ("R-INSTITUTION", "public_institution", ENDS_TODAY),
    ):  # fmt: skip
        b.node("units", unit_id, kind=kind)
        if membership is not None:
            b.rel("member_unit_of", unit_id, "BIG", **membership)
    b.load(db, tmp_path)
    assert gap_ids(db, "REACH_UNIT_UNTIED") == {"R-NONE", "R-ENDED", "R-FUTURE"}
    assert gap_ids(db, "REACH_UNIT_UNTIED", kinds=["非公企业", "派出所"]) == {"R-NPE", "R-ENDED"}
    with pytest.raises(InvalidInput):
        list_gaps(db, ADMIN, "REACH_UNIT_UNTIED", as_of=AS_OF, kinds=["bakery"])
    assert_counts_match_lists(db, "REACH_UNIT_UNTIED")


def test_reach_community_unpaired(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("units", "ORGAN", kind="government_organ")
    b.node("party_orgs", "K2-ORG", kind="committee")
    b.rel("paired_with", "ORGAN", "K1", scheme="双联系双服务")
    b.rel("paired_with", "ORGAN", "K2-ORG")  # pairs with the party org, not the community
    b.rel("paired_with", "ORGAN", "K3", **ENDED)
    b.load(db, tmp_path)
    assert gap_ids(db, "REACH_COMMUNITY_UNPAIRED") == {"K2", "K3"}
    assert_counts_match_lists(db, "REACH_COMMUNITY_UNPAIRED")


# ---- vertical ---------------------------------------------------------------------------------


def test_vert_org_chain_broken(db: Database, tmp_path: Path) -> None:
    b = Bundle()
    for org_id, kind in (("W", "working_committee"), ("W2", "working_committee"),
                         ("A", "committee"), ("A1", "branch"), ("X", "branch"), ("Y", "branch"),
                         ("Z", "general_branch"), ("Z1", "branch"), ("Q", "branch"),
                         ("CY1", "branch"), ("CY2", "branch")):  # fmt: skip
        b.node("party_orgs", org_id, kind=kind)
    b.rel("under", "A", "W").rel("under", "A1", "A").rel("under", "Y", "X")
    b.rel("under", "Z", "W", **ENDED).rel("under", "Z1", "Z").rel("under", "Q", "W", **FUTURE)
    b.rel("under", "CY1", "CY2").rel("under", "CY2", "CY1")
    b.load(db, tmp_path)
    assert gap_ids(db, "VERT_ORG_CHAIN_BROKEN") == {"X", "Y", "Z", "Z1", "Q", "CY1", "CY2"}
    details = {
        i.id: i.detail for i in list_gaps(db, ADMIN, "VERT_ORG_CHAIN_BROKEN", as_of=AS_OF).items
    }
    assert details["Y"]["break_at_id"] == "X"
    assert details["Z1"]["break_at_id"] == "Z"
    assert details["CY1"]["break_at_id"] is None
    # the day after, Q's parent edge has begun
    later = list_gaps(db, ADMIN, "VERT_ORG_CHAIN_BROKEN", as_of=dt.date(2024, 6, 2)).items
    assert {i.id for i in later} == {"X", "Y", "Z", "Z1", "CY1", "CY2"}
    assert_counts_match_lists(db, "VERT_ORG_CHAIN_BROKEN")


def test_vert_area_no_committee(db: Database, tmp_path: Path) -> None:
    b = Bundle()
    for committee_id, kind, area in (("BIG1", "big_working_committee", "S1"),
                                     ("COM-S2", "community", "S2"),
                                     ("COM1", "community", "K1"),
                                     ("BIG-K3", "big_working_committee", "K3")):  # fmt: skip
        b.node("committees", committee_id, kind=kind).rel("located_in", committee_id, area)
    b.load(db, tmp_path)
    assert gap_ids(db, "VERT_AREA_NO_COMMITTEE") == {"S2", "K2", "K3"}
    details = {
        i.id: i.detail for i in list_gaps(db, ADMIN, "VERT_AREA_NO_COMMITTEE", as_of=AS_OF).items
    }
    assert details["S2"] == {"expected_committee_kind": "big_working_committee"}
    assert details["K3"] == {"expected_committee_kind": "community"}
    assert_counts_match_lists(db, "VERT_AREA_NO_COMMITTEE")


def test_vert_member_no_branch(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("party_orgs", "O", kind="branch")
    b.node("units", "U-K1", kind="enterprise").rel("located_in", "U-K1", "K1")
    for person, status, membership in (
        ("M-OK", "formal", {}), ("M-NONE", "formal", None), ("M-PROB", "probationary", None),
        ("M-NOT-MEMBER", "none", None), ("M-ENDED", "formal", ENDED),
        ("M-FUTURE", "formal", FUTURE), ("M-TODAY", "probationary", ENDS_TODAY),
    ):  # fmt: skip
        b.node("persons", person, party_status=status)
        if membership is not None:
            b.rel("member_of", person, "O", **membership)
    b.rel("employed_by", "M-NONE", "U-K1").rel("reported_to", "M-NONE", "K3")
    b.rel("reported_to", "M-PROB", "K2")
    b.rel("employed_by", "M-ENDED", "U-K1", **ENDED).rel("reported_to", "M-ENDED", "K3")
    b.load(db, tmp_path)
    assert gap_ids(db, "VERT_MEMBER_NO_BRANCH") == {"M-NONE", "M-PROB", "M-ENDED", "M-FUTURE"}
    # a person's area: the employer's, else where they registered
    assert gap_ids(db, "VERT_MEMBER_NO_BRANCH", area="K1") == {"M-NONE"}
    assert gap_ids(db, "VERT_MEMBER_NO_BRANCH", area="S1") == {"M-NONE", "M-PROB"}
    assert gap_ids(db, "VERT_MEMBER_NO_BRANCH", area="K3") == {"M-ENDED"}
    paths = {i.id: [a.id for a in i.area_path]
             for i in list_gaps(db, ADMIN, "VERT_MEMBER_NO_BRANCH", as_of=AS_OF).items}  # fmt: skip
    assert paths == {"M-NONE": ["C", "D", "S1", "K1"], "M-PROB": ["C", "D", "S1", "K2"],
                     "M-ENDED": ["C", "D", "S2", "K3"], "M-FUTURE": []}  # fmt: skip
    for area in (None, "S1", "K3"):
        assert_counts_match_lists(db, "VERT_MEMBER_NO_BRANCH", area=area)


# ---- schedule ---------------------------------------------------------------------------------


def test_sched_meeting_overdue(db: Database, tmp_path: Path) -> None:
    # AS_OF 2024-06-01: a big committee is due a meeting after 2023-12-01 (183 days),
    # a community committee after 2024-03-01 (92 days)
    b = Bundle()
    big, com = "big_working_committee", "community"
    for committee_id, kind, founded, meetings in (
        ("BC-RECENT", big, None, ["2024-01-10"]), ("BC-OLD", big, None, ["2023-11-30"]),
        ("BC-EDGE", big, None, ["2023-12-01"]), ("BC-NEVER", big, None, []),
        ("BC-NEW", big, "2024-01-01", []), ("BC-LATER-ONLY", big, "2020-01-01", ["2024-07-01"]),
        ("CC-OLD", com, None, ["2023-06-01", "2024-02-29"]), ("CC-EDGE", com, None, ["2024-03-01"]),
        ("CC-FOUNDED-EDGE", com, "2024-03-01", []),
    ):  # fmt: skip
        props = {"founded": founded} if founded else {}
        b.node("committees", committee_id, kind=kind, **props)
        for i, date in enumerate(meetings):
            b.node("meetings", f"{committee_id}-M{i}", date=date)
            b.rel("of", f"{committee_id}-M{i}", committee_id)
    b.node("units", "U", kind="government_organ").rel("member_unit_of", "U", "BC-OLD")
    b.load(db, tmp_path)
    expected = {"BC-OLD", "BC-NEVER", "BC-LATER-ONLY", "CC-OLD", "CC-FOUNDED-EDGE"}
    assert gap_ids(db, "SCHED_MEETING_OVERDUE") == expected
    page = list_gaps(db, ADMIN, "SCHED_MEETING_OVERDUE", as_of=AS_OF)
    first = page.items[0]
    assert (first.id, first.impact) == ("BC-OLD", 1)
    assert first.detail == {"period_days": 183, "last_meeting": dt.date(2023, 11, 30)}
    # a shorter period for community committees; big committees keep theirs
    shorter = gap_ids(db, "SCHED_MEETING_OVERDUE", periods={"社区综合党委": 30})
    assert shorter == expected | {"CC-EDGE"}
    assert_counts_match_lists(db, "SCHED_MEETING_OVERDUE")


def test_sched_expired(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("persons", "P1").node("persons", "P2").node("units", "ORGAN", kind="机关")
    b.node("party_orgs", "O", kind="branch").node("buildings", "B").rel("located_in", "B", "K1")
    b.rel("assigned_to", "P1", "O", role="instructor", since="2023-01-01", until="2024-05-31")
    b.rel("assigned_to", "P2", "O", role="liaison", **ENDS_TODAY)
    b.rel("assigned_to", "P1", "B", role="liaison", until="2020-12-31")
    b.rel("assigned_to", "P2", "B", role="liaison", **FUTURE)
    b.rel("paired_with", "ORGAN", "K2", scheme="双联系双服务", **ENDED)
    b.rel("paired_with", "ORGAN", "K1")
    b.load(db, tmp_path)
    assert gap_pairs(db, "SCHED_EXPIRED") == {("O", "P1"), ("B", "P1"), ("K2", "ORGAN")}
    assert gap_pairs(db, "SCHED_EXPIRED", area="K1") == {("B", "P1")}
    items = {i.id: i for i in list_gaps(db, ADMIN, "SCHED_EXPIRED", as_of=AS_OF).items}
    assert items["O"].detail == {
        "relationship": "ASSIGNED_TO", "role": "instructor", "scheme": None,
        "since": dt.date(2023, 1, 1), "until": dt.date(2024, 5, 31),
    }  # fmt: skip
    assert (items["K2"].kind, items["K2"].related_name) == ("Area", "示例ORGAN")
    assert items["B"].kind == "Building"
    for area in (None, "K1", "S1"):
        assert_counts_match_lists(db, "SCHED_EXPIRED", area=area)


def test_sched_no_claimed_project(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("committees", "BIG", kind="big_working_committee")
    b.node("projects", "PR").rel("serves", "PR", "K1")
    for unit_id, membership, claim in (
        ("S-CLAIMED", {}, {}), ("S-NONE", {}, None), ("S-CLAIM-ENDED", {}, ENDED),
        ("S-NOT-MEMBER", None, None), ("S-MEMBER-ENDED", ENDED, None),
        ("S-CLAIM-FUTURE", STARTS_TODAY, FUTURE),
    ):  # fmt: skip
        b.node("units", unit_id, kind="state_enterprise")
        if membership is not None:
            b.rel("member_unit_of", unit_id, "BIG", **membership)
        if claim is not None:
            b.rel("claimed", unit_id, "PR", signed="2024-05-24", **claim)
    b.load(db, tmp_path)
    assert gap_ids(db, "SCHED_NO_CLAIMED_PROJECT") == {"S-NONE", "S-CLAIM-ENDED", "S-CLAIM-FUTURE"}
    assert_counts_match_lists(db, "SCHED_NO_CLAIMED_PROJECT")


# ---- areas, paging, errors ------------------------------------------------------------------


def places_bundle() -> Bundle:
    """Uncovered commercial buildings spread over the areas, with different impacts."""
    b = Bundle().node("parks", "PK").rel("located_in", "PK", "K2")
    for building_id, place, units in (
        ("B1", "K1", 3), ("B2", "K1", 0), ("B3", "K2", 1), ("B4", "K3", 2), ("B5", "S2", 2),
        ("B6", "PK", 5), ("B7", "D", 0),
    ):  # fmt: skip
        b.node("buildings", building_id).rel("located_in", building_id, place)
        for i in range(units):
            b.node("units", f"{building_id}-U{i}", kind="enterprise")
            b.rel("located_in", f"{building_id}-U{i}", building_id)
    b.node("buildings", "B-NOWHERE")
    return b


def test_area_filter_follows_the_area_tree(db: Database, tmp_path: Path) -> None:
    places_bundle().load(db, tmp_path)
    code = "ORG_BUILDING_UNCOVERED"
    everything = {"B1", "B2", "B3", "B4", "B5", "B6", "B7", "B-NOWHERE"}
    assert gap_ids(db, code) == everything
    assert gap_ids(db, code, area="C") == everything - {"B-NOWHERE"}
    assert gap_ids(db, code, area="S1") == {"B1", "B2", "B3", "B6"}  # B6 is in a park in K2
    assert gap_ids(db, code, area="K1") == {"B1", "B2"}
    assert gap_ids(db, code, area="S2") == {"B4", "B5"}
    paths = {
        i.id: [a.id for a in i.area_path] for i in list_gaps(db, ADMIN, code, as_of=AS_OF).items
    }
    assert paths["B6"] == ["C", "D", "S1", "K2"]
    assert paths["B7"] == ["C", "D"]
    assert paths["B-NOWHERE"] == []
    first = list_gaps(db, ADMIN, code, as_of=AS_OF).items[0]
    assert first.area_path[0].model_dump() == {"id": "C", "name": "济南市", "level": "city"}
    with pytest.raises(NotFound):
        list_gaps(db, ADMIN, code, as_of=AS_OF, area="NO-SUCH-AREA")
    with pytest.raises(NotFound):
        count_gaps(db, ADMIN, as_of=AS_OF, area="NO-SUCH-AREA")
    for area in (None, "C", "S1", "K2"):
        assert_counts_match_lists(db, "ORG_BUILDING_UNCOVERED", area=area)


def test_party_organizations_and_persons_are_placed_through_what_they_are_tied_to(
    db: Database, tmp_path: Path
) -> None:
    b = Bundle()
    b.node("units", "RC-K1", kind="residents_committee").rel("located_in", "RC-K1", "K1")
    b.node("buildings", "B-K2").rel("located_in", "B-K2", "K2")
    b.node("committees", "BIG", kind="big_working_committee").rel("located_in", "BIG", "S2")
    for org_id, kind in (("LOCATED", "branch"), ("OWN", "committee"), ("CHILD", "branch"),
                         ("GRANDCHILD", "branch"), ("COVERING", "building_branch"),
                         ("LEADING", "working_committee"), ("NOWHERE", "branch")):  # fmt: skip
        b.node("party_orgs", org_id, kind=kind)
    b.rel("located_in", "LOCATED", "K3").rel("established_in", "OWN", "RC-K1")
    b.rel("under", "CHILD", "OWN", **ENDED).rel("under", "GRANDCHILD", "CHILD")
    b.rel("covers", "COVERING", "B-K2").rel("leads", "LEADING", "BIG")
    # persons: a former member of CHILD, a volunteer, a post holder, and one tied to nothing
    b.node("persons", "FORMER", party_status="formal").rel("member_of", "FORMER", "CHILD", **ENDED)
    b.node("persons", "VOLUNTEER", party_status="formal").rel("volunteers_in", "VOLUNTEER", "K3")
    b.node("service_posts", "SP").rel("located_in", "SP", "K2")
    b.node("persons", "HOLDER", party_status="probationary").rel("holds", "HOLDER", "SP")
    b.node("persons", "LONER", party_status="formal")
    b.load(db, tmp_path)
    branches = list_gaps(
        db, ADMIN, "TEAM_BRANCH_NO_OFFICER", as_of=AS_OF, kinds=[k.value for k in OrgKind]
    )
    places = {i.id: i.area_path[-1].id if i.area_path else None for i in branches.items}
    assert places == {"LOCATED": "K3", "OWN": "K1", "CHILD": "K1", "GRANDCHILD": "K1",
                      "COVERING": "K2", "LEADING": "S2", "NOWHERE": None}  # fmt: skip
    members = list_gaps(db, ADMIN, "VERT_MEMBER_NO_BRANCH", as_of=AS_OF)
    places = {i.id: i.area_path[-1].id if i.area_path else None for i in members.items}
    assert places == {"FORMER": "K1", "VOLUNTEER": "K3", "HOLDER": "K2", "LONER": None}
    assert gap_ids(db, "VERT_MEMBER_NO_BRANCH", area="S1") == {"FORMER", "HOLDER"}
    assert gap_ids(db, "TEAM_BRANCH_NO_OFFICER", area="S1", kinds=["branch"]) == {
        "CHILD", "GRANDCHILD"
    }  # fmt: skip
    assert gap_ids(db, "VERT_ORG_CHAIN_BROKEN", area="K1") == {"OWN", "CHILD", "GRANDCHILD"}
    for area in (None, "S1", "K2"):
        assert_counts_match_lists(
            db, "TEAM_BRANCH_NO_OFFICER", "VERT_ORG_CHAIN_BROKEN", "VERT_MEMBER_NO_BRANCH",
            area=area,
        )  # fmt: skip


def test_paging_is_stable_and_sorted_by_impact_then_id(db: Database, tmp_path: Path) -> None:
    places_bundle().load(db, tmp_path)
    code = "ORG_BUILDING_UNCOVERED"
    full = list_gaps(db, ADMIN, code, as_of=AS_OF, limit=100)
    order = [(i.id, i.impact) for i in full.items]
    assert order == [("B6", 5), ("B1", 3), ("B4", 2), ("B5", 2), ("B3", 1), ("B-NOWHERE", 0),
                     ("B2", 0), ("B7", 0)]  # fmt: skip
    for limit in (1, 3, 5):
        pages = []
        for skip in range(0, 10, limit):
            page = list_gaps(db, ADMIN, code, as_of=AS_OF, skip=skip, limit=limit)
            assert (page.total, page.skip, page.limit) == (8, skip, limit)
            pages += [i.id for i in page.items]
        assert pages == [i for i, _ in order]
    past_the_end = list_gaps(db, ADMIN, code, as_of=AS_OF, skip=20, limit=5)
    assert (past_the_end.total, past_the_end.items) == (8, [])
    item = full.items[0]
    assert (item.code, item.kind, item.subkind) == (code, "Building", "commercial")
    assert (item.zh, item.fix_zh) == (
        "商务楼宇未被任何党组织覆盖",
        "组建商务楼宇党支部或联合党支部覆盖该楼宇",
    )
    assert full.rule.code == code


def test_bad_arguments(db: Database) -> None:
    with pytest.raises(NotFound):
        list_gaps(db, ADMIN, "NO_SUCH_RULE", as_of=AS_OF)
    with pytest.raises(InvalidInput):
        list_gaps(db, ADMIN, "ORG_PARK_UNCOVERED", as_of=AS_OF, kinds=["featured"])
    with pytest.raises(InvalidInput):
        list_gaps(db, ADMIN, "ORG_PARK_UNCOVERED", as_of=AS_OF, limit=0)
    with pytest.raises(InvalidInput):
        list_gaps(db, ADMIN, "ORG_PARK_UNCOVERED", as_of=AS_OF, skip=-1)
    with pytest.raises(InvalidInput):
        list_gaps(db, ADMIN, "SCHED_MEETING_OVERDUE", as_of=AS_OF, periods={"community": 0})
    assert list_gaps(db, ADMIN, "org_park_uncovered", as_of=AS_OF).total == 0
    assert set(count_gaps(db, ADMIN, as_of=AS_OF).values()) == {0}


# ---- the coverage summary ---------------------------------------------------------------------


def test_coverage_summary(db: Database, tmp_path: Path) -> None:
    b = Bundle().node("persons", "P")
    b.node("party_orgs", "W", kind="working_committee").rel("located_in", "W", "S1")
    # organization: in K1 2 commercial buildings (1 covered), 1 park (covered),
    # 2 counted units (1 covered through its building); in K2 1 building, uncovered;
    # a residential building and an enterprise are not counted
    for building_id, kind, place in (
        ("B1", "commercial", "K1"),
        ("B2", "mixed", "K1"),
        ("B3", "commercial", "K2"),
        ("B-RES", "residential", "K1"),
    ):
        b.node("buildings", building_id, kind=kind).rel("located_in", building_id, place)
    b.node("parks", "PK").rel("located_in", "PK", "K1")
    b.node("party_orgs", "BB", kind="building_branch").rel("located_in", "BB", "K1")
    b.rel("covers", "BB", "B1").rel("covers", "BB", "PK").rel("covers", "BB", "B3", **ENDED)
    for unit_id, kind, place in (("U1", "non_public_enterprise", "B1"),
                                 ("U2", "social_organization", "K1"),
                                 ("U3", "enterprise", "K1")):  # fmt: skip
        b.node("units", unit_id, kind=kind).rel("located_in", unit_id, place)
    # leadership: U1 and U3 are member units of BIG, U3 also of COM; only U3 on BIG has a seat
    b.node("committees", "BIG", kind="big_working_committee").rel("located_in", "BIG", "S1")
    b.node("committees", "COM", kind="community").rel("located_in", "COM", "K1")
    b.rel("member_unit_of", "U1", "BIG").rel("member_unit_of", "U3", "BIG")
    b.rel("member_unit_of", "U3", "COM")
    b.rel("serves_on", "P", "BIG", for_unit="U3")
    # team: branches BB (officer) and BR (none, in K2); B1 and PK have officers
    b.node("party_orgs", "BR", kind="branch").rel("located_in", "BR", "K2")
    b.rel("assigned_to", "P", "BB", role="instructor").rel("assigned_to", "P", "B1", role="liaison")
    b.rel("assigned_to", "P", "PK", role="liaison")
    b.load(db, tmp_path)

    summary = coverage_summary(db, ADMIN, "S1", as_of=AS_OF)
    s1, (k1, k2) = summary.area, summary.children
    assert (s1.area.id, k1.area.id, k2.area.id) == ("S1", "K1", "K2")
    # organization: S1 = (1 + 1 + 1) / (3 + 1 + 2); K1 = (1 + 1 + 1) / (2 + 1 + 2); K2 = 0 / 1
    assert (s1.organization.covered, s1.organization.total) == (3, 6)
    assert s1.organization.rate == pytest.approx(0.5)
    assert (k1.organization.covered, k1.organization.total) == (3, 5)
    assert k2.organization.rate == 0.0
    assert s1.organization_parts["units"].model_dump() == {"covered": 1, "total": 2, "rate": 0.5}
    # leadership: memberships (U1, BIG), (U3, BIG), (U3, COM); one represented
    assert (s1.leadership.covered, s1.leadership.total) == (1, 3)
    assert k2.leadership.model_dump() == {"covered": 0, "total": 0, "rate": None}
    # team: S1 = BB + B1 + PK covered of BB, BR, B1, B2, B3, PK
    assert (s1.team.covered, s1.team.total) == (3, 6)
    assert (k1.team.covered, k1.team.total) == (3, 4)
    assert (k2.team.covered, k2.team.total) == (0, 2)
    assert s1.gaps["ORG_BUILDING_UNCOVERED"] == 2
    assert k2.gaps["TEAM_BRANCH_NO_OFFICER"] == 1
    assert s1.gaps == count_gaps(db, ADMIN, as_of=AS_OF, area="S1")
    assert k1.gaps == count_gaps(db, ADMIN, as_of=AS_OF, area="K1")
    assert [r.code for r in summary.rules] == [r.code for r in RULES]
    leaf = coverage_summary(db, ADMIN, "K2", as_of=AS_OF)
    assert leaf.children == [] and leaf.area.organization.total == 1
    with pytest.raises(NotFound):
        coverage_summary(db, ADMIN, "NO-SUCH-AREA", as_of=AS_OF)


# ---- against the generator's answer key -------------------------------------------------------


def all_gaps(db: Database, code: str, as_of: dt.date) -> tuple[set[tuple[str, str | None]], int]:
    """Every gap of a rule, page by page; and the total the pages report."""
    found: set[tuple[str, str | None]] = set()
    skip, total = 0, 0
    while True:
        page = list_gaps(db, ADMIN, code, as_of=as_of, skip=skip, limit=MAX_PAGE)
        total = page.total
        found |= {(item.id, item.related_id) for item in page.items}
        skip += MAX_PAGE
        if skip >= page.total:
            return found, total


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "scale"), [(1, "community"), (2, "community"), (1, "subdistrict"), (2, "subdistrict")]
)
def test_gap_queries_return_exactly_the_generated_answer_key(
    db: Database, tmp_path: Path, seed: int, scale: str
) -> None:
    folder = tmp_path / "region"
    generate(seed, scale, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    report = import_files(db, [folder])  # the whole folder, as an organizer would
    assert report.ok, [p.as_dict() for p in report.problems[:10]]
    as_of = dt.date.fromisoformat(manifest["as_of"])
    counts = count_gaps(db, ADMIN, as_of=as_of)
    wrong = {}
    for rule in RULES:
        expected = {(subject, related) for subject, related in manifest["gaps"][rule.code]}
        found, total = all_gaps(db, rule.code, as_of)
        if found != expected or total != len(expected) or counts[rule.code] != len(expected):
            wrong[rule.code] = {
                "missing": sorted(expected - found, key=str)[:10],
                "extra": sorted(found - expected, key=str)[:10],
                "total": total, "count": counts[rule.code], "expected": len(expected),
            }  # fmt: skip
    assert wrong == {}


@pytest.mark.slow
def test_counts_and_summary_agree_with_the_lists_area_by_area(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "region"
    generate(1, "subdistrict", folder)
    as_of = dt.date.fromisoformat(
        json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["as_of"]
    )
    report = import_files(db, [folder])
    assert report.ok
    subdistrict = db.driver.execute_query(
        "MATCH (a:Area {level: 'subdistrict'}) RETURN a.id AS id", database_=db.database
    ).records[0]["id"]
    summary = coverage_summary(db, ADMIN, subdistrict, as_of=as_of)
    assert len(summary.children) >= 2
    everywhere = count_gaps(db, ADMIN, as_of=as_of)
    for row in [summary.area, *summary.children]:
        for rule in RULES:
            page = list_gaps(db, ADMIN, rule.code, as_of=as_of, area=row.area.id, limit=MAX_PAGE)
            assert row.gaps[rule.code] == page.total == len(page.items), (row.area.id, rule.code)
            # every gap listed in the area lies under it
            assert all(row.area.id in [a.id for a in item.area_path] for item in page.items)
    for rule in RULES:  # gaps that lie nowhere are counted only everywhere
        assert (
            sum(child.gaps[rule.code] for child in summary.children)
            <= summary.area.gaps[rule.code]
            <= everywhere[rule.code]
        )
    assert summary.area.organization.total > 0
    assert summary.area.organization.covered == summary.area.organization.total - sum(
        summary.area.gaps[code]
        for code in ("ORG_BUILDING_UNCOVERED", "ORG_PARK_UNCOVERED", "ORG_UNIT_UNCOVERED")
    )
