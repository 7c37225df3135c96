"""A first load's CSV files written by the second process are the files the importer would
write itself, and a failing second process leaves the importer to write them."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.services.csv_beside import QUEUED, CsvBeside
from graph_service.services.first_load import CsvFiles, CsvGraph

AT = dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
# one type per property, as the models give: a column's type is the same in every row
VALUES = {
    "name": text, "count": st.integers(-(2**40), 2**40), "share": st.floats(allow_nan=False),
    "active": st.booleans(), "since": st.dates(), "note": text,
}  # fmt: skip


@st.composite
def node_rows(draw: st.DrawFn, kind: NodeKind, first: int) -> list[dict[str, Any]]:
    rows = []
    for number in range(first, first + draw(st.integers(1, 30))):
        keys = draw(st.sets(st.sampled_from(sorted(VALUES))))
        props: dict[str, Any] = {"id": f"{kind.value}-{number}"}
        props |= {key: draw(VALUES[key]) for key in sorted(keys)}  # no value: no key
        location = draw(st.none() | st.fixed_dictionaries({
            "latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180),
        }))  # fmt: skip
        rows.append({"props": props, "location": location, "src_file": "单位.csv",
                     "src_row": number + 2})  # fmt: skip
    return rows


@st.composite
def rel_rows(draw: st.DrawFn, ids: list[str]) -> list[dict[str, Any]]:
    end = st.sampled_from(ids)
    return [{"from_id": draw(end), "to_id": draw(end),
             "props": draw(st.just({}) | st.fixed_dictionaries({"since": st.dates()})),
             "src_file": "关系.csv", "src_row": n + 2}
            for n in range(draw(st.integers(1, 30)))]  # fmt: skip


@st.composite
def batches(draw: st.DrawFn) -> list[tuple[str, list[dict[str, Any]]]]:
    """Node batches (ids unique across them), then relationship batches between them: the
    order the importer sends them in."""
    spooled: list[tuple[str, list[dict[str, Any]]]] = []
    ids: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from([NodeKind.AREA, NodeKind.UNIT, NodeKind.PERSON]))
        rows = draw(node_rows(kind, len(ids)))
        ids += [row["props"]["id"] for row in rows]
        spooled.append((kind.value, rows))
    for _ in range(draw(st.integers(0, 2))):
        spooled.append((RelKind.LOCATED_IN.value, draw(rel_rows(ids))))
    return spooled


def written_directly(folder: Path, spooled: list[tuple[str, list[dict[str, Any]]]]) -> CsvFiles:
    graph = CsvGraph(folder, AT)
    folder.mkdir()
    for key, rows in spooled:
        if key in {kind.value for kind in NodeKind}:
            graph.add_nodes(NodeKind(key), rows)
        else:
            graph.add_relationships(RelKind(key), rows)
    graph.close()
    return graph.files()


def contents(files: CsvFiles, folder: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(name, [(str(path.relative_to(folder)), path.read_text(encoding="utf-8"))
                    for path in paths])
            for name, paths in [*files.nodes, *files.relationships]]  # fmt: skip


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spooled=batches())
def test_the_second_process_writes_the_files_the_importer_would(
    tmp_path_factory: Any, spooled: list[tuple[str, list[dict[str, Any]]]]
) -> None:
    work = tmp_path_factory.mktemp("csv")
    expected = written_directly(work / "direct", spooled)
    with CsvBeside(work / "beside", AT) as beside:
        for key, rows in spooled:
            beside.send(key, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
        answer = beside.finish()
    assert answer is not None
    files, counts = answer
    assert beside.process.poll() is not None
    assert contents(files, work / "beside") == contents(expected, work / "direct")
    assert files.multiline == expected.multiline
    totals: dict[str, int] = {}
    for key, rows in spooled:
        totals[key] = totals.get(key, 0) + len(rows)
    assert counts == totals


def test_a_failing_second_process_leaves_the_writing_to_the_importer(tmp_path: Path) -> None:
    rows = [{"props": {"id": "U1", "count": 1}, "location": None, "src_file": "a.csv",
             "src_row": 2},
            {"props": {"id": "U2", "count": "one"}, "location": None, "src_file": "a.csv",
             "src_row": 3}]  # fmt: skip
    with CsvBeside(tmp_path / "csv", AT) as beside:
        beside.send(NodeKind.UNIT.value, pickle.dumps(rows))  # a column of two types
        beside.send(NodeKind.UNIT.value, pickle.dumps(rows[:1]))  # the process may be gone
        assert beside.finish() is None
    assert beside.process.poll() is not None


def test_nodes_are_numbered_in_order_and_relationships_refer_to_the_numbers(
    tmp_path: Path,
) -> None:
    graph = CsvGraph(tmp_path / "csv", AT)
    graph.folder.mkdir()
    graph.add_nodes(NodeKind.UNIT, [
        {"props": {"id": node_id}, "location": None, "src_file": "a.csv", "src_row": row}
        for row, node_id in enumerate(["U9", "U1"], start=2)
    ])  # fmt: skip
    graph.add_relationships(RelKind.LOCATED_IN, [
        {"from_id": "U1", "to_id": "U9", "props": {}, "src_file": "b.csv", "src_row": 2},
    ])  # fmt: skip
    graph.close()
    files = graph.files()
    (_, (node_header, node_body)), = files.nodes
    (_, (rel_header, rel_body)), = files.relationships
    assert node_header.read_text().startswith(":ID,id:string,")
    assert [line.split(",")[:2] for line in node_body.read_text().splitlines()] == [
        ["0", '"U9"'], ["1", '"U1"']]
    assert rel_header.read_text().startswith(":START_ID,:END_ID,")
    assert rel_body.read_text().split(",")[:2] == ["1", "0"]


def test_a_node_given_twice_or_an_end_not_written_before_is_refused(tmp_path: Path) -> None:
    graph = CsvGraph(tmp_path / "csv", AT)
    graph.folder.mkdir()
    node = {"props": {"id": "U1"}, "location": None, "src_file": "a.csv", "src_row": 2}
    graph.add_nodes(NodeKind.UNIT, [node])
    with pytest.raises(ValueError, match="U1 is given twice"):
        graph.add_nodes(NodeKind.UNIT, [node])
    with pytest.raises(ValueError, match="U2 is not a node written before it"):
        graph.add_relationships(RelKind.LOCATED_IN, [
            {"from_id": "U1", "to_id": "U2", "props": {}, "src_file": "b.csv", "src_row": 2},
        ])  # fmt: skip
    graph.close()


def test_an_import_ending_early_stops_the_second_process(tmp_path: Path) -> None:
    with CsvBeside(tmp_path / "csv", AT) as beside:
        beside.send(NodeKind.UNIT.value, pickle.dumps([]))
        assert beside.process.poll() is None
    assert beside.process.poll() is not None
    beside.send(NodeKind.UNIT.value, pickle.dumps([]))  # after the end: ignored


def test_batches_sent_after_the_process_died_never_hold_up_the_importer(
    tmp_path: Path,
) -> None:
    bad = [{"props": {"id": f"U{n}", "count": 1 if n else "one"}, "location": None,
            "src_file": "a.csv", "src_row": n + 2} for n in range(2)]  # fmt: skip
    big = pickle.dumps([{"props": {"id": f"V{n}", "note": "x" * 200}, "location": None,
                         "src_file": "a.csv", "src_row": n} for n in range(2_000)])  # fmt: skip
    with CsvBeside(tmp_path / "csv", AT) as beside:
        beside.send(NodeKind.UNIT.value, pickle.dumps(bad))  # the process fails on this one
        for _ in range(QUEUED * 4):  # more than the queue and the pipe hold together
            beside.send(NodeKind.UNIT.value, big)
        assert beside.finish() is None
        assert beside.failed
    assert not beside.writer.is_alive()
