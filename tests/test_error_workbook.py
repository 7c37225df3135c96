"""The error workbook (issue 28, item 5): ``graph-service load … --error-report`` and
``POST /imports?error_report=xlsx``, against the real Neo4j, read back with openpyxl.

Every input is written with bad cells planted at known places; the workbook must show
every row of each bad table in its order with its number, the report's reasons in
错误原因, exactly the planted cells marked, and no cell a spreadsheet would run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.domain.tables import table_named
from graph_service.main import create_app
from graph_service.services.imports import import_files
from loaders.cells import FORMULA_STARTS
from tests.test_readers import write_csv, write_ods, write_xls, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_FILL = "00FFC7CE"
FORMULA = '=HYPERLINK("http://example.invalid","点我")'  # valid text as data, never a formula


@dataclass
class Planted:
    """One input table as the test wrote it: its rows in order, each with its number as the
    report gives it, its values by field, and the fields planted bad."""

    table: str  # the table's key
    rows: list[tuple[int, dict[str, Any], set[str]]] = field(default_factory=list)

    def add(self, number: int, values: dict[str, Any], *bad: str) -> None:
        kept = {name: value for name, value in values.items() if value not in ("", None)}
        self.rows.append((number, kept, set(bad)))


# ---- the inputs --------------------------------------------------------------------------------


def areas_csv(folder: Path) -> tuple[Path, Planted]:
    """A GB18030 CSV as Chinese Excel saves it: a bad level, a missing name, formula-like
    text in a good row."""
    planted = Planted("areas")
    rows: list[list[object]] = [["编号", "名称", "层级"]]
    for values, bad in (
        ({"id": "A-1", "name": "二七新村街道", "level": "街道"}, ()),
        ({"id": "A-2", "name": "建新社区", "level": "镇"}, ("level",)),
        ({"id": "A-3", "name": FORMULA, "level": "社区"}, ()),
        ({"id": "A-4", "name": "", "level": "社区"}, ("name",)),
        ({"id": "A-5", "name": "-和平社区", "level": "社区"}, ()),
    ):
        rows.append([values["id"], values["name"], values["level"]])
        planted.add(len(rows), values, *bad)
    return write_csv(folder / "区域.csv", rows, encoding="gb18030"), planted


def region_xlsx(folder: Path) -> tuple[Path, list[Planted]]:
    """A workbook: units with a formula cell, a bad kind, a blank row; a relationship to
    an area nobody has."""
    units = Planted("units")
    sheet: list[list[object]] = [["编号 id", "名称 name", "单位类型 kind", "正式党员数"]]
    for values, bad in (
        ({"id": "U-1", "name": "济南热电有限公司南郊热电厂", "kind": "国企", "members": 40}, ()),
        ({"id": "U-2", "name": '=A2&"派出所"', "kind": "派出所", "members": None}, ("name",)),
        ({"id": "U-3", "name": "和顺商贸", "kind": "公司", "members": 3}, ("kind",)),
        (None, ()),  # a blank row: not a data row, its number skipped
        ({"id": "U-4", "name": "二七群益", "kind": "社会组织", "members": 1}, ()),
    ):
        if values is None:
            sheet.append([None, None, None, None])
            continue
        sheet.append([values["id"], values["name"], values["kind"], values["members"]])
        shown = {"id": values["id"], "name": values["name"], "kind": values["kind"],
                 "formal_party_members": values["members"]}  # fmt: skip
        units.add(len(sheet), {k: v for k, v in shown.items() if v is not None}, *bad)
    located = Planted("located_in")
    links = [["起点编号", "终点编号"], ["U-1", "A-1"], ["U-4", "A-404"]]
    located.add(2, {"from_id": "U-1", "to_id": "A-1"})
    located.add(3, {"from_id": "U-4", "to_id": "A-404"}, "to_id")
    path = write_xlsx(folder / "region.xlsx", {"单位": sheet, "located_in": links})
    return path, [units, located]


def buildings_yaml(folder: Path) -> tuple[Path, Planted]:
    planted = Planted("buildings")
    path = folder / "bundle.yaml"
    path.write_text(
        "format: regional-party-network\nversion: 1\ntables:\n  buildings:\n"
        "    - {id: B-1, name: 和平国际大厦, floors: 20}\n"
        "    - {id: B-2, floors: 12}\n"
        "    - just text\n"
        "    - {id: B-3, name: '@SUM(1)', floors: many}\n",
        encoding="utf-8",
    )
    planted.add(1, {"id": "B-1", "name": "和平国际大厦", "floors": "20"})
    planted.add(2, {"id": "B-2", "floors": "12"}, "name")
    planted.add(3, {}, "id", "name")  # not an object: nor has it an id or a name
    planted.add(4, {"id": "B-3", "name": "@SUM(1)", "floors": "many"}, "floors")
    return path, planted


# ---- reading the workbook back -------------------------------------------------------------------


def reason_of(problem: dict[str, Any]) -> str:
    both = f"{problem['reason_zh']} / {problem['reason']}"
    return f"{problem['column']}：{both}" if problem["column"] else both


def check_workbook(
    workbook_bytes: bytes, problems: list[dict[str, Any]], planted: dict[tuple[str, str], Planted]
) -> None:
    """``planted`` by (file, sheet) as the report names them: each bad table's sheet."""
    book = load_workbook(BytesIO(workbook_bytes))
    summary = book["错误汇总"]
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref.startswith("A1:")
    listed = [[c.value for c in row] for row in summary.iter_rows(min_row=2)]
    assert [row[:6] for row in listed] == [
        [p["file"], p["sheet"], p["row"], p["column"], _neutral(p["value"]),
         f"{p['reason_zh']} / {p['reason']}"]
        for p in problems
    ]  # fmt: skip
    sheet_of = {(p["file"], p["sheet"]): row[6] for p, row in zip(problems, listed, strict=True)
                if p["row"] is not None}  # fmt: skip
    assert set(sheet_of) == set(planted), "a sheet for each table with a bad row, no other"
    # the tables' sheets in the order of the inputs (``planted`` is), not of the problems
    assert book.sheetnames == ["错误汇总", *(sheet_of[key] for key in planted)]

    by_row: dict[tuple[str, str | None], dict[int, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for problem in problems:
        by_row[(problem["file"], problem["sheet"])][problem["row"]].append(problem)
    for key, table in planted.items():
        sheet = book[sheet_of[key]]
        check_sheet(sheet, table, by_row[key])


def check_sheet(sheet: Any, planted: Planted, problems: dict[int, list[dict[str, Any]]]) -> None:
    table = table_named(planted.table)
    assert table is not None
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["错误原因 reason", "行号 row"]
    last = sheet.cell(1, len(header)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}{len(planted.rows) + 1}"
    for letter in (sheet.cell(1, n).column_letter for n in range(1, len(header) + 1)):
        assert sheet.column_dimensions[letter].width >= 8, letter
    field_of = {n: table.field_for(h) for n, h in enumerate(header) if n >= 2}
    rows = list(sheet.iter_rows(min_row=2))
    # every row of the table, in its order, with its number
    assert [row[1].value for row in rows] == [number for number, _, _ in planted.rows]
    for row, (number, values, bad) in zip(rows, planted.rows, strict=True):
        # 错误原因 is the report's reasons for the row, in the report's order
        expected = "\n".join(reason_of(p) for p in problems.get(number, []))
        assert (row[0].value or "") == expected, number
        marked = {field_of[n] for n, cell in enumerate(row)
                  if n >= 2 and cell.fill.fill_type and cell.fill.fgColor.rgb == BAD_FILL}
        assert marked == bad, (number, marked, bad)
        # the marked cells are exactly what the report names, with its reasons as comments
        named = {table.field_for(p["column"]) for p in problems.get(number, []) if p["column"]}
        assert marked == named - {None}
        for n, cell in enumerate(row):
            if n < 2:
                continue
            # the cell as uploaded (a formula's text, too), neutralised
            assert cell.value == _neutral(values.get(field_of[n] or "")), (number, header[n])
            if field_of[n] in bad:
                for p in problems[number]:
                    if table.field_for(p["column"] or "") == field_of[n]:
                        assert p["reason_zh"] in cell.comment.text
            else:
                assert cell.comment is None
        for cell in row:  # nothing a spreadsheet would run
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value.lstrip("'")[:1] in FORMULA_STARTS:
                assert cell.value.startswith("'"), cell.value


def _neutral(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


# ---- the command line --------------------------------------------------------------------------


def run_load(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    if settings.audit_key is not None:
        env["AUDIT_KEY"] = settings.audit_key.get_secret_value()
    return subprocess.run(
        [sys.executable, "-m", "graph_service.cli", "load", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_load_writes_the_error_workbook_of_csv_xlsx_and_yaml_inputs(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "organizer"
    folder.mkdir()
    csv_path, areas = areas_csv(folder)
    xlsx_path, (units, located) = region_xlsx(folder)
    yaml_path, buildings = buildings_yaml(folder)
    out, report_json = tmp_path / "errors.xlsx", tmp_path / "report.json"

    done = run_load(settings, str(csv_path), str(xlsx_path), str(yaml_path),
                    "--error-report", str(out), "--report-json", str(report_json))  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "错误工作簿 / error workbook" in done.stdout
    problems = json.loads(report_json.read_text(encoding="utf-8"))["problems"]
    check_workbook(out.read_bytes(), problems, {
        ("区域.csv", None): areas,
        ("region.xlsx", "单位"): units,
        ("region.xlsx", "located_in"): located,
        ("bundle.yaml", "buildings"): buildings,
    })  # fmt: skip
    count = db.driver.execute_query("MATCH (n:Entity) RETURN count(n) AS n", database_=db.database)
    assert count.records[0]["n"] == 0


def test_a_clean_load_writes_no_workbook_and_removes_an_earlier_one(
    settings: Settings, tmp_path: Path
) -> None:
    clean = write_csv(tmp_path / "areas.csv", [["id", "name", "level"], ["A-1", "济南市", "市"]])
    out = tmp_path / "errors.xlsx"
    out.write_bytes(b"an earlier run's workbook")
    done = run_load(settings, str(clean), "--error-report", str(out))
    assert done.returncode == 0, done.stderr
    assert "no problems: no error workbook" in done.stdout
    assert not out.exists()
    missing = run_load(settings, str(clean), "--error-report", str(tmp_path / "nope" / "e.xlsx"))
    assert missing.returncode == 1 and "no such folder for --error-report" in missing.stderr


# ---- the API -----------------------------------------------------------------------------------


def test_post_imports_answers_the_workbook_a_browser_saves(
    settings: Settings, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    csv_path, areas = areas_csv(tmp_path)
    units = Planted("units")
    sheet: list[list[object]] = [["编号", "名称", "单位类型"]]
    for values, bad in (({"id": "U-1", "name": "二七新村派出所", "kind": "派出所"}, ()),
                        ({"id": "U-2", "name": "@和顺", "kind": "小卖部"}, ("kind",))):  # fmt: skip
        sheet.append(list(values.values()))
        units.add(len(sheet), values, *bad)
    xls = write_xls(tmp_path / "units.xls", {"units": sheet})
    parks = Planted("parks")
    ods_rows: list[list[object]] = [["编号", "名称", "园区类型"], ["P-1", "二七园区", "特色园区"],
                                    ["P-2", "", "特色园区"]]  # fmt: skip
    parks.add(2, {"id": "P-1", "name": "二七园区", "kind": "特色园区"})
    parks.add(3, {"id": "P-2", "kind": "特色园区"}, "name")
    ods = write_ods(tmp_path / "parks.ods", {"园区": ods_rows})
    projects = Planted("projects")  # JSON: rows as a table, a list where text belongs
    bundle = tmp_path / "projects.json"
    bundle.write_text(json.dumps({"tables": {"projects": [
        {"id": "PJ-1", "name": "楼道环境整治"},
        {"id": "PJ-2", "name": "+共享书屋", "description": [1, 2]},
    ]}}, ensure_ascii=False), encoding="utf-8")  # fmt: skip
    projects.add(1, {"id": "PJ-1", "name": "楼道环境整治"})
    projects.add(2, {"id": "PJ-2", "name": "+共享书屋", "description": "[1, 2]"}, "description")
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream"))
             for p in (csv_path, xls, ods, bundle)]  # fmt: skip

    with TestClient(create_app(settings), headers=admin_headers) as client:
        plain = client.post("/imports", files=files)  # unchanged without the parameter
        assert plain.status_code == 422
        problems = plain.json()["report"]["problems"]

        answer = client.post("/imports", files=files, params={"error_report": "xlsx"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == XLSX
        assert "attachment" in answer.headers["content-disposition"]
        assert "filename*=UTF-8''%E5%AF%BC%E5%85%A5%E9%94%99%E8%AF%AF.xlsx" in (
            answer.headers["content-disposition"]
        )
        assert answer.headers["x-import-problems"] == str(len(problems))
        assert answer.headers["x-import-written"] == "false"
        check_workbook(answer.content, problems, {
            ("区域.csv", None): areas, ("units.xls", "units"): units,
            ("parks.ods", "园区"): parks, ("projects.json", "projects"): projects,
        })  # fmt: skip
        assert client.get("/areas").json()["total"] == 0

        partial = client.post("/imports", files=files,
                              params={"error_report": "xlsx", "partial": "true"})  # fmt: skip
        assert partial.status_code == 200 and partial.headers["x-import-written"] == "true"
        check_workbook(partial.content, problems, {
            ("区域.csv", None): areas, ("units.xls", "units"): units,
            ("parks.ods", "园区"): parks, ("projects.json", "projects"): projects,
        })  # fmt: skip
        assert client.get("/areas").json()["total"] == 3  # the good rows were written

        clean = [("files", ("areas.csv", "id,name,level\nA-9,济南市,市\n".encode(), "text/csv"))]
        report = client.post("/imports", files=clean, params={"error_report": "xlsx"})
        assert report.status_code == 200
        assert report.headers["content-type"] == "application/json"
        assert report.json()["ok"] and report.json()["counts"]["Area"]["created"] == 1


# ---- any rows ------------------------------------------------------------------------------------

ROW_KINDS = st.sampled_from(["good", "bad_level", "no_name", "formula_name", "bad_and_no_name"])


@hypothesis_settings(max_examples=12, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(kinds=st.lists(ROW_KINDS, min_size=1, max_size=12),
       header=st.sampled_from([("编号", "名称", "层级"), ("id", "name", "level"),
                               ("编号 id", "名称 name", "层级 level")]),
       title=st.booleans())  # fmt: skip
def test_any_planted_rows_come_back_in_order_marked_where_planted(
    db: Database, tmp_path_factory: Any, kinds: list[str], header: tuple[str, str, str],
    title: bool,
) -> None:  # fmt: skip
    """Rows of any mix, under any header style, with or without a title row above the
    header (the rows then keep their Excel numbers, one more)."""
    folder = tmp_path_factory.mktemp("rows")
    planted = Planted("areas")
    rows: list[list[object]] = [["二七新村街道区域名单（2026年）"]] if title else []
    rows.append(list(header))
    for n, kind in enumerate(kinds):
        name = {"no_name": "", "bad_and_no_name": "", "formula_name": f"=A{n}+1"}.get(kind, "社区")
        level = "镇" if kind in ("bad_level", "bad_and_no_name") else "社区"
        bad = {"bad_level": ("level",), "no_name": ("name",),
               "bad_and_no_name": ("name", "level")}.get(kind, ())  # fmt: skip
        rows.append([f"A-{n}", name, level])
        values = {"id": f"A-{n}", "level": level} | ({"name": name} if name else {})
        planted.add(len(rows), values, *bad)
    path = write_csv(folder / "areas.csv", rows)
    out = folder / "errors.xlsx"
    report = import_files(db, [path], dry_run=True, error_report=out)
    problems = [p.as_dict() for p in report.problems]
    if not any(bad for _, _, bad in planted.rows):
        assert report.ok and not out.exists()
        return
    check_workbook(out.read_bytes(), problems, {("areas.csv", None): planted})
