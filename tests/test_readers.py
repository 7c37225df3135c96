"""The readers: every bad input becomes a Problem naming file, sheet, row and column;
good input in every format and encoding reads the same; CSV memory stays flat."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import tracemalloc
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from graph_service.domain.kinds import UnitKind
from graph_service.domain.models import UnitIn
from graph_service.domain.tables import TABLES
from loaders.cells import unneutralise
from loaders.problems import Problem
from loaders.readers import MAX_CELL_CHARS, _scan, read_tables
from loaders.rows import RawRow, RawTable

# ---- helpers ---------------------------------------------------------------------------------


@dataclass
class Read:
    """Everything a reader yielded, rows consumed in order as the contract asks."""

    tables: list[RawTable] = field(default_factory=list)
    rows: dict[str, list[RawRow]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def only_problem(self) -> Problem:
        assert len(self.problems) == 1, self.problems
        return self.problems[0]


def read(path: Path, display_name: str | None = None) -> Read:
    result = Read()
    for item in read_tables(path, display_name=display_name):
        if isinstance(item, Problem):
            result.problems.append(item)
        else:
            result.tables.append(item)
            result.rows.setdefault(item.table.key, []).extend(item.rows)
    return result


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


AREA_ROWS = [
    ["编号", "名称", "层级"],
    ["A1", "济南市", "市"],
    ["A2", " 市中区 ", "区"],
]


# ---- CSV: encodings --------------------------------------------------------------------------


def test_csv_rows_carry_excel_row_numbers_and_stripped_values(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(
        '编号,名称,层级,备注\nA1,济南市,市,\n\n A2 ,"二七新村街道\n（多行）",街道,  \n',
        encoding="utf-8",
    )
    result = read(path)
    assert result.problems == []
    rows = result.rows["areas"]
    assert [row.number for row in rows] == [2, 4]  # blank row 3 skipped, numbers kept
    assert rows[0].values == {"id": "A1", "name": "济南市", "level": "市"}  # empty note omitted
    assert rows[1].values == {"id": "A2", "name": "二七新村街道\n（多行）", "level": "街道"}
    assert result.tables[0].file == "areas.csv" and result.tables[0].sheet is None


@pytest.mark.parametrize("titles", [
    [["二七新村街道辖区区域名单（2026年）"]],
    [["二七新村街道辖区区域名单"], [], ["填报日期：2026-06-30"]],
])  # fmt: skip
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_title_rows_above_the_header_are_passed_over_and_rows_keep_excel_numbers(
    tmp_path: Path, titles: list[list[str]], kind: str
) -> None:
    rows = [*titles, *AREA_ROWS]
    path = (write_csv(tmp_path / "areas.csv", rows) if kind == "csv"
            else write_xlsx(tmp_path / "r.xlsx", {"区域": rows}))  # fmt: skip
    result = read(path)
    assert result.problems == []
    got = result.rows["areas"]
    assert [row.values["id"] for row in got] == ["A1", "A2"]
    assert [row.number for row in got] == [len(titles) + 2, len(titles) + 3]


def test_a_single_misspelt_header_is_reported_not_taken_for_a_title(tmp_path: Path) -> None:
    """One filled cell that names no column, with no header after it: the header as
    written, and its problem, as before."""
    path = write_csv(tmp_path / "areas.csv", [["编码"], ["A1"]])
    problems = [p.reason_zh for p in read(path).problems]
    assert any(p.startswith("无法识别的列“编码”") for p in problems), problems


def test_gb18030_csv_with_chinese_headers_and_chinese_file_name_reads(tmp_path: Path) -> None:
    rows = [["编号", "名称", "单位类型", "正式党员数"], ["U1", "二七新村派出所", "派出所", "12"]]
    path = write_csv(tmp_path / "单位.csv", rows, encoding="gb18030")
    result = read(path)
    assert result.problems == []
    values = result.rows["units"][0].values
    assert values == {"id": "U1", "name": "二七新村派出所", "kind": "派出所",
                      "formal_party_members": "12"}  # fmt: skip
    unit = UnitIn.model_validate(values)
    assert (unit.kind, unit.formal_party_members) == (UnitKind.POLICE_STATION, 12)


_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from("abcXYZ019 ,;\"'\n\t=-（）、。—·"),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    names=st.lists(_TEXT, min_size=1, max_size=8),
)
def test_csv_encoding_round_trip(encoding: str, names: list[str]) -> None:
    """Whatever Chinese text Excel saved, in any of its encodings, reads back as written
    (stripped; blank cells left out). The Chinese header makes GB18030 text invalid UTF-8,
    as it is in practice."""
    with tempfile.TemporaryDirectory() as folder:
        rows = [["编号", "名称", "备注"]] + [[f"P{i}", "人员", n] for i, n in enumerate(names)]
        path = write_csv(Path(folder) / "人员.csv", rows, encoding=encoding)
        result = read(path)
    assert result.problems == []
    read_rows = result.rows["persons"]
    expected = [unneutralise(n).strip() or None for n in names]  # see exporters.neutralise
    assert [row.values.get("note") for row in read_rows] == expected


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_apostrophe_exports_put_before_formula_like_text_comes_off(
    tmp_path: Path, suffix: str
) -> None:
    rows = [
        ["编号", "名称", "层级", "备注"],
        ["A1", "'=1+1", "市", "''-x"],
        ["A2", "'x", "区", "-"],
    ]
    path = tmp_path / f"areas{suffix}"
    _ = write_csv(path, rows) if suffix == ".csv" else write_xlsx(path, {"areas": rows})
    first, second = read(path).rows["areas"]
    assert (first.values["name"], first.values["note"]) == ("=1+1", "'-x")
    assert (second.values["name"], second.values["note"]) == ("'x", "-")


def test_csv_in_neither_utf8_nor_gb18030_reports_byte_offsets(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_bytes("编号,名称,层级\nA1,".encode() + b"\xff\xfe\xfd" + b",\xe5\xb8\x82\n")
    problem = read(path).only_problem()
    offset = len("编号,名称,层级\nA1,".encode())
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "areas.csv", None, None, None
    )  # fmt: skip
    assert f"UTF-8 at byte offset {offset}" in problem.reason
    assert "GB18030 at byte offset" in problem.reason
    assert "UTF-8" in problem.reason_zh


@settings(max_examples=200, deadline=None)
@given(
    encoding=st.sampled_from(["utf-8", "gb18030"]),
    before=st.text(alphabet=st.characters(codec="gb18030", exclude_categories=("Cs", "Cc"))),
    noise=st.binary(max_size=6).map(lambda b: b.replace(b"\x00", b"\xff")),
    chunk_size=st.integers(min_value=1, max_value=9),
)
def test_scan_finds_the_byte_a_whole_decode_would(
    encoding: str, before: str, noise: bytes, chunk_size: int
) -> None:
    """The chunked pass fails at the same byte as decoding the whole file at once (or
    not at all), wherever the chunk boundaries fall."""
    data = before.encode(encoding) + noise
    try:
        data.decode(encoding)
        expected = None
    except UnicodeDecodeError as error:
        expected = error.start
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_bytes(data)
        assert _scan(path, encoding, chunk_size).bad_offset == expected


def test_binary_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(b"id,name,kind\nU1,x\x00y,enterprise\n")
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row) == ("units.csv", None, None)
    assert "binary data (NUL byte at byte offset 17)" in problem.reason


def test_csv_that_is_really_a_workbook_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "units.csv", {"units": [["id"]]})
    problem = read(path).only_problem()
    assert problem.file == "units.csv" and problem.row is None
    assert "XLSX workbook or zip archive" in problem.reason


def test_utf16_csv_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes("编号,名称\n".encode("utf-16"))
    assert "UTF-16" in read(path).only_problem().reason


# ---- names and headers -----------------------------------------------------------------------


def test_unknown_file_name_suggests_the_closest_table(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "unitss.csv", [["id", "name", "kind"], ["U1", "x", "企业"]])
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "unitss.csv", None, None, None
    )  # fmt: skip
    assert problem.reason == "unknown file name 'unitss': did you mean 'units'?"
    assert "units" in problem.reason_zh


def test_unknown_column_names_it_suggests_a_header_and_withholds_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "units.csv", [["id", "nmae", "kind"], ["U1", "x", "企业"]])
    result = read(path)
    unknown, missing = result.problems  # every header problem at once
    assert (unknown.file, unknown.sheet, unknown.row, unknown.column) == (
        "units.csv", None, 1, "nmae"
    )  # fmt: skip
    assert unknown.reason == "unknown column 'nmae'; did you mean '名称 name'?"
    assert missing.reason == "missing required column '名称 name'"
    assert result.tables == []


def test_duplicate_column_is_a_table_problem(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "units.csv", [["id", "name", "名称", "kind"], ["U1", "a", "b", "企业"]]
    )
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "units.csv", None, 1, "名称"
    )  # fmt: skip
    assert problem.reason.startswith("duplicate column")


def test_missing_required_column_is_named_by_its_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "units.csv", [["id", "name"], ["U1", "a"]])
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "units.csv", None, None, "单位类型 kind"
    )  # fmt: skip
    assert problem.reason == "missing required column '单位类型 kind'"


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_header_style_maps_to_the_same_fields(data: st.DataObject) -> None:
    """English field, Chinese title or bilingual header, in any column order."""
    table = data.draw(st.sampled_from(TABLES))
    columns = data.draw(st.permutations(table.columns))
    headers = [data.draw(st.sampled_from([c.field, c.zh, c.header])) for c in columns]
    values = [f"v{i}" for i in range(len(columns))]
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / f"{table.key}.csv", [headers, values])
        result = read(path)
    assert result.problems == []
    assert result.rows[table.key][0].values == {
        c.field: v for c, v in zip(columns, values, strict=True)
    }


# ---- empty, huge, unsupported ----------------------------------------------------------------


def test_empty_csv_and_header_only_csv_are_problems(tmp_path: Path) -> None:
    (tmp_path / "areas.csv").write_bytes(b"")
    write_csv(tmp_path / "units.csv", [["id", "name", "kind"]])
    problems = read(tmp_path).problems
    assert [(p.file, p.row, p.reason) for p in problems] == [
        (f"{tmp_path.name}/areas.csv", None, "empty: no header row"),
        (f"{tmp_path.name}/units.csv", None, "no data rows below the header"),
    ]


def test_huge_cell_is_a_row_problem_and_is_not_kept(tmp_path: Path) -> None:
    huge = "长" * (MAX_CELL_CHARS + 3000)
    rows = [
        ["编号", "名称", "层级", "备注"],
        ["A1", "济南市", "市", huge],
        ["A2", "市中区", "区", ""],
    ]
    result = read(write_csv(tmp_path / "areas.csv", rows))
    assert result.problems == []
    first, second = result.rows["areas"]
    assert first.values == {"id": "A1", "name": "济南市", "level": "市"}
    [problem] = first.problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "areas.csv", None, 2, "备注"
    )  # fmt: skip
    assert problem.reason == "cell too long: 5000 characters (at most 2000)"
    assert problem.value is not None and len(problem.value) <= 200
    assert second.problems == []


def test_unsupported_extension_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "units.numbers"
    path.write_bytes(b"PK\x03\x04")
    problem = read(path).only_problem()
    assert problem.file == "units.numbers" and problem.row is None
    assert problem.reason.startswith("unsupported file type '.numbers'")
    assert problem.reason_zh.startswith("不支持的文件类型“.numbers”")


def write_xls(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """A minimal OpenDocument spreadsheet (what WPS and LibreOffice save), by hand."""
    from xml.sax.saxutils import escape, quoteattr

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")  # fmt: skip
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
                "</text:p></table:table-cell>")  # fmt: skip

    tables = "".join(
        f"<table:table table:name={quoteattr(title)}>"
        + "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>"
                  for row in rows)
        + "</table:table>"
        for title, rows in sheets.items()
    )  # fmt: skip
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
               f'office:version="1.2"><office:body><office:spreadsheet>{tables}'
               "</office:spreadsheet></office:body></office:document-content>")  # fmt: skip
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)  # fmt: skip
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


UNIT_ROWS = [
    ["编号 id", "名称 name", "单位类型 kind", "正式党员数", "统一社会信用代码"],
    ["U1", "示例公司", "非公企业", 12, "91370100MA3C00000E"],
    [None, None, None, None, None],
    ["U2", "示例协会", "社会组织", None, None],
]


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_xls_and_ods_workbooks_read_like_xlsx(tmp_path: Path, suffix: str) -> None:
    """Excel 97-2003 and WPS/LibreOffice files: a title row, a 说明 sheet skipped, Chinese
    names, whole numbers as numbers, a blank row passed over with the numbers kept."""
    sheets = {"说明 README": [["请在各表中填写"]],
              "单位": [["辖区单位名单（2026年）"], *UNIT_ROWS]}  # fmt: skip
    writer = write_xls if suffix == ".xls" else write_ods
    result = read(writer(tmp_path / f"r{suffix}", sheets))
    assert result.problems == []
    rows = result.rows["units"]
    assert [row.number for row in rows] == [3, 5]
    assert rows[0].values == {"id": "U1", "name": "示例公司", "kind": "非公企业",
                              "formal_party_members": 12,
                              "credit_code": "91370100MA3C00000E"}  # fmt: skip
    assert rows[1].values == {"id": "U2", "name": "示例协会", "kind": "社会组织"}
    assert result.tables[0].sheet == "单位"


def test_a_damaged_xls_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "units.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    problem = read(path).only_problem()
    assert problem.file == "units.xls" and problem.row is None


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    assert read(tmp_path / "nowhere.csv").only_problem().reason == "file not found"


def test_directory_reads_supported_files_sorted_and_flags_stray_spreadsheets(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "units.csv", [["id", "name", "kind"], ["U1", "x", "企业"]])
    write_csv(tmp_path / "areas.csv", AREA_ROWS)
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    (tmp_path / "~$areas.xlsx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / "persons.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    result = read(tmp_path, display_name="upload")
    assert [t.file for t in result.tables] == ["upload/areas.csv", "upload/units.csv"]
    assert [p.file for p in result.problems] == ["upload/persons.xls"]


def test_display_name_names_the_file_and_its_table(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tmp8x2k.upload", AREA_ROWS)
    result = read(path, display_name="区域.csv")
    assert result.problems == [] and result.tables[0].file == "区域.csv"
    assert len(result.rows["areas"]) == 2


def test_rows_read_after_moving_past_the_file_raise(tmp_path: Path) -> None:
    items = list(read_tables(write_csv(tmp_path / "areas.csv", AREA_ROWS)))
    table = items[0]
    assert isinstance(table, RawTable)
    next(table.rows)  # the first row was read while the file was open
    with pytest.raises(RuntimeError, match="consume each table's rows"):
        next(table.rows)


@pytest.mark.slow
def test_streaming_a_200k_row_csv_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["编号", "名称", "政治面貌", "职务", "备注"])
        for n in range(200_000):
            writer.writerow([f"P{n:06d}", f"测试人员{n}", "正式党员", "志愿者", "济南市市中区" * 3])
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    try:
        count = 0
        for item in read_tables(path):
            assert isinstance(item, RawTable)
            for row in item.rows:
                count += 1
                assert not row.problems
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MiB"


# ---- XLSX ------------------------------------------------------------------------------------


def test_xlsx_with_chinese_headers_reads_dates_numbers_and_physical_row_numbers(
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "region.xlsx",
        {
            "说明 README": [["read me"]],
            "会议": [
                ["编号", "名称", "会议日期", "会议类型"],
                [20240524.0, "大工委成立大会", dt.datetime(2024, 5, 24), "全体会议"],
                [None, None, "  ", None],
                ["M2", " 例会 ", dt.datetime(2024, 9, 30), "regular"],
            ],
            "Sheet1": [],
        },
    )
    result = read(path)
    assert result.problems == []
    [table] = result.tables
    assert (table.table.key, table.file, table.sheet) == ("meetings", "region.xlsx", "会议")
    first, second = result.rows["meetings"]
    assert (first.number, second.number) == (2, 4)
    assert first.values["date"] == dt.datetime(2024, 5, 24)
    model = table.table.model
    assert model.model_validate(first.values).model_dump()["id"] == "20240524"
    assert second.values == {"id": "M2", "name": "例会", "date": dt.datetime(2024, 9, 30),
                             "kind": "regular"}  # fmt: skip


def test_formula_cell_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "region.xlsx",
        {"units": [["编号 id", "名称 name", "单位类型 kind"], ["U1", '=A2&"派出所"', "派出所"]]},
    )
    result = read(path)
    assert result.problems == []
    [row] = result.rows["units"]
    assert row.values == {"id": "U1", "kind": "派出所"}
    [problem] = row.problems
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.value) == (
        "region.xlsx", "units", 2, "名称 name", '=A2&"派出所"'
    )  # fmt: skip
    assert problem.reason == "formula cells are not accepted; paste values"
    assert problem.reason_zh == "不接受公式，请粘贴为数值"


def test_excel_error_values_are_cell_problems(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "w.xlsx", {"areas": [["id", "name", "level"], ["A1", "#N/A", "市"]]}
    )
    [row] = read(path).rows["areas"]
    [problem] = row.problems
    assert (problem.row, problem.column, problem.value) == (2, "name", "#N/A")


def test_unknown_sheet_is_a_problem_and_other_sheets_still_read(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "w.xlsx",
        {"区域": AREA_ROWS, "unitz": [["id", "name", "kind"], ["U1", "x", "企业"]]},
    )
    result = read(path)
    problem = result.only_problem()
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "w.xlsx", "unitz", None, None
    )  # fmt: skip
    assert problem.reason == "unknown sheet name 'unitz': did you mean 'units'?"
    assert len(result.rows["areas"]) == 2


def test_xlsx_header_problems_name_the_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", {"units": [["id", "name", "kind", "kindd"], ["U1"]]})
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "w.xlsx", "units", 1, "kindd"
    )  # fmt: skip


def test_value_under_a_blank_header_is_a_row_problem(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "w.xlsx", {"areas": [["id", "name", "level"], ["A1", "x", "市", "?"]]}
    )
    [row] = read(path).rows["areas"]
    [problem] = row.problems
    assert (problem.row, problem.column, problem.value) == (2, "D", "?")


def test_blank_and_header_only_sheets(tmp_path: Path) -> None:
    """A blank sheet of a known table is reported; a header-only one is an empty table
    (the template's unused sheets); a workbook with no data at all is reported once."""
    path = write_xlsx(tmp_path / "w.xlsx", {"units": [], "areas": [["id", "name", "level"]]})
    result = read(path)
    assert [(p.sheet, p.reason) for p in result.problems] == [("units", "empty: no header row")]
    assert [t.table.key for t in result.tables] == ["areas"] and result.rows["areas"] == []
    blank = read(write_xlsx(tmp_path / "blank.xlsx", {"Sheet1": []})).only_problem()
    assert (blank.file, blank.sheet, blank.reason) == (
        "blank.xlsx", None, "no data rows in any sheet"
    )  # fmt: skip


def test_xlsx_that_is_really_a_csv_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "units.xlsx", [["编号", "名称", "单位类型"], ["U1", "x", "企业"]])
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row) == ("units.xlsx", None, None)
    assert "not an XLSX workbook (OOXML zip): it looks like CSV" in problem.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "legacy .xls"),
        (bytes(range(256)) * 4, "it is not a zip file"),
    ],
)
def test_binary_that_is_not_a_workbook_is_refused(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "units.xlsx"
    path.write_bytes(content)
    problem = read(path).only_problem()
    assert problem.file == "units.xlsx" and reason in problem.reason


def test_zip_without_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "zip archive without an Excel workbook" in read(path).only_problem().reason


def _zip_bomb(path: Path, megabytes: int) -> Path:
    """An OOXML-looking zip whose one member is ``megabytes`` MiB of zeros (~1000:1)."""
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(megabytes):
                member.write(zeros)
    return path


def test_zip_bomb_is_refused_by_total_size(tmp_path: Path) -> None:
    path = _zip_bomb(tmp_path / "units.xlsx", 300)
    assert path.stat().st_size < 2 * 1024 * 1024
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row) == ("units.xlsx", None, None)
    assert problem.reason.startswith("refused: the workbook would expand to 300 MiB")


