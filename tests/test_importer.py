"""The import path against the real Neo4j: validation first, idempotent upsert, reports."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from graph_service.db.database import Database
from graph_service.services.imports import import_files
from tests.graph_snapshot import provenance_times, snapshot


def bundle(**tables: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "regional-party-network", "version": 1, "tables": tables}


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return path


BASE = bundle(
    areas=[
        {"id": "A-JN", "name": "济南市", "level": "市"},
        {"id": "A-SZ", "name": "市中区", "level": "district"},
        {"id": "A-EQ", "name": "二七新村街道", "level": "街道"},
        {"id": "A-JX", "name": "建新社区", "level": "community"},
    ],
    part_of=[
        {"from_id": "A-SZ", "to_id": "A-JN"},
        {"from_id": "A-EQ", "to_id": "A-SZ"},
        {"from_id": "A-JX", "to_id": "A-EQ"},
    ],
    units=[
        {"id": "U-1", "name": "二七新村派出所", "kind": "派出所", "formal_party_members": 12},
        {"id": "U-2", "name": "示例科技有限公司", "kind": "non_public_enterprise",
         "latitude": 36.64, "longitude": 117.0},
    ],
    buildings=[{"id": "B-1", "name": "示例大厦", "kind": "商务楼宇"}],
    located_in=[
        {"from_id": "U-1", "to_id": "A-EQ"},
        {"from_id": "U-2", "to_id": "B-1"},
        {"from_id": "B-1", "to_id": "A-JX"},
    ],
    persons=[{"id": "P-1", "name": "贾汝兴", "party_status": "正式党员"}],
    assigned_to=[{"from_id": "P-1", "to_id": "B-1", "role": "党建指导员",
                  "since": "2024-05-24", "until": "2026-12-31"}],
)  # fmt: skip


def counts(report: Any) -> dict[str, dict[str, int]]:
    return {k: dict(v.__dict__) for k, v in report.counts.items()}


def test_import_creates_then_reimport_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "region.json", BASE)
    first = import_files(db, [path])
    assert first.ok and first.written
    assert first.counts["Area"].created == 4
    assert first.counts["LOCATED_IN"].created == 3
    assert first.totals()["created"] == 4 + 3 + 2 + 1 + 3 + 1 + 1
    graph = snapshot(db)
    stamps = provenance_times(db)

    again = import_files(db, [path])
    assert again.ok
    assert again.totals()["created"] == again.totals()["updated"] == 0
    assert again.totals()["unchanged"] == first.totals()["created"]
    assert snapshot(db) == graph
    assert provenance_times(db) == stamps, "unchanged rows must not be rewritten"


def test_a_changed_row_is_updated_and_provenance_names_file_and_row(
    db: Database, tmp_path: Path
) -> None:
    import_files(db, [write_json(tmp_path / "region.json", BASE)])
    changed = json.loads(json.dumps(BASE))
    changed["tables"]["units"][1]["name"] = "示例科技股份有限公司"
    report = import_files(db, [write_json(tmp_path / "v2.json", changed)])
    assert report.counts["Unit"].updated == 1 and report.counts["Unit"].unchanged == 1
    rows = db.driver.execute_query(
        "MATCH (u:Unit {id: 'U-2'}) RETURN u.name AS name, u.src_file AS f, u.src_row AS r, "
        "u.location.latitude AS lat",
        database_=db.database,
    ).records
    assert rows[0].data() == {"name": "示例科技股份有限公司", "f": "v2.json", "r": 2, "lat": 36.64}


BAD_ROWS = [
    ("units", {"id": "U-9", "name": "坏单位", "kind": "银行"}, "kind", "is not one of"),
    ("persons", {"id": "P-9", "name": "某人", "party_status": "formal", "phone": "x" * 2001},
     "phone", "at most 2000"),
    ("assigned_to", {"from_id": "P-1", "to_id": "B-1", "role": "instructor",
                     "since": "2024-13-01"}, "since", "not a date"),
    ("assigned_to", {"from_id": "P-1", "to_id": "A-JX", "role": "liaison",
                     "since": "2025-01-01", "until": "2024-01-01"}, None, "is after until"),
    ("covers", {"from_id": "ORG-NOPE", "to_id": "B-1"}, "from_id", "unknown reference"),
    ("covers", {"from_id": "U-1", "to_id": "B-1"}, "from_id", "is a Unit"),
    ("buildings", {"id": "U-1", "name": "重复", "kind": "commercial"}, "id", "duplicate id"),
    ("units", {"id": "U-8", "name": "有未知列", "kind": "enterprise", "colour": "red"},
     "colour", "unknown column"),
    ("areas", {"id": "bad id!", "name": "坏编号", "level": "grid"}, "id", "not a valid id"),
]  # fmt: skip


ZH_DETAIL = {"is not one of": "可选：机关、企业、", "at most 2000": "最多 2000",
             "not a date": "YYYY-MM-DD"}


@pytest.mark.parametrize(("table", "row", "column", "reason"), BAD_ROWS)
def test_each_bad_row_is_reported_and_nothing_is_written(
    db: Database, tmp_path: Path, table: str, row: dict[str, Any], column: str | None,
    reason: str,
) -> None:  # fmt: skip
    import_files(db, [write_json(tmp_path / "base.json", BASE)])
    before = snapshot(db)
    data = json.loads(json.dumps(BASE))
    data["tables"].setdefault(table, []).append(row)
    data["tables"]["stations"] = [
        {"id": "S-1", "name": "新站", "latitude": 36.6, "longitude": 117.0}
    ]
    report = import_files(db, [write_json(tmp_path / "bad.json", data)])
    assert not report.written
    assert len(report.problems) == 1, [str(p) for p in report.problems]
    problem = report.problems[0]
    assert problem.file == "bad.json"
    assert problem.row == len(data["tables"][table])
    assert reason in problem.reason
    assert problem.reason_zh and problem.reason_zh != problem.reason
    # the Chinese half carries the detail too: the allowed values, the limit
    assert ZH_DETAIL.get(reason, "") in problem.reason_zh
    if column:
        assert problem.column is not None and column in problem.column
    assert snapshot(db) == before, "a rejected import must not write anything"


def test_partial_writes_the_good_rows_and_lists_the_bad(db: Database, tmp_path: Path) -> None:
    data = json.loads(json.dumps(BASE))
    data["tables"]["units"].append({"id": "U-9", "name": "坏单位", "kind": "银行"})
    data["tables"]["covers"] = [{"from_id": "U-9", "to_id": "B-1"}]
    report = import_files(db, [write_json(tmp_path / "p.json", data)], partial=True)
    assert report.written
    assert report.counts["Unit"].created == 2 and report.counts["Unit"].rejected == 1
    assert report.counts["COVERS"].rejected == 1
    assert {p.row for p in report.problems} == {3, 1}
    ids = {r["id"] for r in db.driver.execute_query(
        "MATCH (u:Unit) RETURN u.id AS id", database_=db.database).records}  # fmt: skip
    assert ids == {"U-1", "U-2"}


def test_dry_run_writes_nothing_and_counts_what_would_happen(db: Database, tmp_path: Path) -> None:
    report = import_files(db, [write_json(tmp_path / "r.json", BASE)], dry_run=True)
    assert report.ok and not report.written
    assert report.counts["Area"].created == 4
    assert snapshot(db) == (frozenset(), frozenset())


@hypothesis_settings(max_examples=12, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_a_dry_run_predicts_exactly_what_the_import_then_does(
    db: Database, tmp_path: Path, data: st.DataObject
) -> None:
    """Over a stored region, a second file keeps, changes or leaves out each row and adds
    new ones: its dry run writes nothing and counts, kind by kind, the created, updated
    and unchanged rows the real import of the same file then reports."""
    db.wipe()
    import_files(db, [write_json(tmp_path / "base.json", BASE)])
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, rows in BASE["tables"].items():
        kept = []
        for row in rows:
            what = data.draw(st.sampled_from(["keep", "change", "drop"]), label=f"{table} row")
            if what == "drop":
                continue
            if what == "change":
                field = "since" if "from_id" in row else "name"
                row = row | {field: "2025-03-01" if field == "since" else row["name"] + "（新）"}
            kept.append(row)
        tables[table] = kept
    if data.draw(st.booleans(), label="a new building and its place"):
        tables["buildings"] = [
            *tables["buildings"],
            {"id": "B-NEW", "name": "新楼", "kind": "商务楼宇"},
        ]
        tables["located_in"] = [*tables["located_in"], {"from_id": "B-NEW", "to_id": "A-JX"}]
    path = write_json(tmp_path / "second.json", bundle(**tables))
    graph = snapshot(db)
    dry = import_files(db, [path], dry_run=True)
    assert dry.ok and not dry.written
    assert snapshot(db) == graph
    real = import_files(db, [path])
    assert real.ok and real.written
    assert counts(dry) == counts(real)


#: fields a second file may give another value, kept ``since`` (a term's name) included
_CHANGES: dict[str, list[tuple[str, Any]]] = {
    "areas": [("name", "新名"), ("note", "新备注")],
    "units": [("name", "新单位名"), ("formal_party_members", 7), ("formal_party_members", None),
              ("latitude", 36.7), ("note", "新备注")],
    "buildings": [("name", "新楼名"), ("floors", 30)],
    "persons": [("name", "新人名"), ("phone", "13800000000")],
    "assigned_to": [("role", "党建联络员"), ("until", "2027-06-30"), ("until", None)],
    "located_in": [("illustrative", True), ("until", "2030-01-01")],
}  # fmt: skip


@hypothesis_settings(max_examples=10, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_a_reimport_writes_each_changed_row_and_only_those(
    db: Database, tmp_path: Path, data: st.DataObject
) -> None:
    """The lookups before the write leave out the rows already stored as given: over a
    stored region, a second file that gives some rows another value (a name, a number, a
    location, a term's role or end, a field added or emptied) updates exactly those rows,
    counts the others unchanged, and leaves the graph an import of the second file into an
    empty database makes."""
    db.wipe()
    import_files(db, [write_json(tmp_path / "base.json", BASE)])
    tables: dict[str, list[dict[str, Any]]] = {}
    changed: dict[str, int] = {}
    for table, rows in BASE["tables"].items():
        tables[table] = []
        for index, row in enumerate(rows):
            fields = _CHANGES.get(table, [])
            if fields and data.draw(st.booleans(), label=f"change {table} row {index}"):
                field, value = data.draw(st.sampled_from(fields), label=f"{table} field")
                new = {k: v for k, v in row.items() if k != field}
                if value is not None:
                    new[field] = value
                    if field == "latitude":
                        new.setdefault("longitude", 117.0)
                if new != row:
                    changed[table] = changed.get(table, 0) + 1
                row = new
            tables[table].append(row)
    path = write_json(tmp_path / "second.json", bundle(**tables))
    report = import_files(db, [path])
    assert report.ok and report.written, report.problems[:3]
    kinds = {"areas": "Area", "units": "Unit", "buildings": "Building", "persons": "Person",
             "assigned_to": "ASSIGNED_TO", "located_in": "LOCATED_IN", "part_of": "PART_OF"}
    for table, rows in tables.items():
        count = report.counts[kinds[table]]
        assert (count.created, count.updated, count.unchanged) == (
            0, changed.get(table, 0), len(rows) - changed.get(table, 0)
        ), table  # fmt: skip
    after = snapshot(db)
    db.wipe()
    import_files(db, [path])
    assert snapshot(db) == after


def test_references_to_nodes_already_stored_resolve(db: Database, tmp_path: Path) -> None:
    import_files(db, [write_json(tmp_path / "base.json", BASE)])
    extra = bundle(
        party_orgs=[{"id": "O-1", "name": "示例大厦党支部", "kind": "商务楼宇党支部"}],
        covers=[{"from_id": "O-1", "to_id": "B-1", "since": "2025-01-01"}],
    )
    report = import_files(db, [write_json(tmp_path / "more.json", extra)])
    assert report.ok, [str(p) for p in report.problems]
    assert report.counts["COVERS"].created == 1


def test_an_id_stored_as_another_kind_is_refused(db: Database, tmp_path: Path) -> None:
    import_files(db, [write_json(tmp_path / "base.json", BASE)])
    clash = bundle(parks=[{"id": "B-1", "name": "示例园区", "kind": "特色园区"}])
    report = import_files(db, [write_json(tmp_path / "clash.json", clash)])
    assert not report.written
    assert "already belongs to a Building" in report.problems[0].reason


def _write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_with_chinese_headers_imports_in_every_encoding(
    db: Database, tmp_path: Path, encoding: str
) -> None:
    folder = tmp_path / encoding
    folder.mkdir()
    _write_csv(
        folder / "区域.csv",
        ["编号", "名称", "层级"],
        [["A-1", "二七新村街道", "街道"], ["A-2", "建新社区", "社区"]],
        encoding,
    )
    _write_csv(folder / "隶属区域.csv", ["起点编号", "终点编号"], [["A-2", "A-1"]], encoding)
    report = import_files(db, [folder])
    assert report.ok, [str(p) for p in report.problems]
    names = db.driver.execute_query(
        "MATCH (c:Area)-[:PART_OF]->(s:Area) RETURN c.name AS c, s.name AS s",
        database_=db.database,
    ).records  # fmt: skip
    assert [r.data() for r in names] == [{"c": "建新社区", "s": "二七新村街道"}]


def test_xlsx_with_chinese_sheet_and_headers_imports(db: Database, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "单位"
    sheet.append(["编号", "名称", "单位类型", "正式党员数"])
    sheet.append(["U-1", "济南市科学技术协会", "机关", 5])
    path = tmp_path / "单位台账.xlsx"
    workbook.save(path)
    report = import_files(db, [path])
    assert report.ok, [str(p) for p in report.problems]
    record = db.driver.execute_query(
        "MATCH (u:Unit) RETURN u.kind AS kind, u.formal_party_members AS n",
        database_=db.database,
    ).records[0]  # fmt: skip
    assert record.data() == {"kind": "government_organ", "n": 5}


@pytest.mark.parametrize("beside", [True, False])
def test_a_large_import_checks_its_relationships_beside_and_writes_the_same(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, beside: bool
) -> None:
    """An import of RELS_BESIDE_MIN_ROWS rows or more has its relationship rows checked in a
    process of its own (rels_beside.py), first load or not: the same report, problems
    included, and the same graph as when the importer checks them itself."""
    from graph_service.services import imports, rels_beside

    started: list[bool] = []
    original = rels_beside.RelRows.__init__

    def spy(self: rels_beside.RelRows, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        started.append(self.process is not None)

    monkeypatch.setattr(rels_beside.RelRows, "__init__", spy)
    monkeypatch.setattr(imports, "RELS_BESIDE_MIN_ROWS", 1 if beside else 10**9)
    db.wipe()
    first = import_files(db, [write_json(tmp_path / "base.json", BASE)])
    bad = json.loads(json.dumps(BASE))
    bad["tables"]["assigned_to"].append({"from_id": "P-1", "to_id": "B-1", "role": "liaison",
                                          "since": "2024-13-01"})
    refused = import_files(db, [write_json(tmp_path / "bad.json", bad)])
    again = import_files(db, [write_json(tmp_path / "base.json", BASE)])
    assert started == [beside] * 3
    assert first.written and counts(first)["LOCATED_IN"] == {
        "created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert not refused.written
    assert [(p.sheet, p.row, p.column) for p in refused.problems] == [
        ("assigned_to", 2, "开始日期 since")
    ]
    assert again.totals()["unchanged"] == first.totals()["created"]
