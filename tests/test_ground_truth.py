"""The Python evaluator of the coverage-gap rules, rule by rule, on hand-built tables."""

from __future__ import annotations

import datetime as dt
import doctest
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import loaders.ground_truth
from graph_service.domain.gaps import RULES
from loaders.ground_truth import GapEvaluator, GapSets, evaluate_gaps, is_current, typed_rows

AS_OF = dt.date(2026, 6, 30)
Rows = list[dict[str, Any]]


def gaps(as_of: dt.date = AS_OF, **tables: Rows) -> GapSets:
    return evaluate_gaps(tables, as_of)


def subjects(found: GapSets, code: str) -> set[str]:
    return {subject for subject, _ in found[code]}


def days(n: int) -> dt.date:
    return AS_OF + dt.timedelta(days=n)


def area(id: str, level: str = "community") -> dict[str, Any]:
    return {"id": id, "name": id, "level": level}


def unit(id: str, kind: str, formal: int | None = None) -> dict[str, Any]:
    return {"id": id, "name": id, "kind": kind, "formal_party_members": formal}


def org(id: str, kind: str = "branch") -> dict[str, Any]:
    return {"id": id, "name": id, "kind": kind}


def person(id: str, status: str = "formal") -> dict[str, Any]:
    return {"id": id, "name": id, "party_status": status}


def rel(from_id: str, to_id: str, **values: Any) -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, **values}


def test_doctests() -> None:
    assert doctest.testmod(loaders.ground_truth).failed == 0


def test_every_rule_is_in_the_result_even_for_an_empty_region() -> None:
    found = gaps()
    assert list(found) == [rule.code for rule in RULES]
    assert all(pairs == set() for pairs in found.values())


# ---- organization coverage -----------------------------------------------------------------


def test_commercial_and_mixed_buildings_need_a_current_cover() -> None:
    found = gaps(
        buildings=[
            {"id": "B-covered", "name": "a", "kind": "commercial"},
            {"id": "B-lapsed", "name": "b", "kind": "mixed"},
            {"id": "B-bare", "name": "c", "kind": "mixed"},
            {"id": "B-home", "name": "d", "kind": "residential"},
            {"id": "B-default", "name": "e"},  # the model's default kind is commercial
        ],
        party_orgs=[org("O1", "building_branch")],
        covers=[
            rel("O1", "B-covered", since=days(-10)),
            rel("O1", "B-lapsed", until=days(-1)),
        ],
    )
    assert found["ORG_BUILDING_UNCOVERED"] == {
        ("B-lapsed", None), ("B-bare", None), ("B-default", None),
    }  # fmt: skip


def test_every_park_needs_a_current_cover() -> None:
    found = gaps(
        parks=[{"id": "K1", "name": "a"}, {"id": "K2", "name": "b", "kind": "industrial"}],
        covers=[rel("O1", "K1"), rel("O1", "K2", since=days(1))],
    )
    assert found["ORG_PARK_UNCOVERED"] == {("K2", None)}


def test_a_unit_is_covered_by_its_own_org_a_cover_or_its_covered_place() -> None:
    found = gaps(
        units=[
            unit("U-own", "non_public_enterprise"),
            unit("U-covered", "social_organization"),
            unit("U-in-covered-building", "non_public_enterprise"),
            unit("U-in-bare-building", "non_public_enterprise"),
            unit("U-in-covered-park", "social_organization"),
            unit("U-lapsed-own", "non_public_enterprise"),
            unit("U-organ", "government_organ"),
        ],
        buildings=[{"id": "B1", "name": "a"}, {"id": "B2", "name": "b"}],
        parks=[{"id": "K1", "name": "c"}],
        established_in=[rel("O1", "U-own"), rel("O2", "U-lapsed-own", until=days(-1))],
        covers=[rel("O3", "U-covered"), rel("O4", "B1"), rel("O5", "K1")],
        located_in=[
            rel("U-in-covered-building", "B1"),
            rel("U-in-bare-building", "B2"),
            rel("U-in-covered-park", "K1"),
        ],
    )
    assert subjects(found, "ORG_UNIT_UNCOVERED") == {"U-in-bare-building", "U-lapsed-own"}


