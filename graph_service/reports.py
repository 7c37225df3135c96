"""Flat tables (CSV, XLSX) for organizers' reports: the coverage summary, a whole gap list,
the follow-up ledger and the CLI's tables, as the API sends them and the CLI writes them.

**XLSX** is a report to use as it is (:mod:`loaders.sheets`): a title row saying what,
which area and as of when; the header frozen under it with an autofilter; columns as wide
as their contents (a Chinese character counted as two); a rate a number formatted as a
percentage (``0.0%``: it sorts and charts), a date a date. **CSV** is plain data: the
header in the first row, no title row, a rate as its fraction (``0.5789``, four places;
the counts beside it are exact), a date ISO text. docs/exports.md describes each file.

A cell holding text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab
or a carriage return first, after any apostrophes: names come from anyone's import) is sent
with a leading apostrophe, by the same rule as the exports (:func:`loaders.cells.neutralise`);
numbers stay numbers, so a report's columns add up in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph_service.domain.gaps import RULES
from graph_service.domain.kinds import (
    AreaLevel,
    in_chinese,
    kind_in_chinese,
)
from graph_service.errors import InvalidInput
from graph_service.schemas.follow_ups import FollowUpPage
from graph_service.schemas.gaps import AreaCoverage, CoverageRate, CoverageSummary, GapPage
from loaders.cells import neutralise
from loaders.sheets import DATE, HEAD_ROWS, MAX_ROWS, PERCENT, write_sheet

if TYPE_CHECKING:
    from graph_service.db.database import Database

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"
# Data rows of a worksheet below its title and header (Excel's limit is 1,048,576 rows).
SHEET_ROWS = MAX_ROWS - HEAD_ROWS

Cell = str | int
#: what a report's cell may hold: a rate is a float in [0, 1]
ReportCell = str | int | float | dt.date | None


@dataclass(frozen=True)
class ReportColumn:
    """A column of a report: its key (where rows keep it), its bilingual header, and its
    XLSX number format (:data:`~loaders.sheets.PERCENT` for a rate, :data:`~loaders.sheets.DATE`
    for a date; None for text and counts)."""

    key: str
    header: str
    number_format: str | None = None


@dataclass(frozen=True)
class Report:
    """A report's table: ``title`` is the XLSX title row (what, which area, as of when),
    ``sheet`` its tab; ``rows`` hold a value per column, in column order."""

    title: str
    sheet: str
    columns: Sequence[ReportColumn]
    rows: Sequence[Sequence[ReportCell]]


def safe_cell(value: Cell | None) -> Cell:
    """A cell as a spreadsheet should get it: text that would run as a formula gets a
    leading apostrophe; numbers are kept."""
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    return neutralise(value)


def _csv_cell(value: ReportCell) -> Cell:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(value)


def _xlsx_cell(value: ReportCell) -> ReportCell:
    if isinstance(value, str):
        return neutralise(value)
    return value


def sheet_title(text: str) -> str:
    """A worksheet's title from ``text``: without the characters Excel refuses in one
    (``\\ / ? * [ ] :``, each made a space) or that XML cannot hold (control characters,
    dropped), cut to its 31 characters."""
    shown = "".join(ch for ch in text if ch.isprintable())
    return re.sub(r"[\\/?*\[\]:]", " ", shown).strip()[:31] or "report"


def report_bytes(report: Report, fmt: str) -> tuple[bytes, str]:
    """``report`` as CSV (UTF-8 with BOM, for Excel; plain data) or XLSX bytes (a report
    to use as it is), with its media type. Raises :class:`InvalidInput` (field
    ``format``) for XLSX with more rows than a sheet holds."""
    headers = [column.header for column in report.columns]
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows([_csv_cell(value) for value in row] for row in report.rows)
        return ("\ufeff" + text.getvalue()).encode("utf-8"), CSV_MEDIA
    if len(report.rows) > SHEET_ROWS:
        raise InvalidInput(
            f"{len(report.rows):,} rows do not fit in one XLSX sheet ({SHEET_ROWS:,} at most): "
            f"ask for format=csv / 行数超过 XLSX 工作表上限，请改用 csv",
            field="format",
        )
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    cells = ([_xlsx_cell(value) for value in row] for row in report.rows)
    write_sheet(workbook, sheet_title(report.sheet), report.title, headers, cells,
                [column.number_format for column in report.columns])  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), XLSX_MEDIA


def table_bytes(
    headers: Sequence[str], rows: Sequence[Sequence[Cell | None]], fmt: str, title: str
) -> tuple[bytes, str]:
    """A table (the CLI's: supporters, gap counts, the ledger …) as CSV or XLSX bytes, with
    its media type; ``title`` is its title row and tab. Raises :class:`InvalidInput` (field
    ``format``) for XLSX with more rows than a sheet holds."""
    columns = [ReportColumn(str(index), header) for index, header in enumerate(headers)]
    return report_bytes(Report(title, title, columns, rows), fmt)


def _where(area_id: str | None, area_name: str | None) -> str:
    if area_id is None:
        return "全部区域 all areas"
    return f"{area_name}（{area_id}）" if area_name else area_id


# ---- the coverage summary ------------------------------------------------------------------


def _rate(rate: CoverageRate) -> str:
    return "" if rate.rate is None else f"{rate.rate:.1%}"


def _level(level: str | None) -> str:
    """An area's level in Chinese (街道), as the summary shows it."""
    return in_chinese(AreaLevel, level) or ""


def summary_columns() -> list[str]:
    """The headers of the terminal's summary table (:func:`summary_rows`)."""
    return [
        "区域编号 area id", "区域 area", "层级 level",
        "组织覆盖率 organization", "已覆盖/应覆盖", "班子覆盖率 leadership", "已覆盖/应覆盖",
        "队伍覆盖率 team", "已覆盖/应覆盖",
        *(f"{rule.zh} {rule.code}" for rule in RULES),
    ]  # fmt: skip


def summary_rows(summary: CoverageSummary) -> list[list[str | int]]:
    """The summary as the terminal shows it: rates as text (57.9%) beside covered/total.
    Files have the rates as numbers: :func:`summary_report`."""

    def row(item: AreaCoverage) -> list[str | int]:
        return [
            item.area.id, item.area.name, _level(item.area.level),
            _rate(item.organization), f"{item.organization.covered}/{item.organization.total}",
            _rate(item.leadership), f"{item.leadership.covered}/{item.leadership.total}",
            _rate(item.team), f"{item.team.covered}/{item.team.total}",
            *(item.gaps.get(rule.code, 0) for rule in RULES),
        ]  # fmt: skip

    return [row(summary.area), *(row(child) for child in summary.children)]


_RATES = (
    ("organization", "组织覆盖率", "organization"), ("leadership", "班子覆盖率", "leadership"),
    ("team", "队伍覆盖率", "team"),
)  # fmt: skip


_CIRCLE = ("circle", "服务圈覆盖率", "circle")


def summary_report(summary: CoverageSummary) -> Report:
    """The summary as a report: a row for the area, then one per child area; each rate a
    number (percent-formatted in XLSX) with its covered and total counts beside it, then
    the count of each gap. The share inside a service circle is there while its rule is on."""
    columns = [
        ReportColumn("area_id", "区域编号 area id"), ReportColumn("area", "区域 area"),
        ReportColumn("level", "层级 level"),
    ]  # fmt: skip
    rates = [*_RATES, *([_CIRCLE] if summary.area.circle is not None else [])]
    for key, zh, en in rates:
        columns += [
            ReportColumn(key, f"{zh} {en}", PERCENT),
            ReportColumn(f"{key}_covered", f"{zh[:2]}已覆盖 covered"),
            ReportColumn(f"{key}_total", f"{zh[:2]}应覆盖 total"),
        ]
    columns += [ReportColumn(rule.code, f"{rule.zh} {rule.code}") for rule in RULES]

    def row(item: AreaCoverage) -> list[ReportCell]:
        cells: list[ReportCell] = [item.area.id, item.area.name, _level(item.area.level)]
        for key, _, _ in rates:
            rate: CoverageRate = getattr(item, key)
            cells += [rate.rate, rate.covered, rate.total]
        return cells + [item.gaps.get(rule.code, 0) for rule in RULES]

    area = summary.area.area
    title = " · ".join(["覆盖率汇总 coverage", f"{_where(area.id, area.name)} 及下级区域",
                        f"截至 {summary.as_of.isoformat()}"])  # fmt: skip
    rows = [row(summary.area), *(row(child) for child in summary.children)]
    return Report(title, f"覆盖率 {summary.as_of}", columns, rows)


def summary_table(summary: CoverageSummary, fmt: str) -> tuple[bytes, str]:
    """The summary as CSV or XLSX bytes, with its media type."""
    return report_bytes(summary_report(summary), fmt)


# ---- a gap list ----------------------------------------------------------------------------

# (key, header) of a gap list's columns, in the order the CLI and the API write them
GAP_COLUMNS: list[tuple[str, str]] = [
    ("id", "编号 id"), ("name", "名称 name"), ("kind", "类型 kind"), ("where", "位置 where"),
    ("address", "地址 address"), ("related", "相关 related"), ("impact", "影响 impact"),
    ("gap", "问题 gap"), ("fix", "整改建议 fix"),
]  # fmt: skip

#: the enumeration of each label's subkind (a gap's ``subkind``)
def gap_records(
    page: GapPage, addresses: dict[str, str] | None = None
) -> list[dict[str, Cell | None]]:
    """A gap page's rows, keyed as :data:`GAP_COLUMNS`; ``where`` is the area path's names
    from the top down, joined by › ; ``address`` the thing's from ``addresses``
    (:func:`graph_service.db.report_facts.addresses_of`), else empty."""
    known = addresses or {}
    return [
        {"id": g.id, "name": g.name, "kind": kind_in_chinese(g.kind, g.subkind),
         "where": " › ".join(a.name for a in g.area_path), "address": known.get(g.id),
         "related": g.related_name, "impact": g.impact, "gap": g.zh, "fix": g.fix_zh}
        for g in page.items
    ]  # fmt: skip


def gap_report(
    page: GapPage, addresses: dict[str, str] | None = None, area_name: str | None = None
) -> Report:
    """A gap list as a report: its title names the rule, the area (``area_name``), the
    date and the count."""
    columns = [ReportColumn(key, header) for key, header in GAP_COLUMNS]
    rows = [[record[key] for key, _ in GAP_COLUMNS] for record in gap_records(page, addresses)]
    title = " · ".join([f"{page.rule.zh}（{page.rule.code}）", _where(page.area, area_name),
                        f"截至 {page.as_of.isoformat()}", f"共 {page.total} 条"])  # fmt: skip
    return Report(title, f"{page.rule.zh}", columns, rows)


def gap_table(page: GapPage, fmt: str, db: Database | None = None) -> tuple[bytes, str]:
    """A gap list (every row of ``page``) as CSV or XLSX bytes, with its media type. With
    ``db``, each thing's address and the area's name are read (their ids are the page's,
    which its reader may see); without, those cells are empty."""
    addresses: dict[str, str] = {}
    area_name = None
    if db is not None:
        from graph_service.db.report_facts import addresses_of, names_of

        addresses = addresses_of(db, [g.id for g in page.items], page.as_of)
        area_name = names_of(db, [page.area]).get(page.area) if page.area else None
    return report_bytes(gap_report(page, addresses, area_name), fmt)


# ---- the follow-up ledger ------------------------------------------------------------------

# (key, header) of the follow-up ledger's columns (整改台账)
FOLLOW_UP_COLUMNS: list[tuple[str, str]] = [
    ("id", "台账编号 id"), ("rule_zh", "问题类型 gap"), ("subject_id", "对象编号 subject"),
    ("subject_name", "对象名称 name"), ("area_name", "所在区域 area"),
    ("handler", "责任人 handler"),
    ("due", "整改期限 due"), ("status_zh", "状态 status"), ("overdue", "逾期 overdue"),
    ("taken_on", "登记日期 taken on"), ("closed_on", "销号日期 closed on"), ("notes", "备注 notes"),
]  # fmt: skip
_DATES = frozenset({"due", "taken_on", "closed_on"})


def follow_up_report(
    page: FollowUpPage, *, area: str | None = None, area_name: str | None = None,
    today: dt.date | None = None,
) -> Report:  # fmt: skip
    """The follow-ups of ``page`` as a report, dates as dates; the title names the area
    and the day the ledger was read (``today``)."""
    columns = [ReportColumn(key, header, DATE if key in _DATES else None)
               for key, header in FOLLOW_UP_COLUMNS]  # fmt: skip
    rows: list[list[ReportCell]] = []
    for item in page.items:
        record = item.model_dump()
        record["overdue"] = "是" if item.overdue else ""
        rows.append([record[key] for key, _ in FOLLOW_UP_COLUMNS])
    title = f"整改台账 follow-ups · {_where(area, area_name)}"
    if today is not None:
        title += f" · 截至 {today.isoformat()}"
    return Report(f"{title} · 共 {page.total} 条", "整改台账", columns, rows)


def follow_up_table(
    page: FollowUpPage, fmt: str, db: Database | None = None, area: str | None = None,
    today: dt.date | None = None,
) -> tuple[bytes, str]:  # fmt: skip
    """The follow-ups of ``page`` as CSV or XLSX bytes, with its media type; with ``db``,
    the title names ``area`` by its name."""
    area_name = None
    if db is not None and area is not None:
        from graph_service.db.report_facts import names_of

        area_name = names_of(db, [area]).get(area)
    return report_bytes(follow_up_report(page, area=area, area_name=area_name, today=today),
                        fmt)  # fmt: skip
