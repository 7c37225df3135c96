"""Read plans run together in one transaction (db/plans.py: run_together).

The scheduler alone, with queries answered by functions: whatever the plans ask for and
however their steps group, each plan gets the answer it gets when run alone, steps of the
same query that answers several requests are sent together, and a plan's own error stays
its own. (With Neo4j: tests/test_async_reads.py.)
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_service.db.plans import Plan, Record, Step, run_together, run_with, step

# a plan: the steps it asks for, one after the other, and where (if anywhere) it fails
Script = tuple[list[tuple[str, int]], int | None]
TOGETHER = {"a", "b"}  # queries that answer several requests at once


class Refused(Exception):
    """A plan's own error (as not found is for a real read)."""


def scripted(script: Script) -> Plan[list[int]]:
    steps, fails_after = script
    seen: list[int] = []
    for number, (name, value) in enumerate(steps):
        if fails_after == number:
            raise Refused(f"refused after {seen}")
        rows = yield step(name, value=value)
        seen += [row["value"] * 10 + len(row["name"]) for row in rows]
    return seen


def answer(wanted: Step) -> list[Record]:
    # a query's rows depend on its request only (none for an odd value)
    value = wanted.params["value"]
    return [] if value % 2 else [{"value": value, "name": wanted.name}]


def together(wanted: Step) -> Hashable | None:
    return wanted.name if wanted.name in TOGETHER else None


scripts = st.lists(
    st.tuples(
        st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 9)),
                 max_size=4),
        st.none() | st.integers(0, 4),
    ),
    min_size=1, max_size=8,
)  # fmt: skip


def outcome_alone(script: Script) -> tuple[Any, Exception | None]:
    try:
        return run_with(scripted(script), answer), None
    except Refused as exc:
        return None, exc


@given(scripts)
def test_each_plan_gets_its_answer_alone_and_same_queries_go_together(
    plans: list[Script],
) -> None:
    sent: list[list[Step]] = []

    def run(wanted: Step) -> list[Record]:
        sent.append([wanted])
        return answer(wanted)

    def run_many(steps: list[Step]) -> list[list[Record]]:
        sent.append(steps)
        return [answer(each) for each in steps]

    outcomes = run_together([scripted(s) for s in plans], run, together, run_many)
    alone = [outcome_alone(s) for s in plans]
    assert [value for value, _ in outcomes] == [value for value, _ in alone]
    assert [str(error) for _, error in outcomes] == [str(error) for _, error in alone]
    # several steps at once only of one query that answers several; every step sent once
    for group in sent:
        names = {each.name for each in group}
        assert len(names) == 1
        assert len(group) == 1 or names <= TOGETHER
    asked = sum(len(s[0]) if s[1] is None else min(s[1], len(s[0])) for s in plans)
    assert sum(len(group) for group in sent) == asked


def test_plans_waiting_on_the_same_query_send_it_once() -> None:
    sent: list[tuple[str, int]] = []

    def run(wanted: Step) -> list[Record]:
        sent.append((wanted.name, 1))
        return answer(wanted)

    def run_many(steps: list[Step]) -> list[list[Record]]:
        sent.append((steps[0].name, len(steps)))
        return [answer(each) for each in steps]

    plans = [scripted(([("a", n), ("c", n), ("b", n)], None)) for n in range(5)]
    plans.append(scripted(([("b", 6)], None)))
    outcomes = run_together(plans, run, together, run_many)
    assert outcomes[:5] == [outcome_alone(([("a", n), ("c", n), ("b", n)], None))
                            for n in range(5)]  # fmt: skip
    assert outcomes[5] == outcome_alone(([("b", 6)], None))
    # round by round: the five a's, the lone b; the c's (not a query of requests); the b's
    assert sent == [("a", 5), ("b", 1)] + [("c", 1)] * 5 + [("b", 5)]


def test_a_query_error_is_raised_not_kept_as_a_plans_answer() -> None:
    def run_many(steps: list[Step]) -> list[list[Record]]:
        raise RuntimeError("the server refused the query")

    plans = [scripted(([("a", 2)], None)), scripted(([("a", 4)], None))]
    with pytest.raises(RuntimeError, match="refused"):
        run_together(plans, answer, together, run_many)