def test_located_in_counts_whatever_its_dates() -> None:
    found = gaps(
        units=[unit("U1", "non_public_enterprise")],
        buildings=[{"id": "B1", "name": "a"}],
        covers=[rel("O1", "B1")],
        located_in=[rel("U1", "B1", until=days(-400))],
    )
    assert found["ORG_UNIT_UNCOVERED"] == set()


def test_three_formal_members_need_an_own_org_counting_the_larger_figure() -> None:
    found = gaps(
        units=[
            unit("U-declared", "enterprise", formal=3),
            unit("U-employed", "public_institution", formal=1),
            unit("U-two", "enterprise", formal=2),
            unit("U-with-org", "enterprise", formal=40),
            unit("U-probationers", "enterprise"),
            unit("U-former", "enterprise"),
        ],
        persons=[
            person("P1"),
            person("P2"),
            person("P3"),
            person("Q1", "probationary"),
            person("Q2", "probationary"),
            person("Q3", "probationary"),
        ],
        employed_by=[
            rel("P1", "U-employed"),
            rel("P2", "U-employed"),
            rel("P3", "U-employed"),
            rel("P1", "U-employed", position="second row for the same person"),
            rel("Q1", "U-probationers"),
            rel("Q2", "U-probationers"),
            rel("Q3", "U-probationers"),
            rel("P1", "U-former", until=days(-1)),
            rel("P2", "U-former", until=days(-1)),
            rel("P3", "U-former", until=days(-1)),
        ],
        established_in=[rel("O1", "U-with-org")],
    )
    assert subjects(found, "ORG_UNIT_NEEDS_OWN_ORG") == {"U-declared", "U-employed"}


def test_a_person_employed_twice_by_a_unit_is_counted_once() -> None:
    found = gaps(
        units=[unit("U1", "enterprise")],
        persons=[person("P1"), person("P2")],
        employed_by=[rel("P1", "U1"), rel("P1", "U1"), rel("P2", "U1")],
    )
    assert found["ORG_UNIT_NEEDS_OWN_ORG"] == set()


# ---- leadership, team and reach --------------------------------------------------------------


def test_member_units_need_a_delegate_on_each_committee() -> None:
    found = gaps(
        member_unit_of=[
            rel("U1", "C1"),
            rel("U1", "C2"),
            rel("U2", "C1"),
            rel("U3", "C1", until=days(-1)),
        ],
        serves_on=[
            rel("P1", "C1", for_unit="U1"),
            rel("P2", "C1", for_unit="U2", until=days(-1)),
            rel("P3", "C2"),  # serving, but for no unit
        ],
    )
    assert found["LEAD_UNIT_UNREPRESENTED"] == {("U1", "C2"), ("U2", "C1")}


def test_branches_buildings_and_parks_need_a_current_officer() -> None:
    found = gaps(
        party_orgs=[
            org("O-branch"),
            org("O-joint", "joint_branch"),
            org("O-general", "general_branch"),
            org("O-committee", "committee"),
        ],
        buildings=[{"id": "B1", "name": "a"}, {"id": "B2", "name": "b", "kind": "residential"}],
        parks=[{"id": "K1", "name": "c"}, {"id": "K2", "name": "d"}],
        assigned_to=[
            rel("P1", "O-branch", role="instructor"),
            rel("P1", "O-joint", role="liaison", since=days(5)),
            rel("P1", "K1", role="liaison", until=days(0)),
        ],
    )
    assert subjects(found, "TEAM_BRANCH_NO_OFFICER") == {"O-joint", "O-general"}
    assert subjects(found, "TEAM_BUILDING_NO_OFFICER") == {"B1"}
    assert subjects(found, "TEAM_PARK_NO_OFFICER") == {"K2"}


def test_communities_need_reported_members_posts_volunteers_and_a_pairing() -> None:
    found = gaps(
        areas=[
            area("A-full"),
            area("A-empty"),
            area("A-grid", "grid"),
            area("A-sub", "subdistrict"),
        ],
        service_posts=[{"id": "SP1", "name": "a"}, {"id": "SP2", "name": "b"}],
        part_of=[rel("A-grid", "A-empty")],
        located_in=[rel("SP1", "A-full"), rel("SP2", "A-grid")],
        reported_to=[rel("P1", "A-full", date=days(-3)), rel("P2", "A-empty", since=days(3))],
        volunteers_in=[rel("P1", "A-full"), rel("P1", "A-grid")],
        paired_with=[rel("U1", "A-full"), rel("U1", "A-empty", until=days(-9))],
    )
    for code in ("TEAM_COMMUNITY_NO_REPORTED", "TEAM_COMMUNITY_NO_POSTS",
                 "TEAM_COMMUNITY_NO_VOLUNTEERS", "REACH_COMMUNITY_UNPAIRED"):  # fmt: skip
        assert found[code] == {("A-empty", None)}, code