def test_zip_bomb_is_refused_by_compression_ratio(tmp_path: Path) -> None:
    problem = read(_zip_bomb(tmp_path / "units.xlsx", 20)).only_problem()
    assert problem.reason.startswith("refused: 'xl/worksheets/sheet1.xml' is compressed")
    assert "zip bomb" in problem.reason


def test_damaged_workbook_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "<workbook")
    problem = read(path).only_problem()
    assert problem.reason.startswith("the workbook is damaged or not an XLSX file")


def test_sheet_damaged_past_some_rows_reports_where_it_broke(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"areas": [*AREA_ROWS, ["A3", "x", "社区"]]})
    path = tmp_path / "areas.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'r="A4"')]  # cut inside row 4
            target.writestr(member, data)
    result = read(path)
    assert result.problems == []
    rows = result.rows["areas"]
    assert [row.number for row in rows] == [2, 3, 4]
    [problem] = rows[-1].problems
    assert (problem.file, problem.sheet, problem.row) == ("areas.xlsx", "areas", 4)
    assert problem.reason.startswith("the workbook is damaged")


# ---- JSON and YAML ---------------------------------------------------------------------------


def _bundle(**extra: Any) -> dict[str, Any]:
    return {
        "format": "regional-party-network",
        "version": 1,
        "tables": {
            "areas": [{"id": "A1", "name": "济南市", "level": "city", "note": ""}],
            "联系包挂": [{"起点编号": "P1", "终点编号 to_id": "O1", "role": "党建指导员",
                          "since": None}],
        },
        **extra,
    }  # fmt: skip


