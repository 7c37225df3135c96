"""Every CLI command that prints a table, at 80 and 120 columns: no line wider than the
terminal (in display cells: a Chinese character takes 2) and no word broken.

A word is a run of characters without a space, Latin or Chinese. Checked against the same
command's output at 5,000 columns, where nothing wraps: every word of the narrow output is
a word of the wide one (a word broken in two leaves pieces that are not), and every word of
the wide one is in the narrow one, except in the columns the narrow table says it left out
("not shown at this width"). The one cut the layout makes, a word wider than a whole line
ending in "…", would be accepted as the start of a wide word; the demo data has none.

The commands run in this process through the real CLI (typer's runner; rich reads
COLUMNS), against the session's Neo4j holding the demo region; a property test renders
random tables through :func:`print_table` and rebuilds every cell from what it drew.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.cli_output import progress_bar
from graph_service.cli_tables import ELLIPSIS, print_table
from graph_service.db.database import Database
from graph_service.services.export_progress import reporting
from graph_service.services.exports import export_graph
from graph_service.services.imports import import_files
from tests.conftest import Neo4jUnderTest

DAY = "2026-06-30"
COMMANDS = {
    "summary": ["summary", "--area", "A-ERQI", "--as-of", DAY],
    "gaps": ["gaps", "--area", "A-ERQI", "--as-of", DAY],
    "gap list": ["gaps", "ORG_UNIT_UNCOVERED", "--area", "A-ERQI", "--as-of", DAY],
    "supporters": ["supporters", "A-JIANXIN", "--as-of", DAY],
    "portfolio": ["portfolio", "PS-WANG-LIXIN", "--as-of", DAY],
    "candidates": ["candidates", "B-HEPING", "--as-of", DAY],
    "what-if": ["what-if", "--area", "A-ERQI", "--remove", "PS-WANG-LIXIN", "--as-of", DAY],
    "weak-points": ["weak-points", "--area", "A-ERQI", "--as-of", DAY],
    "changes": ["changes", "--area", "A-ERQI", "--from", "2016-01-01", "--to", DAY],
    "plan assign": ["plan", "assign", "--area", "A-ERQI", "--as-of", DAY],
    "plan stations": ["plan", "stations", "--area", "A-ERQI", "--k", "2", "--as-of", DAY],
    "follow-ups list": ["follow-ups", "list"],
    "users list": ["users", "list"],
    "audit": ["audit", "--limit", "5"],
}
WIDE = 5_000
#: what a table is drawn with, and a record's rule ("── 3/16 ───")
_DRAWING = re.compile(r"[\s│┃┏┓┗┛┡┩┣┫┳┻╇╋━─├┤┬┴┼└┘┌┐]+")
_OMITTED = "not shown at this width: "


def words(text: str) -> list[str]:
    return [w for w in _DRAWING.split(text) if w]


def wide_columns(printed: str) -> dict[str, list[str]]:
    """A wide table's cells by header: every row is one line, split at its borders."""
    lines = printed.splitlines()
    header = next(line for line in lines if line.startswith("┃"))
    names = [h.strip() for h in header.strip("┃").split("┃")]
    columns: dict[str, list[str]] = {name: [] for name in names}
    for line in lines:
        if line.startswith("│"):
            for name, cell in zip(names, line.strip("│").split("│"), strict=True):
                columns[name].append(cell.strip())
    return columns


