"""The coverage summary as a flat table (CSV, XLSX) for organizers' reports."""

from __future__ import annotations

import csv
import io

from graph_service.domain.gaps import RULES
from graph_service.schemas.gaps import AreaCoverage, CoverageRate, CoverageSummary

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    """The summary as CSV (UTF-8 with BOM, for Excel) or XLSX bytes, with its media type."""
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(summary_columns())
        writer.writerows(summary_rows(summary))
        return ("\ufeff" + text.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"覆盖率 {summary.as_of}")
    sheet.append(summary_columns())
    for values in summary_rows(summary):
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), XLSX_MEDIA
