"""Terms of a relationship (domain/terms.py): the same two nodes joined by one type more than
once, each time with its own dates, never overlapping — matched by imports, named by the
API, and answered as of any date like the answer key answers them."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.db.gaps import list_gaps
from graph_service.domain.terms import Period, match_rows, overlaps
from graph_service.main import create_app
from graph_service.services.imports import import_files
from loaders.ground_truth import evaluate_gaps, typed_rows

ADMIN = Principal.cli()
DAY0 = dt.date(2020, 1, 1)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


@st.composite
def disjoint_periods(draw: st.DrawFn, max_terms: int = 4) -> list[Period]:
    """Non-overlapping periods in time order: cut points on a line of days, each gap
    between two cuts a term or a pause; the first may have no start, the last no end."""
    cuts = sorted(draw(st.sets(st.integers(0, 2000), min_size=2, max_size=2 * max_terms)))
    periods: list[Period] = []
    for start, end in itertools.pairwise(cuts):
        if end - start >= 1 and draw(st.booleans()):
            periods.append((day(start), day(end - 1)))
    if periods and draw(st.booleans()):
        periods[0] = (None, periods[0][1])
    if periods and draw(st.booleans()):
        periods[-1] = (periods[-1][0], None)
    return periods


def after_import(stored: list[Period], rows: list[Period]) -> list[Period] | None:
    """The terms a pair holds after an import of ``rows`` (None: a row is refused)."""
    outcomes = match_rows(stored, rows)
    if any(o.refused for o in outcomes):
        return None
    replaced = {o.term for o in outcomes if not o.creates}
    assert len(replaced) == sum(1 for o in outcomes if not o.creates), "a term matched twice"
    return [p for p in stored if p[0] not in replaced] + list(rows)


@given(stored=disjoint_periods(), rows=disjoint_periods(), data=st.data())
def test_an_import_never_leaves_overlapping_terms(
    stored: list[Period], rows: list[Period], data: st.DataObject
) -> None:
    outcomes = match_rows(stored, rows)
    result = after_import(stored, rows)
    if result is not None:
        for a, b in itertools.combinations(result, 2):
            assert not overlaps(a, b), (stored, rows, result)
    # a row that repeats a stored term replaces that very term
    for row, outcome in zip(rows, outcomes, strict=True):
        if row in stored:
            assert not outcome.creates and outcome.term == row[0] and outcome.refused is None
    # the outcome does not depend on the rows' order in the file
    order = data.draw(st.permutations(range(len(rows))))
    shuffled = match_rows(stored, [rows[i] for i in order])
    assert [shuffled[order.index(i)] for i in range(len(rows))] == outcomes


@given(stored=disjoint_periods())
def test_reimporting_the_stored_terms_changes_nothing(stored: list[Period]) -> None:
    assert all(not o.creates and o.refused is None and o.term == p[0]
               for p, o in zip(stored, match_rows(stored, stored), strict=True))  # fmt: skip


def test_an_extended_term_updates_and_a_new_one_is_added() -> None:
    stored: list[Period] = [(day(0), None)]
    ended, again = (day(0), day(500)), (day(1500), None)
    assert after_import(stored, [ended, again]) == [ended, again]
    moved = match_rows(stored, [(day(-30), day(500))])[0]  # an earlier start: the same term
    assert not moved.creates and moved.term == day(0)
    refused = match_rows([(day(0), day(10)), (day(20), day(30))], [(day(5), day(25))])[0]
    assert refused.refused is not None and "2 个任期" in refused.refused[1]


# ---- the API ---------------------------------------------------------------------------------


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        for path, body in (
            ("/areas", {"id": "A-EQ", "name": "二七新村街道", "level": "街道"}),
            ("/buildings", {"id": "B-1", "name": "示例大厦", "kind": "商务楼宇"}),
            ("/persons", {"id": "P-1", "name": "贾汝兴", "party_status": "正式党员"}),
        ):
            assert test_client.post(path, json=body).status_code == 201
        yield test_client


def assign(client: TestClient, since: str | None, until: str | None) -> Any:
    body = {"from_id": "P-1", "to_id": "B-1", "role": "instructor", "since": since,
            "until": until}  # fmt: skip
    return client.post("/relationships/assigned_to", json=body)


def test_two_terms_are_stored_named_and_answered_as_of(client: TestClient, db: Database) -> None:
    one = "/relationships/assigned_to/P-1/B-1"
    assert assign(client, "2020-01-01", "2021-06-30").status_code == 201
    assert assign(client, "2025-01-01", None).status_code == 201
    clash = assign(client, "2021-01-01", "2021-12-31")
    assert clash.status_code == 409 and clash.json()["term_since"] == "2020-01-01"
    assert "重叠" in clash.json()["detail"]

    terms = client.get(one + "/terms").json()["items"]
    assert [(t["since"], t["until"]) for t in terms] == [("2020-01-01", "2021-06-30"),
                                                          ("2025-01-01", None)]  # fmt: skip
    assert client.get(one).json()["since"] == "2025-01-01"  # the newest
    assert client.get(one, params={"since": "2020-01-01"}).json()["until"] == "2021-06-30"
    missing = client.get(one, params={"since": "2019-01-01"})
    assert missing.status_code == 404 and "2020-01-01" in missing.json()["detail"]
    page = client.get("/relationships/assigned_to", params={"from_id": "P-1"}).json()
    assert page["total"] == 2 and [i["since"] for i in page["items"]] == ["2020-01-01",
                                                                           "2025-01-01"]

    def gaps(code: str, as_of: dt.date) -> set[str]:
        return {g.id for g in list_gaps(db, ADMIN, code, as_of=as_of).items}

    # between the terms the building has no officer, and the first term has expired; once
    # the second term begins, it has one and the expiry is history
    assert "B-1" in gaps("TEAM_BUILDING_NO_OFFICER", dt.date(2023, 6, 30))
    assert "B-1" in gaps("SCHED_EXPIRED", dt.date(2023, 6, 30))
    assert "B-1" not in gaps("TEAM_BUILDING_NO_OFFICER", dt.date(2025, 6, 30))
    assert "B-1" not in gaps("SCHED_EXPIRED", dt.date(2025, 6, 30))
    assert "B-1" not in gaps("TEAM_BUILDING_NO_OFFICER", dt.date(2020, 6, 30))

    # ending the old term later would overlap the new one; ending it earlier is fine
    stale = client.patch(one, params={"since": "2020-01-01"}, json={"until": "2025-03-01"})
    assert stale.status_code == 409
    ok = client.patch(one, params={"since": "2020-01-01"}, json={"until": "2021-03-31"})
    assert ok.status_code == 200 and ok.json()["until"] == "2021-03-31"
    assert client.delete(one, params={"since": "2020-01-01"}).status_code == 204
    assert [t["since"] for t in client.get(one + "/terms").json()["items"]] == ["2025-01-01"]
    assert client.get(one, params={"since": "not-a-date"}).status_code == 422


# ---- imports -----------------------------------------------------------------------------------


def bundle(*terms: tuple[str | None, str | None]) -> dict[str, Any]:
    return {"format": "regional-party-network", "version": 1, "tables": {
        "areas": [{"id": "A-EQ", "name": "二七新村街道", "level": "街道"}],
        "buildings": [{"id": "B-1", "name": "示例大厦", "kind": "商务楼宇"}],
        "located_in": [{"from_id": "B-1", "to_id": "A-EQ"}],
        "persons": [{"id": "P-1", "name": "贾汝兴", "party_status": "正式党员"}],
        "assigned_to": [{"from_id": "P-1", "to_id": "B-1", "role": "instructor",
                         "since": since, "until": until} for since, until in terms],
    }}  # fmt: skip


def run(db: Database, path: Path, data: dict[str, Any], **options: Any) -> Any:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return import_files(db, [path], **options)


def stored(db: Database) -> list[tuple[Any, Any]]:
    rows = db.driver.execute_query(
        "MATCH (:Person {id: 'P-1'})-[r:ASSIGNED_TO]->(:Building {id: 'B-1'}) "
        "RETURN r.since AS since, r.until AS until ORDER BY coalesce(r.since, date('0001-01-01'))",
        database_=db.database,
    ).records  # fmt: skip
    return [(r["since"] and r["since"].to_native().isoformat(),
             r["until"] and r["until"].to_native().isoformat()) for r in rows]  # fmt: skip


def test_imports_repeat_extend_and_add_terms_and_the_dry_run_says_so(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "region.json"
    first = run(db, path, bundle(("2020-01-01", None)))
    assert first.counts["ASSIGNED_TO"].created == 1
    # the open term ends, a second begins: one update, one creation, predicted exactly
    later = bundle(("2020-01-01", "2021-06-30"), ("2025-01-01", None))
    preview = run(db, path, later, dry_run=True)
    assert (preview.counts["ASSIGNED_TO"].updated, preview.counts["ASSIGNED_TO"].created) == (1, 1)
    real = run(db, path, later)
    assert real.counts["ASSIGNED_TO"].__dict__ == preview.counts["ASSIGNED_TO"].__dict__
    assert stored(db) == [("2020-01-01", "2021-06-30"), ("2025-01-01", None)]
    again = run(db, path, later, dry_run=True)
    assert again.counts["ASSIGNED_TO"].unchanged == 2
    assert run(db, path, later).counts["ASSIGNED_TO"].unchanged == 2

    # overlapping rows, in the file or with a stored term no row replaces: refused, nothing
    # written, each problem naming its row and the other term
    overlapping = run(db, path, bundle(("2020-01-01", "2021-06-30"), ("2021-01-01", None)))
    assert not overlapping.written and overlapping.problems
    assert "重叠" in overlapping.problems[0].reason_zh and overlapping.problems[0].row == 2
    # a row overlapping only the 2025 term moves its start and ends it
    moved = run(db, path, bundle(("2024-01-01", "2025-06-30")))
    assert moved.counts["ASSIGNED_TO"].updated == 1 and not moved.problems
    assert stored(db) == [("2020-01-01", "2021-06-30"), ("2024-01-01", "2025-06-30")]
    assert run(db, path, bundle(("2019-01-01", "2025-01-01"))).problems  # overlaps both
    assert stored(db) == [("2020-01-01", "2021-06-30"), ("2024-01-01", "2025-06-30")]


@hsettings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=disjoint_periods(), probes=st.lists(st.integers(-400, 2500), min_size=1,
                                                 max_size=4))  # fmt: skip
def test_as_of_answers_over_random_terms_match_the_answer_key(
    session_database: Database, tmp_path: Path, terms: list[Period], probes: list[int]
) -> None:
    """Random sequences of terms of one pair, imported; on random dates the gap lists of the
    rules that read them equal the answer key's (loaders/ground_truth.py)."""
    db = session_database
    db.wipe()
    db.ensure_schema()
    data = bundle(*[(s and s.isoformat(), u and u.isoformat()) for s, u in terms])
    report = run(db, tmp_path / "terms.json", data)
    assert report.written and not report.problems
    typed = [r | {"since": r["since"] and dt.date.fromisoformat(r["since"]),
                  "until": r["until"] and dt.date.fromisoformat(r["until"])}
             for r in data["tables"]["assigned_to"]]  # fmt: skip
    for offset in probes:
        as_of = day(offset)
        key = evaluate_gaps({"buildings": typed_rows("buildings", data["tables"]["buildings"]),
                             "assigned_to": typed}, as_of)  # fmt: skip
        for code in ("TEAM_BUILDING_NO_OFFICER", "SCHED_EXPIRED"):
            found = {(g.id, g.related_id) for g in list_gaps(db, ADMIN, code, as_of=as_of).items}
            if code == "TEAM_BUILDING_NO_OFFICER":  # the answer key names no related id here
                found = {(s, None) for s, _ in found}
            expected = {(s, r if code == "SCHED_EXPIRED" else None) for s, r in key[code]}
            assert found == expected, (code, as_of, terms)