def test_json_bundle_reads_chinese_table_names_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "region.json"
    path.write_text(json.dumps(_bundle(), ensure_ascii=False), encoding="utf-8")
    result = read(path)
    assert result.problems == []
    assert [(t.table.key, t.sheet) for t in result.tables] == [
        ("areas", "areas"), ("assigned_to", "联系包挂")
    ]  # fmt: skip
    assert result.rows["areas"][0].values == {"id": "A1", "name": "济南市", "level": "city"}
    [link] = result.rows["assigned_to"]
    assert (link.number, link.values) == (1, {"from_id": "P1", "to_id": "O1", "role": "党建指导员"})


def test_plain_mapping_without_tables_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "region.json"
    path.write_text(json.dumps(_bundle()["tables"]), encoding="utf-8")
    result = read(path)
    assert result.problems == [] and set(result.rows) == {"areas", "assigned_to"}


def test_json_that_does_not_parse_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "region.json"
    path.write_text('{"areas": [\n  {"id": "A1",, "name": "x"}\n]}', encoding="utf-8")
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row) == ("region.json", None, None)
    assert problem.reason == "not valid JSON: Expecting property name enclosed in double quotes"\
        " at line 2, column 15"  # fmt: skip
    assert "第 2 行第 15 列" in problem.reason_zh