def test_counted_kinds_need_a_current_committee_membership() -> None:
    tables: dict[str, Rows] = {
        "units": [unit("U-organ", "government_organ"), unit("U-police", "police_station"),
                  unit("U-firm", "non_public_enterprise"), unit("U-lapsed", "state_enterprise")],
        "member_unit_of": [rel("U-organ", "C1"), rel("U-lapsed", "C1", until=days(-1))],
    }  # fmt: skip
    assert subjects(evaluate_gaps(tables, AS_OF), "REACH_UNIT_UNTIED") == {"U-police", "U-lapsed"}
    narrower = evaluate_gaps(tables, AS_OF, counted_unit_kinds=("non_public_enterprise",))
    assert subjects(narrower, "REACH_UNIT_UNTIED") == {"U-firm"}


# ---- vertical reach ------------------------------------------------------------------------


def test_an_org_chain_must_reach_a_working_committee_through_current_edges() -> None:
    found = gaps(
        party_orgs=[
            org("WC", "working_committee"),
            org("C", "committee"),
            org("B1"),
            org("B2"),
            org("B3"),
            org("L1"),
            org("L2"),
            org("ORPHAN"),
        ],
        under=[
            rel("C", "WC"),
            rel("B1", "C"),
            rel("B2", "B1"),
            rel("B3", "C", until=days(-1)),  # lapsed: B3 is cut off
            rel("L1", "L2"),
            rel("L2", "L1"),  # a loop that reaches nothing
        ],
    )
    assert subjects(found, "VERT_ORG_CHAIN_BROKEN") == {"B3", "L1", "L2", "ORPHAN"}


def test_subdistricts_and_communities_need_their_committee_located_directly_in_them() -> None:
    found = gaps(
        areas=[
            area("S1", "subdistrict"),
            area("S2", "subdistrict"),
            area("A1"),
            area("A2"),
            area("A3"),
            area("D", "district"),
        ],
        committees=[
            {"id": "C-big", "name": "a", "kind": "big_working_committee"},
            {"id": "C-big-in-community", "name": "b", "kind": "big_working_committee"},
            {"id": "C-com", "name": "c", "kind": "community"},
            {"id": "C-com-in-sub", "name": "d", "kind": "community"},
        ],
        part_of=[rel("A1", "S1"), rel("A2", "S2"), rel("A3", "S2")],
        located_in=[
            rel("C-big", "S1"),
            rel("C-big-in-community", "A2"),
            rel("C-com", "A1"),
            rel("C-com-in-sub", "S2"),
        ],
    )
    assert subjects(found, "VERT_AREA_NO_COMMITTEE") == {"S2", "A2", "A3"}


def test_party_members_need_a_current_org() -> None:
    found = gaps(
        persons=[
            person("P-in"),
            person("P-out"),
            person("P-probation", "probationary"),
            person("P-none", "none"),
            {"id": "P-default", "name": "x"},
        ],
        member_of=[rel("P-in", "O1"), rel("P-out", "O1", until=days(-1))],
    )
    assert subjects(found, "VERT_MEMBER_NO_BRANCH") == {"P-out", "P-probation"}


# ---- schedules -----------------------------------------------------------------------------


def committee(id: str, kind: str, founded: dt.date | None = None) -> dict[str, Any]:
    return {"id": id, "name": id, "kind": kind, "founded": founded}


def meeting(id: str, held: dt.date) -> dict[str, Any]:
    return {"id": id, "name": id, "date": held}