@pytest.fixture(scope="module")
def run(demo_database: Database, neo4j_server: Neo4jUnderTest) -> Iterator[object]:
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password,
           "QUERY_TIMEOUT_SECONDS": "300"}  # a busy machine: what-if took over 30 s  # fmt: skip
    runner = CliRunner()

    def invoke(args: list[str], width: int) -> str:
        done = runner.invoke(app, args, env=env | {"COLUMNS": str(width)}, catch_exceptions=False)
        assert done.exit_code == 0, done.output
        return done.stdout

    # rows for the ledger and the accounts (the demo's import is already in the audit trail)
    invoke(["follow-ups", "add", "ORG_UNIT_UNCOVERED", "U-HESHUN", "--handler", "王立新",
            "--due", "2026-12-31", "--notes", "与企业负责人约谈，推动组建党支部"],
           WIDE)  # fmt: skip
    invoke(["users", "add", "wang", "--role", "organizer", "--area", "A-ERQI"], WIDE)
    yield invoke


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_tables_fit_the_terminal_and_break_no_word(run: object, command: str, width: int) -> None:
    assert callable(run)
    narrow: str = run(COMMANDS[command], width)
    wide: str = run(COMMANDS[command], WIDE)
    too_wide = [line for line in narrow.splitlines() if cell_len(line) > width]
    assert not too_wide, "\n".join(too_wide)

    note = re.search(f"（此宽度下省略 {_OMITTED}([^）]*)）", narrow)
    shown = narrow.replace(note.group(0), "") if note else narrow
    known = set(words(wide))
    for word in words(shown):
        if word in known or re.fullmatch(r"\d+/\d+", word):  # a record's number
            continue
        cut = word.endswith(ELLIPSIS) and any(k.startswith(word[:-1]) for k in known)
        assert cut, f"{command} at {width}: '{word}' is no word of the data (broken?)\n{narrow}"

    # not shown: the columns left out (their header and cells), the header of a column
    # with no value (records leave empty values out), the rest of a word cut with "…"
    left_out: set[str] = set()
    columns = wide_columns(wide) if wide.count("┏") == 1 else {}
    for header in note.group(1).split("、") if note else []:
        left_out |= {w for cell in [header, *columns[header]] for w in words(cell)}
    for header, cells in columns.items():
        if not any(cells):
            left_out |= set(words(header))
    cuts = [w[:-1] for w in words(shown) if w.endswith(ELLIPSIS)]
    missing = {w for w in known - set(words(shown)) - left_out
               if not any(w.startswith(cut) for cut in cuts)}  # fmt: skip
    assert not missing, f"{command} at {width}: words not shown: {sorted(missing)}\n{narrow}"


def test_narrow_summary_and_gap_counts_are_still_tables(run: object) -> None:
    """At 80 columns the summary and the gap counts stay tables (rate and covered/total in
    one cell; the English name of each gap left out, and said so), not records."""
    assert callable(run)
    summary: str = run(COMMANDS["summary"], 80)
    assert "┏" in summary and "organization" in words(summary)
    assert "69.2% 9/13" in " ".join(summary.split())  # the demo's organization coverage
    counts: str = run(COMMANDS["gaps"], 80)
    assert "┏" in counts and f"{_OMITTED}gap" in counts


# ---- the layout, on random tables --------------------------------------------------------

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_LATIN = st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x7A)
_WORD = st.one_of(st.text(_HAN, min_size=1, max_size=12), st.text(_LATIN, min_size=1,
                                                                  max_size=16))  # fmt: skip
_CELL = st.lists(_WORD, max_size=5).map(" ".join)


def rebuilt_cells(printed: str, headers: list[str], count: int) -> list[list[str]]:
    """The cells of each of ``count`` rows, rebuilt from a printed table or list of records:
    a cell's pieces on its lines joined by spaces. A table whose cells take more than a
    line has its rows ruled apart."""
    lines = printed.splitlines()
    rows: list[list[str]] = []
    if any(line.startswith("┏") for line in lines):
        block: list[list[str]] = []
        ruled = sum(line.startswith("│") for line in lines) != count

        def close() -> None:
            if block:
                rows.append([" ".join(" ".join(p[i] for p in block).split())
                             for i in range(len(headers))])  # fmt: skip
                block.clear()

        for line in lines:
            if line.startswith("│"):
                block.append([piece.strip() for piece in line.strip("│").split("│")])
                if not ruled:
                    close()
            elif line.startswith(("├", "└")):
                close()
        return rows
    records: list[dict[str, str]] = []
    field = ""
    for line in lines[1:]:
        if re.match(r"\d+/\d+ ─", line):
            records.append({})
            field = ""
        elif line.startswith(" ") and field:
            records[-1][field] = " ".join([records[-1][field], line.strip()]).strip()
        else:
            if not records:  # "（无 none）": no rows
                continue
            field = next(h for h in sorted(headers, key=len, reverse=True) if line.startswith(h))
            records[-1][field] = line[len(field):].strip()
    return [[record.get(h, "") for h in headers] for record in records]


@settings(max_examples=200, deadline=None)
@given(
    width=st.integers(40, 160),
    columns=st.integers(1, 7),
    cells=st.lists(st.lists(_CELL, min_size=7, max_size=7), max_size=6),
)  # fmt: skip
def test_any_table_keeps_every_word_whole_at_any_width(
    width: int, columns: int, cells: list[list[str]]
) -> None:
    headers = [f"h{i} 列{i}" for i in range(columns)]
    rows = [row[:columns] for row in cells]
    buffer = io.StringIO()
    print_table("标题 title", headers, rows, Console(file=buffer, width=width))
    printed = buffer.getvalue()
    assert all(cell_len(line) <= width for line in printed.splitlines()), printed
    rebuilt = rebuilt_cells(printed, headers, len(rows))
    assert len(rebuilt) == len(rows)
    for got_row, want_row in zip(rebuilt, rows, strict=True):
        for got, want in zip(got_row, want_row, strict=True):
            got_words, want_words = got.split(), want.split()
            assert len(got_words) == len(want_words), (got, want, printed)
            for g, w in zip(got_words, want_words, strict=True):
                assert g == w or (g.endswith(ELLIPSIS) and w.startswith(g[:-1])), (g, w)


