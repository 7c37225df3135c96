"""What the readers hand the importer: tables of raw rows, each row with its number."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graph_service.domain.tables import Table
from loaders.problems import Problem


@dataclass
class RawRow:
    """One data row: its number as the organizer sees it (header = row 1 in a sheet or CSV;
    1-based position in a JSON/YAML list), its values by model field, and any problem the
    reader found in its cells (formula, huge cell …)."""

    number: int
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class RawTable:
    """One sheet or file, recognised as a table of the format (see graph_service.domain.tables)."""

    table: Table
    file: str
    sheet: str | None
    rows: Iterator[RawRow]
    encoding: str | None = None  # the text's (CSV, JSON, YAML) as detected; None for XLSX