def test_committees_meet_within_their_period() -> None:
    found = gaps(
        committees=[
            committee("C-on-time", "community"),
            committee("C-boundary", "community"),
            committee("C-late", "community"),
            committee("C-never", "big_working_committee", founded=days(-183)),
            committee("C-new", "big_working_committee", founded=days(-182)),
            committee("C-future-only", "big_working_committee"),
            committee("C-big-ok", "big_working_committee"),
        ],
        meetings=[
            meeting("M1", days(-92)),
            meeting("M2", days(-93)),
            meeting("M3", days(-10)),
            meeting("M4", days(-183)),
            meeting("M5", days(-400)),
        ],
        of=[
            rel("M3", "C-on-time"),
            rel("M5", "C-on-time"),
            rel("M1", "C-boundary"),
            rel("M2", "C-late"),
            rel("M3", "C-future-only", since=days(1)),
            rel("M4", "C-big-ok"),
        ],
    )
    assert subjects(found, "SCHED_MEETING_OVERDUE") == {"C-late", "C-never", "C-future-only"}


def test_a_meeting_after_as_of_does_not_count() -> None:
    found = gaps(
        committees=[committee("C1", "community")],
        meetings=[meeting("M1", days(5))],
        of=[rel("M1", "C1")],
    )
    assert subjects(found, "SCHED_MEETING_OVERDUE") == {"C1"}
    periods = evaluate_gaps(
        {"committees": [committee("C1", "community")]}, AS_OF, meeting_period_days={}
    )
    assert periods["SCHED_MEETING_OVERDUE"] == set()


def test_expired_assignments_and_pairings_name_their_target_and_source() -> None:
    found = gaps(
        assigned_to=[
            rel("P1", "O1", role="instructor", until=days(-1)),
            rel("P2", "O1", role="instructor", since=days(-1)),  # renewed: still listed
            rel("P3", "B1", role="liaison", until=days(0)),
        ],
        paired_with=[rel("U1", "A1", until=days(-30))],
        member_of=[rel("P4", "O1", until=days(-1))],  # other types never expire here
    )
    assert found["SCHED_EXPIRED"] == {("O1", "P1"), ("A1", "U1")}


def test_member_units_need_a_current_claimed_project() -> None:
    found = gaps(
        member_unit_of=[
            rel("U1", "C1"),
            rel("U2", "C1"),
            rel("U3", "C1"),
            rel("U4", "C1", until=days(-1)),
        ],
        claimed=[
            rel("U1", "PJ1", signed=days(-100)),
            rel("U2", "PJ2", until=days(-1)),
            rel("U4", "PJ3"),
        ],
    )
    assert subjects(found, "SCHED_NO_CLAIMED_PROJECT") == {"U2", "U3"}


# ---- input forms ---------------------------------------------------------------------------


def test_rows_may_carry_iso_text_dates_and_tables_chinese_names() -> None:
    found = evaluate_gaps(
        {"楼宇": [{"id": "B1", "name": "a"}], "覆盖": [{"from_id": "O1", "to_id": "B1",
         "since": "2026-06-30", "until": "2026-07-01"}]},
        AS_OF,
    )  # fmt: skip
    assert found["ORG_BUILDING_UNCOVERED"] == set()


def test_unknown_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown table"):
        evaluate_gaps({"towers": []}, AS_OF)


def test_each_table_is_read_once_so_streams_work() -> None:
    reads = []

    def stream() -> Iterator[dict[str, Any]]:
        reads.append(1)
        yield {"id": "K1", "name": "a"}

    found = evaluate_gaps({"parks": stream(), "holds": iter([rel("P1", "SP1")])}, AS_OF)
    assert reads == [1]
    assert found["ORG_PARK_UNCOVERED"] == {("K1", None)}


def test_typed_rows_validate_raw_text_through_the_models() -> None:
    raw = [{"id": "U1", "name": "二七新村派出所", "kind": "派出所", "formal_party_members": "4",
            "note": "", "illustrative": "是"}]  # fmt: skip
    (row,) = typed_rows("units", raw)
    assert row == {"id": "U1", "name": "二七新村派出所", "kind": "police_station",
                   "formal_party_members": 4, "illustrative": True}  # fmt: skip
    (edge,) = typed_rows("联系包挂", [{"from_id": "P1", "to_id": "O1", "role": "党建联络员",
                                       "since": "2026/1/5"}])  # fmt: skip
    assert edge["role"] == "liaison" and edge["since"] == dt.date(2026, 1, 5)
    assert edge["from_id"] == "P1" and edge["to_id"] == "O1"
    with pytest.raises(ValidationError):
        list(typed_rows("units", [{"id": "U1", "name": "x", "kind": "tower"}]))


