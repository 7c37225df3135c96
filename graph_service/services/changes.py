"""What changed in an area between two dates: the quarterly report an organizer sends.

:func:`changes` answers, for an area (its whole subtree) and two dates D1 < D2:

* **gaps opened and closed** — every gap rule that is on is run as of D1 and as of D2, the
  very queries of the gap lists (:func:`graph_service.db.gaps.every_gap_read`), not a
  second implementation; a gap is the pair (rule, subject, related id). *Opened*: a gap on
  D2 that was not one on D1 (shown as on D2); *closed*: a gap on D1 that is not one on D2
  (shown as on D1). A thing that was a gap on both dates, even if it was closed and opened
  again in between, is neither;
* **relationships started and ended** (``cypher/planning/relationships_changed.cypher``):
  every dated relationship with one end in the area (the scope rule's walk: the area and
  its descendants, what is located there, the party organizations whose stored area lies
  there) whose ``since`` lies in (D1, D2] — *started*: not current on D1 for that reason,
  current from within the period — or whose ``until`` lies in [D1, D2) — *ended*: current
  on D1, no longer on D2 (``until`` is the last day it counts). One that begins and ends
  inside the period is in both lists. An end outside the caller's areas is shown without
  its details, as supporters are;
* **coverage rates on both dates**, for the area and each child area: the coverage summary
  (:func:`graph_service.db.gaps.coverage_summary`) as of D1 and as of D2.

Everything is scoped like every read: an account asks of its areas only (another area is
not found). The two dates are computed side by side, in two transactions.

:func:`report_sheets` lays the answer out as the report's tables (Chinese sheet names and
bilingual headers, each titled with the area and the period; rates as numbers, dates as
dates, kinds in Chinese, names beside ids); :func:`report_bytes` writes them as one XLSX
workbook in the layout every report shares (:mod:`loaders.sheets`) or one CSV.

>>> changes(db, who, "A-ERQI", from_date=date(2026, 3, 31), to_date=date(2026, 6, 30))
...                                                                  # doctest: +SKIP
Changes(area=AreaRef(id='A-ERQI', ...), opened=[...], closed=[...], ...)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from graph_service.auth.principal import Principal
from graph_service.db import gaps
from graph_service.db.database import Database
from graph_service.db.plans import Plan, step
from graph_service.db.records import native
from graph_service.db.scope import scoped_area_plan, visible_ids_plan
from graph_service.domain.gaps import RULES_BY_CODE
from graph_service.domain.kinds import NodeKind, RelKind, kind_in_chinese
from graph_service.errors import InvalidInput, NotFound
from graph_service.schemas.gaps import AreaCoverage, CoverageRate, CoverageSummary, GapItem
from graph_service.schemas.planning import Changes, RelationshipChange
from graph_service.schemas.support import EntityRef
from graph_service.services.report_book import (
    CSV_MEDIA,
    XLSX_MEDIA,
    Cell,
    Sheet,
    TooManyRows,
    csv_bytes,
    xlsx_bytes,
)
from loaders.sheets import DATE, PERCENT

GapKey = tuple[str, str, str | None]


def _gaps_on(
    db: Database, who: Principal, area: str, day: dt.date
) -> tuple[CoverageSummary, dict[GapKey, GapItem]]:
    """The coverage summary and every gap of every rule that is on, as of ``day``: the
    plans of the summary and of each rule's whole list, run in one read transaction (one
    snapshot of the graph, and not 20 transactions' round trips)."""
    registry = db.registry

    def plan() -> Plan[tuple[CoverageSummary, dict[GapKey, GapItem]]]:
        # the summary first: NotFound for an unknown area
        summary = yield from gaps.coverage_summary_read(registry, who, area, as_of=day).make()
        found: dict[GapKey, GapItem] = {}
        for rule in registry.rules.enabled:
            read = gaps.every_gap_read(registry, who, rule.code, as_of=day, area=area)
            page = yield from read.make()
            found.update({(item.code, item.id, item.related_id): item for item in page.items})
        return summary, found

    return db.read_plan(plan, "changes")


def _relationships_plan(
    who: Principal, area: str, from_date: dt.date, to_date: dt.date
) -> Plan[tuple[list[dict[str, Any]], set[str] | None]]:
    rows = yield step("relationships_changed", scope=[area], from_date=from_date,
                      to_date=to_date)  # fmt: skip
    seen = None
    if who.scope is not None:
        ends = sorted({row["from_id"] for row in rows} | {row["to_id"] for row in rows})
        seen = yield from visible_ids_plan(who, ends)
    return rows, seen


def _end(row: dict[str, Any], side: str, seen: set[str] | None) -> EntityRef:
    ref = EntityRef(id=row[f"{side}_id"], name=row[f"{side}_name"], kind=row[f"{side}_kind"])
    return ref if seen is None or ref.id in seen else ref.hidden()


