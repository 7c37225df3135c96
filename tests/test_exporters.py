"""Exports against the real Neo4j: export → import into an empty database → export gives the
same files, in every format, for the whole graph and for one area's part of it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, TABLES, table_named
from graph_service.errors import DatabaseUnavailable, InvalidInput, NotFound
from graph_service.reports import safe_cell, table_bytes
from graph_service.services.exports import export_csv, export_graph, export_json, to_networkx
from graph_service.services.imports import import_files
from loaders import exporters
from loaders.cells import FORMULA_STARTS, neutralise, unneutralise
from tests.graph_snapshot import snapshot

# ---- a small region touching every table -----------------------------------------------------
# Inside 二七新村街道 (A-EQ): A-EQ, A-JX, A-G1 and what is located there, the organizations
# covering or established in it, and the people, projects and meetings tied to those.
# Outside: the city, the district, 七里山街道 (A-QLS) and what hangs only on them.

NODES: dict[str, list[dict[str, Any]]] = {
    "areas": [
        {"id": "A-JN", "name": "济南市", "name_en": "Jinan", "level": "市", "code": "370100"},
        {"id": "A-SZ", "name": "市中区", "name_en": "Shizhong District", "level": "district"},
        {"id": "A-EQ", "name": "二七新村街道", "level": "街道"},
        {"id": "A-JX", "name": "建新社区", "level": "community"},
        {"id": "A-G1", "name": "建新社区第一网格", "level": "网格", "illustrative": True},
        {"id": "A-QLS", "name": "七里山街道", "level": "subdistrict"},
    ],
    "units": [
        {"id": "U-POL", "name": "二七新村派出所", "kind": "派出所", "formal_party_members": 12},
        {"id": "U-TECH", "name": "示例科技有限公司", "name_en": "Example Tech Co., Ltd.",
         "kind": "non_public_enterprise", "formal_party_members": 3, "note": "=1+1",
         "latitude": 36.6512, "longitude": 116.9972, "credit_code": "91370100MA3C00000E",
         "illustrative": True},
        {"id": "U-INC", "name": "二七群益社会组织服务孵化中心", "kind": "社会组织"},
        {"id": "U-SO", "name": "示例公益社", "kind": "social_organization", "illustrative": True},
        {"id": "U-SO2", "name": "示例志愿服务社", "kind": "社会组织", "illustrative": True},
        {"id": "U-RC", "name": "建新社区居委会", "kind": "居委会"},
        {"id": "U-KX", "name": "济南市科学技术协会", "kind": "机关"},
        {"id": "U-FAR", "name": "远方示例公司", "kind": "enterprise", "illustrative": True},
    ],
    "party_orgs": [
        {"id": "O-WC", "name": "二七新村街道党工委", "kind": "街道党工委"},
        {"id": "O-BB", "name": "示例大厦商务楼宇党支部", "kind": "商务楼宇党支部",
         "note": "'=不是公式", "illustrative": True},
        {"id": "O-TECH", "name": "示例科技党支部", "kind": "branch", "founded": "2020/3/1",
         "illustrative": True},
        {"id": "O-JX", "name": "建新社区党委", "kind": "党委"},
        {"id": "O-SZ", "name": "中共济南市市中区委员会", "kind": "committee"},
        {"id": "O-FAR", "name": "远方示例党支部", "kind": "branch", "illustrative": True},
    ],
    "committees": [
        {"id": "C-BIG", "name": "二七新村街道大工委", "kind": "街道大工委",
         "founded": "2017-05-24", "note": "成立年份为示例", "illustrative": True},
        {"id": "C-JX", "name": "建新社区综合党委", "kind": "社区综合党委"},
        {"id": "C-QLS", "name": "七里山街道大工委", "kind": "big_working_committee",
         "illustrative": True},
    ],
    "buildings": [
        {"id": "B-1", "name": "示例大厦", "kind": "商务楼宇", "floors": 24,
         "address": "@示例路1号", "latitude": 36.651, "longitude": 116.997,
         "illustrative": True},
        {"id": "B-2", "name": "远方大厦", "kind": "commercial", "illustrative": True},
    ],
    "parks": [
        {"id": "K-1", "name": "二七文化创意园", "kind": "文化园区", "latitude": 36.64,
         "longitude": 116.99, "illustrative": True},
    ],
    "persons": [
        {"id": "P-JIA", "name": "贾汝兴", "party_status": "正式党员", "position": "街道党工委书记"},
        {"id": "P-ZHANG", "name": "张新建", "party_status": "formal",
         "position": "区委组织部副部长"},
        {"id": "P-KX", "name": "科协示例委员", "party_status": "formal", "illustrative": True},
        {"id": "P-LI", "name": "李示例", "party_status": "预备党员", "titles": "人大代表;党代表",
         "note": '两行备注\n第二行，含"引号"', "illustrative": True},
        {"id": "P-WANG", "name": "王示例", "phone": "+86 531 0000 0000", "illustrative": True},
        {"id": "P-FAR", "name": "远方示例人员", "illustrative": True},
    ],
    "projects": [
        {"id": "PR-1", "name": "建新社区助老项目", "description": "-为老人送餐-",
         "illustrative": True},
        {"id": "PR-FAR", "name": "远方示例项目", "illustrative": True},
    ],
    "meetings": [
        {"id": "M-1", "name": "二七新村街道大工委成立大会", "date": "2017-05-24",
         "kind": "全体会议", "illustrative": True},
        {"id": "M-FAR", "name": "七里山例会", "date": "2024-01-05", "illustrative": True},
    ],
    "service_posts": [
        {"id": "SP-1", "name": "政策宣讲岗", "description": "宣讲政策", "illustrative": True},
    ],
    "stations": [
        {"id": "S-1", "name": "建新社区党群服务中心", "address": "建新社区",
         "latitude": 36.6478, "longitude": 117.0012, "illustrative": True},
    ],
}  # fmt: skip


def _rels(*pairs: str, **props: Any) -> list[dict[str, Any]]:
    return [{"from_id": a, "to_id": b, **props} for a, b in (p.split(">") for p in pairs)]


RELATIONSHIPS: dict[str, list[dict[str, Any]]] = {
    "part_of": _rels("A-SZ>A-JN", "A-EQ>A-SZ", "A-JX>A-EQ", "A-G1>A-JX", "A-QLS>A-SZ"),
    "located_in": _rels(
        "U-POL>A-EQ", "U-TECH>B-1", "B-1>A-JX", "K-1>A-G1", "U-INC>K-1", "U-SO2>A-G1",
        "U-RC>A-JX", "U-KX>A-JN", "U-FAR>B-2", "B-2>A-QLS", "O-WC>A-EQ", "O-SZ>A-SZ",
        "O-JX>A-JX", "C-BIG>A-EQ", "C-JX>A-JX", "C-QLS>A-QLS", "SP-1>A-JX", "S-1>A-JX",
    ),
    "under": _rels("O-WC>O-SZ", "O-BB>O-WC", "O-TECH>O-BB", "O-JX>O-WC"),
    "covers": _rels("O-BB>B-1", "O-FAR>B-2", since="2023-07-01"),
    "established_in": _rels("O-TECH>U-TECH"),
    "leads": _rels("O-WC>C-BIG", "O-JX>C-JX"),
    "member_unit_of": [
        {"from_id": "U-KX", "to_id": "C-BIG", "since": "2017-05-24", "agreement": "项目认领协议书"},
        {"from_id": "U-POL", "to_id": "C-BIG", "since": "2017-05-24"},
        {"from_id": "U-RC", "to_id": "C-JX"},
    ],
    "serves_on": [
        {"from_id": "P-JIA", "to_id": "C-BIG", "role": "主任"},
        {"from_id": "P-KX", "to_id": "C-BIG", "role": "兼职委员", "for_unit": "U-KX"},
    ],
    "member_of": [
        {"from_id": "P-JIA", "to_id": "O-WC", "role": "书记"},
        {"from_id": "P-ZHANG", "to_id": "O-SZ"},
        {"from_id": "P-WANG", "to_id": "O-TECH"},
    ],
    "employed_by": [
        {"from_id": "P-WANG", "to_id": "U-TECH", "position": "-经理-"},
        {"from_id": "P-KX", "to_id": "U-KX"},
        {"from_id": "P-FAR", "to_id": "U-FAR"},
    ],
    "assigned_to": [
        {"from_id": "P-LI", "to_id": "B-1", "role": "党建指导员", "since": "2024-05-24",
         "until": "2026-12-31"},
        {"from_id": "P-WANG", "to_id": "O-BB", "role": "liaison"},
        {"from_id": "P-FAR", "to_id": "B-2", "role": "liaison", "until": "2025-06-30"},
    ],
    "paired_with": [
        {"from_id": "U-KX", "to_id": "A-JX", "scheme": "双联系双服务", "since": "2018-01-01",
         "until": "2027-12-31"},
        {"from_id": "U-POL", "to_id": "O-JX", "scheme": "共驻共建"},
    ],
    "reported_to": [{"from_id": "P-LI", "to_id": "A-JX", "date": "2024-06-01"}],
    "holds": _rels("P-LI>SP-1"),
    "volunteers_in": _rels("P-LI>A-G1", "P-FAR>A-QLS"),
    "claimed": [
        {"from_id": "U-KX", "to_id": "PR-1", "signed": "2017-05-24", "illustrative": True},
        {"from_id": "U-TECH", "to_id": "PR-1"},
        {"from_id": "U-FAR", "to_id": "PR-FAR"},
    ],
    "serves": _rels("PR-1>A-JX", "PR-FAR>A-QLS"),
    "of": _rels("M-1>C-BIG", "M-FAR>C-QLS"),
    "incubates": _rels("U-INC>U-SO", "U-INC>U-SO2"),
}  # fmt: skip

INSIDE_EQ = {
    "A-EQ", "A-JX", "A-G1", "B-1", "K-1", "U-POL", "U-TECH", "U-INC", "U-SO2", "U-RC",
    "O-WC", "O-BB", "O-TECH", "O-JX", "C-BIG", "C-JX", "P-JIA", "P-KX", "P-LI", "P-WANG",
    "PR-1", "M-1", "SP-1", "S-1",
}  # fmt: skip
INSIDE_GRID = {"A-G1", "K-1", "U-INC", "U-SO2", "P-LI"}


def test_the_dataset_touches_every_table() -> None:
    assert set(NODES) | set(RELATIONSHIPS) == {table.key for table in TABLES}
    assert all(NODES.values()) and all(RELATIONSHIPS.values())


@pytest.fixture
def region(db: Database, tmp_path: Path) -> Path:
    """The region above, imported from a JSON bundle."""
    path = tmp_path / "region.json"
    bundle = {"format": "regional-party-network", "version": 1,
              "tables": {**NODES, **RELATIONSHIPS}}  # fmt: skip
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    report = import_files(db, [path])
    assert report.ok and report.written, [str(p) for p in report.problems]
    return path


def reimport(db: Database, exported: Path) -> None:
    """Empty the database and import an export into it."""
    db.wipe()
    report = import_files(db, [exported])
    assert report.ok and report.written, [str(p) for p in report.problems]


def ids_by_table(document: dict[str, Any]) -> dict[str, set[Any]]:
    return {
        key: {row["id"] if "id" in row else (row["from_id"], row["to_id"]) for row in rows}
        for key, rows in document["tables"].items()
    }


def expected_ids(inside: set[str] | None) -> dict[str, set[Any]]:
    """Ground truth from the dataset: the nodes inside, and relationships with both ends in."""
    out: dict[str, set[Any]] = {}
    for key, rows in NODES.items():
        ids = {row["id"] for row in rows if inside is None or row["id"] in inside}
        if ids:
            out[key] = ids
    for key, rows in RELATIONSHIPS.items():
        pairs = {
            (row["from_id"], row["to_id"])
            for row in rows
            if inside is None or {row["from_id"], row["to_id"]} <= inside
        }
        if pairs:
            out[key] = pairs
    return out


# ---- CSV injection -------------------------------------------------------------------------


@given(st.text())
def test_neutralise_round_trips_and_never_starts_a_formula(text: str) -> None:
    safe = neutralise(text)
    assert unneutralise(safe) == text
    assert safe[:1] not in FORMULA_STARTS or safe == ""


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-", "'-"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("'=x", "''=x"), ("'quoted", "'quoted"), ("a=b", "a=b"), ("", "")],
)  # fmt: skip
def test_neutralise_examples(text: str, safe: str) -> None:
    assert neutralise(text) == safe
    assert unneutralise(safe) == text


@given(st.text())
def test_reports_neutralise_cells_by_the_same_rule(text: str) -> None:
    """One rule for every CSV/XLSX the service writes: a report's cell is the export's."""
    assert safe_cell(text) == neutralise(text)
    body, _ = table_bytes(["名称 name"], [[text]], "csv", "report")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert unneutralise(rows[1][0]) == text  # an apostrophe before a formula is kept, too


def test_the_format_writers_write_the_rows_they_are_given(tmp_path: Path) -> None:
    """loaders.exporters needs no database: a table without rows is left out."""
    areas, units = NODE_TABLES[NodeKind.AREA], NODE_TABLES[NodeKind.UNIT]
    row = {c.field: None for c in units.columns} | {"id": "U-1", "name": "=1+1"}

    def tables() -> exporters.Tables:
        return iter([(areas, iter([])), (units, iter([dict(row)]))])

    document = json.loads(exporters.write_json(tables(), tmp_path / "t.json").read_text())
    assert document["tables"] == {"units": [{"id": "U-1", "name": "=1+1"}]}
    folder = exporters.write_csv(tables(), tmp_path / "csv")
    assert [p.name for p in folder.iterdir()] == ["units.csv"]
    assert "'=1+1" in (folder / "units.csv").read_text(encoding="utf-8-sig")
    assert list(exporters.to_networkx(tables()).nodes) == ["U-1"]


# ---- round trips ---------------------------------------------------------------------------


def test_csv_round_trip_is_byte_identical(db: Database, region: Path, tmp_path: Path) -> None:
    first = export_graph(db, "csv", tmp_path / "first", personal=True)
    assert sorted(p.name for p in first.iterdir()) == sorted(f"{t.key}.csv" for t in TABLES)
    raw = (first / "units.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads the Chinese as UTF-8"
    with (first / "units.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [c.header for c in NODE_TABLES[NodeKind.UNIT].columns]
    assert [row[0] for row in rows[1:]] == sorted(row["id"] for row in NODES["units"])
    tech = next(row for row in rows if row[0] == "U-TECH")
    header = rows[0]
    assert tech[header.index("备注 note")] == "'=1+1"
    assert tech[header.index("纬度 latitude")] == "36.6512"
    assert tech[header.index("示例数据 illustrative")] == "true"
    assert tech[header.index("单位类型 kind")] == "非公企业", "enumerated values in Chinese"
    assert tech[header.index("英文名称 name_en")] == "Example Tech Co., Ltd."
    with (first / "assigned_to.csv").open(encoding="utf-8-sig", newline="") as handle:
        assigned = list(csv.DictReader(handle))
    li = next(row for row in assigned if row["起点编号 from_id"] == "P-LI")
    assert (li["开始日期 since"], li["结束日期 until"]) == ("2024-05-24", "2026-12-31")
    assert li["包挂角色 role"] == "党建指导员"
    assert [(r["起点编号 from_id"], r["终点编号 to_id"]) for r in assigned] == sorted(
        (r["from_id"], r["to_id"]) for r in RELATIONSHIPS["assigned_to"]
    )

    graph = snapshot(db)
    reimport(db, first)
    assert snapshot(db) == graph
    second = export_graph(db, "csv", tmp_path / "second", personal=True)
    for path in first.iterdir():
        assert (second / path.name).read_bytes() == path.read_bytes(), path.name
    assert {p.name for p in second.iterdir()} == {p.name for p in first.iterdir()}


def sheet_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


def test_xlsx_round_trip_gives_the_same_cells(db: Database, region: Path, tmp_path: Path) -> None:
    first = export_graph(db, "xlsx", tmp_path / "first.xlsx", personal=True,
                         as_of=dt.date(2026, 6, 30))  # fmt: skip
    values = sheet_values(first)
    assert list(values) == [t.zh for t in TABLES], "sheets named in Chinese"
    units = values["单位"]
    assert units[0][0] == "单位（units） · 全部区域 all areas · 导出日期 2026-06-30"
    header = list(units[1])
    assert header == [c.header for c in NODE_TABLES[NodeKind.UNIT].columns]
    tech = next(row for row in units if row[0] == "U-TECH")
    assert tech[header.index("单位类型 kind")] == "非公企业"
    assert tech[header.index("备注 note")] == "'=1+1", "neutralised: not a formula"
    assert tech[header.index("正式党员数 formal_party_members")] == 3
    assert tech[header.index("经度 longitude")] == 116.9972
    assert tech[header.index("示例数据 illustrative")] is True
    meeting = values["会议"][2]
    assert meeting[list(values["会议"][1]).index("会议日期 date")] == "2017-05-24"
    assigned = values["联系包挂"]
    assert assigned[1][:4] == ("起点编号 from_id", "起点名称 from_name", "终点编号 to_id",
                               "终点名称 to_name")  # fmt: skip
    li = next(row for row in assigned if row[0] == "P-LI")
    assert li[:4] == ("P-LI", "李示例", "B-1", "示例大厦"), "names beside the ids"
    assert li[list(assigned[1]).index("包挂角色 role")] == "党建指导员"
    workbook = openpyxl.load_workbook(first)  # not read-only: cell types are visible
    assert all(cell.data_type != "f" for ws in workbook for row in ws.iter_rows() for cell in row)
    workbook.close()

    graph = snapshot(db)
    reimport(db, first)
    assert snapshot(db) == graph
    second = export_graph(db, "xlsx", tmp_path / "second.xlsx", personal=True,
                          as_of=dt.date(2026, 6, 30))  # fmt: skip
    assert sheet_values(second) == values


def test_json_round_trip_is_byte_identical(db: Database, region: Path, tmp_path: Path) -> None:
    first = export_graph(db, "json", tmp_path / "first.json", personal=True)
    text = first.read_text(encoding="utf-8")
    document = json.loads(text)
    assert text == json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    assert document["format"] == "regional-party-network" and document["version"] == 1
    assert ids_by_table(document) == expected_ids(None)
    assert "src_" not in text, "provenance is never exported"
    tech = next(row for row in document["tables"]["units"] if row["id"] == "U-TECH")
    assert tech == {
        "id": "U-TECH", "name": "示例科技有限公司", "name_en": "Example Tech Co., Ltd.",
        "illustrative": True, "note": "=1+1", "latitude": 36.6512, "longitude": 116.9972,
        "kind": "non_public_enterprise", "formal_party_members": 3,
        "credit_code": "91370100MA3C00000E",
    }  # fmt: skip
    assert list(tech) == [c.field for c in NODE_TABLES[NodeKind.UNIT].columns if c.field in tech]
    branch = next(row for row in document["tables"]["party_orgs"] if row["id"] == "O-TECH")
    assert branch["founded"] == "2020-03-01"

    graph = snapshot(db)
    reimport(db, first)
    assert snapshot(db) == graph
    second = export_graph(db, "json", tmp_path / "second.json", personal=True)
    assert second.read_bytes() == first.read_bytes()


def test_small_pages_give_the_same_export(db: Database, region: Path, tmp_path: Path) -> None:
    whole = export_json(db, tmp_path / "whole.json")
    paged = export_json(db, tmp_path / "paged.json", page_size=1)
    assert paged.read_bytes() == whole.read_bytes()
    area = export_json(db, tmp_path / "area.json", area="A-EQ")
    area_paged = export_json(db, tmp_path / "area-paged.json", area="A-EQ", page_size=1)
    assert area_paged.read_bytes() == area.read_bytes()


def test_graphml_loads_back_in_networkx(db: Database, region: Path, tmp_path: Path) -> None:
    path = export_graph(db, "graphml", tmp_path / "region.graphml")
    graph = nx.read_graphml(path, force_multigraph=True, edge_key_type=str)
    assert graph.is_directed() and graph.is_multigraph()
    assert graph.number_of_nodes() == sum(len(rows) for rows in NODES.values())
    assert graph.number_of_edges() == sum(len(rows) for rows in RELATIONSHIPS.values())
    tech = graph.nodes["U-TECH"]
    assert tech["kind"] == "Unit" and tech["subkind"] == "non_public_enterprise"
    assert tech["id"] == "U-TECH" and tech["name"] == "示例科技有限公司"
    assert tech["name_en"] == "Example Tech Co., Ltd."
    assert tech["latitude"] == 36.6512 and tech["longitude"] == 116.9972
    assert tech["formal_party_members"] == 3 and tech["illustrative"] is True
    assert "address" not in tech, "missing values are left out"
    assert graph.nodes["M-1"]["date"] == "2017-05-24"
    edge = graph.edges["P-LI", "B-1", "ASSIGNED_TO:P-LI->B-1@2024-05-24"]  # its term's start
    assert edge == {"type": "ASSIGNED_TO", "since": "2024-05-24", "until": "2026-12-31",
                    "illustrative": False, "role": "instructor"}  # fmt: skip
    assert path.read_bytes() == export_graph(db, "graphml", tmp_path / "again.graphml").read_bytes()


# ---- an area's export ----------------------------------------------------------------------


def test_area_export_holds_exactly_the_area(db: Database, region: Path, tmp_path: Path) -> None:
    path = export_graph(db, "json", tmp_path / "eq.json", area="A-EQ")
    exported = ids_by_table(json.loads(path.read_text(encoding="utf-8")))
    assert exported == expected_ids(INSIDE_EQ)
    assert set(exported) == {table.key for table in TABLES}

    grid = json.loads(export_graph(db, "json", tmp_path / "g.json", area="A-G1").read_text())
    assert ids_by_table(grid) == expected_ids(INSIDE_GRID)

    graph = to_networkx(db, area="A-EQ")
    assert set(graph.nodes) == INSIDE_EQ
    assert graph.number_of_edges() == sum(len(v) for k, v in expected_ids(INSIDE_EQ).items()
                                          if k in {t.key for t in REL_TABLES.values()})  # fmt: skip


def test_area_export_round_trips(db: Database, region: Path, tmp_path: Path) -> None:
    first = export_graph(db, "csv", tmp_path / "first", area="A-EQ", personal=True)
    reimport(db, first)
    second = export_graph(db, "csv", tmp_path / "second", personal=True)
    assert {p.name: p.read_bytes() for p in second.iterdir()} == {
        p.name: p.read_bytes() for p in first.iterdir()
    }


def test_a_csv_export_removes_stale_files_of_empty_tables(
    db: Database, region: Path, tmp_path: Path
) -> None:
    folder = export_graph(db, "csv", tmp_path / "out")
    (folder / "README.md").write_text("kept", encoding="utf-8")
    export_graph(db, "csv", folder, area="A-G1")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["README.md"] + [f"{key}.csv" for key in expected_ids(INSIDE_GRID)]
    )


def test_an_xlsx_export_with_a_table_too_long_for_a_sheet_is_refused(
    db: Database, region: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = export_graph(db, "xlsx", tmp_path / "out.xlsx")
    before = path.read_bytes()
    tables = NODES | RELATIONSHIPS
    longest = max(len(rows) for rows in tables.values())
    # the title and the header take a row each
    monkeypatch.setattr(exporters, "XLSX_MAX_ROWS", longest + 1)
    with pytest.raises(InvalidInput) as refused:
        export_graph(db, "xlsx", path)
    named = [key for key, rows in tables.items() if f"table {key} " in str(refused.value)]
    assert len(named) == 1 and len(tables[named[0]]) == longest
    assert path.read_bytes() == before, "the earlier export is left as it was"
    monkeypatch.setattr(exporters, "XLSX_MAX_ROWS", longest + 2)
    workbook = openpyxl.load_workbook(export_graph(db, "xlsx", path), read_only=True)
    rows = sum(1 for _ in workbook[table_named(named[0]).zh].iter_rows())  # type: ignore[union-attr]
    assert rows == longest + 2, "a sheet filled to the last row is fine"


class _GoneAfter(Database):
    """The real database, which becomes unreachable after ``reads`` reads."""

    def __init__(self, db: Database, reads: int) -> None:
        super().__init__(db.driver, db.registry, db.database)
        self.left = reads

    def read(self, name: str, /, *args: Any, **params: Any) -> list[dict[str, Any]]:
        self.left -= 1
        if self.left < 0:
            raise DatabaseUnavailable("Neo4j went away (injected)")
        return super().read(name, *args, **params)


def test_a_csv_export_failing_part_way_leaves_the_folder_as_it_was(
    db: Database, region: Path, tmp_path: Path
) -> None:
    area = "A-EQ"  # (the whole graph's export is written by the same code)
    folder = export_graph(db, "csv", tmp_path / "out", area="A-G1")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    fresh = export_csv(db, tmp_path / "fresh", area=area)
    assert {p.name for p in fresh.iterdir()} != set(before), "the new export differs"
    counted = _GoneAfter(db, 10**6)
    export_csv(counted, tmp_path / "counted", area=area)
    reads = 10**6 - counted.left
    assert reads > 10
    # fail at the first read, at the last and at three points between
    for failing_at in sorted({0, reads // 4, reads // 2, 3 * reads // 4, reads - 1}):
        with pytest.raises(DatabaseUnavailable):
            export_csv(_GoneAfter(db, failing_at), folder, area=area)
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, failing_at
    export_csv(db, folder, area=area)
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert after == {p.name: p.read_bytes() for p in fresh.iterdir()}


@pytest.mark.parametrize("area", ["A-NOPE", "U-POL"])
def test_an_unknown_area_is_not_found_and_nothing_is_written(
    db: Database, region: Path, tmp_path: Path, area: str
) -> None:
    for fmt, out in [("csv", tmp_path / "out"), ("json", tmp_path / "out.json")]:
        with pytest.raises(NotFound):
            export_graph(db, fmt, out, area=area)
        assert not out.exists()


def test_an_unknown_format_is_invalid_input(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        export_graph(db, "docx", tmp_path / "out.docx")


def test_an_empty_graph_exports_empty_files(db: Database, tmp_path: Path) -> None:
    assert list(export_csv(db, tmp_path / "csv").iterdir()) == []
    document = json.loads(export_graph(db, "json", tmp_path / "e.json").read_text())
    assert document == {"format": "regional-party-network", "version": 1, "tables": {}}
    empty = sheet_values(export_graph(db, "xlsx", tmp_path / "e.xlsx"))
    assert list(empty) == ["区域"] and len(empty["区域"]) == 2
    assert empty["区域"][1] == tuple(c.header for c in TABLES[0].columns)
    graph = nx.read_graphml(export_graph(db, "graphml", tmp_path / "e.graphml"))
    assert graph.number_of_nodes() == 0


def test_personal_data_is_left_out_unless_asked_for(
    db: Database, region: Path, tmp_path: Path
) -> None:
    people = [row for row in NODES["persons"] if row.get("phone")]
    assert people, "the fixture region has a person with a phone number"
    plain = export_graph(db, "json", tmp_path / "plain.json").read_text(encoding="utf-8")
    full = export_graph(db, "json", tmp_path / "full.json", personal=True).read_text(
        encoding="utf-8"
    )
    for person in people:
        assert person["phone"] not in plain
        assert person["phone"] in full