def test_feeding_row_by_row_equals_evaluating_the_tables() -> None:
    tables: dict[str, Rows] = {
        "areas": [area("A1")],
        "party_orgs": [org("O1")],
        "assigned_to": [rel("P1", "O1", role="liaison", until=days(-3))],
    }
    evaluator = GapEvaluator(AS_OF)
    for key in reversed(list(tables)):  # any order
        for row in tables[key]:
            evaluator.add(key, row)
    assert evaluator.result() == evaluate_gaps(tables, AS_OF)


# ---- properties ----------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))
open_dates = st.none() | dates


@given(since=open_dates, until=open_dates, as_of=dates)
def test_a_relationship_counts_iff_since_le_as_of_le_until(
    since: dt.date | None, until: dt.date | None, as_of: dt.date
) -> None:
    current = (since is None or since <= as_of) and (until is None or as_of <= until)
    assert is_current(since, until, as_of) is current
    found = gaps(
        as_of,
        party_orgs=[org("O1")],
        assigned_to=[rel("P1", "O1", role="instructor", since=since, until=until)],
    )
    assert (found["TEAM_BRANCH_NO_OFFICER"] == set()) is current
    assert (("O1", "P1") in found["SCHED_EXPIRED"]) is (until is not None and until < as_of)


@given(
    edges=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.booleans()), max_size=14),
    roots=st.sets(st.integers(0, 6), max_size=2),
)
def test_chain_breaks_are_the_orgs_no_current_path_joins_to_a_working_committee(
    edges: list[tuple[int, int, bool]], roots: set[int]
) -> None:
    current_parents: dict[int, set[int]] = {n: set() for n in range(7)}
    for child, parent, current in edges:
        if child != parent and current:
            current_parents[child].add(parent)

    def reaches(node: int, seen: frozenset[int]) -> bool:
        if node in roots:
            return True
        return any(
            reaches(parent, seen | {node}) for parent in current_parents[node] if parent not in seen
        )

    expected = {f"O{n}" for n in range(7) if n not in roots and not reaches(n, frozenset())}
    found = gaps(
        party_orgs=[
            org(f"O{n}", "working_committee" if n in roots else "branch") for n in range(7)
        ],
        under=[
            rel(f"O{child}", f"O{parent}", until=None if current else days(-1))
            for child, parent, current in edges
            if child != parent
        ],
    )
    assert subjects(found, "VERT_ORG_CHAIN_BROKEN") == expected


@given(
    founded=open_dates,
    held=st.lists(dates, max_size=4),
    kind=st.sampled_from(["community", "big_working_committee"]),
    as_of=dates,
)
def test_overdue_means_due_and_no_meeting_within_the_period(
    founded: dt.date | None, held: list[dt.date], kind: str, as_of: dt.date
) -> None:
    period = {"community": 92, "big_working_committee": 183}[kind]
    past = [day for day in held if day <= as_of]
    due = founded is None or (as_of - founded).days >= period
    overdue = due and (not past or (as_of - max(past)).days > period)
    found = gaps(
        as_of,
        committees=[committee("C1", kind, founded)],
        meetings=[meeting(f"M{n}", day) for n, day in enumerate(held)],
        of=[rel(f"M{n}", "C1") for n in range(len(held))],
    )
    assert (found["SCHED_MEETING_OVERDUE"] == {("C1", None)}) is overdue


@given(
    declared=st.none() | st.integers(0, 6),
    statuses=st.lists(st.sampled_from(["formal", "probationary", "none"]), max_size=6),
    own_org=st.booleans(),
)
def test_needing_an_own_org_is_the_larger_count_reaching_three(
    declared: int | None, statuses: list[str], own_org: bool
) -> None:
    formal = statuses.count("formal")
    expected = max(declared or 0, formal) >= 3 and not own_org
    found = gaps(
        units=[unit("U1", "non_public_enterprise", declared)],
        persons=[person(f"P{n}", status) for n, status in enumerate(statuses)],
        employed_by=[rel(f"P{n}", "U1") for n in range(len(statuses))],
        established_in=[rel("O1", "U1")] if own_org else [],
    )
    assert (found["ORG_UNIT_NEEDS_OWN_ORG"] == {("U1", None)}) is expected
