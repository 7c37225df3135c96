"""The error workbook imported back (issue 28): the organizer forwards it, whoever filled
the sheet fixes the marked cells in it and sends it back, and it is imported as it is —
its 错误汇总 sheet, its 错误原因 and 行号 columns and the red marks passed over — against
the real Neo4j."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from graph_service.db.database import Database
from graph_service.services.imports import Source, import_files, write_error_report
from loaders.sheets import ERROR_SUMMARY_SHEET, REASON_HEADER, ROW_HEADER
from tests.test_readers import write_csv, write_xlsx


def test_the_fixed_error_workbook_imports_cleanly_and_stores_every_row(
    db: Database, tmp_path: Path
) -> None:
    areas = write_csv(tmp_path / "区域.csv", [
        ["编号", "名称", "层级"],
        ["A-TOP", "二七新村街道", "街道"],
        ["A-JX", "建新社区", "镇"],  # no level of the list: the bad cell
        ["A-HP", "-和平社区", "社区"],  # formula-like text: neutralised there, exact here
    ], encoding="gb18030")  # fmt: skip
    region = write_xlsx(tmp_path / "辖区.xlsx", {
        "单位": [["二七新村街道辖区单位名单（2026年）"],  # a title row above the header
                 ["编号 id", "名称 name", "单位类型 kind"],
                 ["U-1", "济南泉安物业管理有限公司", "非公企业"],
                 ["U-2", "", "社会组织"]],  # the name is required
    })  # fmt: skip
    first = import_files(db, [areas, region])
    assert {(p.file, p.row) for p in first.problems} == {("区域.csv", 3), ("辖区.xlsx", 4)}
    assert not first.written

    book_path = tmp_path / "errors.xlsx"
    assert write_error_report(first, [Source.of(areas), Source.of(region)], book_path)
    book = load_workbook(book_path)
    assert book.sheetnames[0] == ERROR_SUMMARY_SHEET
    fixed = {"区域": ("层级 level", "社区"), "单位": ("名称 name", "河南大学")}
    assert set(book.sheetnames[1:]) == set(fixed)  # only the tables with a bad row
    for title, (header, value) in fixed.items():
        sheet = book[title]
        headers = [cell.value for cell in sheet[1]]
        assert headers[:2] == [REASON_HEADER, ROW_HEADER]
        bad = [row for row in sheet.iter_rows(min_row=2) if row[0].value]
        assert len(bad) == 1 and bad[0][headers.index(header)].fill.fgColor.rgb == "00FFC7CE"
        bad[0][headers.index(header)].value = value  # fixed; its mark and reason stay
    book.save(book_path)

    again = import_files(db, [book_path])
    assert again.problems == [] and again.written
    assert again.counts["Area"].created == 3 and again.counts["Unit"].created == 2
    with db.driver.session(database=db.database) as session:
        stored = {r["n"]["id"]: dict(r["n"]) for r in session.run("MATCH (n:Entity) RETURN n")}
    assert stored["A-JX"]["level"] == "community" and stored["A-HP"]["name"] == "-和平社区"
    assert stored["U-2"]["name"] == "河南大学" and stored["U-1"]["kind"] == "non_public_enterprise"
    assert not any(key in props for props in stored.values() for key in ("row", "reason"))
    assert len(stored) == 5
    assert import_files(db, [book_path]).totals()["unchanged"] == 5  # and once more: unchanged