@pytest.mark.parametrize(
    ("extra", "column", "reason"),
    [
        ({"format": "other"}, "format", "unknown format 'other'"),
        ({"version": 2}, "version", "unsupported version 2"),
        ({"tables": []}, "tables", "'tables' must be a mapping"),
    ],
)
def test_bundle_header_problems(
    tmp_path: Path, extra: dict[str, Any], column: str, reason: str
) -> None:
    path = tmp_path / "region.json"
    path.write_text(json.dumps(_bundle(**extra)), encoding="utf-8")
    problem = read(path).only_problem()
    assert (problem.file, problem.column) == ("region.json", column)
    assert problem.reason.startswith(reason)


def test_bundle_table_and_key_problems(tmp_path: Path) -> None:
    tables = {
        "areaz": [{"id": "A1"}],
        "units": [{"id": "U1", "name": "x", "kind": "企业"}, {"id": "U2", "nmae": "y"}],
        "persons": [{"id": "P1", "name": "x"}, "P2"],
    }
    path = tmp_path / "region.json"
    path.write_text(json.dumps({"tables": tables}), encoding="utf-8")
    result = read(path)
    assert [(p.sheet, p.row, p.column, p.reason) for p in result.problems] == [
        ("areaz", None, None, "unknown table name 'areaz': did you mean 'areas'?"),
        ("units", 2, "nmae", "unknown column 'nmae'; did you mean '名称 name'?"),
    ]
    [first, second] = result.rows["persons"]
    assert first.values == {"id": "P1", "name": "x"} and first.problems == []
    [problem] = second.problems
    assert (problem.sheet, problem.row, problem.value) == ("persons", 2, "P2")