def _relationship_changes(
    rows: list[dict[str, Any]], seen: set[str] | None, from_date: dt.date, to_date: dt.date
) -> tuple[list[RelationshipChange], list[RelationshipChange]]:
    started, ended = [], []
    for row in rows:
        since, until = native(row["since"]), native(row["until"])
        kind = RelKind(row["type"])
        common = {
            "type": kind.value, "type_zh": kind.spec.zh, "start": _end(row, "from", seen),
            "end": _end(row, "to", seen), "since": since, "until": until,
            "role": None if row["role"] is None else str(row["role"]),
        }  # fmt: skip
        if since is not None and from_date < since <= to_date:
            started.append(RelationshipChange(change="started", **common))
        if until is not None and from_date <= until < to_date:
            ended.append(RelationshipChange(change="ended", **common))
    return started, ended


def changes(
    db: Database, who: Principal, area: str, *, from_date: dt.date, to_date: dt.date
) -> Changes:
    """What changed in ``area`` between ``from_date`` and ``to_date`` (see the module's
    docstring). Raises :class:`InvalidInput` unless ``from_date`` is before ``to_date``,
    :class:`NotFound` for an area that does not exist or lies outside the caller's areas."""
    if from_date >= to_date:
        raise InvalidInput(
            f"from ({from_date}) must be before to ({to_date}) / 起始日期应早于截止日期",
            field="from",
        )
    asked = db.read_plan(lambda: scoped_area_plan(who, area), "changes_scope")
    if asked is None:  # an unscoped principal who named no area: not reachable by the API
        raise NotFound("name an area / 请指定区域")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="changes") as pool:
        before_job = pool.submit(_gaps_on, db, who, asked, from_date)
        after_job = pool.submit(_gaps_on, db, who, asked, to_date)
        try:
            rows, seen = db.read_plan(
                lambda: _relationships_plan(who, asked, from_date, to_date),
                "relationships_changed",
            )
        finally:
            (summary_from, gaps_from), (summary_to, gaps_to) = (
                before_job.result(), after_job.result()
            )
    opened = [item for key, item in gaps_to.items() if key not in gaps_from]
    closed = [item for key, item in gaps_from.items() if key not in gaps_to]
    started, ended = _relationship_changes(rows, seen, from_date, to_date)
    codes = [rule.code for rule in db.registry.rules.enabled]
    return Changes(
        area=summary_to.area.area, from_date=from_date, to_date=to_date,
        opened=opened, closed=closed,
        opened_by_rule={code: n for code, n in _by_rule(opened, codes).items()},
        closed_by_rule={code: n for code, n in _by_rule(closed, codes).items()},
        started=started, ended=ended,
        coverage_from=[summary_from.area, *summary_from.children],
        coverage_to=[summary_to.area, *summary_to.children],
    )  # fmt: skip


def _by_rule(items: list[GapItem], codes: list[str]) -> dict[str, int]:
    counted = Counter(item.code for item in items)
    return {code: counted[code] for code in codes}


# ---- the report's tables ----------------------------------------------------------------------


def _rate(rate: CoverageRate) -> str:
    return "" if rate.rate is None else f"{rate.rate:.1%}"


def _rates(line: AreaCoverage) -> list[str]:
    return [f"{_rate(rate)} ({rate.covered}/{rate.total})"
            for rate in (line.organization, line.leadership, line.team)]  # fmt: skip


def _where(item: GapItem) -> str:
    return " › ".join(step.name for step in item.area_path)


def _gap_rows(items: list[GapItem]) -> list[list[Cell]]:
    return [[item.code, RULES_BY_CODE[item.code].zh if item.code in RULES_BY_CODE else item.zh,
             item.id, item.name, kind_in_chinese(item.kind, item.subkind), _where(item),
             item.related_id, item.related_name, item.impact, item.fix_zh]
            for item in items]  # fmt: skip


def _rel_rows(items: list[RelationshipChange]) -> list[list[Cell]]:
    return [[item.type_zh, item.type, item.start.id or "（权限外）", item.start.name,
             item.end.id or "（权限外）", item.end.name, item.role, item.since,
             item.until] for item in items]  # fmt: skip


GAP_HEADERS = ["规则 rule", "问题 gap", "编号 id", "名称 name", "类型 kind", "位置 where",
               "相关编号 related id", "相关 related", "影响 impact", "整改建议 fix"]  # fmt: skip
REL_HEADERS = ["关系 relationship", "类型 type", "起点编号 from id", "起点 from", "终点编号 to id",
               "终点 to", "角色 role", "开始日期 since", "结束日期 until"]  # fmt: skip
REL_FORMATS = [None] * 7 + [DATE, DATE]
#: the three coverage measures: (attribute, Chinese, English)
_MEASURES = (
    ("organization", "组织覆盖率", "organization"), ("leadership", "班子覆盖率", "leadership"),
    ("team", "队伍覆盖率", "team"),
)  # fmt: skip
COVERAGE_HEADERS = ["区域编号 area id", "区域 area", "层级 level"] + [
    header for _, zh, en in _MEASURES
    for header in (f"{zh}（起）{en} from", f"{zh}（止）{en} to",
                   f"{zh[:2]}已覆盖/应覆盖（起→止）covered/total")
]  # fmt: skip
COVERAGE_FORMATS = [None] * 3 + [PERCENT, PERCENT, None] * len(_MEASURES)


