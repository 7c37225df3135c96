"""Terminal output of the CLI: import reports and progress bars (rich)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from graph_service.cli_tables import print_table
from loaders.problems import ImportReport, Problem

MAX_PROBLEMS_SHOWN = 50


#: the phases of an import (graph_service.services.import_progress) and of an export
PHASES = {
    "validate": "校验 validating", "write": "写入 writing", "preview": "比对 comparing",
    "export": "导出 exporting",
}


@contextmanager
def progress_bar(
    console: Console | None = None,
) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress bar on stderr, only when stderr is a terminal (never in piped output):
    the phase, rows done of the total (≈ where it is estimated: validation), and the time
    left. The callback takes ``(phase, done, total)``; a new phase starts the bar again."""
    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield lambda phase, done, total: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(),
        TextColumn("{task.completed:,}/{task.fields[about]}{task.fields[of]} 行 rows"),
        TextColumn("剩余 left"), TimeRemainingColumn(), TextColumn("用时 elapsed"),
        TimeElapsedColumn(), console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("", total=None, about="", of="?")
        shown = [""]

        def advance(phase: str, done: int, total: int | None) -> None:
            if phase != shown[0]:
                shown[0] = phase
                progress.reset(task, total=total, description=PHASES.get(phase, phase),
                               about="≈" if phase == "validate" else "", of="?")  # fmt: skip
            if total is not None and done > total:  # an estimate fell short
                total = done
            progress.update(task, completed=done, total=total,
                            of=f"{total:,}" if total is not None else "?")  # fmt: skip

        yield advance


def print_report(report: ImportReport, console: Console | None = None) -> None:
    """The import report: the counts, then the warnings (the template's example rows left
    in, …: imported all the same), then the problems, each Chinese first and wrapped to
    the terminal without breaking an id or a Latin word (:func:`wrap_message`)."""
    console = console or Console()
    table = Table(title="导入报告 Import report" + ("（试运行 dry run）" if report.dry_run else ""))
    for header in ("类型 kind", "新增 created", "更新 updated", "未变 unchanged", "拒绝 rejected"):
        table.add_column(header, justify="right" if " " in header and header[0] != "类" else "left")
    for kind, counts in sorted(report.counts.items()):
        table.add_row(kind, str(counts.created), str(counts.updated), str(counts.unchanged),
                      str(counts.rejected))  # fmt: skip
    console.print(table)
    _print_problems(console, report.warnings, MAX_WARNINGS_SHOWN, "! 警告 warning: ", "yellow",
                    "条警告 more warnings")  # fmt: skip
    _print_problems(console, report.problems, MAX_PROBLEMS_SHOWN, "✗ ", "red",
                    "个问题 more problems")  # fmt: skip
    if report.problems and not report.written:
        console.print("[bold red]未写入任何数据 / Nothing was written[/bold red]")


MAX_WARNINGS_SHOWN = 20


def problem_text(problem: Problem) -> str:
    """A problem or warning as one message, Chinese first: where (file, sheet, row, column,
    value), then the reason in Chinese, then in English."""
    where = problem.file + (f" [{problem.sheet}]" if problem.sheet else "")
    if problem.row is not None:
        where += f" 第 {problem.row} 行 row"
    if problem.column:
        where += f" 列 column '{problem.column}'"
    if problem.value is not None:
        where += f" 值 value '{problem.value}'"
    both = (problem.reason_zh if problem.reason == problem.reason_zh
            else f"{problem.reason_zh} / {problem.reason}")  # fmt: skip
    return f"{where}：{both}"


def _print_problems(
    console: Console, problems: list[Problem], most: int, marker: str, style: str, more: str
) -> None:  # fmt: skip
    for problem in problems[:most]:
        for line in wrap_message(marker + problem_text(problem), console.width):
            console.print(Text(line, style=style), soft_wrap=True, highlight=False)
    if len(problems) > most:
        console.print(f"… 另有 {len(problems) - most} {more}", highlight=False)


#: CJK punctuation no line starts with (it stays with the character before it)
_CLOSING = set("，。；：、！？）」』》〉%…,.;:!?)")
_OPENING = set("（「『《〈(")


def _atoms(word: str) -> list[str]:
    """A space-free word in the pieces a line may break between: each CJK character (with
    the closing punctuation after it, the opening before it), and each run of other
    characters whole (an id such as EX-AREA-1, a Latin word, a number)."""
    atoms: list[str] = []
    opening = False
    for ch in word:
        wide = cell_len(ch) == 2
        if atoms and (opening or ch in _CLOSING
                      or (not wide and cell_len(atoms[-1][-1]) == 1)):  # fmt: skip
            atoms[-1] += ch
        else:
            atoms.append(ch)
        opening = ch in _OPENING
    return atoms


def wrap_message(text: str, width: int, indent: int = 2) -> list[str]:
    """``text`` in lines of at most ``width`` cells (the lines after the first indented by
    ``indent``), broken at spaces and between Chinese characters, never inside an id or a
    Latin word; a piece wider than a whole line is left whole.

    >>> wrap_message("! 警告：示例行（EX-AREA-1），已照常导入 / imported as it is", 24)
    ['! 警告：示例行', '  （EX-AREA-1），已照常', '  导入 / imported as it', '  is']
    """
    lines: list[str] = []
    line = ""
    for number, word in enumerate(text.split(" ")):
        for index, atom in enumerate(_atoms(word) or [""]):
            joined = line + (" " if index == 0 and number > 0 else "") + atom
            if line.strip() and cell_len(joined) > width:
                lines.append(line.rstrip())
                line = " " * indent + atom
            else:
                line = joined
    lines.append(line.rstrip())
    return lines


def emit_rows(
    rows: list[dict[str, object]], columns: list[tuple[str, str]], fmt: str, out: str | None,
    title: str = "", optional: tuple[str, ...] = (),
) -> None:  # fmt: skip
    """Print or write rows as a table (:mod:`graph_service.cli_tables`: no word broken;
    the columns keyed ``optional`` left out first on a narrow terminal), JSON, CSV or XLSX.

    ``columns`` are (key, header) pairs; CSV and XLSX need ``out`` for XLSX (a file) and
    write CSV to stdout when ``out`` is None. Cells that a spreadsheet would run as a
    formula are neutralised with a leading apostrophe.
    """
    import json
    import sys

    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2, default=str)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return
    if fmt in ("csv", "xlsx"):
        from graph_service.reports import table_bytes

        if fmt == "xlsx" and not out:
            raise ValueError("--format xlsx needs --out FILE")
        cells = [[_cell(row.get(key)) for key, _ in columns] for row in rows]
        body, _ = table_bytes([header for _, header in columns], cells, fmt, title)
        if out:
            Path(out).write_bytes(body)
        else:
            sys.stdout.write(body.decode("utf-8-sig"))
        return
    headers = [header for _, header in columns]
    keys = [key for key, _ in columns]
    print_table(title, headers, [[_text(row.get(key)) for key in keys] for row in rows],
                optional=[keys.index(key) for key in optional])  # fmt: skip


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " › ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("name", value))
    return str(value)


def _cell(value: object) -> str | int:
    """A value as a report cell: a number stays one, anything else as the table shows it
    (the report's writer neutralises formulas)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _text(value)
