"""More hostile input (issue 30, items 5 and 9), against the real app and the real Neo4j.

- A search for nothing but white space (a space, a tab, an ideographic space …) is
  ``200 []``, as any search matching nothing: it used to reach Lucene as an empty query,
  which Lucene cannot parse (500).
- A damaged workbook, however damaged, is a 422 whose report names the file (and the sheet
  when known) and says why, in Chinese and English; ``graph-service load`` prints the
  problem, not a traceback. openpyxl raises a dozen kinds of exception on damaged files; a
  fuzzer over real workbooks holds the reader to "a problem, never an exception".
- Every input value echoed in an answer is clipped (graph_service.domain.echo.clip): a bundle
  with a 5 MB ``format`` got a 20 MB 422.
"""

from __future__ import annotations

import io
import json
import os
import random
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.domain.echo import MAX_ECHO_CHARS, clip
from graph_service.main import create_app
from graph_service.services.imports import import_files
from loaders.problems import Problem
from loaders.readers import read_tables
from loaders.rows import RawTable
from tests.access_world import write_bundle
from tests.test_readers import AREA_ROWS, write_xlsx


@pytest.fixture
def client(settings: Settings, db: Database, tmp_path: Path) -> Iterator[TestClient]:
    assert import_files(db, [write_bundle(tmp_path)]).written
    key = add_account(db, Principal.cli(), "root", Role.ADMIN)
    with TestClient(create_app(settings), headers={"X-API-Key": key}) as client:
        yield client


def _graph(db: Database) -> tuple[int, int]:
    def work(tx: Any) -> tuple[int, int]:
        nodes = tx.run("MATCH (n:Entity) RETURN count(n) AS c").single()["c"]
        rels = tx.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
        return nodes, rels

    return db.execute_read(work)


# ---- item 5: search for white space ----------------------------------------------------------

WHITE_SPACE = [" ", "\t", "\u3000", " \t\u3000\n ", "\xa0", "\u2003\u2029", "\x1c\x1f"]


def test_a_search_for_white_space_only_is_an_empty_list(client: TestClient) -> None:
    assert client.get("/search", params={"q": "科技"}).json()["items"], "there are names to find"
    for q in WHITE_SPACE:
        answer = client.get("/search", params={"q": q})
        assert (answer.status_code, answer.json()["items"]) == (200, []), repr(q)
    # white space around words is no problem either
    assert client.get("/search", params={"q": "\u3000科技\t"}).json()["items"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                 min_size=1, max_size=30))  # fmt: skip
def test_no_search_text_is_a_server_error(client: TestClient, q: str) -> None:
    answer = client.get("/search", params={"q": q})
    assert answer.status_code in (200, 422), (repr(q), answer.text[:300])
    if answer.status_code == 422:
        assert "q" in answer.json()["detail"]


# ---- item 5: damaged workbooks ---------------------------------------------------------------