def _coverage_row(before: AreaCoverage, after: AreaCoverage) -> list[Cell]:
    row: list[Cell] = [before.area.id, before.area.name,
                       kind_in_chinese(NodeKind.AREA.value, before.area.level)]  # fmt: skip
    for key, _, _ in _MEASURES:
        b, a = getattr(before, key), getattr(after, key)
        row += [b.rate, a.rate, f"{b.covered}/{b.total} → {a.covered}/{a.total}"]
    return row


def report_sheets(answer: Changes) -> list[Sheet]:
    """The report's tables: coverage on both dates (the area, then each child area), the
    gaps opened, the gaps closed, the relationships started and those ended. Each sheet is
    titled with what it holds, the area and the period (and its count)."""
    by_area = {line.area.id: line for line in answer.coverage_to}
    coverage_rows = [_coverage_row(before, by_area[before.area.id])
                     for before in answer.coverage_from if before.area.id in by_area]  # fmt: skip
    area = f"{answer.area.name}（{answer.area.id}）" if answer.area.name else answer.area.id
    period = f"{answer.from_date.isoformat()} 至 {answer.to_date.isoformat()}"

    def sheet(tab: str, en: str, headers: list[str], rows: list[list[Cell]],
              formats: list[str | None], counted: bool = True) -> Sheet:  # fmt: skip
        parts = [f"{tab} {en}", area, period] + ([f"共 {len(rows)} 条"] if counted else [])
        return Sheet(tab, headers, rows, formats, heading=" · ".join(parts))

    gap_formats: list[str | None] = [None] * len(GAP_HEADERS)
    return [
        sheet("覆盖率变化", "coverage", COVERAGE_HEADERS, coverage_rows, COVERAGE_FORMATS,
              counted=False),
        sheet("新增问题", "gaps opened", GAP_HEADERS, _gap_rows(answer.opened), gap_formats),
        sheet("已消除问题", "gaps closed", GAP_HEADERS, _gap_rows(answer.closed), gap_formats),
        sheet("新建关系", "relationships started", REL_HEADERS, _rel_rows(answer.started),
              REL_FORMATS),
        sheet("结束关系", "relationships ended", REL_HEADERS, _rel_rows(answer.ended),
              REL_FORMATS),
    ]  # fmt: skip


CSV_HEADERS = ["类别 section", "规则或关系 rule or relationship", "编号 id", "名称 name",
               "类型 kind", "位置或对方 where or other end", "日期 date",
               "说明 detail"]  # fmt: skip


def _csv_rows(answer: Changes) -> list[list[Any]]:
    """Every table of the report as rows of one CSV, a section column first."""
    rows: list[list[Any]] = []
    by_area = {line.area.id: line for line in answer.coverage_to}
    span = f"{answer.from_date} → {answer.to_date}"
    for before in answer.coverage_from:
        after = by_area.get(before.area.id)
        if after is not None:
            b, a = _rates(before), _rates(after)
            detail = f"组织 {b[0]} → {a[0]}; 班子 {b[1]} → {a[1]}; 队伍 {b[2]} → {a[2]}"
            rows.append(["覆盖率 coverage", "", before.area.id, before.area.name,
                         before.area.level, "", span, detail])  # fmt: skip
    sections = (("新增问题 opened", answer.opened, answer.to_date),
                ("已消除问题 closed", answer.closed, answer.from_date))  # fmt: skip
    for section, items, day in sections:
        for item in items:
            rows.append([section, item.code, item.id, item.name, item.subkind or item.kind,
                         _where(item), day.isoformat(), item.zh])  # fmt: skip
    for section, rels, field in (("新建关系 started", answer.started, "since"),
                                 ("结束关系 ended", answer.ended, "until")):  # fmt: skip
        for rel in rels:
            when = getattr(rel, field)
            rows.append([section, rel.type, rel.start.id or "（权限外）", rel.start.name,
                         rel.start.kind, f"{rel.end.name or '（权限外）'} ({rel.end.id or ''})",
                         when.isoformat() if when else "", rel.role or rel.type_zh])  # fmt: skip
    return rows


def report_bytes(answer: Changes, fmt: str) -> tuple[bytes, str]:
    """The report as XLSX (a sheet a table) or CSV (one table, a section column first),
    with its media type. Raises :class:`InvalidInput` (field ``format``) for a table beyond
    one sheet's rows."""
    if fmt == "csv":
        return csv_bytes(CSV_HEADERS, _csv_rows(answer)), CSV_MEDIA
    if fmt != "xlsx":
        raise InvalidInput(f"format must be json, csv or xlsx, not {fmt!r}", field="format")
    try:
        return xlsx_bytes(report_sheets(answer)), XLSX_MEDIA
    except TooManyRows as error:
        raise InvalidInput(f"{error}: ask for format=csv / 行数超过 XLSX 工作表上限，请改用 csv",
                           field="format") from None  # fmt: skip
