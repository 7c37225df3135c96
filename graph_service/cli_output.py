"""Terminal output of the CLI: import reports and progress bars (rich)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from graph_service.cli_tables import print_table
from loaders.problems import ImportReport

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


def print_report(report: ImportReport) -> None:
    console = Console()
    table = Table(title="导入报告 Import report" + ("（试运行 dry run）" if report.dry_run else ""))
    for header in ("类型 kind", "新增 created", "更新 updated", "未变 unchanged", "拒绝 rejected"):
        table.add_column(header, justify="right" if " " in header and header[0] != "类" else "left")
    for kind, counts in sorted(report.counts.items()):
        table.add_row(kind, str(counts.created), str(counts.updated), str(counts.unchanged),
                      str(counts.rejected))  # fmt: skip
    console.print(table)
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        console.print(f"[red]✗[/red] {escape(str(problem))}", highlight=False)
    if len(report.problems) > MAX_PROBLEMS_SHOWN:
        console.print(f"… and {len(report.problems) - MAX_PROBLEMS_SHOWN} more problems")
    if report.problems and not report.written:
        console.print("[bold red]Nothing was written / 未写入任何数据[/bold red]")


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