def test_yaml_bundle_keeps_ids_as_text_and_parses_dates(tmp_path: Path) -> None:
    path = tmp_path / "region.yaml"
    path.write_text(
        "format: regional-party-network\nversion: 1\ntables:\n"
        "  meetings:\n    - {id: 0123, name: 例会, date: 2024-05-24, kind: no}\n"
        "  committees:\n    - id: C1\n      name: 街道大工委\n"
        "      kind: 街道大工委\n      note: ~\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.problems == []
    assert result.rows["meetings"][0].values == {
        "id": "0123", "name": "例会", "date": dt.date(2024, 5, 24), "kind": "no"
    }  # fmt: skip
    assert result.rows["committees"][0].values == {"id": "C1", "name": "街道大工委",
                                                   "kind": "街道大工委"}  # fmt: skip


def test_yaml_that_does_not_parse_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "region.yml"
    path.write_text("areas:\n  - id: A1\n   name: [x\n", encoding="utf-8")
    problem = read(path).only_problem()
    assert (problem.file, problem.sheet, problem.row) == ("region.yml", None, None)
    assert problem.reason.startswith("not valid YAML:") and " at line 3, column " in problem.reason


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "region.yaml"
    path.write_text("a: &x [1, 2]\nb: [*x, *x]\n", encoding="utf-8")
    problem = read(path).only_problem()
    assert "aliases (*name) are not accepted at line 2" in problem.reason


def test_bundle_in_a_legacy_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "region.json"
    path.write_bytes(json.dumps({"areas": [{"name": "济南"}]}, ensure_ascii=False).encode("gbk"))
    problem = read(path).only_problem()
    assert problem.reason.startswith("cannot decode the text (UTF-8 at byte offset")


def test_empty_bundle_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "region.json"
    path.write_text(json.dumps({"format": "regional-party-network", "tables": {"areas": []}}))
    assert read(path).only_problem().reason == "no rows in any table"


def test_csv_written_by_excel_with_bom_reads(tmp_path: Path) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(AREA_ROWS)
    path = tmp_path / "areas.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    result = read(path)
    assert result.problems == [] and result.rows["areas"][0].values["id"] == "A1"


# a plain CSV row's quick read (_plain_csv_row) keeps what the full one (_build_row) keeps
_CELL = st.one_of(
    st.text(st.sampled_from(["a", "张", " ", "'", "=", "\t", "\n", "1", "-", '"']), max_size=8),
    st.text(st.sampled_from(["x", " "]), min_size=MAX_CELL_CHARS - 3, max_size=MAX_CELL_CHARS + 3),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_CELL, min_size=0, max_size=6), reference=st.booleans(),
       blank_header=st.booleans())  # fmt: skip
def test_a_plain_csv_row_reads_as_the_full_reader_reads_it(
    cells: list[str], reference: bool, blank_header: bool
) -> None:
    from loaders.readers import _build_row, _is_blank, _Layout, _plain_csv_row, _Where
    from loaders.sheets import NAME_BESIDE

    headers = ["编号 id", "名称 name", "备注 note"]
    fields: list[str | None] = ["id", "name", "note"]
    if reference:  # a name an export writes beside an id: read past
        headers.append(next(iter(NAME_BESIDE.values())))
        fields.append(None)
    if blank_header:  # a column without a header: any value in it is a problem
        headers.append("")
        fields.append(None)
    layout = _Layout(tuple(headers), tuple(fields))
    quick = _plain_csv_row(cells, layout)
    full = _build_row(7, cells, layout, _Where("units.csv"))
    if quick is None:  # not a plain row: only the full read reads it
        assert blank_header or len(cells) > len(headers) or any(
            "'" in cell or len(cell.strip()) > MAX_CELL_CHARS for cell in cells
        ) or len("".join(cells)) > MAX_CELL_CHARS
        return
    assert quick == full.values
    assert full.problems == []
    assert (quick == {}) == _is_blank(cells)
