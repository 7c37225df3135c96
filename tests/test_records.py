"""Records turned into plain dicts (graph_service/db/records.py), against ``Record.data()``.

Values make a real round trip through Neo4j (sent as parameters, returned as columns), so the
records hold what the driver really builds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from neo4j import Record
from neo4j.spatial import CartesianPoint, WGS84Point

from graph_service.db.database import Database
from graph_service.db.records import record_dict

SCALARS = (
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.dates() | st.datetimes() | st.timedeltas(max_value=dt.timedelta(days=10**5))
    | st.builds(lambda x, y: CartesianPoint((x, y)), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
    | st.builds(lambda x, y: WGS84Point((x, y)), st.floats(-180, 180), st.floats(-90, 90))
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def _records(db: Database, query: str, **params: Any) -> list[Record]:
    return db.driver.execute_query(query, params, database_=db.database).records


def _same(left: object, right: object) -> None:
    assert left == right
    assert repr(left) == repr(right)  # the same types too (True is not 1, 1.0 is not 1)


@hypothesis_settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(values=st.lists(VALUES, min_size=1, max_size=4))
def test_plain_values_come_out_as_data_gives_them_without_calling_it(
    session_database: Database, values: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    columns = ", ".join(f"$v{i} AS c{i}" for i in range(len(values)))
    (record,) = _records(session_database, f"RETURN {columns}",
                         **{f"v{i}": v for i, v in enumerate(values)})  # fmt: skip
    expected = record.data()
    with monkeypatch.context() as patched:  # the fast way, not data() again
        patched.setattr(Record, "data", lambda *_: pytest.fail("data() was called"))
        got = record_dict(record)
    _same(got, expected)


def test_records_holding_nodes_relationships_and_paths_are_left_to_data(db: Database) -> None:
    _records(db, "CREATE (:Area {id: 'A-1', name: '二七'})-[:PART_OF {since: date('2020-01-01')}]->"
                 "(:Area {id: 'A-0', name: '市中'})")  # fmt: skip
    records = _records(db, """
        MATCH p = (a:Area {id: 'A-1'})-[r:PART_OF]->(b:Area)
        RETURN a, r, p, [a, {inner: b, n: 1}] AS nested, a.id AS id, r.since AS since
        UNION ALL
        RETURN null AS a, null AS r, null AS p, [1, 'x'] AS nested, 'A-2' AS id, null AS since
    """)  # fmt: skip
    assert len(records) == 2
    for record in records:
        _same(record_dict(record), record.data())
    assert record_dict(records[0])["a"] == {"id": "A-1", "name": "二七"}
