"""What an import reports: every problem with file, sheet, row, column, value and reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from graph_service.domain.echo import clip


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, in plain Chinese and English.

    ``row`` is the 1-based row number as the organizer sees it in Excel (the header is
    row 1, the first data row is 2); it is None for a problem of a whole file or sheet.
    """

    file: str
    reason: str
    reason_zh: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f" [{self.sheet}]"
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" column '{self.column}'"
        shown = "" if self.value is None else f" value '{self.value}':"
        return f"{where}:{shown} {self.reason} / {self.reason_zh}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def shown_value(value: Any) -> str | None:
    """A cell's value as a problem shows it: clipped (graph_service.domain.echo.clip)."""
    if value is None:
        return None
    return clip(value)


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, status: str, count: int = 1) -> None:
        setattr(self, status, getattr(self, status) + count)


@dataclass
class ImportReport:
    """Counts per kind (node label or relationship type) and every problem found."""

    files: list[str] = field(default_factory=list)
    dry_run: bool = False
    partial: bool = False
    written: bool = False
    counts: dict[str, KindCounts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: what is imported but looks unintended (the template's example rows left in)
    warnings: list[Problem] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)  # file: encoding it was read in

    def count(self, kind: str, status: str, n: int = 1) -> None:
        self.counts.setdefault(kind, KindCounts()).add(status, n)

    @property
    def ok(self) -> bool:
        return not self.problems

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.counts.values():
            total.update(asdict(counts))
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "dry_run": self.dry_run,
            "partial": self.partial,
            "written": self.written,
            "ok": self.ok,
            "counts": {kind: asdict(c) for kind, c in sorted(self.counts.items())},
            "totals": dict(self.totals()),
            "problems": [p.as_dict() for p in self.problems],
            "warnings": [p.as_dict() for p in self.warnings],
            "digests": self.digests,
            "encodings": self.encodings,
        }
