"""The CLI's output: terminal tables with nothing cut short on a narrow terminal, and
workbooks Excel opens whatever their title and cells."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from graph_service.cli_output import emit_rows
from graph_service.domain.gaps import RULES

COLUMNS = [("code", "规则 code"), ("zh", "问题"), ("en", "gap"), ("count", "数量 count")]


@pytest.mark.parametrize("width", [60, 80, 120])
def test_a_narrow_terminal_keeps_codes_and_chinese_text_whole(
    width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Neither cut short with "…" nor folded into pieces: every rule code and Chinese name
    is a word of what is printed (tests/test_cli_widths.py: every command, and any table)."""
    monkeypatch.setenv("COLUMNS", str(width))
    rows: list[dict[str, object]] = [
        {"code": r.code, "zh": r.zh, "en": r.en, "count": i} for i, r in enumerate(RULES)
    ]
    emit_rows(rows, COLUMNS, "table", None, title="覆盖缺口 gaps")
    printed = capsys.readouterr().out
    assert "…" not in printed
    assert all(cell_len(line) <= width for line in printed.splitlines())
    words = set(re.split(r"[\s│┃]+", printed))
    assert {r.code for r in RULES} <= words and {r.zh for r in RULES} <= words


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=60),
    cells=st.lists(st.one_of(st.integers(-(10**12), 10**12), st.text(max_size=8)),
                   min_size=1, max_size=4),
)  # fmt: skip
def test_any_title_and_cells_make_an_xlsx_excel_opens_as_written(
    title: str, cells: list[int | str]
) -> None:
    """Whatever a report is titled (a gap list's title holds ':'), its workbook is written,
    numbers (counts: far below the 2**53 a sheet holds exactly) stay numbers, and text a
    spreadsheet would run as a formula is text."""
    assume(all("\x00" not in c and c.isprintable() for c in cells if isinstance(c, str)))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "r.xlsx"
        rows: list[dict[str, object]] = [{str(i): c for i, c in enumerate(cells)}]
        emit_rows(rows, [(str(i), f"h{i}") for i in range(len(cells))], "xlsx", str(out),
                  title=title)  # fmt: skip
        sheet = openpyxl.load_workbook(out).active
        assert sheet is not None
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(sheet.title) <= 31 and not set(sheet.title) & set("\\/?*[]:")
    for written, given_cell in zip(values[2], cells, strict=True):  # below title and header
        if isinstance(given_cell, int):
            assert written == given_cell
        elif given_cell[:1] in ("=", "+", "-", "@"):
            assert written == "'" + given_cell
        else:
            assert (written or "") == given_cell


def test_csv_goes_to_stdout_without_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    rows: list[dict[str, object]] = [{"name": "=1+1", "where": ["济南市", "市中区"], "n": 3}]
    emit_rows(rows, [("name", "名称"), ("where", "位置"), ("n", "数")], "csv", None)
    printed = capsys.readouterr().out
    assert not printed.startswith("\ufeff")  # the byte-order mark is for files Excel opens
    assert list(csv.reader(io.StringIO(printed))) == [
        ["名称", "位置", "数"], ["'=1+1", "济南市 › 市中区", "3"]
    ]
