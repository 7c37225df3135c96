"""What an import tells about its progress: the phase, the rows done, the rows in all.

The importer calls ``progress(phase, done, total)``: ``phase`` is ``"validate"`` (every
row read and checked; ``total`` estimated from the files before reading them, see
:func:`estimate_rows`, or None), then ``"write"`` (the valid rows upserted; ``total`` the
rows validated) or, in a dry run, ``"preview"`` (the same batches compared with the graph,
nothing written). ``done`` counts from 0 at the start of each phase; a scoped import's
retried transaction starts its writing again from 0.

Validation counts one row at a time, and a callback per row (a terminal's bar redrawn
millions of times) would cost as much as checking the rows: rows counted one at a time
(:meth:`PhaseCounter.row`) are told every ``STEP`` rows and once more when the next phase
starts; rows counted by the batch, at every batch.

>>> seen = []
>>> counter = PhaseCounter(lambda *event: seen.append(event))
>>> counter.start("validate", 2_500)
>>> for _ in range(2_500): counter.row()
>>> counter.start("write", 2_500); counter(2_000); counter(500)
>>> seen  # doctest: +NORMALIZE_WHITESPACE
[('validate', 0, 2500), ('validate', 1000, 2500), ('validate', 2000, 2500),
 ('validate', 2500, 2500), ('write', 0, 2500), ('write', 2000, 2500), ('write', 2500, 2500)]
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

    STEP = 1_000

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.phase, self.done, self.told = "validate", 0, 0
        self.total: int | None = None

    def start(self, phase: str, total: int | None) -> None:
        if self.progress and self.done != self.told:  # the last count of the phase before
            self.progress(self.phase, self.done, self.total)
        self.phase, self.done, self.told, self.total = phase, 0, 0, total
        if self.progress:
            self.progress(phase, 0, total)

    def __call__(self, rows: int) -> None:
        """A batch of ``rows`` done."""
        self.done += rows
        if self.progress:
            self.told = self.done
            self.progress(self.phase, self.done, self.total)

    def row(self) -> None:
        """One row done."""
        self.done += 1
        if self.progress and self.done - self.told >= self.STEP:
            self.told = self.done
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
