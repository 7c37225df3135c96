"""What an import tells about its progress: the phase, the rows done, the rows in all.

The importer calls ``progress(phase, done, total)``: ``phase`` is ``"validate"`` (every
row read and checked; ``total`` estimated from the files before reading them, see
:func:`estimate_rows`, or None), then ``"write"`` (the valid rows upserted; ``total`` the
rows validated) or, in a dry run, ``"preview"`` (the same batches compared with the graph,
nothing written). ``done`` counts from 0 at the start of each phase; a scoped import's
retried transaction starts its writing again from 0.

>>> seen = []
>>> counter = PhaseCounter(lambda *event: seen.append(event))
>>> counter.start("validate", 3); counter(1); counter(2)
>>> seen
[('validate', 0, 3), ('validate', 1, 3), ('validate', 3, 3)]
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

Progress = Callable[[str, int, "int | None"], None]

#: files read whole to count their rows only up to this size (JSON, YAML, XLS, ODS)
_PARSED_MAX_BYTES = 20 * 2**20


class PhaseCounter:
    """Counts the rows of the current phase and reports each step to ``progress``."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.phase, self.done = "validate", 0
        self.total: int | None = None

    def start(self, phase: str, total: int | None) -> None:
        self.phase, self.done, self.total = phase, 0, total
        if self.progress:
            self.progress(phase, 0, total)

    def __call__(self, rows: int) -> None:
        self.done += rows
        if self.progress:
            self.progress(self.phase, self.done, self.total)


def estimate_rows(paths: Iterable[Path]) -> int | None:
    """About how many data rows the files (or folders of files) hold, cheaply: CSV lines
    less the header, each sheet's stored dimension less its header, the lists of a JSON or
    YAML bundle; None when a file's count is not known (a large bundle, a sheet without a
    dimension). Title rows and blank lines make it a little high."""
    total = 0
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                count = _rows_of(file)
            except Exception:  # the reader, not the estimate, reports a bad file
                count = None
            if count is None:
                return None
            total += count
    return total


def _rows_of(file: Path) -> int | None:
    suffix = file.suffix.lower()
    if suffix == ".csv":
        with file.open("rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        return max(lines - 1, 0)
    if suffix in (".xlsx", ".xlsm"):
        if not zipfile.is_zipfile(file):
            return 0
        import openpyxl

        book = openpyxl.load_workbook(file, read_only=True)
        try:
            rows = [sheet.max_row for sheet in book.worksheets]
        finally:
            book.close()
        return None if None in rows else sum(max((r or 0) - 1, 0) for r in rows)
    if file.stat().st_size > _PARSED_MAX_BYTES:
        return None
    if suffix in (".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(file))
        return sum(max(book.get_sheet_by_name(n).height - 1, 0) for n in book.sheet_names)
    if suffix in (".json", ".yaml", ".yml"):
        text = file.read_text(encoding="utf-8-sig", errors="replace")
        if suffix == ".json":
            document = json.loads(text)
        else:
            import yaml

            document = yaml.safe_load(text)
        tables = document.get("tables", document) if isinstance(document, dict) else {}
        return sum(len(v) for v in tables.values() if isinstance(v, list)) if isinstance(
            tables, dict) else 0
    return 0