# ---- progress of imports and exports -----------------------------------------------------

PROGRESS_MARKS = ("校验", "写入", "导出", "━", "\x1b[")


def grid_bundle(folder: Path, count: int) -> Path:
    """``count`` grids under the demo's Jianxin community, and their PART_OF: 2 × count
    rows."""
    folder.mkdir()
    (folder / "areas.csv").write_text("编号 id,名称 name,层级 level\n" + "".join(
        f"A-GRID-{i},网格{i},grid\n" for i in range(count)), encoding="utf-8")  # fmt: skip
    (folder / "part_of.csv").write_text("起点编号 from_id,终点编号 to_id\n" + "".join(
        f"A-GRID-{i},A-JIANXIN\n" for i in range(count)), encoding="utf-8")  # fmt: skip
    return folder


def test_an_import_reports_its_phases_with_their_totals(
    demo_database: Database, tmp_path: Path
) -> None:
    events: list[tuple[str, int, int | None]] = []
    folder = grid_bundle(tmp_path / "grids", 40)
    report = import_files(demo_database, [folder], dry_run=True,
                          progress=lambda *event: events.append(event))  # fmt: skip
    assert report.dry_run and not report.problems
    assert [e for e in events if e[1] == 0] == [("validate", 0, 80), ("preview", 0, 80)]
    assert events[-1] == ("preview", 80, 80)
    events.clear()
    assert import_files(demo_database, [folder],
                        progress=lambda *event: events.append(event)).written  # fmt: skip
    phases = [phase for phase, _, _ in events]
    assert phases == sorted(phases, key=["validate", "write"].index)  # validating, then writing
    assert ("validate", 80, 80) in events and events[-1] == ("write", 80, 80)
    assert all(done <= (total or 0) for _, done, total in events)


def test_an_export_reports_rows_written_of_its_total(
    demo_database: Database, tmp_path: Path
) -> None:
    events: list[tuple[str, int, int | None]] = []
    with reporting(lambda *event: events.append(event)):
        folder = export_graph(demo_database, "csv", tmp_path / "out", area="A-JIANXIN")
    rows = sum(len(f.read_text(encoding="utf-8-sig").splitlines()) - 1
               for f in folder.glob("*.csv"))  # fmt: skip
    assert events[0][:2] == ("export", 0) and (events[0][2] or 0) >= rows  # an upper bound
    assert events[-1] == ("export", rows, rows)  # made exact as each table was written
    assert all(done <= (total or 0) for _, done, total in events)


def test_the_bar_shows_phase_total_and_time_left_on_a_terminal_only() -> None:
    shown = io.StringIO()
    terminal = Console(file=shown, force_terminal=True, width=100)
    with progress_bar(terminal) as advance:
        advance("validate", 0, 1_200)
        advance("validate", 600, 1_200)
        time.sleep(0.3)
        advance("write", 500, 1_150)
        time.sleep(0.3)
    printed = shown.getvalue()
    assert "校验 validating" in printed and "600/≈1,200 行 rows" in printed
    assert "写入 writing" in printed and "500/1,150 行 rows" in printed and "剩余 left" in printed
    piped = io.StringIO()
    with progress_bar(Console(file=piped)) as advance:
        advance("validate", 1, 2)
    assert piped.getvalue() == ""


@pytest.mark.parametrize("command", ["load", "export"])
def test_piped_output_carries_no_progress(
    demo_database: Database, neo4j_server: Neo4jUnderTest, tmp_path: Path, command: str
) -> None:
    """Run as a script runs it (stdout and stderr pipes, not terminals): the report or the
    file's name, and not a character of a progress bar."""
    folder = grid_bundle(tmp_path / "grids", 5)
    args = ["load", str(folder)] if command == "load" else ["export", str(tmp_path / "x.xlsx")]
    env = os.environ | {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
                        "NEO4J_PASSWORD": neo4j_server.password, "COLUMNS": "80"}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "graph_service.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert ("导入报告" in done.stdout) if command == "load" else ("wrote" in done.stdout)
    assert not any(mark in done.stderr for mark in PROGRESS_MARKS), done.stderr
    # the report is a table ("━" in its head): only the bar's own words and escapes
    assert not any(mark in done.stdout for mark in ("校验", "写入 writing", "行 rows", "\x1b["))
