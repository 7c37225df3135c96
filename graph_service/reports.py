"""Flat tables (CSV, XLSX) for organizers' reports: the coverage summary and a whole gap
list, as the API sends them and the CLI writes them.

A cell holding text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab
or a carriage return first, after any apostrophes: names come from anyone's import) is sent
with a leading apostrophe, by the same rule as the exports (:func:`loaders.cells.neutralise`);
numbers stay numbers, so a report's columns add up in Excel."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from graph_service.domain.gaps import RULES
from graph_service.errors import InvalidInput
from graph_service.schemas.follow_ups import FollowUpPage
from graph_service.schemas.gaps import AreaCoverage, CoverageRate, CoverageSummary, GapPage
from loaders.cells import neutralise

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows of a worksheet below its header (Excel's limit is 1,048,576 rows in all).
SHEET_ROWS = 1_048_575

Cell = str | int


def safe_cell(value: Cell | None) -> Cell:
    """A cell as a spreadsheet should get it: text that would run as a formula gets a
    leading apostrophe; numbers are kept."""
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    return neutralise(value)


def sheet_title(text: str) -> str:
    """A worksheet's title from ``text``: without the characters Excel refuses in one
    (``\\ / ? * [ ] :``, each made a space) or that XML cannot hold (control characters,
    dropped), cut to its 31 characters."""
    shown = "".join(ch for ch in text if ch.isprintable())
    return re.sub(r"[\\/?*\[\]:]", " ", shown).strip()[:31] or "report"


def table_bytes(
    headers: Sequence[str], rows: Sequence[Sequence[Cell | None]], fmt: str, title: str
) -> tuple[bytes, str]:
    """A table as CSV (UTF-8 with BOM, for Excel) or XLSX bytes, with its media type.
    Raises :class:`InvalidInput` (field ``format``) for XLSX with more rows than a sheet
    holds."""
    cells = [[safe_cell(value) for value in row] for row in rows]
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(cells)
        return ("\ufeff" + text.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    if len(cells) > SHEET_ROWS:
        raise InvalidInput(
            f"{len(cells):,} rows do not fit in one XLSX sheet ({SHEET_ROWS:,} at most): ask "
            f"for format=csv / 行数超过 XLSX 工作表上限，请改用 csv",
            field="format",
        )
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.append(list(headers))
    for row in cells:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), XLSX_MEDIA


def _rate(rate: CoverageRate) -> str:
    return "" if rate.rate is None else f"{rate.rate:.1%}"


def summary_columns() -> list[str]:
    return [
        "区域编号 area id", "区域 area", "层级 level",
        "组织覆盖率 organization", "已覆盖/应覆盖", "班子覆盖率 leadership", "已覆盖/应覆盖",
        "队伍覆盖率 team", "已覆盖/应覆盖",
        *(f"{rule.zh} {rule.code}" for rule in RULES),
    ]  # fmt: skip


def summary_rows(summary: CoverageSummary) -> list[list[str | int]]:
    def row(item: AreaCoverage) -> list[str | int]:
        return [
            item.area.id, item.area.name, item.area.level or "",
            _rate(item.organization), f"{item.organization.covered}/{item.organization.total}",
            _rate(item.leadership), f"{item.leadership.covered}/{item.leadership.total}",
            _rate(item.team), f"{item.team.covered}/{item.team.total}",
            *(item.gaps.get(rule.code, 0) for rule in RULES),
        ]  # fmt: skip

    return [row(summary.area), *(row(child) for child in summary.children)]


def summary_table(summary: CoverageSummary, fmt: str) -> tuple[bytes, str]:
    """The summary as CSV or XLSX bytes, with its media type."""
    return table_bytes(summary_columns(), summary_rows(summary), fmt, f"覆盖率 {summary.as_of}")


# (key, header) of a gap list's columns, in the order the CLI and the API write them
GAP_COLUMNS: list[tuple[str, str]] = [
    ("id", "编号 id"), ("name", "名称 name"), ("kind", "类型 kind"), ("where", "位置 where"),
    ("related", "相关 related"), ("impact", "影响 impact"), ("gap", "问题 gap"),
    ("fix", "整改建议 fix"),
]  # fmt: skip


def gap_records(page: GapPage) -> list[dict[str, Cell | None]]:
    """A gap page's rows, keyed as :data:`GAP_COLUMNS`; ``where`` is the area path's names
    from the top down, joined by › ."""
    return [
        {"id": g.id, "name": g.name, "kind": g.subkind or g.kind,
         "where": " › ".join(a.name for a in g.area_path), "related": g.related_name,
         "impact": g.impact, "gap": g.zh, "fix": g.fix_zh}
        for g in page.items
    ]  # fmt: skip


def gap_table(page: GapPage, fmt: str) -> tuple[bytes, str]:
    """A gap list (every row of ``page``) as CSV or XLSX bytes, with its media type."""
    rows = [[record[key] for key, _ in GAP_COLUMNS] for record in gap_records(page)]
    headers = [header for _, header in GAP_COLUMNS]
    return table_bytes(headers, rows, fmt, f"{page.rule.code} {page.as_of}")


# (key, header) of the follow-up ledger's columns (整改台账)
FOLLOW_UP_COLUMNS: list[tuple[str, str]] = [
    ("id", "台账编号 id"), ("rule_zh", "问题类型 gap"), ("subject_id", "对象编号 subject"),
    ("subject_name", "对象名称 name"), ("area_name", "所在区域 area"),
    ("handler", "责任人 handler"),
    ("due", "整改期限 due"), ("status_zh", "状态 status"), ("overdue", "逾期 overdue"),
    ("taken_on", "登记日期 taken on"), ("closed_on", "销号日期 closed on"), ("notes", "备注 notes"),
]  # fmt: skip


def follow_up_table(page: FollowUpPage, fmt: str) -> tuple[bytes, str]:
    """The follow-ups of ``page`` as CSV or XLSX bytes, with its media type."""
    rows = []
    for item in page.items:
        record = item.model_dump()
        record["overdue"] = "是" if item.overdue else ""
        rows.append([record[key].isoformat() if hasattr(record[key], "isoformat")
                     else record[key] for key, _ in FOLLOW_UP_COLUMNS])  # fmt: skip
    return table_bytes([h for _, h in FOLLOW_UP_COLUMNS], rows, fmt, "整改台账")