def _package(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _only_parts(path: Path) -> Path:
    """What the issue uploaded: [Content_Types].xml and xl/workbook.xml, nothing else."""
    return _package(path, {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def _unsupported_compression(path: Path) -> Path:
    """A real workbook whose members claim a compression method zipfile does not know."""
    good = write_xlsx(path.with_name("good.xlsx"), {"areas": AREA_ROWS})
    data = bytearray(good.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            struct.pack_into("<H", data, start + offset, 99)
            start += 4
    path.write_bytes(bytes(data))
    return path


def _sheet_id_not_a_number(path: Path) -> Path:
    """A real workbook whose sheet's id is not a number (openpyxl: TypeError)."""
    good = write_xlsx(path.with_name("good.xlsx"), {"areas": AREA_ROWS})
    with zipfile.ZipFile(good) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    workbook = members["xl/workbook.xml"]
    members["xl/workbook.xml"] = workbook.replace(b'sheetId="1"', b'sheetId="x"')
    return _package(path, members)


def _rows_cut_off(path: Path) -> Path:
    """A real workbook whose sheet's XML ends in the middle of a row."""
    good = write_xlsx(path.with_name("good.xlsx"), {"areas": [*AREA_ROWS, ["A3", "x", "社区"]]})
    with zipfile.ZipFile(good) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet[: sheet.rfind(b"<row")]
    return _package(path, members)


DAMAGED = [_only_parts, _unsupported_compression, _sheet_id_not_a_number, _rows_cut_off]


def _problems(path: Path, name: str) -> list[Problem]:
    problems = []
    for item in read_tables(path, display_name=name):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            problems.extend(p for row in item.rows for p in row.problems)
    return problems


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl warns about odd parts
@pytest.mark.parametrize("make", DAMAGED, ids=lambda make: make.__name__)
def test_a_damaged_workbook_is_a_problem_naming_the_file(make: Any, tmp_path: Path) -> None:
    problems = _problems(make(tmp_path / "upload.xlsx"), "区域.xlsx")
    assert problems, "a damaged workbook must not pass as an empty one"
    for problem in problems:
        assert problem.file == "区域.xlsx"
        assert problem.reason_zh and problem.reason
        assert len(str(problem)) < 1_000
    assert any("damaged" in p.reason and "损坏" in p.reason_zh for p in problems) or any(
        "zip" in p.reason for p in problems
    )


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_damaged_workbooks_uploaded_answer_422_naming_the_file(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    before = _graph(db)
    for make in DAMAGED:
        path = make(tmp_path / f"{make.__name__}.xlsx")
        with path.open("rb") as handle:
            answer = client.post("/imports", files={"files": ("单位.xlsx", handle)})
        assert answer.status_code == 422, (make.__name__, answer.text[:500])
        body = answer.json()
        assert body["report"]["written"] is False
        assert "单位.xlsx" in body["detail"]
        assert all(p["file"] == "单位.xlsx" for p in body["report"]["problems"])
    assert _graph(db) == before


def _cli_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONWARNINGS": "ignore",
    }
    audit_key = getattr(settings, "audit_key", None)  # the trail's key, where there is one
    if audit_key is not None:
        env["AUDIT_KEY"] = audit_key.get_secret_value()
    return env


def test_graph_service_load_of_a_damaged_workbook_prints_the_problem_not_a_traceback(
    settings: Settings, tmp_path: Path
) -> None:
    path = _only_parts(tmp_path / "units.xlsx")
    done = subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "load", "--dry-run", str(path)],
        capture_output=True, text=True, env=_cli_env(settings, tmp_path), timeout=120,
        check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    assert "units.xlsx" in output and "damaged" in output


@st.composite
def _mutations(draw: st.DrawFn, names: list[str]) -> list[tuple[str, str, int, bytes]]:
    """A few changes to a workbook's members: (member, what, where, bytes)."""
    return draw(st.lists(st.tuples(
        st.sampled_from(names),
        st.sampled_from(["cut", "flip", "empty", "drop", "garbage", "attribute"]),
        st.integers(min_value=0, max_value=10**6),
        st.sampled_from([b"<x/>", b"not xml", b"<?xml version='1.0'?><a>", b"\xff\xfe<\x00",
                         b"-1", b"99999999", b"A0", b"1:0", b""]),
    ), min_size=1, max_size=4))  # fmt: skip


def _mutate(members: dict[str, bytes], changes: list[tuple[str, str, int, bytes]]) -> None:
    for name, what, where, data in changes:
        if name not in members:
            continue
        text = members[name]
        at = where % (len(text) or 1)
        if what == "cut":
            members[name] = text[:at]
        elif what == "flip" and text:
            members[name] = (
                text[:at] + bytes([random.Random(where).randrange(256)]) + text[at + 1 :]
            )
        elif what == "empty":
            members[name] = b""
        elif what == "drop":
            del members[name]
        elif what == "garbage":
            members[name] = data
        else:  # an attribute value replaced: a style index, a cell reference, a count …
            start = text.find(b'="', at)
            end = text.find(b'"', start + 2) if start >= 0 else -1
            if end >= 0:
                members[name] = text[: start + 2] + data + text[end:]


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_no_damage_to_a_workbook_makes_the_reader_raise(data: st.DataObject) -> None:
    """Whatever is cut, flipped, emptied, dropped or replaced in a real workbook, reading it
    yields tables and problems naming the file, never an exception."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        good = write_xlsx(Path(folder) / "good.xlsx", {
            "areas": [*AREA_ROWS, ["A3", "x", "社区"]],
            "units": [["id", "name", "kind"], ["U1", "u", "企业"]],
        })  # fmt: skip
        with zipfile.ZipFile(good) as source:
            members = {info.filename: source.read(info) for info in source.infolist()}
        _mutate(members, data.draw(_mutations(sorted(members))))
        path = _package(Path(folder) / "areas.xlsx", members)
        for item in read_tables(path, display_name="w.xlsx"):
            if isinstance(item, RawTable):
                for row in item.rows:
                    assert all(p.file == "w.xlsx" for p in row.problems)
            else:
                assert item.file == "w.xlsx" and item.reason and item.reason_zh


# ---- item 9: every echo clipped --------------------------------------------------------------

HUGE = "x" * 1_000_000


def _bundles() -> dict[str, bytes]:
    """Bundles with one huge value each: the issue's 5 MB format, and 1 MB elsewhere."""
    area = {"id": "A-9", "name": "新区", "level": "社区"}
    return {
        "format": json.dumps({"format": HUGE * 5, "version": 1, "tables": {}}).encode(),
        "version": json.dumps({"format": "regional-party-network", "version": HUGE}).encode(),
        "table name": json.dumps({"tables": {HUGE: [area]}}).encode(),
        "column": json.dumps({"tables": {"areas": [area | {HUGE: 1}]}}).encode(),
        "cell": json.dumps({"tables": {"areas": [area | {"name": HUGE}]}}).encode(),
        "number": b'{"tables": {"areas": [{"id": ' + b"9" * 5_000 + b"}]}}",
        "yaml": f"format: {HUGE}\nversion: 1\n".encode(),
    }


def test_a_5_mb_value_comes_back_clipped_not_5_mb(client: TestClient, db: Database) -> None:
    before = _graph(db)
    for what, bundle in _bundles().items():
        name = "bundle.yaml" if what == "yaml" else "bundle.json"
        answer = client.post("/imports", files={"files": (name, io.BytesIO(bundle))})
        assert answer.status_code == 422, (what, answer.text[:300])
        assert len(answer.content) < 8_000, (what, len(answer.content))
        assert "x" * (MAX_ECHO_CHARS + 1) not in answer.text
        if what != "number":
            assert f"{5 * len(HUGE) if what == 'format' else len(HUGE)} chars" in answer.text
    assert _graph(db) == before


def test_a_huge_unknown_field_in_a_json_body_is_echoed_clipped(client: TestClient) -> None:
    body = {"id": "U-NEW", "name": "新单位", "kind": "enterprise", "y" * 900_000: 1}
    answer = client.post("/units", json=body)
    assert answer.status_code == 422
    assert len(answer.content) < 4_000
    [error] = answer.json()["errors"]
    assert len(error["field"]) <= MAX_ECHO_CHARS and "900005 chars" in error["field"]


def test_clip_keeps_short_values_and_bounds_long_ones() -> None:
    assert clip("建新社区") == "建新社区"
    assert clip(12) == "12"
    clipped = clip("长" * 10_000)
    assert len(clipped) == MAX_ECHO_CHARS and clipped.startswith("长" * 100)
    assert clipped.endswith("…(10000 chars/字符)")
